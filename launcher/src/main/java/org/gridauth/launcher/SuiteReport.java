package org.gridauth.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;

/** What 'gridauth up' prints once the suite runs: where everything is, the demo accounts and the next steps. */
final class SuiteReport {

    /** The bundled demo directory's accounts (idp-bridge demo-accounts.ldif): public demo values, not secrets. */
    static final List<String[]> DEMO_ACCOUNTS = List.of(
            new String[] {"taro", "taro-demo-Pass1", "researcher, HPCI-ID hpci000001"},
            new String[] {"hanako", "hanako-demo-Pass2", "researcher and RA operator, HPCI-ID hpci000002"},
            new String[] {"jiro", "jiro-demo-Pass3", "suspended account (sign-on refused)"});

    private SuiteReport() {
    }

    static void print(PrintStream out, Path home, Suite suite, long startMillis, ServiceJars jars) {
        out.println(suite.created() ? "Created the embedded defaults in " + home : "Using the existing embedded defaults in " + home);
        GridCa.KeyStorage storage = suite.ca().config().pkcs11() != null ? GridCa.KeyStorage.SOFTHSM2 : GridCa.KeyStorage.SOFTWARE;
        if (storage == GridCa.KeyStorage.SOFTHSM2) {
            out.println("The grid CA key is in a SoftHSM2 token (" + suite.gridCa().softHsmConfig().getParent().resolve("softhsm") + "), made by the key ceremony.");
        } else {
            out.println("WARNING: the grid CA key is a software key (" + home.resolve("ca/ca-key.p12")
                    + "); install softhsm2 and start with ./gridauth up on a new home to keep it in a token.");
        }
        String researcher = subject(suite.userCert());
        String host = LoopbackPki.hostName();
        out.println();
        out.println("  grid CA repository:     http://localhost:" + suite.caHttpPort() + "/  (https://localhost:" + suite.caHttpsPort()
                + "/fingerprints for the CA fingerprint)");
        out.println("  CA RA link:             localhost:" + suite.caRaPort() + " (certificate manager only)");
        out.println("  certificate manager:    https://localhost:" + suite.certManagerPort() + "/ (portal and sites, mutual TLS); health and metrics"
                + " http://127.0.0.1:" + suite.settings().certManagerManagementPort() + "/actuator/health");
        suite.idp().ifPresentOrElse(idp -> {
            out.println("  IdP bridge:             " + suite.idpUrl() + "/idp/shibboleth (metadata), log " + idp.log());
            out.println("  discovery service:      " + suite.idpUrl() + "/ds");
        }, () -> out.println("  IdP bridge:             not started (build it: ./mvnw -pl idp-bridge -am package -DskipTests)"));
        suite.portal().ifPresentOrElse(portal -> out.println("  RA portal:              " + suite.portalService().baseUrl() + "/  (researchers and the admin console; its TLS"
                        + " certificate is from the loopback services CA, " + suite.loopback().trustDir().resolve("*.0") + "), log " + portal.log()),
                () -> out.println("  RA portal:              not started (build it: ./mvnw -pl ra-portal -am package -DskipTests)"));
        out.println("  MyProxy repository:     " + host + ":" + suite.myProxyPort() + " (configuration " + suite.myProxyConfig() + ")");
        out.println("  GSI-SSH gateway:        localhost:" + suite.gatewayPort() + " (demo site: researchers of project " + DemoRegistries.PROJECT
                + " mapped to '" + Suite.gatewayAccount() + "' by 'gridmap sync')");
        out.println("  site grid-mapfile:      " + suite.site().gridMapFile() + " (./gridauth gridmap sync --config " + suite.site().config() + ")");
        out.println("  trust directory:        " + suite.loopback().trustDir());
        out.println();
        out.println("Demo accounts at the IdP (demo values from the bundled directory):");
        for (String[] account : DEMO_ACCOUNTS) {
            out.printf("  %-8s %-19s %s%n", account[0], account[1], account[2]);
        }
        out.println("Command-line demo researcher (certificate issued by the grid CA): " + researcher);
        out.println("  usercert.pem:           " + suite.userCert());
        out.println("  userkey.pem (encrypted): " + suite.userKey() + "; its passphrase is in " + suite.userPassphraseFile() + " (mode 600)");
        out.println();
        suite.portal().ifPresent(portal -> {
            out.println("Next steps in the browser (scenario A):");
            out.println("  open " + suite.portalService().baseUrl() + "/ , choose the HPCI Account IdP, sign in as taro, get a license ID, then a");
            out.println("  client certificate kept in the certificate manager, then a proxy stored in MyProxy; the portal shows the");
            out.println("  myproxy-logon command to fetch it. Sign in as hanako for the admin console (search, revoke, approve).");
            out.println();
        });
        out.println("Next steps, with the stock Globus and MyProxy tools:");
        out.println("  export X509_CERT_DIR=" + suite.loopback().trustDir());
        out.println("  export MYPROXY_SERVER=" + host + " MYPROXY_SERVER_PORT=" + suite.myProxyPort());
        out.println("  grid-proxy-init -pwstdin -cert " + suite.userCert() + " -key " + suite.userKey() + " < " + suite.userPassphraseFile());
        out.println("  grid-proxy-info -all");
        out.println("  myproxy-init -l shiro -C " + suite.userCert() + " -y " + suite.userKey() + "   # store a proxy in MyProxy");
        out.println("  myproxy-logon -l shiro                                                    # fetch it back");
        out.println("  X509_USER_PROXY=/tmp/x509up_u$(id -u) ./gridauth gsissh -p " + suite.gatewayPort() + " " + Suite.gatewayAccount()
                + "@localhost id   # GSI-SSH login with that proxy");
        out.println("  ./gridauth ca audit-verify " + suite.gridCa().config() + "   # the CA's hash-chained audit trail");
        out.println();
        out.printf("Started in %.1f s; resident memory of the suite: %s.%n", startMillis / 1000.0, memory(suite.pids()));
    }

    private static String subject(Path certificate) {
        return GridDn.of(CredentialFiles.readCertificates(certificate).get(0).getSubjectX500Principal()).toOpenSsl();
    }

    /** Sum of VmRSS over the suite's processes, from /proc (Linux); "unknown" elsewhere. */
    static String memory(List<Long> pids) {
        long kib = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return "unknown";
            }
        }
        return String.format("%d MiB in %d JVM(s)", kib / 1024, pids.size());
    }
}
