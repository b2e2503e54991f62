package org.gridauth.ca.service;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.gridauth.ca.CaError;
import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ca.crl.StreamingCrl;
import org.gridauth.ca.policy.CrlSchedule;
import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.ca.store.JdbcCrlStore;
import org.gridauth.ca.token.CaKey;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.trust.TrustDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes, records and publishes CRLs (R-CA-5). Numbers come from the database and only grow. A CRL is streamed from
 * the revoked rows into {@link StreamingCrl}, signed by the CA key, written once into temporary files beside the
 * published ones ({@code crl.der}, {@code crl.pem} and {@code <hash>.r0}, a hard link to the PEM), recorded with
 * its audit record (number, dates, entry count and SHA-256; the files are the artefact, not a database blob), and
 * then moved over the published files atomically: readers see the old or the new file, never half of one.
 */
public final class CrlService {

    private static final Logger LOG = LoggerFactory.getLogger(CrlService.class);
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    /** A CRL as recorded and published. */
    public record PublishedCrl(BigInteger number, Instant thisUpdate, Instant nextUpdate, long revokedCount, String sha256, Path der) {

        /** Parses the published DER file (tests, operators; the CA itself never needs to). */
        public X509CRL read() {
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(der), 1 << 20)) {
                return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
            } catch (IOException | CRLException | CertificateException e) {
                throw new GridAuthException(CaError.INTERNAL, e, "cannot read " + der + ": " + e.getMessage());
            }
        }
    }

    private final CaKey caKey;
    private final JdbcCertificateStore certificates;
    private final JdbcCrlStore crls;
    private final CrlSchedule schedule;
    private final Path publishDir;
    private final Clock clock;

    public CrlService(CaKey caKey, JdbcCertificateStore certificates, JdbcCrlStore crls, CrlSchedule schedule, Path publishDir, Clock clock) {
        this.caKey = caKey;
        this.certificates = certificates;
        this.crls = crls;
        this.schedule = schedule;
        this.publishDir = publishDir;
        this.clock = clock;
    }

    public CrlSchedule schedule() {
        return schedule;
    }

    /** Makes, records and publishes a new CRL now. */
    public synchronized PublishedCrl issueNow(String actor, String why) {
        for (int attempt = 1; ; attempt++) {
            try {
                return issueOnce(actor, why);
            } catch (GridAuthException e) {
                // Another CA process (an operator's 'gridauth ca crl' beside the daemon) took the same number.
                if (attempt == 3 || e.code() != CaError.DATABASE_UNAVAILABLE || !isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private PublishedCrl issueOnce(String actor, String why) {
        BigInteger number = crls.nextNumber();
        Instant thisUpdate = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant nextUpdate = thisUpdate.plus(schedule.validity());
        StreamingCrl crl = new StreamingCrl();
        certificates.forEachRevoked((serial, revokedAt, reason) -> crl.add(serial, Instant.ofEpochMilli(revokedAt), reason));
        String issuerHash = TrustDirectory.subjectHash(caKey.certificate().getSubjectX500Principal());
        Staged staged;
        try {
            StreamingCrl.Signed signed = crl.sign(caKey.certificate(), caKey.signer(), number, thisUpdate, nextUpdate);
            staged = stage(signed, issuerHash);
        } catch (IOException e) {
            throw new GridAuthException(CaError.CRL_PUBLISH_FAILED, e, publishDir, e.getMessage());
        }
        try {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("crlNumber", number.toString());
            details.put("revoked", Long.toString(crl.count()));
            details.put("nextUpdate", nextUpdate.toString());
            details.put("sha256", staged.sha256());
            details.put("why", why);
            crls.record(number, thisUpdate, nextUpdate, crl.count(), staged.sha256(), new AuditEvent("CRL_ISSUED", actor, "CRL " + number, details));
        } catch (RuntimeException e) {
            staged.discard();
            throw e;
        }
        try {
            staged.publish(issuerHash);
        } catch (IOException e) {
            staged.discard();
            // Recorded but not published: ensureFresh() notices the published file is not the newest CRL and makes another.
            throw new GridAuthException(CaError.CRL_PUBLISH_FAILED, e, publishDir, e.getMessage());
        }
        LOG.info("CRL {} with {} revoked certificates published, next update {}", number, crl.count(), nextUpdate);
        return new PublishedCrl(number, thisUpdate, nextUpdate, crl.count(), staged.sha256(), publishDir.resolve("crl.der"));
    }

    /**
     * Issues a CRL if none exists, the newest is within the re-issue margin of its nextUpdate, a certificate was
     * revoked after it was made (a revocation whose immediate CRL failed is caught up here), or the published file
     * is not the newest CRL (a crash between recording and publishing); returns the current one.
     */
    public synchronized PublishedCrl ensureFresh() {
        Optional<JdbcCrlStore.CrlRecord> latest = crls.latest();
        if (latest.isEmpty() || schedule.due(latest.get().nextUpdate(), clock.instant())) {
            return issueNow("ca", latest.isEmpty() ? "first CRL" : "scheduled: nextUpdate " + latest.get().nextUpdate() + " is near");
        }
        JdbcCrlStore.CrlRecord current = latest.get();
        if (certificates.revokedCount() > current.revokedCount()) {
            return issueNow("ca", "certificates were revoked after the CRL of " + current.thisUpdate());
        }
        Path der = publishDir.resolve("crl.der");
        if (current.sha256() != null && !current.sha256().equals(sha256Of(der))) {
            return issueNow("ca", "the published CRL is not CRL " + current.number());
        }
        return new PublishedCrl(current.number(), current.thisUpdate(), current.nextUpdate(), current.revokedCount(), current.sha256(), der);
    }

    private static String sha256Of(Path file) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The new CRL in temporary files beside the published ones. */
    private record Staged(Path der, Path pem, Path r0, String sha256) {

        void publish(String issuerHash) throws IOException {
            Path dir = der.getParent();
            Files.move(der, dir.resolve("crl.der"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(pem, dir.resolve("crl.pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(r0, dir.resolve(issuerHash + ".r0"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        }

        void discard() {
            for (Path p : List.of(der, pem, r0)) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", p, e.getMessage());
                }
            }
        }
    }

    /** Writes DER and PEM in one pass over the encoded CRL, each synced to disk before it may be published. */
    private Staged stage(StreamingCrl.Signed signed, String issuerHash) throws IOException {
        Files.createDirectories(publishDir);
        removeStaleTemporaries();
        List<Path> temporary = new ArrayList<>();
        try {
            Path der = temporary(temporary, "crl.der");
            Path pem = temporary(temporary, "crl.pem");
            MessageDigest digest;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (FileChannel derChannel = FileChannel.open(der, StandardOpenOption.WRITE);
                 FileChannel pemChannel = FileChannel.open(pem, StandardOpenOption.WRITE)) {
                OutputStream pemFile = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(pemChannel), 1 << 20);
                pemFile.write("-----BEGIN X509 CRL-----\n".getBytes(StandardCharsets.US_ASCII));
                OutputStream base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).wrap(new FilterOutputStream(pemFile) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush(); // the PEM file stays open for its last line
                    }
                });
                OutputStream derFile = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(derChannel), 1 << 20);
                OutputStream both = new DigestOutputStream(new Tee(derFile, new BufferedOutputStream(base64, 1 << 16)), digest);
                signed.writeTo(both);
                both.flush();
                base64.close();
                pemFile.write("\n-----END X509 CRL-----\n".getBytes(StandardCharsets.US_ASCII));
                pemFile.flush();
                derFile.flush();
                derChannel.force(true);
                pemChannel.force(true);
            }
            Path r0 = publishDir.resolve("." + issuerHash + ".r0." + Long.toHexString(System.nanoTime()) + ".tmp");
            try {
                Files.createLink(r0, pem);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(pem, r0, StandardCopyOption.COPY_ATTRIBUTES);
            }
            temporary.add(r0);
            return new Staged(der, pem, r0, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException | RuntimeException e) {
            for (Path p : temporary) {
                Files.deleteIfExists(p);
            }
            throw e;
        }
    }

    /** Temporary files a crashed CA process left (an hour old: no CRL takes that long to write). */
    private void removeStaleTemporaries() {
        Instant before = clock.instant().minus(java.time.Duration.ofHours(1));
        try (var files = Files.newDirectoryStream(publishDir, ".*.tmp")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if ((name.startsWith(".crl.") || name.contains(".r0.")) && Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                    Files.deleteIfExists(file);
                    LOG.info("removed {} left by an interrupted CRL publication", file);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean temporary files in {}: {}", publishDir, e.getMessage());
        }
    }

    private Path temporary(List<Path> made, String name) throws IOException {
        Path file = Files.createTempFile(publishDir, "." + name + ".", ".tmp");
        made.add(file);
        try {
            Files.setPosixFilePermissions(file, WORLD_READABLE);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions apply
        }
        return file;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems cannot sync a directory; the renames are atomic all the same.
        }
    }

    /** Writes every byte to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] data, int off, int len) throws IOException {
            a.write(data, off, len);
            b.write(data, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

}
