package org.gridauth.gsissh.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.gridauth.gsi.gss.DelegationMode;
import org.gridauth.gsissh.client.GsiSshClient;
import org.gridauth.gsissh.server.GatewayConfigFile;
import org.gridauth.gsissh.server.GsisshGateway;

/**
 * The command-line faces of this module, used by the {@code gridauth} launcher:
 * <pre>
 * gridauth gsissh [-p port] [-d | -L] [-J jumphost[:port]] [-m myproxy[:port] [-l name]] user@host command...
 * gridauth gsissh-gateway &lt;gsissh-gateway.conf&gt;
 * </pre>
 * The client takes its proxy from X509_USER_PROXY (default /tmp/x509up_u&lt;uid&gt;) and its trust directory from
 * X509_CERT_DIR (default /etc/grid-security/certificates), as the Globus tools do.
 */
public final class GsisshCommands {

    private final PrintStream out;
    private final Map<String, String> env;

    private final java.io.InputStream stdin;

    public GsisshCommands(PrintStream out, Map<String, String> env) {
        this(out, env, System.in);
    }

    public GsisshCommands(PrintStream out, Map<String, String> env, java.io.InputStream stdin) {
        this.out = out;
        this.env = env;
        this.stdin = stdin;
    }

    /** Runs the gateway until the process stops. */
    public int gateway(String... args) throws Exception {
        if (args.length != 1) {
            out.println("usage: gridauth gsissh-gateway <gsissh-gateway.conf>");
            return 2;
        }
        Path file = Path.of(args[0]);
        GsisshGateway gateway;
        try {
            gateway = GsisshGateway.start(GatewayConfigFile.parse(Files.readString(file), file.toString()));
        } catch (GatewayConfigFile.ConfigException | IOException e) {
            out.println("gsissh-gateway: " + e.getMessage());
            return 1;
        }
        out.println("GSI-SSH gateway listening on port " + gateway.port());
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gsissh-shutdown"));
        Thread.currentThread().join();
        return 0;
    }

    /** Runs one command on a GSI-SSH host and prints its output; the exit status is the command's. */
    public int client(String... args) throws Exception {
        int port = 22;
        DelegationMode delegation = DelegationMode.NONE;
        String jump = null;
        String myProxy = null;
        String myProxyUser = null;
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            switch (args[i]) {
                case "-p" -> port = Integer.parseInt(args[++i]);
                case "-d" -> delegation = DelegationMode.FULL;
                case "-L" -> delegation = DelegationMode.LIMITED;
                case "-J" -> jump = args[++i];
                case "-m" -> myProxy = args[++i];
                case "-l" -> myProxyUser = args[++i];
                default -> {
                    return usage("unknown option " + args[i]);
                }
            }
            i++;
        }
        if (args.length - i < 2 || !args[i].contains("@")) {
            return usage("a user@host and a command are needed");
        }
        String user = args[i].substring(0, args[i].indexOf('@'));
        String host = args[i].substring(args[i].indexOf('@') + 1);
        String command = String.join(" ", Arrays.copyOfRange(args, i + 1, args.length));
        Path proxy = Path.of(env.getOrDefault("X509_USER_PROXY", "/tmp/x509up_u" + new com.sun.security.auth.module.UnixSystem().getUid()));
        Path certDir = Path.of(env.getOrDefault("X509_CERT_DIR", "/etc/grid-security/certificates"));
        if (myProxy != null) {
            int status = fetchProxy(myProxy, myProxyUser == null ? user : myProxyUser, proxy, certDir);
            if (status != 0) {
                return status;
            }
        }
        GsiSshClient.Result result;
        try (GsiSshClient client = new GsiSshClient(new GsiSshClient.Options(proxy, certDir, delegation, null, Duration.ofSeconds(60)))) {
            if (jump == null) {
                result = client.exec(host, port, user, command);
            } else {
                String jumpHost = jump.contains(":") ? jump.substring(0, jump.indexOf(':')) : jump;
                int jumpPort = jump.contains(":") ? Integer.parseInt(jump.substring(jump.indexOf(':') + 1)) : 22;
                result = client.execVia(jumpHost, jumpPort, host, port, user, command);
            }
        }
        out.print(result.stdout());
        if (!result.stderr().isEmpty()) {
            System.err.print(result.stderr());
        }
        return result.exitStatus();
    }

    /**
     * One-step login: fetch a 12-hour proxy from MyProxy (passphrase on standard input, as myproxy-logon -S) into
     * X509_USER_PROXY, as myproxy-logon would, then log in with it.
     */
    private int fetchProxy(String server, String username, Path proxy, Path certDir) throws IOException {
        String host = server.contains(":") ? server.substring(0, server.indexOf(':')) : server;
        int port = server.contains(":") ? Integer.parseInt(server.substring(server.indexOf(':') + 1)) : 7512;
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(stdin, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            out.println("gsissh: no MyProxy passphrase on standard input");
            return 2;
        }
        char[] passphrase = line.toCharArray();
        try (org.gridauth.gsi.trust.ChainValidator validator = org.gridauth.gsi.trust.ChainValidator.strict(certDir)) {
            org.gridauth.gsi.credential.Credential fetched = new org.gridauth.myproxy.client.MyProxyClient(validator, Duration.ofSeconds(60))
                    .get(host, port, username, passphrase, Duration.ofHours(12));
            org.gridauth.gsi.credential.CredentialFiles.writeProxy(proxy, fetched);
            return 0;
        } catch (org.gridauth.myproxy.client.MyProxyClient.Refused e) {
            out.println("gsissh: MyProxy refused: " + e.getMessage());
            return 1;
        } finally {
            org.gridauth.gsi.credential.CredentialFiles.wipe(passphrase);
        }
    }

    private int usage(String problem) {
        out.println("gsissh: " + problem);
        out.println("usage: gridauth gsissh [-p port] [-d | -L] [-J jumphost[:port]] [-m myproxy[:port] [-l name]] user@host command...");
        out.println("  -d  delegate a full proxy, -L a limited one; proxy from X509_USER_PROXY, CAs from X509_CERT_DIR");
        out.println("  -m  first fetch the proxy from MyProxy (user name -l, default the login name; passphrase on stdin)");
        return 2;
    }
}
