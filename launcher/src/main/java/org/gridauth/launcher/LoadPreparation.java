package org.gridauth.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemWriter;
import org.gridauth.certmanager.registry.RegistryImportCommand;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.myproxy.policy.ServerConfig;
import org.gridauth.myproxy.store.CredentialKind;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.StoredCredential;
import org.h2.jdbcx.JdbcDataSource;

/**
 * {@code gridauth load prepare --users N}: the data set of the sustained-load run (issue #11 item 4) in a stopped
 * suite: N researchers in the IdP's directory (password-checked sign-ons), in the certificate manager's registry
 * (members of the demo project, so licence IDs and certificates are theirs to ask for) and N credentials in
 * MyProxy, one per researcher, stored as {@code myproxy-store} leaves them: the command-line demo researcher's
 * certificate with its key encrypted (OpenSSL PEM encryption, as a userkey.pem from grid-cert-request) under that
 * researcher's own password. The accounts ("username password", mode 600) go to {@code <home>/load/accounts} for
 * {@code gridauth load mix}. Each store is written through its own storage layer (LDIF state file, registry
 * import, the repository's credential store), so the suite must be stopped: they hold those files while running.
 */
final class LoadPreparation {

    static final String PREFIX = "load";
    private static final String DIRECTORY_SUFFIX = "ou=people,dc=hpci,dc=example,dc=jp";
    private static final String ENTITLEMENT = "urn:mace:hpci.example.jp:entitlement:grid-user";

    private final PrintStream out;
    private final Path home;
    private final SecureRandom random = new SecureRandom();

    LoadPreparation(PrintStream out, Path home) {
        this.out = out;
        this.home = home;
    }

    static Path accountsFile(Path home) {
        return home.resolve("load/accounts");
    }

    static String username(int n) {
        return String.format("%s%06d", PREFIX, n);
    }

    static String hpciId(int n) {
        return String.format("hpcl%06d", n);
    }

