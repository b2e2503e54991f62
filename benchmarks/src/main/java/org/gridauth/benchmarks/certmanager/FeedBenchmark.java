package org.gridauth.benchmarks.certmanager;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.gridauth.certmanager.feed.FeedHandler;
import org.gridauth.certmanager.feed.FeedStore;
import org.gridauth.certmanager.registry.RegistryImporter;
import org.gridauth.certmanager.registry.RegistryKind;
import org.gridauth.certmanager.registry.RegistrySource;
import org.gridauth.certmanager.registry.SiteRegistry;
import org.gridauth.certmanager.server.CertManagerServer;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.gsi.trust.ChainValidator;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The sites' feed of the certificate manager (issue #6 targets): the full response for a site whose resources admit
 * N researchers with one valid mapping each (target <= 2 s for 100,000), and the incremental response carrying 100
 * changes (target <= 50 ms), both over HTTPS with the site's host certificate, timed at the client from sending the
 * request to having parsed the last byte. Runs on an H2 file database and, if reachable, on PostgreSQL at
 * 127.0.0.1:5432 (database test, user postgres). Appends a section to RESULTS.md.
 *
 * <p>Usage: {@code FeedBenchmark <RESULTS.md> [mappings, default 100000] [timed runs, default 10]}
 */
public final class FeedBenchmark {

    private static final String SITE_DN = TestPki.ORGANISATION + "/CN=feed-site.example.jp";
    private static final JsonFactory JSON = new JsonFactory();

    private record Row(String database, String measurement, int entries, long bytes, double p50, double min, double max) {
    }

    public static void main(String[] args) throws Exception {
        // The JDK HTTP server reads this once; without it Nagle's algorithm delays small responses by ~40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path results = Path.of(args[0]);
        int mappings = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("cm-feed-bench");
        TestPki pki = TestPki.create(dir);
        Credential site = pki.issue(CertificateProfiles.host(), GridDn.fromOpenSsl(SITE_DN), List.of("feed-site.example.jp"));
        HttpClient client = client(site, pki);

        List<Row> rows = new ArrayList<>();
        rows.addAll(measure("H2 (file)", CmDatabase.h2File(dir.resolve("cm")), dir, pki, client, mappings, runs));
        DataSource postgres = postgres();
        if (postgres != null) {
            rows.addAll(measure("PostgreSQL", postgres, dir, pki, client, mappings, runs));
        } else {
            System.out.println("PostgreSQL at 127.0.0.1:5432 not reachable: H2 only");
        }
        report(results, rows, mappings, runs);
        System.exit(0);
    }

