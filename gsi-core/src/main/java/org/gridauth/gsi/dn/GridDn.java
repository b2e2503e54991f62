package org.gridauth.gsi.dn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

/**
 * A distinguished name as grids use it, convertible between RFC 2253 ({@code CN=Taro Yamada,O=Grid,C=JP}) and the
 * OpenSSL/Globus slash form ({@code /C=JP/O=Grid/CN=Taro Yamada}) that grid-mapfiles, signing policies and Globus
 * tools print.
 *
 * <p>Equality is by meaning, not spelling: attribute values compare case-insensitively with white space collapsed
 * and multi-valued RDNs compare as sets, so a DN read from a grid-mapfile equals the same DN taken from a
 * certificate. A name taken from a certificate keeps its exact DER encoding for {@link #toX500Name()}.
 */
public final class GridDn {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** RDNs from the most general (C) to the most specific (CN), the order of the DER sequence. */
    private final List<List<Ava>> rdns;
    private final X500Name encoded;
    private final String canonical;

    private GridDn(List<List<Ava>> rdns, X500Name encoded) {
        this.rdns = rdns.stream().map(List::copyOf).toList();
        this.encoded = encoded != null ? encoded : encode(this.rdns);
        this.canonical = canonicalForm(this.rdns);
    }

    /** Parses the slash form, e.g. {@code /C=JP/O=Grid/CN=host/login.example.jp}. */
    public static GridDn fromOpenSsl(String text) {
        return new GridDn(SlashFormParser.parse(text), null);
    }

    /** Parses an RFC 2253 / RFC 4514 string, e.g. {@code CN=Taro Yamada,O=Grid,C=JP}. */
    public static GridDn fromRfc2253(String text) {
        List<List<Ava>> rdns = new ArrayList<>(Rfc2253Parser.parse(text));
        Collections.reverse(rdns);
        return new GridDn(rdns, null);
    }

    /** Parses either form: a leading slash means the slash form. */
    public static GridDn parse(String text) {
        if (text == null) {
            throw new GridAuthException(GsiError.DN_SYNTAX, "", "no name given");
        }
        return text.stripLeading().startsWith("/") ? fromOpenSsl(text.strip()) : fromRfc2253(text);
    }

    public static GridDn of(X500Principal principal) {
        X500Name name;
        try {
            name = X500Name.getInstance(principal.getEncoded());
        } catch (IllegalArgumentException e) {
            // The JDK keeps some encodings Bouncy Castle refuses, e.g. an RDN that is a PrintableString instead of a
            // SET in a downloaded CRL's issuer (found by CrlFetcherFuzzTest).
            throw new GridAuthException(GsiError.DN_SYNTAX, "", Pem.reason(e));
        }
        return of(name);
    }

