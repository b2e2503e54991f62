package org.gridauth.certmanager.server;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import org.gridauth.certmanager.feed.FeedHandler;
import org.gridauth.certmanager.feed.FeedStore;
import org.gridauth.certmanager.policy.VoMembership;
import org.gridauth.certmanager.registry.JdbcRegistryStore;
import org.gridauth.certmanager.registry.SiteRegistry;
import org.gridauth.certmanager.store.CmDatabase;

/** Wires the office registries (VO membership for the proxy maker) and the sites' feed into the service. */
final class Registries {

    private Registries() {
    }

    /** The FQANs a researcher holds now through the project registry (R-RA-8). */
    static VoMembership membership(CmDatabase database, Clock clock) {
        JdbcRegistryStore registry = new JdbcRegistryStore(database, clock);
        return hpciId -> List.copyOf(registry.vomsAttributes(hpciId));
    }

    /** GET /v1/feed for registered site host certificates (R-CM-3, R-RS-2). */
    static void routes(CertManagerServer server, DataSource dataSource, CmDatabase database, Clock clock) {
        server.route(FeedHandler.PATH, new FeedHandler(new FeedStore(dataSource, clock), new SiteRegistry(database, clock), database, clock));
    }
}
