package org.gridauth.ca.store;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/** The embedded (H2) CA database. */
public final class CaDataSources {

    private CaDataSources() {
    }

    /**
     * An H2 database in files next to {@code base} ({@code base.mv.db}). H2 normally writes committed transactions
     * up to half a second later (WRITE_DELAY 500 ms), so a killed CA process would lose certificates it had
     * already handed out; the CA writes every commit through at once.
     */
    public static DataSource h2File(Path base) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + base.toAbsolutePath() + ";WRITE_DELAY=0");
        return h2;
    }
}
