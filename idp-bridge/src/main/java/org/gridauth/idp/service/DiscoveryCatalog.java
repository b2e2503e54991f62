package org.gridauth.idp.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.gridauth.idp.policy.IdpSelection;
import org.gridauth.idp.protocol.IdpEntry;
import org.gridauth.idp.protocol.SpRegistry;

/**
 * What the discovery service works from: the IdPs of the federation metadata, the selection rule, the SPs (with
 * their DiscoveryResponse endpoints) and how long a choice is remembered.
 */
public final class DiscoveryCatalog {

    private volatile List<IdpEntry> idps;
    private final IdpSelection selection;
    private volatile SpRegistry sps;
    private final int rememberDays;

    public DiscoveryCatalog(List<IdpEntry> idps, IdpSelection selection, SpRegistry sps, int rememberDays) {
        this.idps = List.copyOf(idps);
        this.selection = selection;
        this.sps = sps;
        this.rememberDays = rememberDays;
    }

    /** Replaces IdPs and SPs at once, when refreshed federation metadata arrives. */
    public void replace(List<IdpEntry> newIdps, SpRegistry newSps) {
        this.sps = newSps;
        this.idps = List.copyOf(newIdps);
    }

    public List<IdpEntry> offered(Locale locale) {
        return selection.select(idps, locale);
    }

    /** The IdP if it is offered. */
    public Optional<IdpEntry> find(String entityId) {
        return idps.stream().filter(idp -> idp.entityId().equals(entityId)).filter(selection::offered).findFirst();
    }

    public SpRegistry sps() {
        return sps;
    }

    public int rememberDays() {
        return rememberDays;
    }
}
