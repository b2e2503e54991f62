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
 * gridauth gsissh [-p port] [-d | -L] [-J jumphost[:port]] user@host command...
 * gridauth gsissh-gateway &lt;gsissh-gateway.conf&gt;
 * </pre>
 * The client takes its proxy from X509_USER_PROXY (default /tmp/x509up_u&lt;uid&gt;) and its trust directory from
 * X509_CERT_DIR (default /etc/grid-security/certificates), as the Globus tools do.
 */
public final class GsisshCommands {

    private final PrintStream out;
    private final Map<String, String> env;

    public GsisshCommands(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
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
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            switch (args[i]) {
                case "-p" -> port = Integer.parseInt(args[++i]);
                case "-d" -> delegation = DelegationMode.FULL;
                case "-L" -> delegation = DelegationMode.LIMITED;
                case "-J" -> jump = args[++i];
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
        GsiSshClient client = new GsiSshClient(new GsiSshClient.Options(proxy, certDir, delegation, null, Duration.ofSeconds(60)));
        GsiSshClient.Result result;
        if (jump == null) {
            result = client.exec(host, port, user, command);
        } else {
            String jumpHost = jump.contains(":") ? jump.substring(0, jump.indexOf(':')) : jump;
            int jumpPort = jump.contains(":") ? Integer.parseInt(jump.substring(jump.indexOf(':') + 1)) : 22;
            result = client.execVia(jumpHost, jumpPort, host, port, user, command);
        }
        out.print(result.stdout());
        if (!result.stderr().isEmpty()) {
            System.err.print(result.stderr());
        }
        return result.exitStatus();
    }

    private int usage(String problem) {
        out.println("gsissh: " + problem);
        out.println("usage: gridauth gsissh [-p port] [-d | -L] [-J jumphost[:port]] user@host command...");
        out.println("  -d  delegate a full proxy, -L a limited one; proxy from X509_USER_PROXY, CAs from X509_CERT_DIR");
        return 2;
    }
}
