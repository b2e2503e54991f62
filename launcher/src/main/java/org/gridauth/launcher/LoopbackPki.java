package org.gridauth.launcher;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.crl.CrlMaker;
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
 * The credentials the suite's own services use on loopback: a small services CA (software key) that issues the
 * host credential (TLS of the CA repository, the certificate manager, MyProxy and the gateway), the certificate
 * manager's RA credential and the portal's client credential. The grid CA cannot issue these: its policy (R-CA-3)
 * issues host certificates only for fully qualified domain names, and a demo on one machine is reached as
 * "localhost". Researchers' certificates come from the grid CA ({@link GridCa}), never from this one.
 */
final class LoopbackPki {

    static final String ORGANISATION = "/C=JP/O=GridAuth Demo";
    static final String SERVICES = ORGANISATION + "/OU=Loopback Services";
    static final String RA_DN = SERVICES + "/CN=cert-manager";
    static final String PORTAL_DN = SERVICES + "/CN=ra-portal";
    static final String SITE_DN = SERVICES + "/CN=site-gridmap";

    private final Path home;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    LoopbackPki(Path home, Clock clock) {
        this.home = home;
        this.clock = clock;
    }

    Path trustDir() {
        return home.resolve("certificates");
    }

    Path hostCert() {
        return home.resolve("grid-security/hostcert.pem");
    }

    Path hostKey() {
        return home.resolve("grid-security/hostkey.pem");
    }

    Path raCert() {
        return home.resolve("grid-security/ra/racert.pem");
    }

    Path raKey() {
        return home.resolve("grid-security/ra/rakey.pem");
    }

    Path portalCert() {
        return home.resolve("grid-security/portal/portalcert.pem");
    }

    Path portalKey() {
        return home.resolve("grid-security/portal/portalkey.pem");
    }

    Path siteCert() {
        return home.resolve("grid-security/site/sitecert.pem");
    }

    Path siteKey() {
        return home.resolve("grid-security/site/sitekey.pem");
    }

    /** The services CA's certificate: what clients of the loopback services trust. */
    java.security.cert.X509Certificate caCertificate() {
        return CredentialFiles.readCertificates(caCert()).get(0);
    }

    private Path caCert() {
        return home.resolve("loopback-ca/cacert.pem");
    }

    private Path caKey() {
        return home.resolve("loopback-ca/cakey.pem");
    }

    private Path caPassphrase() {
        return home.resolve("loopback-ca/passphrase");
    }

    /** True when the credentials were created now, false when existing ones were kept. */
    boolean ensure() {
        if (Files.exists(caCert()) && Files.exists(siteCert())) {
            return false;
        }
        CertificateMaker maker = new CertificateMaker(clock, random);
        GridDn caDn = GridDn.fromOpenSsl(SERVICES + "/CN=GridAuth Loopback Services CA");
        KeyPair caKey = KeyPairs.rsa(2048, random);
        Credential ca = new Credential(caKey.getPrivate(), List.of(maker.selfSigned(
                IssuanceRequest.of(CertificateProfiles.ca(), caDn, caKey.getPublic(), maker.randomSerial()),
                Signers.software(caKey.getPrivate(), "SHA256withRSA"))));
        char[] passphrase = secret(random);
        AtomicFiles.write(caPassphrase(), (new String(passphrase) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        CredentialFiles.writeUserCredential(caCert(), caKey(), ca, passphrase);
        CredentialFiles.wipe(passphrase);
        new TrustDirectory(trustDir()).install(ca.certificate(), NamespacePolicy.below(caDn, SERVICES),
                new IgtfInfo("gridauth-loopback", URI.create("http://localhost/"), null, null, "experimental", "1"));

        String host = hostName();
        CredentialFiles.writeHostCredential(hostCert(), hostKey(),
                issue(maker, ca, CertificateProfiles.host(), SERVICES + "/CN=host/" + host, List.of(host, "localhost")));
        CredentialFiles.writeHostCredential(raCert(), raKey(), issue(maker, ca, CertificateProfiles.service(), RA_DN, List.of("localhost")));
        CredentialFiles.writeHostCredential(portalCert(), portalKey(), issue(maker, ca, CertificateProfiles.service(), PORTAL_DN, List.of("localhost")));
        CredentialFiles.writeHostCredential(siteCert(), siteKey(), issue(maker, ca, CertificateProfiles.service(), SITE_DN, List.of("localhost")));
        return true;
    }

    /**
     * Publishes a fresh, empty CRL of the services CA into the trust directory, so that services checking CRLs
     * strictly accept the loopback credentials. Done at every start: the CRL is valid for 30 days.
     */
    void refreshCrl() {
        char[] passphrase = org.gridauth.ca.token.Secrets.readFirstLine(caPassphrase(), "loopback CA passphrase");
        try {
            Credential ca = CredentialFiles.readUserCredential(caCert(), caKey(), passphrase);
            Instant now = clock.instant();
            X509CRL crl = new CrlMaker().make(ca.certificate(), Signers.software(ca.privateKey(), "SHA256withRSA"),
                    BigInteger.valueOf(now.getEpochSecond()), now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)), List.of());
            new TrustDirectory(trustDir()).installCrl(crl);
        } finally {
            CredentialFiles.wipe(passphrase);
        }
    }

    /**
     * A SAML signing credential (the portal's SP key): SAML trusts the key in the metadata, not a CA, but a
     * certificate from the services CA costs nothing and says whose key it is.
     */
    Credential issueSamlSigning(String commonName) {
        char[] passphrase = org.gridauth.ca.token.Secrets.readFirstLine(caPassphrase(), "loopback CA passphrase");
        try {
            Credential ca = CredentialFiles.readUserCredential(caCert(), caKey(), passphrase);
            return issue(new CertificateMaker(clock, random), ca, CertificateProfiles.service(), SERVICES + "/CN=" + commonName, List.of("localhost"));
        } finally {
            CredentialFiles.wipe(passphrase);
        }
    }

    private Credential issue(CertificateMaker maker, Credential ca, CertificateProfile profile, String subject, List<String> dns) {
        KeyPair key = KeyPairs.rsa(2048, random);
        IssuanceRequest request = IssuanceRequest.of(profile, GridDn.fromOpenSsl(subject), key.getPublic(), maker.randomSerial())
                .withDnsNames(dns);
        return new Credential(key.getPrivate(), List.of(maker.issue(request, ca.certificate(),
                Signers.software(ca.privateKey(), "SHA256withRSA"))));
    }

    static char[] secret(SecureRandom random) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
