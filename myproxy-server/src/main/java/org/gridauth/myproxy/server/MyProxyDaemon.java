package org.gridauth.myproxy.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.myproxy.policy.ServerConfig;
import org.gridauth.myproxy.store.JdbcCredentialStore;
import org.gridauth.myproxy.store.SealingKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Starts a {@link MyProxyServer} from a configuration file, checking everything at start-up (file readable,
 * host credential loadable and matching, trust directory present, database reachable and migrated) so that a
 * misconfiguration stops the daemon with a clear message instead of failing the first client.
 */
public final class MyProxyDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MyProxyDaemon.class);

    private final HikariDataSource database;
    private final MyProxyServer server;

    private MyProxyDaemon(HikariDataSource database, MyProxyServer server) {
        this.database = database;
        this.server = server;
    }

    public static MyProxyDaemon start(Path configFile) throws IOException, ServerConfig.ConfigException {
        List<String> warnings = new ArrayList<>();
        ServerConfig config = ServerConfig.parse(Files.readString(configFile), configFile.toString(), warnings);
        warnings.forEach(LOG::warn);
        return start(config);
    }

    public static MyProxyDaemon start(ServerConfig config) throws IOException {
        Credential host = CredentialFiles.readUserCredential(config.hostCert(), config.hostKey(), null);
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(config.databaseUrl());
        pool.setMaximumPoolSize(Math.max(2, Math.min(config.threads(), 16)));
        pool.setPoolName("myproxy-db");
        HikariDataSource database = new HikariDataSource(pool);
        try {
            JdbcCredentialStore store = new JdbcCredentialStore(database);
            SealingKey sealingKey = SealingKey.loadOrCreate(config.sealingKey(), new java.security.SecureRandom());
            MyProxyServer server = new MyProxyServer(new InetSocketAddress(config.port()), host, config.certDir(), store,
                    config.policy(), sealingKey, config.kdfIterations(), config.threads(), Clock.systemUTC());
            return new MyProxyDaemon(database, server);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Runs the repository from a configuration file until the process is stopped. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: myproxy-server <myproxy-server.config>");
            System.exit(2);
        }
        MyProxyDaemon daemon;
        try {
            daemon = start(Path.of(args[0]));
        } catch (ServerConfig.ConfigException | IOException | org.gridauth.gsi.error.GridAuthException e) {
            System.err.println("myproxy-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "myproxy-shutdown"));
        Thread.currentThread().join();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        database.close();
    }
}
