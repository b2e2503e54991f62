package org.gridauth.ca.service;

import javax.sql.DataSource;

import org.gridauth.gsi.testing.TestDatabases;

/**
 * The batch suite on PostgreSQL (127.0.0.1:5432, database test): a batch's claims, HPCI-ID checks, reservations and
 * recordings are one query or one statement batch each, and a unique violation inside a statement batch must still
 * send the batch down the one-by-one path; PostgreSQL reports those through BatchUpdateException.
 */
class RaLinkBatchPostgresTest extends RaLinkBatchTest {

    @Override
    protected DataSource newDatabase() {
        return org.gridauth.ca.store.CaDataSources.withCaSettings(TestDatabases.postgres());
    }
}
