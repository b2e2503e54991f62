package org.gridauth.idp.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.policy.LoginThrottle;
import org.gridauth.idp.service.LoginService;
import org.gridauth.idp.store.EmbeddedDirectoryServer;
import org.gridauth.idp.store.LdapDirectory;
import org.gridauth.idp.store.LdapSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;

/** R-IDP-5: the HPCI office's account lifecycle through the admin command, against the embedded directory. */
class AccountCommandTest {

    private static final String SUFFIX = "dc=hpci,dc=example,dc=jp";
    private static final String ADMIN = "cn=admin," + SUFFIX;

    @TempDir
    Path home;

    private EmbeddedDirectoryServer server;
    private LdapDirectory directory;
    private final String adminPassword = "admin-secret-Pw1";

    @BeforeEach
    void start() throws Exception {
        Files.writeString(home.resolve("embedded-directory-admin.password"), adminPassword + "\n");
        Files.writeString(home.resolve("kenji.password"), "kenji-initial-Pw9\n");
        server = start(home.resolve("directory.ldif"));
        directory = new LdapDirectory(new LdapSettings(server.url(), false, "ou=people," + SUFFIX, "(uid={user})", null, null,
                AttributeDefinitions.ldapAttributes(), 2, Duration.ofSeconds(5)));
    }

    private EmbeddedDirectoryServer start(Path state) throws Exception {
        return EmbeddedDirectoryServer.start(SUFFIX, 0, AccountCommandTest.class.getResourceAsStream("/demo-accounts.ldif"),
                new EmbeddedDirectoryServer.Admin(ADMIN, adminPassword.toCharArray()), state);
    }

    @AfterEach
    void stop() {
        directory.close();
        server.close();
    }

