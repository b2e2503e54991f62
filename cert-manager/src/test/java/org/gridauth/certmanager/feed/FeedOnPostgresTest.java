package org.gridauth.certmanager.feed;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Sites' feed over HTTPS, on PostgreSQL")
class FeedOnPostgresTest extends FeedContract {

    @Override
    DataSource database() {
        return TestDatabases.postgres();
    }
}
