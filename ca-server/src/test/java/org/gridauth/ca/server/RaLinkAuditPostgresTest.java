package org.gridauth.ca.server;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;

/**
 * The audit query on PostgreSQL (127.0.0.1:5432, database test): the filters are LIKE with an escape character,
 * LOWER on a TEXT column and LIMIT with a parameter, which the two databases must read the same way.
 */
class RaLinkAuditPostgresTest extends RaLinkAuditTest {

    @Override
    protected DataSource newDatabase() {
        return org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres());
    }
}
