package org.gridauth.ca.store;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.jdbc.Transactions;

/**
 * The CA's database (H2 embedded by default, PostgreSQL in production), migrated by Flyway at start-up. The schema
 * belongs to this module only.
 */
public final class CaDatabase {

    private final DataSource dataSource;

    public CaDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/ca").table("ca_schema_history").load().migrate();
        } catch (FlywayException e) {
            throw new GridAuthException(CaError.DATABASE_UNAVAILABLE, e, e.getMessage());
        }
    }

    /** Runs the work in one transaction; any failure rolls everything back. */
    public <T> T inTransaction(Transactions.Work<T> work) {
        return Transactions.run(dataSource, work, e -> new GridAuthException(CaError.DATABASE_UNAVAILABLE, e, e.getMessage()));
    }

    /** Throws GA-CA-020 unless the database answers a query now; the health check's probe. */
    public void ping() {
        inTransaction(connection -> {
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Whether the exception is a unique or primary key violation (SQLSTATE 23505 on H2 and PostgreSQL). */
    static boolean isUniqueViolation(Throwable e) {
        return Transactions.isUniqueViolation(e);
    }
}
