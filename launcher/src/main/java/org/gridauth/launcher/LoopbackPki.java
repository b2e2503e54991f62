package org.gridauth.launcher;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
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
 * The embedded-default PKI under the gridauth home: a demo CA with a software key (the HSM-backed CA server
 * replaces it), a trust directory, a host credential and one demo researcher's usercert/userkey. Made once;
 * later runs reuse what is there.
 */
final class DemoPki {

    static final String ORGANISATION = "/C=JP/O=GridAuth Demo";

    private final Path home;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    DemoPki(Path home, Clock clock) {
        this.home = home;
        this.clock = clock;
    }

    Path trustDir() {
        return home.resolve("certificates");
    }

    Path userCert() {
        return home.resolve("demo-user/usercert.pem");
    }

    Path userKey() {
        return home.resolve("demo-user/userkey.pem");
    }

    Path userPassphraseFile() {
        return home.resolve("demo-user/passphrase.txt");
    }

    Path hostCert() {
        return home.resolve("grid-security/hostcert.pem");
    }

    /** True when the PKI was created now, false when an existing one was kept. */
    boolean ensure() {
        if (Files.exists(userCert()) && Files.isDirectory(trustDir())) {
            return false;
        }
        CertificateMaker maker = new CertificateMaker(clock, random);
        GridDn caDn = GridDn.fromOpenSsl(ORGANISATION + "/CN=GridAuth Demo CA");
        KeyPair caKey = KeyPairs.rsa(2048, random);
        Credential ca = new Credential(caKey.getPrivate(), List.of(maker.selfSigned(
                IssuanceRequest.of(CertificateProfiles.ca(), caDn, caKey.getPublic(), maker.randomSerial()),
                Signers.software(caKey.getPrivate(), "SHA256withRSA"))));
        char[] caPassphrase = secret();
        write(home.resolve("ca/ca-passphrase"), new String(caPassphrase));
        CredentialFiles.writeUserCredential(home.resolve("ca/cacert.pem"), home.resolve("ca/cakey.pem"), ca, caPassphrase);
        new TrustDirectory(trustDir()).install(ca.certificate(), NamespacePolicy.below(caDn, ORGANISATION),
                new IgtfInfo("gridauth-demo", URI.create("http://localhost/"), null, null, "experimental", "1"));

        String host = hostName();
        Credential hostCredential = issue(maker, ca, CertificateProfiles.host(), ORGANISATION + "/CN=host/" + host, List.of(host, "localhost"));
        CredentialFiles.writeHostCredential(hostCert(), home.resolve("grid-security/hostkey.pem"), hostCredential);

        Credential user = issue(maker, ca, CertificateProfiles.client(), ORGANISATION + "/OU=Users/CN=Taro Yamada hpci000001", List.of());
        char[] userPassphrase = secret();
        write(userPassphraseFile(), new String(userPassphrase));
        CredentialFiles.writeUserCredential(userCert(), userKey(), user, userPassphrase);
        CredentialFiles.wipe(caPassphrase);
        CredentialFiles.wipe(userPassphrase);
        return true;
    }

    private Credential issue(CertificateMaker maker, Credential ca, CertificateProfile profile, String subject, List<String> dns) {
        KeyPair key = KeyPairs.rsa(2048, random);
        IssuanceRequest request = IssuanceRequest.of(profile, GridDn.fromOpenSsl(subject), key.getPublic(), maker.randomSerial())
                .withDnsNames(dns);
        return new Credential(key.getPrivate(), List.of(maker.issue(request, ca.certificate(),
                Signers.software(ca.privateKey(), "SHA256withRSA"))));
    }

    private char[] secret() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static void write(Path file, String secret) {
        AtomicFiles.write(file, (secret + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
    }


    static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
