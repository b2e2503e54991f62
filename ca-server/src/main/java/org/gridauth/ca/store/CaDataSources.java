package org.gridauth.ca.store;

import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.h2.jdbcx.JdbcDataSource;

/** The CA's database connections: a small pool over H2 (embedded) or PostgreSQL. */
public final class CaDataSources {

    /** Connections the CA keeps: the RA link and repository threads, the CRL and checkpoint timers. */
    public static final int POOL_SIZE = 8;

    /**
     * An issuance runs about 15 different statements; H2 keeps the last 8 parsed per connection by default, so
     * every statement was parsed again (a tenth of the CPU time of an issuance in the JFR samples).
     */
    public static final String H2_QUERY_CACHE = "QUERY_CACHE_SIZE=64";

    private CaDataSources() {
    }

    /**
     * An H2 database in files next to {@code base} ({@code base.mv.db}), pooled. H2 normally writes committed
     * transactions up to half a second later (WRITE_DELAY 500 ms), so a killed CA process would lose certificates it
     * had already handed out; the CA writes every commit through to the operating system at once (no fsync: see
     * the durability section of the CA manual). Not pooled: wrap it with {@link #pooled} for a CA that serves.
     */
    public static DataSource h2File(Path base) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + base.toAbsolutePath() + ";WRITE_DELAY=0;" + H2_QUERY_CACHE);
        return h2;
    }

    /**
     * The CA's settings on a PostgreSQL data source (others are returned as they are): the driver rewrites a batch of
     * INSERTs into multi-row INSERTs, so that a batch issuance's reservation, audit and request-log rows cost the
     * server one statement per few hundred rows instead of one per row. The store never reads the row counts of its
     * INSERT batches (the rewritten ones report SUCCESS_NO_INFO), and a unique violation still fails the whole batch,
     * which the store then retries item by item.
     */
    public static DataSource withCaSettings(DataSource raw) {
        if (raw instanceof org.postgresql.ds.common.BaseDataSource postgres) {
            postgres.setReWriteBatchedInserts(true);
        }
        return raw;
    }

    /**
     * Keeps connections open between transactions. Without a pool every transaction opened its own connection, and
     * an embedded H2 database whose last connection closes is closed and compacted, then opened again by the next
     * transaction: that, not the token, took most of an issuance's 49 ms (JFR samples in Database.close and
     * MVStore compaction). PostgreSQL likewise paid a TCP connect and login per transaction.
     */
    public static DataSource pooled(DataSource raw, String name) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(raw);
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        // Start even when the database is down (requests then get GA-CA-020), and do not make callers wait long.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }
}
