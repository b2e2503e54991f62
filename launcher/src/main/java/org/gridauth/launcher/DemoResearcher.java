package org.gridauth.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;

/**
 * The command-line demo researcher (grid-proxy-init, myproxy-init, gsissh): a researcher who keeps their own key,
 * so the key is made here and only a CSR goes to the certificate manager (destination DOWNLOAD), which has the CA
 * issue it over the RA link and records the certificate in its mapping database like any other; that is what
 * puts the researcher into the sites' feed. Not in the IdP's directory: the IdP's demo accounts get their
 * certificates through the portal.
 */
final class DemoResearcher {

    private final Path dir;

    DemoResearcher(Path home) {
        this.dir = home.resolve("demo-user");
    }

    Path certificate() {
        return dir.resolve("usercert.pem");
    }

    Path key() {
        return dir.resolve("userkey.pem");
    }

    Path passphraseFile() {
        return dir.resolve("passphrase.txt");
    }

    void ensure(CertManagerApi certManager) {
        if (Files.exists(certificate())) {
            return;
        }
        SecureRandom random = new SecureRandom();
        KeyPair key = KeyPairs.rsa(2048, random);
        String csr = "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                        Csrs.der(GridDn.fromOpenSsl(GridCa.USERS + "/CN=" + Suite.DEMO_RESEARCHER_CN), key))
                + "\n-----END CERTIFICATE REQUEST-----\n";
        String id = Suite.DEMO_RESEARCHER_ID;
        var reply = certManager.post("/v1/certificates", Map.of("requestId", "gridauth-up-" + id, "hpciId", id, "eppn", "shiro@hpci.example.jp",
                "email", "shiro@hpci.example.jp", "commonName", Suite.DEMO_RESEARCHER_CN, "csr", csr, "destination", "DOWNLOAD"));
        var issued = Pem.decode(reply.path("certificate").asText().getBytes(StandardCharsets.US_ASCII), "the certificate manager's reply").certificates();
        char[] passphrase = LoopbackPki.secret(random);
        try {
            AtomicFiles.write(passphraseFile(), (new String(passphrase) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
            CredentialFiles.writeUserCredential(certificate(), key(), new Credential(key.getPrivate(), List.of(issued.get(0))), passphrase);
        } finally {
            CredentialFiles.wipe(passphrase);
        }
    }
}
