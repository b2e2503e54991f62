package org.gridauth.systemtests;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.gridauth.gsi.testing.GridTools;

/**
 * The whole suite as a user starts it: {@code java -jar launcher/target/gridauth.jar up} (what {@code ./gridauth up}
 * runs after building) on a fresh home, with free ports instead of the defaults, and SoftHSM2 configured for the
 * home as the script does. Its standard output is kept as a test output file.
 */
final class RunningSuite implements AutoCloseable {

    static final List<String> PORT_KEYS = List.of("port.myproxy", "port.gsissh-gateway", "port.ca-ra", "port.ca-repository-http",
            "port.ca-repository-https", "port.cert-manager", "port.idp", "port.ra-portal", "port.cert-manager-management");

    final Path root;
    final Path home;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Path output;
    private final Process process;

    private RunningSuite(Path root, Path home, Path output, Process process, Map<String, Integer> ports) {
        this.root = root;
        this.home = home;
        this.output = output;
        this.process = process;
        this.ports.putAll(ports);
    }

    static RunningSuite start(Path home, Duration timeout) throws Exception {
        Path root = Path.of(System.getProperty("gridauth.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve("launcher/target/gridauth.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the suite first (./mvnw -pl system-tests -am verify)");
        }
        delete(home);
        Files.createDirectories(home);
        Map<String, Integer> ports = new LinkedHashMap<>();
        StringBuilder conf = new StringBuilder();
        for (String key : PORT_KEYS) {
            int port = freePort();
            ports.put(key, port);
            conf.append(key).append(" = ").append(port).append('\n');
        }
        Files.writeString(home.resolve("gridauth.conf"), conf);
        Path output = home.resolveSibling(home.getFileName() + "-up.log");
        ProcessBuilder builder = new ProcessBuilder(java(), "-Dgridauth.root=" + root, "-jar", jar.toString(), "up")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("GRIDAUTH_HOME", home.toString());
        builder.environment().put("SOFTHSM2_CONF", home.resolve("ca/softhsm2.conf").toString());
        Process process = builder.start();
        process.getOutputStream().close();
        RunningSuite suite = new RunningSuite(root, home, output, process, ports);
        Instant deadline = Instant.now().plus(timeout);
        while (!suite.log().contains("gridauth is running")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                String log = suite.log();
                suite.close();
                throw new IllegalStateException("'gridauth up' did not come up" + (process.isAlive() ? " in " + timeout : " (exit " + process.exitValue() + ")")
                        + ":\n" + log + "\n" + logsOf(home));
            }
            Thread.sleep(250);
        }
        return suite;
    }

    String log() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    int port(String key) {
        return ports.get(key);
    }

    String portalBase() {
        return "https://localhost:" + port("port.ra-portal");
    }

    String idpEntityId() {
        return "http://localhost:" + port("port.idp") + "/idp/shibboleth";
    }

    /** Runs {@code gridauth <args>} from the same jar, as a user at the command line would. */
    GridTools.Result gridauth(Map<String, String> environment, String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-Dgridauth.root=" + root, "-jar", root.resolve("launcher/target/gridauth.jar").toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("GRIDAUTH_HOME", home.toString());
        return GridTools.run(command, env, input, Duration.ofSeconds(120));
    }

    /** Every log file the suite wrote (its own output, the IdP's, the portal's, access and audit logs). */
    static String logsOf(Path home) throws IOException {
        StringBuilder all = new StringBuilder();
        if (!Files.isDirectory(home)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".jsonl")).toList()) {
                all.append("==> ").append(file).append('\n').append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            // SIGTERM, as Ctrl-C would: the launcher's shutdown hook stops every service and its child JVMs.
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    boolean childrenGone() {
        return process.descendants().noneMatch(ProcessHandle::isAlive);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
