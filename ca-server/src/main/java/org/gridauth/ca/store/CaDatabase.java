package org.gridauth.ca.store;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

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

    /** Work inside one transaction. */
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs the work in one transaction; any failure rolls everything back. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getAutoCommit()) {
                connection.setAutoCommit(false);
            }
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new GridAuthException(CaError.DATABASE_UNAVAILABLE, e, e.getMessage());
        }
    }

    /** Whether the exception is a unique or primary key violation (SQLSTATE 23505 on H2 and PostgreSQL). */
    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
