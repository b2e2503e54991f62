package org.gridauth.gsi.testing;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.crl.CrlMaker;
import org.gridauth.gsi.crl.RevokedEntry;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfile;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.IssuanceRequest;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.trust.IgtfInfo;
import org.gridauth.gsi.trust.NamespacePolicy;
import org.gridauth.gsi.trust.TrustDirectory;

/**
 * A throw-away PKI for tests: a CA under {@code /C=JP/O=GridAuth Test/CN=GridAuth Test CA}, a host credential for
 * this machine's name, a user credential, and a trust directory with the CA, its signing policy, namespaces and
 * an empty CRL. RSA key generation is the slow part, so one instance serves a whole test JVM ({@link #shared()});
 * tests that change files make their own with {@link #create(Path)}.
 */
public final class TestPki {

    public static final String ORGANISATION = "/C=JP/O=GridAuth Test";
    public static final GridDn CA_DN = GridDn.fromOpenSsl(ORGANISATION + "/CN=GridAuth Test CA");

    private static TestPki shared;

    private final Clock clock = Clock.systemUTC();
    private final CertificateMaker maker = new CertificateMaker(clock);
    private final Credential ca;
    private final Credential host;
    private final Credential user;
    private final Path trustDir;
    private final String hostName;
    private BigInteger crlNumber = BigInteger.ONE;

    private TestPki(Path dir) {
        this.hostName = localHostName();
        KeyPair caKey = newKey();
        IssuanceRequest caRequest = IssuanceRequest.of(CertificateProfiles.ca(), CA_DN, caKey.getPublic(), maker.randomSerial())
                .withNotBefore(Instant.now().minus(Duration.ofHours(1)));
        X509Certificate caCert = maker.selfSigned(caRequest, Signers.software(caKey.getPrivate(), "SHA256withRSA"));
        this.ca = new Credential(caKey.getPrivate(), List.of(caCert));
        // CN=<fqdn> (with SAN) rather than CN=host/<fqdn>: Globus under OpenSSL 3 prints the latter as host\/<fqdn>,
        // which the signing policy that myproxy-logon -b writes does not match.
        this.host = issue(CertificateProfiles.host(), GridDn.fromOpenSsl(ORGANISATION + "/CN=" + hostName), List.of(hostName, "localhost"));
        this.user = issue(CertificateProfiles.client(), GridDn.fromOpenSsl(ORGANISATION + "/OU=Users/CN=Taro Yamada 000001"), List.of());
        this.trustDir = dir.resolve("certificates");
        TrustDirectory trust = new TrustDirectory(trustDir);
        trust.install(caCert, NamespacePolicy.below(CA_DN, ORGANISATION),
                new IgtfInfo("gridauth-test", URI.create("https://ca.example.org/"), URI.create("https://ca.example.org/crl.pem"),
                        "ca@example.org", "experimental", "1.0"));
        trust.installCrl(crl(List.of()));
    }

    /** One PKI for the whole JVM, in a temporary directory removed at exit. */
    public static synchronized TestPki shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("gridauth-testpki");
                dir.toFile().deleteOnExit();
                shared = new TestPki(dir);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    /** A PKI of its own, for tests that revoke, replace or break things. */
    public static TestPki create(Path dir) {
        return new TestPki(dir);
    }

    public Credential ca() {
        return ca;
    }

    public Credential host() {
        return host;
    }

    public Credential user() {
        return user;
    }

    public Path trustDir() {
        return trustDir;
    }

    public String hostName() {
        return hostName;
    }

    public CertificateMaker maker() {
        return maker;
    }

    /** A new end-entity credential of the given profile (chain: certificate only, as usercert.pem holds). */
    public Credential issue(CertificateProfile profile, GridDn subject, List<String> dnsNames) {
        KeyPair key = newKey();
        IssuanceRequest request = IssuanceRequest.of(profile, subject, key.getPublic(), maker.randomSerial())
                .withDnsNames(dnsNames)
                .withNotBefore(Instant.now().minus(Duration.ofMinutes(10)));
        return new Credential(key.getPrivate(), List.of(maker.issue(request, ca.certificate(), caSigner())));
    }

    /** A user credential whose validity is given exactly (e.g. already expired). */
    public Credential issueUser(String commonName, Instant notBefore, Period validity) {
        KeyPair key = newKey();
        CertificateProfile client = CertificateProfiles.client();
        CertificateProfile profile = new CertificateProfile(client.name(), client.kind(), validity, client.minimumKeyBits(),
                client.keyUsage(), client.extendedKeyUsage(), null, false, client.signatureAlgorithm());
        IssuanceRequest request = IssuanceRequest.of(profile, GridDn.fromOpenSsl(ORGANISATION + "/OU=Users/CN=" + commonName),
                key.getPublic(), maker.randomSerial()).withNotBefore(notBefore);
        return new Credential(key.getPrivate(), List.of(maker.issue(request, ca.certificate(), caSigner())));
    }

    /** A CRL of this CA revoking the given certificates, valid for 30 days from now. */
    public synchronized X509CRL crl(List<X509Certificate> revoked) {
        Instant now = Instant.now().minusSeconds(60);
        crlNumber = crlNumber.add(BigInteger.ONE);
        return new CrlMaker().make(ca.certificate(), caSigner(), crlNumber, now, now.plus(Duration.ofDays(30)),
                revoked.stream().map(c -> new RevokedEntry(c.getSerialNumber(), now, 1)).toList());
    }

    /** Revokes certificates by publishing a new CRL into this PKI's trust directory. */
    public void revoke(X509Certificate... certificates) {
        new TrustDirectory(trustDir).installCrl(crl(List.of(certificates)));
    }

    public org.bouncycastle.operator.ContentSigner caSigner() {
        return Signers.software(ca.privateKey(), "SHA256withRSA");
    }

    /** A TLS client context without a client certificate that trusts only the given CA (anonymous grid clients). */
    public static javax.net.ssl.SSLContext anonymousClientTls(X509Certificate trustedCa) {
        try {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trustedCa);
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            factory.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a TLS client context", e);
        }
    }

    public static KeyPair newKey() {
        return KeyPairs.rsa(2048, new java.security.SecureRandom());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
