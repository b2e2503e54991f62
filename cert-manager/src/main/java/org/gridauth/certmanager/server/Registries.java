package org.gridauth.certmanager.server;

import java.time.Clock;
import java.util.List;

import org.gridauth.certmanager.policy.VoMembership;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.certmanager.store.JdbcAuditLog;

/** Wires the office registries (VO membership) and the sites' feed into the service. */
final class Registries {

    private Registries() {
    }

    static VoMembership membership(CmDatabase database, Clock clock) {
        return hpciId -> List.of();
    }

    static void routes(CertManagerServer server, CmDatabase database, JdbcAuditLog audit, Clock clock) {
    }
}
