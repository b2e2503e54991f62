package org.gridauth.ca.crl;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.gridauth.gsi.dn.GridDn;

/**
 * An X.509 v2 CRL (RFC 5280 5.1) encoded in DER by hand, entry by entry, so that a million revocations need neither
 * a million objects nor a re-parse: entries are appended as they are read from the database into one byte buffer
 * (about 37 bytes each), the to-be-signed part is fed to the CA key's {@link ContentSigner} as it is, and
 * {@link #writeTo} writes the signed CertificateList in one pass. The encoding is the one gsi-core's
 * {@code CrlMaker} (Bouncy Castle) produces for the same entries in the same order: version 2, the issuer's
 * subject, UTCTime up to 2049 and GeneralizedTime after, a reasonCode entry extension except for reason 0
 * (unspecified, RFC 5280 5.3.1), and the cRLNumber and authorityKeyIdentifier CRL extensions.
 */
public final class StreamingCrl {

    private static final byte[] REASON_CODE_OID = {0x06, 0x03, 0x55, 0x1d, 0x15};
    private static final byte SEQUENCE = 0x30;
    private static final byte INTEGER = 0x02;

    private byte[] entries = new byte[1 << 16];
    private int used;
    private long count;

    /** Appends one revoked certificate (reason as RFC 5280 CRLReason, 0..10). */
    public void add(BigInteger serial, Instant revoked, int reason) {
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("serial numbers are positive");
        }
        if (reason < 0 || reason > 10 || reason == 7) {
            throw new IllegalArgumentException("no CRL reason " + reason);
        }
        byte[] number = serial.toByteArray();
        byte[] time = time(revoked);
        int extensions = reason == 0 ? 0 : 14; // 30 0c 30 0a 06 03 55 1d 15 04 03 0a 01 rr
        int content = 1 + lengthOfLength(number.length) + number.length + time.length + extensions;
        ensure(1 + lengthOfLength(content) + content);
        entries[used++] = SEQUENCE;
        used = putLength(entries, used, content);
        entries[used++] = INTEGER;
        used = putLength(entries, used, number.length);
        System.arraycopy(number, 0, entries, used, number.length);
        used += number.length;
        System.arraycopy(time, 0, entries, used, time.length);
        used += time.length;
        if (reason != 0) {
            byte[] extension = {SEQUENCE, 0x0c, SEQUENCE, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, (byte) reason};
            System.arraycopy(extension, 0, entries, used, extension.length);
            used += extension.length;
        }
        count++;
    }

    public long count() {
        return count;
    }

    /** The signed CRL: its DER is written by {@link #writeTo}. */
    public final class Signed {
        private final byte[] head;
        private final byte[] tbsHead;
        private final byte[] revokedHead;
        private final byte[] tail;
        private final long length;

        private Signed(byte[] head, byte[] tbsHead, byte[] revokedHead, byte[] tail) {
            this.head = head;
            this.tbsHead = tbsHead;
            this.revokedHead = revokedHead;
            this.tail = tail;
            this.length = (long) head.length + tbsHead.length + revokedHead.length + used + tail.length;
        }

        /** Bytes of the DER CertificateList. */
        public long length() {
            return length;
        }

        public long count() {
            return count;
        }

        /** Writes the DER CertificateList. */
        public void writeTo(OutputStream out) throws IOException {
            out.write(head);
            out.write(tbsHead);
            out.write(revokedHead);
            out.write(entries, 0, used);
            out.write(tail);
        }
    }

    /**
     * Signs the CRL: the TBSCertList (version, signature algorithm, issuer, thisUpdate, nextUpdate, the entries,
     * cRLNumber and authorityKeyIdentifier) goes through {@code signer}, whatever holds the key.
     */
    public Signed sign(X509Certificate issuer, ContentSigner signer, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate) throws IOException {
        byte[] algorithm = signer.getAlgorithmIdentifier().getEncoded(ASN1Encoding.DER);
        byte[] name = GridDn.of(issuer.getSubjectX500Principal()).toX500Name().getEncoded(ASN1Encoding.DER);
        ExtensionsGenerator generator = new ExtensionsGenerator();
        generator.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
        try {
            generator.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("SHA-1 for the key identifier is missing", e);
        }
        byte[] extensions = generator.generate().getEncoded(ASN1Encoding.DER);
        byte[] crlExtensions = concat(new byte[] {(byte) 0xa0}, length(extensions.length), extensions);

        byte[] fixed = concat(new byte[] {INTEGER, 0x01, 0x01}, algorithm, name, time(thisUpdate), time(nextUpdate));
        byte[] revokedHead = count == 0 ? new byte[0] : concat(new byte[] {SEQUENCE}, length(used));
        long tbsContent = (long) fixed.length + revokedHead.length + (count == 0 ? 0 : used) + crlExtensions.length;
        byte[] tbsHead = concat(new byte[] {SEQUENCE}, length(tbsContent), fixed);
        if (count == 0) {
            used = 0;
        }
        try (OutputStream tbs = signer.getOutputStream()) {
            tbs.write(tbsHead);
            tbs.write(revokedHead);
            tbs.write(entries, 0, used);
            tbs.write(crlExtensions);
        }
        byte[] signature = signer.getSignature();
        byte[] signatureValue = concat(new byte[] {0x03}, length(signature.length + 1L), new byte[] {0x00}, signature);
        byte[] tail = concat(crlExtensions, algorithm, signatureValue);
        long total = tbsHead.length + revokedHead.length + used + tail.length;
        byte[] head = concat(new byte[] {SEQUENCE}, length(total));
        return new Signed(head, tbsHead, revokedHead, tail);
    }

    // DER helpers

    /**
     * UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), whole seconds, Z. Digits are written
     * directly: String.format took a third of the encoding time of a million entries.
     */
    static byte[] time(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("a CRL time must be between the years 0 and 9999: " + instant);
        }
        boolean utc = year >= 1950 && year < 2050;
        byte[] out = new byte[utc ? 15 : 17];
        out[0] = (byte) (utc ? 0x17 : 0x18);
        out[1] = (byte) (out.length - 2);
        int at = 2;
        if (!utc) {
            at = digits(out, at, year / 100);
        }
        at = digits(out, at, year % 100);
        at = digits(out, at, t.getMonthValue());
        at = digits(out, at, t.getDayOfMonth());
        at = digits(out, at, t.getHour());
        at = digits(out, at, t.getMinute());
        at = digits(out, at, t.getSecond());
        out[at] = 'Z';
        return out;
    }

    private static int digits(byte[] out, int at, int twoDigits) {
        out[at] = (byte) ('0' + twoDigits / 10);
        out[at + 1] = (byte) ('0' + twoDigits % 10);
        return at + 2;
    }

    private static int lengthOfLength(long length) {
        if (length < 0x80) {
            return 1;
        }
        int bytes = 0;
        for (long l = length; l > 0; l >>>= 8) {
            bytes++;
        }
        return 1 + bytes;
    }

    static byte[] length(long length) {
        byte[] out = new byte[lengthOfLength(length)];
        putLength(out, 0, length);
        return out;
    }

    private static int putLength(byte[] out, int at, long length) {
        if (length < 0x80) {
            out[at] = (byte) length;
            return at + 1;
        }
        int bytes = lengthOfLength(length) - 1;
        out[at++] = (byte) (0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out[at++] = (byte) (length >>> (8 * i));
        }
        return at;
    }

    private void ensure(int more) {
        if (used + more > entries.length) {
            long grown = Math.max((long) entries.length * 2, (long) used + more);
            if (grown > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a CRL of more than 2 GB");
            }
            entries = Arrays.copyOf(entries, (int) grown);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