    private record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--ldap-url", server.url(), "--home", home.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AccountCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String login(String user, String password) {
        LoginService login = new LoginService(directory, new LoginThrottle(new LoginThrottle.Limits(100, 100, Duration.ofMinutes(1)),
                Clock.systemUTC()), Clock.systemUTC());
        try {
            return login.login(user, password.toCharArray(), "127.0.0.1").username();
        } catch (GridAuthException e) {
            return e.code().code();
        }
    }

    private List<String> outbox() throws Exception {
        Path outbox = home.resolve("outbox");
        if (!Files.exists(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.sorted((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).map(f -> {
                try {
                    return Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    private static String body(String mail) {
        String encoded = mail.substring(mail.indexOf("\r\n\r\n") + 4).replaceAll("\\s", "");
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("R-IDP-5: register, suspend, reinstate, change and delete an account; sign-in follows each state with its clear message and the user is notified each time")
    void lifecycle() throws Exception {
        Run registered = run("register", "--user", "kenji", "--sn", "Sato", "--given-name", "Kenji", "--hpci-id", "hpci000077",
                "--mail", "kenji@example.ac.jp", "--entitlement", "urn:mace:hpci.example.jp:entitlement:grid-user",
                "--password-file", home.resolve("kenji.password").toString());
        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(login("kenji", "kenji-initial-Pw9")).isEqualTo("kenji");
        assertThat(directory.authenticate("kenji", "kenji-initial-Pw9".toCharArray()).orElseThrow().first("hpciId")).isEqualTo("hpci000077");
        // Stored hashed by the directory, not as given.
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", server.port(), ADMIN, adminPassword)) {
            assertThat(c.getEntry("uid=kenji,ou=people," + SUFFIX, "userPassword").getAttributeValue("userPassword")).startsWith("{SSHA256}");
        }

        assertThat(run("suspend", "--user", "kenji", "--reason", "license expired").status()).isZero();
        assertThat(login("kenji", "kenji-initial-Pw9")).isEqualTo("GA-IDP-011");
        assertThat(run("reinstate", "--user", "kenji").status()).isZero();
        assertThat(login("kenji", "kenji-initial-Pw9")).isEqualTo("kenji");
        assertThat(run("change", "--user", "kenji", "--mail", "kenji.sato@example.ac.jp", "--sn", "Satou").status()).isZero();
        assertThat(directory.authenticate("kenji", "kenji-initial-Pw9".toCharArray()).orElseThrow().first("sn")).isEqualTo("Satou");
        assertThat(run("delete", "--user", "kenji").status()).isZero();
        assertThat(login("kenji", "kenji-initial-Pw9")).isEqualTo("GA-IDP-012");
        assertThat(run("list", "--state", "deleted").out()).contains("kenji", "hpci000077", "deleted");
        assertThat(run("list").out()).contains("taro", "hanako", "kenji");

        List<String> mails = outbox();
        assertThat(mails).hasSize(5);
        assertThat(mails.get(0)).contains("To: kenji@example.ac.jp", "Subject: =?UTF-8?B?");
        assertThat(body(mails.get(0))).contains("hpci000077", "アカウント", "registered");
        assertThat(body(mails.get(1))).contains("license expired", "停止", "suspended");
        assertThat(mails.get(3)).contains("To: kenji.sato@example.ac.jp");
        assertThat(body(mails.get(4))).contains("削除", "deleted");

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("audit.jsonl")))).isEqualTo("rw-------");
        String audit = Files.readString(home.resolve("audit.jsonl"));
        assertThat(audit.lines().filter(l -> l.startsWith("{\"time\":\"")).map(l -> l.replaceAll(".*\"event\":\"([^\"]+)\".*", "$1")).toList())
                .containsSubsequence("account-registered", "account-suspended", "account-reinstated", "account-changed", "account-deleted");
        assertThat(audit).contains("\"operator\":\"" + System.getProperty("user.name") + "\"").doesNotContain("kenji-initial-Pw9", adminPassword);
    }

    @Test
    @DisplayName("R-IDP-5: refusals: a taken user name or HPCI-ID (GA-IDP-029), an unknown account (GA-IDP-030), reinstating a deleted account (GA-IDP-031)")
    void refusals() {
        Run taken = run("register", "--user", "taro", "--sn", "X", "--given-name", "Y", "--hpci-id", "hpci999999");
        assertThat(taken.status()).isEqualTo(1);
        assertThat(taken.err()).contains("GA-IDP-029");
        assertThat(run("register", "--user", "newname", "--sn", "X", "--given-name", "Y", "--hpci-id", "hpci000001").err()).contains("GA-IDP-029");
        assertThat(run("suspend", "--user", "nobody").err()).contains("GA-IDP-030");
        assertThat(run("delete", "--user", "hanako").status()).isZero();
        assertThat(run("reinstate", "--user", "hanako").err()).contains("GA-IDP-031");
        assertThat(run("frobnicate", "--user", "taro").status()).isEqualTo(2);
    }

    @Test
    @DisplayName("R-IDP-5: only the administrator writes: an anonymous client and a user bound as themselves cannot change an account state")
    void onlyAdministratorWrites() throws Exception {
        Modification activate = new Modification(ModificationType.REPLACE, AttributeDefinitions.ACCOUNT_STATE_LDAP, "active");
        try (LDAPConnection anonymous = new LDAPConnection("127.0.0.1", server.port())) {
            assertThatThrownBy(() -> anonymous.modify("uid=jiro,ou=people," + SUFFIX, activate))
                    .isInstanceOfSatisfying(LDAPException.class, e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INSUFFICIENT_ACCESS_RIGHTS));
        }
        try (LDAPConnection jiro = new LDAPConnection("127.0.0.1", server.port(), "uid=jiro,ou=people," + SUFFIX, "jiro-demo-Pass3")) {
            assertThatThrownBy(() -> jiro.modify("uid=jiro,ou=people," + SUFFIX, activate))
                    .isInstanceOfSatisfying(LDAPException.class, e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INSUFFICIENT_ACCESS_RIGHTS));
        }
        try (LDAPConnection wrong = new LDAPConnection("127.0.0.1", server.port())) {
            assertThatThrownBy(() -> wrong.bind(ADMIN, "not-the-password")).isInstanceOf(LDAPException.class);
            assertThatThrownBy(() -> wrong.modify("uid=jiro,ou=people," + SUFFIX, activate)).isInstanceOf(LDAPException.class);
        }
        assertThat(login("jiro", "jiro-demo-Pass3")).isEqualTo("GA-IDP-011");
    }

    @Test
    @DisplayName("R-IDP-5: changes made with the command survive a restart of the embedded directory (state file)")
    void survivesRestart() throws Exception {
        assertThat(run("register", "--user", "kenji", "--sn", "Sato", "--given-name", "Kenji", "--hpci-id", "hpci000077",
                "--password-file", home.resolve("kenji.password").toString()).status()).isZero();
        assertThat(run("suspend", "--user", "taro").status()).isZero();
        directory.close();
        server.close();
        server = start(home.resolve("directory.ldif"));
        directory = new LdapDirectory(new LdapSettings(server.url(), false, "ou=people," + SUFFIX, "(uid={user})", null, null,
                AttributeDefinitions.ldapAttributes(), 2, Duration.ofSeconds(5)));
        assertThat(login("kenji", "kenji-initial-Pw9")).isEqualTo("kenji");
        assertThat(login("taro", "taro-demo-Pass1")).isEqualTo("GA-IDP-011");
        // kenji has no mail address (recorded as notification-skipped); taro was told of the suspension.
        assertThat(outbox()).hasSize(1).allSatisfy(mail -> assertThat(mail).contains("To: taro@hpci.example.jp"));
        assertThat(Files.readString(home.resolve("audit.jsonl"))).contains("\"event\":\"notification-skipped\",\"user\":\"kenji\"");
    }
}
