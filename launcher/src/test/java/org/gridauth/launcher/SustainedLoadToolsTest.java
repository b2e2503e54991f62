package org.gridauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.launcher.ops.PortalBrowser;
import org.gridauth.myproxy.client.MyProxyClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sustained-load tools (issue #11 item 4) on a small scale: 'gridauth load prepare' fills directory, registry and
 * MyProxy of a stopped suite, and 'gridauth load mix' runs every function at once against the restarted suite.
 */
class SustainedLoadToolsTest {

    private static final int USERS = 40;

    @TempDir
    Path home;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @Test
    @DisplayName("R-OP-2, R-CA-9: 'load prepare' refuses a running suite, then gives each researcher a directory account, a registry entry "
            + "and a stored credential under their own password; 'load mix' runs the whole mix against them with no error and no secret printed")
    void prepareThenMix() throws Exception {
        GridAuthCommandTest.freePorts(home);
        ServiceJars jars = ServiceJars.find();
        assertThat(jars.idp()).as("idp-bridge's -exec.jar").isPresent();
        assertThat(jars.portal()).as("ra-portal's -exec.jar").isPresent();
        try (Suite suite = command().start(jars)) {
            assertThat(run("load", "prepare", "--users", "3")).as(printed()).isEqualTo(1);
            assertThat(printed()).contains("the suite is running").contains("stop 'gridauth up' first");
        }
        assertThat(run("load", "prepare", "--users", Integer.toString(USERS))).as(printed()).isZero();
        assertThat(printed()).contains("40 stored credentials").contains("40 researchers in project").contains("IdP directory: 40 accounts");
        Path accountsFile = LoadPreparation.accountsFile(home);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(accountsFile))).isEqualTo("rw-------");
        List<PortalAccounts.Account> accounts = PortalAccounts.read(accountsFile);
        assertThat(accounts).hasSize(USERS);
        String directory = Files.readString(home.resolve("idp/directory.ldif"));
        assertThat(directory).contains("uid: load000040").contains("hpciId: hpcl000040");
        for (PortalAccounts.Account account : accounts) {
            assertThat(directory).as("passwords are stored hashed").doesNotContain(new String(account.password()));
        }
        assertThat(run("load", "prepare", "--users", Integer.toString(USERS))).isZero();
        assertThat(printed()).contains("already prepared");

        try (Suite suite = command().start(jars)) {
            SuiteSettings settings = suite.settings();
            LoopbackPki pki = new LoopbackPki(home, Clock.systemUTC());
            // A prepared researcher signs on with their password and retrieves their stored credential with it.
            PortalAccounts.Account first = accounts.get(0);
            new PortalBrowser(URI.create("https://localhost:" + settings.portalPort()), pki.trustDir())
                    .signIn("http://localhost:" + settings.idpPort() + "/idp/shibboleth", first.username(), first.password());
            try (ChainValidator validator = ChainValidator.strict(pki.trustDir())) {
                var proxy = new MyProxyClient(validator, Duration.ofSeconds(30)).get("localhost", settings.myProxyPort(), accounts.get(1).username(),
                        accounts.get(1).password(), Duration.ofHours(1));
                assertThat(proxy.identity().toOpenSsl()).contains(Suite.DEMO_RESEARCHER_CN);
            }

            int status = run("load", "mix", "--rate", "300", "--duration", "20s", "--threads", "16", "--settle", "2s");
            String report = printed();
            assertThat(status).as(report).isZero();
            assertThat(report).contains("over 40 researchers").contains("start  RA portal: heap").contains("end    IdP bridge: heap")
                    .contains("end    gridauth up (CA, certificate manager, MyProxy, gateway): heap").contains("idle   RA portal: heap");
            for (String function : LoadCommand.DEFAULT_MIX.keySet()) {
                assertThat(report).contains("| " + function + " | ");
            }
            assertThat(report).contains("| **all** | 100 | ");
            for (PortalAccounts.Account account : accounts) {
                assertThat(report).doesNotContain(new String(account.password()));
            }
            // A second run continues with researchers no earlier run left holding a license ID (else GA-RA-008).
            int again = run("load", "mix", "--rate", "60", "--duration", "10s", "--threads", "4", "--mix", "license-id=1", "--settle", "0");
            assertThat(again).as(printed()).isZero();
            assertThat(printed()).contains("| license-id | 10 | ");
        }
    }

    private GridAuthCommand command() {
        return new GridAuthCommand(new PrintStream(output, true, StandardCharsets.UTF_8), home, Clock.systemUTC());
    }

    private int run(String... args) throws Exception {
        output.reset();
        return command().run(args);
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }
}