    int run(int users) throws Exception {
        Path directory = home.resolve("idp/directory.ldif");
        if (!Files.exists(directory) || !Files.exists(home.resolve("cert-manager/registries/researchers.csv"))) {
            throw new IllegalStateException("the suite in " + home + " was never started: run 'gridauth up' once, stop it, then prepare the load");
        }
        SuiteSettings settings = SuiteSettings.read(home);
        for (int port : List.of(settings.myProxyPort(), settings.idpPort(), settings.certManagerPort())) {
            if (listening(port)) {
                throw new IllegalStateException("the suite is running (port " + port + " answers): stop 'gridauth up' first; the load data is written"
                        + " into the files the running services hold");
            }
        }
        Path marker = home.resolve("load/prepared");
        if (Files.exists(marker)) {
            out.println("gridauth load prepare: already prepared (" + Files.readString(marker).strip() + "); accounts in " + accountsFile(home));
            return 0;
        }
        long start = System.nanoTime();
        List<char[]> passwords = new ArrayList<>(users);
        StringBuilder accounts = new StringBuilder("# gridauth load prepare: the load researchers (username password); load test data only\n");
        for (int n = 1; n <= users; n++) {
            char[] password = password();
            passwords.add(password);
            accounts.append(username(n)).append(' ').append(password).append('\n');
        }
        AtomicFiles.write(accountsFile(home), accounts.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        credentials(passwords);
        out.printf("  MyProxy: %,d stored credentials%n", users);
        registries(users);
        out.printf("  certificate manager: %,d researchers in project %s%n", users, DemoRegistries.PROJECT);
        directory(directory, passwords);
        out.printf("  IdP directory: %,d accounts%n", users);
        AtomicFiles.write(marker, (users + " researchers, " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.WORLD_READABLE);
        out.printf("gridauth load prepare: %,d researchers in %d s; accounts in %s (mode 600). Start the suite and run%n"
                + "  gridauth load mix --accounts %s --rate 2000 --duration 30m%n", users, (System.nanoTime() - start) / 1_000_000_000L,
                accountsFile(home), accountsFile(home));
        passwords.forEach(CredentialFiles::wipe);
        return 0;
    }

    /** Letters and digits only, 20 of them: fits the directory's, the portal's and MyProxy's passphrase policies. */
    private char[] password() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        // One of each kind, whatever the draw gave: the directory's password policy wants all three.
        password[0] = 'L';
        password[1] = 'p';
        password[2] = '7';
        return password;
    }

    /**
     * Adds the accounts to the directory's state file (what the IdP loads at start), passwords as {SSHA256}; load
     * accounts of an earlier, interrupted preparation are replaced, every other entry is kept as it is.
     */
    private void directory(Path file, List<char[]> passwords) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".load");
        java.util.regex.Pattern loadEntry = java.util.regex.Pattern.compile("dn: uid=" + PREFIX + "[0-9]{6}," + DIRECTORY_SUFFIX);
        try (var writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (String entry : Files.readString(file, StandardCharsets.UTF_8).split("\n\n+")) {
                if (!entry.isBlank() && !loadEntry.matcher(entry.strip().lines().findFirst().orElse("")).matches()) {
                    writer.write(entry.strip() + "\n\n");
                }
            }
            for (int n = 1; n <= passwords.size(); n++) {
                String uid = username(n);
                writer.write("dn: uid=" + uid + "," + DIRECTORY_SUFFIX + "\n"
                        + "objectClass: top\nobjectClass: inetOrgPerson\nobjectClass: eduPerson\nobjectClass: hpciPerson\n"
                        + "uid: " + uid + "\ncn: Load Researcher" + n + "\nsn: Researcher" + n + "\ngivenName: Load\n"
                        + "mail: " + uid + "@load.example.jp\nhpciId: " + hpciId(n) + "\neduPersonPrincipalName: " + uid + "@load.example.jp\n"
                        + "eduPersonEntitlement: " + ENTITLEMENT + "\no: Load Test University\nhpciAccountState: active\n"
                        + "userPassword: " + ssha256(passwords.get(n - 1)) + "\n\n");
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The layout the IdP's embedded directory stores: base64(SHA-256(password + salt) + salt), 16-byte salt. */
    private String ssha256(char[] password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(new String(password).getBytes(StandardCharsets.UTF_8));
            sha256.update(salt);
            byte[] digest = sha256.digest();
            byte[] both = java.util.Arrays.copyOf(digest, digest.length + salt.length);
            System.arraycopy(salt, 0, both, digest.length, salt.length);
            return "{SSHA256}" + Base64.getEncoder().encodeToString(both);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The demo registries plus the load researchers, as one import (an import replaces the registries it is given). */
    private void registries(int users) throws IOException {
        Path demo = home.resolve("cert-manager/registries");
        Path dir = home.resolve("load/registries");
        Files.createDirectories(dir);
        StringBuilder researchers = new StringBuilder(Files.readString(demo.resolve("researchers.csv")));
        StringBuilder projects = new StringBuilder(Files.readString(demo.resolve("projects.csv")));
        for (int n = 1; n <= users; n++) {
            String id = hpciId(n);
            String mail = username(n) + "@load.example.jp";
            researchers.append(id).append(',').append(mail).append(",Load,Researcher,").append(mail).append(",active\n");
            projects.append(DemoRegistries.PROJECT).append(",Demo project,hpci.example.jp,2020-04-01,2099-03-31,").append(id).append(",demo,\n");
        }
        Files.writeString(dir.resolve("researchers.csv"), researchers);
        Files.writeString(dir.resolve("projects.csv"), projects);
        String jdbcUrl = "jdbc:h2:file:" + home.resolve("cert-manager/db/cm").toAbsolutePath() + ";WRITE_DELAY=0";
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RegistryImportCommand.run(new String[] {"--jdbc-url", jdbcUrl, "--actor", "gridauth load prepare",
                "--researchers", dir.resolve("researchers.csv").toString(), "--projects", dir.resolve("projects.csv").toString()},
                new PrintStream(report, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        if (status != 0) {
            throw new IllegalStateException("the registry import of the load researchers was refused: " + err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * One stored credential per researcher, as myproxy-store leaves it, written through the repository's store. The
     * writes run without H2's write-through (one flush when the store closes), which is what makes 100,000 rows a
     * matter of seconds; a crash here just means preparing again.
     */
    private void credentials(List<char[]> passwords) throws Exception {
        Path configFile = home.resolve("myproxy/myproxy-server.config");
        ServerConfig config = ServerConfig.parse(Files.readString(configFile), configFile.toString(), new ArrayList<>());
        char[] keyPassphrase = Files.readString(new DemoResearcher(home).passphraseFile(), StandardCharsets.UTF_8).strip().toCharArray();
        List<X509Certificate> chain = CredentialFiles.readCertificates(new DemoResearcher(home).certificate());
        PrivateKey key = CredentialFiles.readPrivateKey(new DemoResearcher(home).key(), keyPassphrase);
        CredentialFiles.wipe(keyPassphrase);
        String owner = GridDn.of(chain.get(0).getSubjectX500Principal()).toOpenSsl();
        Instant end = chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
        String url = config.databaseUrl().replaceAll("(?i);WRITE_DELAY=0", "");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        try (var keepOpen = h2.getConnection()) {
            JdbcCredentialStore store = new JdbcCredentialStore(h2);
            ExecutorService workers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < Runtime.getRuntime().availableProcessors(); t++) {
                done.add(workers.submit(() -> {
                    for (int n = next.incrementAndGet(); n <= passwords.size(); n = next.incrementAndGet()) {
                        byte[] encrypted = legacyEncryptedPem(key, passwords.get(n - 1));
                        store.put(new StoredCredential(username(n), "", owner, CredentialKind.END_ENTITY, null, null, null, null, null, chain,
                                encrypted, chain.get(0).getNotBefore().toInstant(), end));
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                workers.shutdownNow();
            }
            keepOpen.createStatement().execute("CHECKPOINT SYNC");
        }
    }

    /** The key as OpenSSL's PEM encryption writes it (Proc-Type 4,ENCRYPTED, AES-256-CBC), as userkey.pem files are. */
    private byte[] legacyEncryptedPem(PrivateKey key, char[] passphrase) {
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            try (PemWriter writer = new PemWriter(text)) {
                writer.writeObject(new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(org.gridauth.gsi.credential.Pem.BC).setSecureRandom(random).build(passphrase)));
            }
            return text.toString().getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("the load credential's key could not be encoded: " + e.getMessage(), e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
