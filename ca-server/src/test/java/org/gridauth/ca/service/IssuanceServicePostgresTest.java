package org.gridauth.ca.service;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;

/** The issuance suite on PostgreSQL (127.0.0.1:5432, database test): the same tests, the other database. */
class IssuanceServicePostgresTest extends IssuanceServiceTest {

    @Override
    protected DataSource newDatabase() {
        return org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres());
    }
}
