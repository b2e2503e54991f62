package org.gridauth.myproxy.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.jdbc.Transactions;

/**
 * The credential store on H2 (embedded default) or PostgreSQL (several servers sharing one database). The schema is
 * owned by this module and migrated by Flyway at start-up.
 */
public final class JdbcCredentialStore implements CredentialStore {

    private static final String COLUMNS = "username, cred_name, owner_dn, kind, description, retrievers, renewers, key_retrievers, "
            + "trusted_retrievers, chain_pem, encrypted_key, start_time, end_time, created_at";

    private final DataSource dataSource;

    public JdbcCredentialStore(DataSource dataSource) {
        this.dataSource = dataSource;
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/myproxy")
                .table("mp_schema_history").load().migrate();
    }

    @Override
    public void put(StoredCredential c) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM mp_credential WHERE username = ? AND cred_name = ?")) {
                delete.setString(1, c.username());
                delete.setString(2, c.name());
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO mp_credential (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, c.username());
                insert.setString(2, c.name());
                insert.setString(3, c.owner());
                insert.setString(4, c.kind().name());
                insert.setString(5, c.description());
                insert.setString(6, c.retrievers());
                insert.setString(7, c.renewers());
                insert.setString(8, c.keyRetrievers());
                insert.setString(9, c.trustedRetrievers());
                insert.setString(10, Pem.encode(c.chain()));
                insert.setBytes(11, c.encryptedKey());
                insert.setLong(12, c.start().getEpochSecond());
                insert.setLong(13, c.end().getEpochSecond());
                insert.setLong(14, Instant.now().getEpochSecond());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<StoredCredential> find(String username, String name) {
        List<StoredCredential> found = query("SELECT " + COLUMNS + " FROM mp_credential WHERE username = ? AND cred_name = ?", username, name);
        return found.stream().findFirst();
    }

    @Override
    public List<StoredCredential> findAll(String username) {
        return query("SELECT " + COLUMNS + " FROM mp_credential WHERE username = ? ORDER BY cred_name", username);
    }

    @Override
    public boolean delete(String username, String name) {
        return update("DELETE FROM mp_credential WHERE username = ? AND cred_name = ?", username, name) > 0;
    }

    @Override
    public boolean replaceKey(String username, String name, byte[] sealedKey) {
        return inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE mp_credential SET encrypted_key = ? WHERE username = ? AND cred_name = ?")) {
                statement.setBytes(1, sealedKey);
                statement.setString(2, username);
                statement.setString(3, name);
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Lockout lockout(String username) {
        return inTransaction(connection -> read(connection, username));
    }

    @Override
    public Lockout recordFailure(String username, int threshold, Instant lockUntil) {
        try {
            return inTransaction(connection -> countFailure(connection, username, threshold, lockUntil));
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                // Another server inserted the first failure at the same moment; the row exists now, so count again.
                return inTransaction(connection -> countFailure(connection, username, threshold, lockUntil));
            }
            throw e;
        }
    }

    /** One atomic UPDATE, so servers sharing the database count every failure exactly once. */
    private static Lockout countFailure(Connection connection, String username, int threshold, Instant lockUntil) throws SQLException {
        int updated;
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mp_lockout SET failed_attempts = failed_attempts + 1, "
                + "locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END WHERE username = ?")) {
            statement.setInt(1, threshold);
            statement.setLong(2, lockUntil.getEpochSecond());
            statement.setString(3, username);
            updated = statement.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO mp_lockout (username, failed_attempts, locked_until) VALUES (?, 1, ?)")) {
                statement.setString(1, username);
                statement.setLong(2, threshold <= 1 ? lockUntil.getEpochSecond() : 0);
                statement.executeUpdate();
            }
        }
        return read(connection, username);
    }

    @Override
    public void recordSuccess(String username) {
        update("DELETE FROM mp_lockout WHERE username = ?", username);
    }

    private static Lockout read(Connection connection, String username) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT failed_attempts, locked_until FROM mp_lockout WHERE username = ?")) {
            statement.setString(1, username);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? new Lockout(rs.getInt(1), Instant.ofEpochSecond(rs.getLong(2))) : Lockout.NONE;
            }
        }
    }

    @Override
    public int purgeExpired(Instant before) {
        return inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM mp_credential WHERE end_time < ?")) {
                statement.setLong(1, before.getEpochSecond());
                return statement.executeUpdate();
            }
        });
    }

    private List<StoredCredential> query(String sql, String... args) {
        return inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    statement.setString(i + 1, args[i]);
                }
                List<StoredCredential> out = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredCredential(rs.getString(1), rs.getString(2), rs.getString(3),
                                CredentialKind.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), rs.getString(9),
                                Pem.decode(rs.getString(10).getBytes(StandardCharsets.US_ASCII), "stored chain").certificates(),
                                rs.getBytes(11), Instant.ofEpochSecond(rs.getLong(12)), Instant.ofEpochSecond(rs.getLong(13))));
                    }
                }
                return out;
            }
        });
    }

    private int update(String sql, String... args) {
        return inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    statement.setString(i + 1, args[i]);
                }
                return statement.executeUpdate();
            }
        });
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return Transactions.run(dataSource, work, e -> new StoreException("the credential database failed: " + e.getMessage(), e));
    }

    /** The database is unreachable or refused the operation; nothing was changed. */
    public static final class StoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
