package org.gridauth.idp.service;

import java.util.Optional;

import org.gridauth.idp.protocol.ServiceProvider;
import org.gridauth.idp.protocol.SpLookup;
import org.gridauth.idp.protocol.SpRegistry;

/**
 * The SPs this IdP serves: those of the configured metadata files, plus (when enabled) the SPs of the federation
 * aggregate last accepted by the {@link MetadataRefresher}, with their AssertionConsumerServices, keys and logout
 * endpoints. A configured SP wins over an aggregate entry with the same entityID. The aggregate part is replaced
 * whole at each accepted refresh, so an SP removed from the federation is no longer served.
 */
public final class ServedSps implements SpLookup {

    private final SpRegistry configured;
    private volatile SpRegistry federation = new SpRegistry(java.util.List.of());

    public ServedSps(SpRegistry configured) {
        this.configured = configured;
    }

    /** Replaces the SPs taken from the federation aggregate. */
    public void federation(SpRegistry fromAggregate) {
        this.federation = fromAggregate;
    }

    @Override
    public Optional<ServiceProvider> find(String entityId) {
        return configured.find(entityId).or(() -> federation.find(entityId));
    }

    /** How many SPs come from the aggregate now. */
    public int federationSize() {
        return federation.all().size();
    }
}