    private static List<Row> measure(String name, DataSource raw, Path dir, TestPki pki, HttpClient client, int mappings, int runs) throws Exception {
        Clock clock = Clock.systemUTC();
        // As in production: a connection pool (HikariCP), so a request does not open database connections.
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(raw);
        pool.setMaximumPoolSize(8);
        HikariDataSource dataSource = new HikariDataSource(pool);
        CmDatabase database = new CmDatabase(dataSource);
        long fillStart = System.nanoTime();
        fill(database, dataSource, dir, clock, mappings);
        System.out.printf(Locale.ROOT, "%s: filled %d mappings in %.1f s%n", name, mappings, (System.nanoTime() - fillStart) / 1e9);
        List<Row> rows = new ArrayList<>();
        try (ChainValidator validator = ChainValidator.strict(pki.trustDir());
             CertManagerServer server = new CertManagerServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), pki.host(), validator, 4)) {
            server.route(FeedHandler.PATH, new FeedHandler(new FeedStore(dataSource, clock), new SiteRegistry(database, clock), database, clock)).start();
            String base = "https://localhost:" + server.port() + FeedHandler.PATH;

            Result warm = null;
            for (int i = 0; i < 3; i++) {
                warm = get(client, base, null, false);
            }
            check(warm.entries == mappings, name + ": the full feed has " + warm.entries + " entries, expected " + mappings);
            rows.add(timed(name, "full feed, identity", runs, () -> get(client, base, null, false)));
            rows.add(timed(name, "full feed, Accept-Encoding: gzip", runs, () -> get(client, base, null, true)));
            String etag = warm.etag;
            rows.add(timed(name, "full feed, If-None-Match (304)", runs, () -> get(client, base, etag, false)));

            String cursor = warm.cursor;
            changes(database, mappings, 100);
            rows.add(timed(name, "changes since a cursor: 100 revocations", runs, () -> {
                Result r = get(client, base + "?since=" + cursor, null, false);
                check(r.entries == 100, "expected 100 changed entries, got " + r.entries);
                return r;
            }));
            String after = get(client, base + "?since=" + cursor, null, false).cursor;
            rows.add(timed(name, "changes since a cursor: nothing changed", runs, () -> get(client, base + "?since=" + after, null, false)));
        } finally {
            dataSource.close();
        }
        return rows;
    }

    /** Registries (N researchers, 100 projects, one site with two resources admitting all) and N valid mappings. */
    private static void fill(CmDatabase database, DataSource dataSource, Path dir, Clock clock, int mappings) throws IOException, SQLException {
        StringBuilder researchers = new StringBuilder("hpci_id,eppn,given_name,family_name,email,status\n");
        StringBuilder projects = new StringBuilder("project_id,name,vo,start,end,hpci_id,group,role\n");
        LocalDate today = LocalDate.now(clock);
        for (int i = 0; i < mappings; i++) {
            String id = String.format(Locale.ROOT, "hpci%07d", i);
            researchers.append(id).append(',').append(id).append("@example.ac.jp,Given,Family,").append(id).append("@example.ac.jp,active\n");
            int project = i % 100;
            projects.append("hp").append(project).append(",Project ").append(project).append(",hpci.jp,").append(today.minusDays(30)).append(',')
                    .append(today.plusDays(300)).append(',').append(id).append(",,\n");
        }
        StringBuilder resources = new StringBuilder("resource_id,site_id,name,project_id,site_host_dn\n");
        for (int project = 0; project < 100; project++) {
            resources.append("res-a,site-a,Supercomputer A,hp").append(project).append(',').append(SITE_DN).append('\n');
            resources.append("res-b,site-a,Storage B,hp").append(project).append(",\n");
        }
        new RegistryImporter(database, clock, RegistryImporter.DEFAULT_ZONE).importRegistries(Map.of(
                RegistryKind.RESEARCHERS, RegistrySource.file(Files.writeString(dir.resolve("researchers.csv"), researchers)),
                RegistryKind.PROJECTS, RegistrySource.file(Files.writeString(dir.resolve("projects.csv"), projects)),
                RegistryKind.RESOURCES, RegistrySource.file(Files.writeString(dir.resolve("resources.csv"), resources))), "benchmark");
        long notAfter = clock.instant().plus(Duration.ofDays(365)).toEpochMilli();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long seq = CmDatabase.nextChange(c);
            try (PreparedStatement account = c.prepareStatement(
                    "INSERT INTO cm_account (hpci_id, local_name, eppn, email, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)");
                 PreparedStatement credential = c.prepareStatement("INSERT INTO cm_credential (serial, hpci_id, valid_hpci_id, subject_dn, common_name,"
                         + " certificate_pem, location, status, not_before, not_after, issued_at, change_seq)"
                         + " VALUES (?, ?, ?, ?, ?, 'PEM', 'STORE', 'VALID', 0, ?, 0, ?)")) {
                for (int i = 0; i < mappings; i++) {
                    String id = String.format(Locale.ROOT, "hpci%07d", i);
                    account.setString(1, id);
                    account.setString(2, "u" + i);
                    account.setString(3, id + "@example.ac.jp");
                    account.setString(4, id + "@example.ac.jp");
                    account.addBatch();
                    String cn = "Researcher " + id;
                    credential.setString(1, String.format(Locale.ROOT, "%016X", 0x1000000L + i));
                    credential.setString(2, id);
                    credential.setString(3, id);
                    credential.setString(4, TestPki.ORGANISATION + "/OU=Users/CN=" + cn);
                    credential.setString(5, cn);
                    credential.setLong(6, notAfter);
                    credential.setLong(7, seq);
                    credential.addBatch();
                    if (i % 1000 == 999) {
                        account.executeBatch();
                        credential.executeBatch();
                    }
                }
                account.executeBatch();
                credential.executeBatch();
            }
            c.commit();
            if (c.getMetaData().getDatabaseProductName().startsWith("PostgreSQL")) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                }
                c.commit();
            }
        }
    }

    /** Revokes {@code count} certificates, one transaction each, as the credential store would. */
    private static void changes(CmDatabase database, int mappings, int count) {
        for (int k = 0; k < count; k++) {
            String serial = String.format(Locale.ROOT, "%016X", 0x1000000L + (long) k * (mappings / count));
            database.inTransaction(c -> {
                long seq = CmDatabase.nextChange(c);
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE cm_credential SET status = 'REVOKED', valid_hpci_id = NULL, revoked_at = 1, change_seq = ? WHERE serial = ?")) {
                    update.setLong(1, seq);
                    update.setString(2, serial);
                    update.executeUpdate();
                }
                return null;
            });
        }
    }

    private record Result(int status, int entries, long bytes, String cursor, String etag) {
    }

    private interface Call {
        Result call() throws Exception;
    }

    private static Row timed(String database, String measurement, int runs, Call call) throws Exception {
        call.call();
        double[] ms = new double[runs];
        Result last = null;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            last = call.call();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        Row row = new Row(database, measurement, last.entries, last.bytes, ms[runs / 2], ms[0], ms[runs - 1]);
        System.out.printf(Locale.ROOT, "%s | %s | %d entries | %d bytes | p50 %.1f ms (min %.1f, max %.1f)%n", database, measurement, row.entries,
                row.bytes, row.p50, row.min, row.max);
        return row;
    }

    /** GET and parse the whole response with Jackson's streaming parser, as a site's client would. */
    private static Result get(HttpClient client, String url, String ifNoneMatch, boolean gzip) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String etag = response.headers().firstValue("ETag").orElse(null);
        if (response.statusCode() == 304) {
            response.body().close();
            return new Result(304, 0, 0, null, etag);
        }
        check(response.statusCode() == 200, "HTTP " + response.statusCode() + " from " + url);
        CountingStream counted = new CountingStream(response.body());
        InputStream body = gzip ? new GZIPInputStream(counted, 1 << 16) : counted;
        int entries = 0;
        long count = -1;
        String cursor = null;
        try (JsonParser parser = JSON.createParser(body)) {
            int depth = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT) {
                    depth++;
                    if (depth == 2) {
                        entries++;
                    }
                } else if (token == JsonToken.END_OBJECT) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME && depth == 1) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("cursor")) {
                        cursor = parser.getText();
                    } else if (field.equals("count")) {
                        count = parser.getLongValue();
                    } else if (parser.currentToken() == JsonToken.START_ARRAY) {
                        continue;
                    }
                }
            }
        }
        check(count == entries, "count " + count + " but " + entries + " entries");
        return new Result(200, entries, counted.bytes, cursor, etag);
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long bytes;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                bytes += n;
            }
            return n;
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static HttpClient client(Credential site, TestPki pki) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("site", site.privateKey(), new char[0], site.chain().toArray(new Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static DataSource postgres() {
        String schema = "feedbench_" + Long.toHexString(System.nanoTime());
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setServerNames(new String[] {"127.0.0.1"});
        admin.setPortNumbers(new int[] {5432});
        admin.setDatabaseName("test");
        admin.setUser("postgres");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            return null;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {5432});
        ds.setDatabaseName("test");
        ds.setUser("postgres");
        ds.setCurrentSchema(schema);
        return ds;
    }

    private static void report(Path results, List<Row> rows, int mappings, int runs) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("\n## cert-manager feed: full and incremental responses over HTTPS (").append(LocalDate.now(ZoneOffset.UTC)).append(")\n\n");
        md.append("Command: `benchmarks/run-certmanager-feed-benchmark.sh ").append(mappings).append(' ').append(runs).append("` (").append(mappings)
                .append(" researchers with one valid mapping each, all members of current projects admitted on the site's two resources; ")
                .append(runs).append(" timed runs per row after warm-up; HikariCP pool of 8; server (CertManagerServer, 4 threads, TCP_NODELAY) and client in one JVM on this 2-core")
                .append(" machine; time from sending the request to having parsed the last byte with Jackson's streaming parser; TLS 1.3 with the")
                .append(" site's host certificate, keep-alive).\n\n");
        md.append("| database | request | entries | bytes | p50 ms | min ms | max ms |\n|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %.1f | %.1f | %.1f |%n", row.database, row.measurement, row.entries, row.bytes,
                    row.p50, row.min, row.max));
        }
        md.append("\nTargets (issue #6): full feed of 100,000 entries <= 2000 ms, incremental with 100 changes <= 50 ms.\n");
        Files.writeString(results, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(md);
    }
}
