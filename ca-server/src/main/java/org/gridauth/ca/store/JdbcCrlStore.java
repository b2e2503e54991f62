package org.gridauth.ca.store;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.audit.AuditRecord;

/** The CRLs the CA signed, newest by number. */
public final class JdbcCrlStore {

    private final CaDatabase database;
    private final JdbcAuditTrail audit;

    public JdbcCrlStore(CaDatabase database, JdbcAuditTrail audit) {
        this.database = database;
        this.audit = audit;
    }

    /** The number the next CRL gets: one above the highest ever recorded. */
    public BigInteger nextNumber() {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT MAX(crl_number) FROM ca_crl");
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                return BigInteger.valueOf(rs.getLong(1) + 1);
            }
        });
    }

    /** Records a signed CRL with its audit record; a number already used fails on the primary key. */
    public AuditRecord record(X509CRL crl, BigInteger number, int revokedCount, AuditEvent event) {
        return database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ca_crl (crl_number, this_update, next_update, revoked_count, crl_der) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, number.longValueExact());
                insert.setLong(2, crl.getThisUpdate().getTime());
                insert.setLong(3, crl.getNextUpdate().getTime());
                insert.setInt(4, revokedCount);
                insert.setBytes(5, crl.getEncoded());
                insert.executeUpdate();
            } catch (CRLException e) {
                throw new SQLException("the CRL cannot be encoded", e);
            }
            return audit.append(connection, event);
        });
    }

    public Optional<X509CRL> latest() {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT crl_der FROM ca_crl ORDER BY crl_number DESC LIMIT 1");
                 ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try {
                    return Optional.of((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(rs.getBytes(1))));
                } catch (CRLException | CertificateException e) {
                    throw new SQLException("the stored CRL cannot be decoded", e);
                }
            }
        });
    }
}
