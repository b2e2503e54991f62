package org.gridauth.gsi.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

import javax.sql.DataSource;

/**
 * The one transaction pattern every gridauth store uses: work runs on one connection with auto-commit off, commits
 * at the end, and rolls back on any failure. Each store names its own error for a database failure.
 */
public final class Transactions {

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    /**
     * Runs the work in one transaction; any failure rolls everything back. A runtime exception of the work passes
     * through unchanged; an {@link SQLException} becomes {@code failure}'s exception.
     */
    public static <T> T run(DataSource dataSource, Work<T> work, Function<SQLException, RuntimeException> failure) {
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
            throw failure.apply(e);
        }
    }

    /** Whether the exception is a unique or primary key violation (SQLSTATE 23505 on H2 and PostgreSQL). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
