package org.gridauth.certmanager.registry;

import java.util.Map;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.postgresql.ds.PGSimpleDataSource;

@DisplayName("Office registries on PostgreSQL")
class RegistryImportOnPostgresTest extends RegistryImportContract {

    @Override
    DataSource database() {
        return TestDatabases.postgres();
    }

    @Override
    Map.Entry<String, DataSource> officeDatabase() {
        PGSimpleDataSource office = (PGSimpleDataSource) TestDatabases.postgres();
        return Map.entry("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + office.getCurrentSchema(), office);
    }
}
