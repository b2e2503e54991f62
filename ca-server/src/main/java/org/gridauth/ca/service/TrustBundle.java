package org.gridauth.ca.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.gridauth.gsi.trust.TrustDirectory;

/**
 * The IGTF-style trust bundle of this CA: a tar.gz holding {@code <hash>.0}, {@code .signing_policy},
 * {@code .namespaces}, {@code .info}, {@code .crl_url} and, when there is one, the CRL as {@code .r0}, written by
 * gsi-core's {@link TrustDirectory} so that sites unpack it into {@code /etc/grid-security/certificates} as is.
 */
public final class TrustBundle {

    private TrustBundle() {
    }

    public static byte[] tarGz(X509Certificate ca, NamespacePolicy namespace, IgtfInfo info, X509CRL crl, Instant mtime) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("gridauth-bundle");
            TrustDirectory trust = new TrustDirectory(dir);
            trust.install(ca, namespace, info);
            if (crl != null) {
                trust.installCrl(crl);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes); Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    writeEntry(gzip, file.getFileName().toString(), Files.readAllBytes(file), mtime);
                }
                gzip.write(new byte[1024]);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    /** One ustar entry: a 512-byte header, the content, padding to 512 bytes. */
    private static void writeEntry(java.io.OutputStream out, String name, byte[] content, Instant mtime) throws IOException {
        byte[] header = new byte[512];
        put(header, 0, name, 100);
        put(header, 100, octal(0644, 7), 8);
        put(header, 108, octal(0, 7), 8);
        put(header, 116, octal(0, 7), 8);
        put(header, 124, octal(content.length, 11), 12);
        put(header, 136, octal(mtime.getEpochSecond(), 11), 12);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        header[156] = '0';
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        put(header, 265, "root", 32);
        put(header, 297, "root", 32);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, octal(sum, 6), 7);
        header[155] = ' ';
        out.write(header);
        out.write(content);
        int pad = (512 - content.length % 512) % 512;
        out.write(new byte[pad]);
    }

    private static String octal(long value, int digits) {
        String text = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - text.length())) + text;
    }

    private static void put(byte[] header, int offset, String text, int length) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

}
