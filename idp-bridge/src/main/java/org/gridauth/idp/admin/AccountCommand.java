package org.gridauth.idp.admin;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.policy.AccountState;
import org.gridauth.idp.service.AccountAdministration;
import org.gridauth.idp.service.Audit;
import org.gridauth.idp.service.Notifier;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.SSLUtil;

/**
 * {@code gridauth-idp account register|change|suspend|reinstate|delete|list}: the HPCI office's account lifecycle
 * (R-IDP-5) on the IdP's directory, with a notification to the user in the outbox and a structured audit record.
 * Passwords (the administrator's and a new user's initial one) are read from files, never from the command line.
 */
public final class AccountCommand {

    static final String USAGE = """
            usage: account <command> [options]
              register  --user U --sn S --given-name G --hpci-id H [--mail M] [--entitlement E]... [--password-file F]
              change    --user U [--sn S] [--given-name G] [--mail M] [--entitlement E]...
              suspend   --user U [--reason TEXT]
              reinstate --user U
              delete    --user U
              list      [--state active|suspended|deleted]
            connection (defaults: the embedded directory's administrator under --home):
              --ldap-url URL (required)  --base-dn DN (ou=people,dc=hpci,dc=example,dc=jp)
              --admin-dn DN (cn=admin,dc=hpci,dc=example,dc=jp)  --admin-password-file F (<home>/embedded-directory-admin.password)
              --start-tls  --trust-certificates PEM  --home DIR (~/.gridauth/idp)
            notification and audit:
              --outbox DIR (<home>/outbox)  --mail-from ADDR (hpci-office@localhost)  --audit-file F (<home>/audit.jsonl)
            """;

    private AccountCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status (0 done, 1 refused or failed, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                err.println("unexpected argument: " + args[i]);
                err.print(USAGE);
                return 2;
            }
            String name = args[i].substring(2);
            if (name.equals("start-tls")) {
                options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (i + 1 < args.length) {
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
            } else {
                err.println("option --" + name + " needs a value");
                return 2;
            }
        }
        Path home = Path.of(one(options, "home", System.getProperty("user.home") + "/.gridauth/idp"));
        String url = one(options, "ldap-url", null);
        if (url == null) {
            err.println("--ldap-url is required");
            err.print(USAGE);
            return 2;
        }
        try (Audit.Sink sink = Audit.writeTo(Path.of(one(options, "audit-file", home.resolve("audit.jsonl").toString())));
             LDAPConnection connection = connect(url, options.containsKey("start-tls"), one(options, "trust-certificates", null))) {
            char[] adminPassword = Files.readString(Path.of(one(options, "admin-password-file",
                    home.resolve("embedded-directory-admin.password").toString()))).strip().toCharArray();
            connection.bind(one(options, "admin-dn", "cn=admin,dc=hpci,dc=example,dc=jp"), new String(adminPassword));
            java.util.Arrays.fill(adminPassword, '\0');
            Notifier notifier = new Notifier(Path.of(one(options, "outbox", home.resolve("outbox").toString())),
                    one(options, "mail-from", "hpci-office@localhost"), Clock.systemUTC());
            AccountAdministration accounts = new AccountAdministration(connection, one(options, "base-dn", "ou=people,dc=hpci,dc=example,dc=jp"),
                    notifier, System.getProperty("user.name", "?"));
            String user = one(options, "user", null);
            switch (command) {
                case "register" -> {
                    char[] password = options.containsKey("password-file")
                            ? Files.readString(Path.of(one(options, "password-file", null))).strip().toCharArray() : null;
                    accounts.register(new AccountAdministration.NewAccount(required(user, "user"), one(options, "sn", null),
                            one(options, "given-name", null), one(options, "mail", null), one(options, "hpci-id", null),
                            options.getOrDefault("entitlement", List.of()), password));
                    out.println("registered " + user);
                }
                case "change" -> {
                    Map<String, List<String>> changes = new LinkedHashMap<>();
                    Map<String, String> names = Map.of("sn", "sn", "given-name", "givenName", "mail", "mail", "entitlement", "eduPersonEntitlement");
                    names.forEach((option, attribute) -> {
                        if (options.containsKey(option)) {
                            changes.put(attribute, options.get(option));
                        }
                    });
                    accounts.change(required(user, "user"), changes);
                    out.println("changed " + user + " " + changes.keySet());
                }
                case "suspend" -> {
                    accounts.suspend(required(user, "user"), one(options, "reason", null));
                    out.println("suspended " + user);
                }
                case "reinstate" -> {
                    accounts.reinstate(required(user, "user"));
                    out.println("reinstated " + user);
                }
                case "delete" -> {
                    accounts.delete(required(user, "user"));
                    out.println("deleted " + user);
                }
                case "list" -> {
                    String state = one(options, "state", null);
                    for (AccountAdministration.Listed a : accounts.list(state == null ? null : AccountState.valueOf(state.toUpperCase(Locale.ROOT)))) {
                        out.printf("%-20s %-12s %-10s %s %s <%s>%n", a.username(), a.hpciId(), a.state().name().toLowerCase(Locale.ROOT),
                                a.givenName(), a.surname(), a.mail() == null ? "" : a.mail());
                    }
                }
                default -> {
                    err.println("unknown command: " + command);
                    err.print(USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (GridAuthException e) {
            err.println(e.code().code() + ": " + e.localizedMessage(Locale.ENGLISH));
            err.println("  " + e.action(Locale.ENGLISH));
            return 1;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (LDAPException e) {
            err.println("directory " + url + ": " + e.getResultCode() + " " + (e.getDiagnosticMessage() == null ? "" : e.getDiagnosticMessage()));
            return 1;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            err.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    private static LDAPConnection connect(String url, boolean startTls, String trustPem)
            throws LDAPException, java.security.GeneralSecurityException {
        LDAPURL ldapUrl = new LDAPURL(url);
        javax.net.ssl.TrustManagerFactory defaults = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((java.security.KeyStore) null);
        SSLUtil ssl = trustPem == null ? new SSLUtil(defaults.getTrustManagers())
                : new SSLUtil(org.gridauth.idp.store.LdapDirectory.trustManager(CredentialFiles.readCertificates(Path.of(trustPem))));
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
        if (ldapUrl.getScheme().equals("ldaps")) {
            return new LDAPConnection(ssl.createSSLSocketFactory(), options, ldapUrl.getHost(), ldapUrl.getPort());
        }
        LDAPConnection connection = new LDAPConnection(options, ldapUrl.getHost(), ldapUrl.getPort());
        if (startTls) {
            var result = connection.processExtendedOperation(new StartTLSExtendedRequest(ssl.createSSLContext()));
            if (result.getResultCode() != com.unboundid.ldap.sdk.ResultCode.SUCCESS) {
                connection.close();
                throw new LDAPException(result.getResultCode(), "StartTLS refused");
            }
        }
        return connection;
    }

    private static String one(Map<String, List<String>> options, String name, String otherwise) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? otherwise : values.get(values.size() - 1);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
