package org.gridauth.certmanager.registry;

import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Office registries on H2")
class RegistryImportOnH2Test extends RegistryImportContract {

    @Override
    DataSource database() {
        return TestDatabases.h2();
    }

    @Override
    Map.Entry<String, DataSource> officeDatabase() {
        String url = "jdbc:h2:mem:office-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        return Map.entry(url, h2);
    }
}