    public static GridDn of(X500Name name) {
        List<List<Ava>> rdns = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            List<Ava> avas = new ArrayList<>();
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                try {
                    avas.add(new Ava(atv.getType(), valueText(atv.getValue())));
                } catch (IllegalArgumentException e) {
                    // e.g. a UTF8String that is not UTF-8 in a peer's certificate (found by CertificateFuzzTest)
                    throw new GridAuthException(GsiError.DN_SYNTAX, atv.getType().getId(), Pem.reason(e));
                }
            }
            rdns.add(avas);
        }
        return new GridDn(rdns, name);
    }

    /** A new name with one more RDN at the most specific end, as a proxy's subject adds {@code CN=<serial>}. */
    public GridDn append(DnAttribute attribute, String value) {
        List<List<Ava>> more = new ArrayList<>(rdns);
        more.add(List.of(new Ava(attribute.oid(), value)));
        List<RDN> encodedRdns = new ArrayList<>(List.of(encoded.getRDNs()));
        encodedRdns.add(new RDN(attribute.oid(), encodeValue(attribute.oid(), value)));
        return new GridDn(more, new X500Name(encodedRdns.toArray(RDN[]::new)));
    }

    /**
     * The slash form exactly as OpenSSL 3's {@code X509_NAME_oneline} prints it, which is what Globus shows and
     * matches grid-mapfile lines against: bytes outside printable ASCII become {@code \xHH}, and '/' and '+'
     * inside a value are escaped with a backslash (OpenSSL 1.x left them bare; the parser reads both).
     */
    public String toOpenSsl() {
        StringBuilder out = new StringBuilder();
        for (List<Ava> rdn : rdns) {
            String separator = "/";
            for (Ava ava : rdn) {
                out.append(separator).append(ava.label()).append('=');
                for (byte b : ava.value().getBytes(StandardCharsets.UTF_8)) {
                    int c = b & 0xff;
                    if (c < 0x20 || c > 0x7e) {
                        out.append("\\x").append(HEX.toHexDigits((byte) c));
                    } else if (c == '/' || c == '+') {
                        out.append('\\').append((char) c);
                    } else {
                        out.append((char) c);
                    }
                }
                separator = "+";
            }
        }
        return out.toString();
    }

    /** RFC 2253 form, most specific RDN first, special characters escaped. */
    public String toRfc2253() {
        StringBuilder out = new StringBuilder();
        for (int i = rdns.size() - 1; i >= 0; i--) {
            if (out.length() > 0) {
                out.append(',');
            }
            String separator = "";
            for (Ava ava : rdns.get(i)) {
                out.append(separator).append(ava.label()).append('=').append(escapeRfc2253(ava.value()));
                separator = "+";
            }
        }
        return out.toString();
    }

    public X500Name toX500Name() {
        return encoded;
    }

    public X500Principal toX500Principal() {
        try {
            return new X500Principal(encoded.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a name that was just built", e);
        }
    }

    /** The RDNs, most general first. */
    public List<List<Ava>> rdns() {
        return rdns;
    }

    /** The value of the most specific RDN of the given type, if any (e.g. the CN). */
    public Optional<String> last(DnAttribute attribute) {
        for (int i = rdns.size() - 1; i >= 0; i--) {
            for (Ava ava : rdns.get(i)) {
                if (ava.type().equals(attribute.oid())) {
                    return Optional.of(ava.value());
                }
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return rdns.isEmpty();
    }

    /** The form used for equality and indexing; stable across spellings and encodings. */
    public String canonical() {
        return canonical;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GridDn dn && dn.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    @Override
    public String toString() {
        return toOpenSsl();
    }

    /** A DN string made safe to show in a message: control characters appear as {@code \xHH}. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append("\\x").append(HEX.toHexDigits((byte) cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static String canonicalForm(List<List<Ava>> rdns) {
        StringBuilder out = new StringBuilder();
        for (List<Ava> rdn : rdns) {
            List<Ava> sorted = new ArrayList<>(rdn);
            sorted.sort(Comparator.comparing((Ava a) -> a.type().getId()).thenComparing(Ava::canonicalValue));
            out.append('/');
            String separator = "";
            for (Ava ava : sorted) {
                out.append(separator).append(ava.type().getId()).append('=')
                        .append(ava.canonicalValue().replace("\\", "\\\\").replace("/", "\\/").replace("+", "\\+"));
                separator = "+";
            }
        }
        return out.toString();
    }

    private static X500Name encode(List<List<Ava>> rdns) {
        RDN[] out = new RDN[rdns.size()];
        for (int i = 0; i < out.length; i++) {
            List<Ava> rdn = rdns.get(i);
            AttributeTypeAndValue[] atvs = new AttributeTypeAndValue[rdn.size()];
            for (int j = 0; j < atvs.length; j++) {
                atvs[j] = new AttributeTypeAndValue(rdn.get(j).type(), encodeValue(rdn.get(j).type(), rdn.get(j).value()));
            }
            out[i] = new RDN(atvs);
        }
        return new X500Name(out);
    }

    private static ASN1Encodable encodeValue(ASN1ObjectIdentifier type, String value) {
        return switch (DnAttribute.encodingOf(type)) {
            case PRINTABLE -> DERPrintableString.isPrintableString(value) ? new DERPrintableString(value) : new DERUTF8String(value);
            case IA5 -> DERIA5String.isIA5String(value) ? new DERIA5String(value) : new DERUTF8String(value);
            case UTF8 -> new DERUTF8String(value);
        };
    }

    private static String valueText(ASN1Encodable value) {
        if (value instanceof ASN1String s) {
            return s.getString();
        }
        ASN1Primitive primitive = value.toASN1Primitive();
        if (primitive instanceof ASN1String s) {
            return s.getString();
        }
        try {
            return "#" + HexFormat.of().formatHex(primitive.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escapeRfc2253(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean edgeSpace = c == ' ' && (i == 0 || i == value.length() - 1);
            if (",+\"\\<>;".indexOf(c) >= 0 || (c == '#' && i == 0) || edgeSpace) {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append('\\').append(HEX.toHexDigits((byte) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Decodes {@code \xHH}/{@code \HH} runs as UTF-8 bytes; used by both parsers. */
    static final class ByteRun {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final StringBuilder target;

        ByteRun(StringBuilder target) {
            this.target = target;
        }

        boolean pending() {
            return bytes.size() > 0;
        }

        void add(int b) {
            bytes.write(b);
        }

        /** Flushes pending bytes into the target; false when they are not valid UTF-8. */
        boolean flush() {
            if (bytes.size() == 0) {
                return true;
            }
            byte[] raw = bytes.toByteArray();
            bytes.reset();
            try {
                target.append(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw)));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
    }
}
