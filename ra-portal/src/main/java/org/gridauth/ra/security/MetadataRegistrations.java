package org.gridauth.ra.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.saml2.provider.service.registration.InMemoryRelyingPartyRegistrationRepository;
import org.springframework.security.saml2.provider.service.registration.IterableRelyingPartyRegistrationRepository;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;

/**
 * The IdPs the portal signs people on with, from metadata. Metadata in files must be readable at start-up (a
 * mistake stops the portal). Metadata fetched over HTTP may not be there yet when the portal starts — the IdP
 * bridge may be booting next to it — so a failed fetch is logged and tried again when someone signs on (at most
 * every few seconds), instead of keeping the whole portal down; meanwhile {@link #unavailable()} lets the sign-on
 * page say so instead of calling the IdP unknown.
 */
public final class MetadataRegistrations implements IterableRelyingPartyRegistrationRepository {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataRegistrations.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final List<String> locations;
    private final Function<String, List<RelyingPartyRegistration>> loader;
    private final Clock clock;
    private volatile InMemoryRelyingPartyRegistrationRepository loaded;
    private Instant lastAttempt = Instant.MIN;

    MetadataRegistrations(List<String> locations, Function<String, List<RelyingPartyRegistration>> loader, Clock clock) {
        this.locations = List.copyOf(locations);
        this.loader = loader;
        this.clock = clock;
        for (String location : locations) {
            if (!remote(location)) {
                // Files are the operator's: read them now, so a wrong path or bad XML stops the start.
                loader.apply(location);
            }
        }
        load();
    }

    static boolean remote(String location) {
        return location.startsWith("http://") || location.startsWith("https://");
    }

    private synchronized InMemoryRelyingPartyRegistrationRepository load() {
        if (loaded != null) {
            return loaded;
        }
        Instant now = clock.instant();
        if (lastAttempt.plus(RETRY).isAfter(now)) {
            return null;
        }
        lastAttempt = now;
        try {
            List<RelyingPartyRegistration> all = new java.util.ArrayList<>();
            for (String location : locations) {
                all.addAll(loader.apply(location));
            }
            loaded = new InMemoryRelyingPartyRegistrationRepository(all);
            return loaded;
        } catch (RuntimeException e) {
            LOG.warn("IdP metadata not available yet ({}); sign-on will try again", e.getMessage());
            return null;
        }
    }

    /**
     * The HTTP metadata locations when their metadata could not be fetched yet (a lookup now finds no IdP), else
     * empty. Only the remote ones are named: the page shows them to anyone, and file paths are the operator's business.
     */
    public Optional<String> unavailable() {
        return load() == null
                ? Optional.of(String.join(", ", locations.stream().filter(MetadataRegistrations::remote).toList()))
                : Optional.empty();
    }

    @Override
    public RelyingPartyRegistration findByRegistrationId(String id) {
        InMemoryRelyingPartyRegistrationRepository repository = load();
        return repository == null ? null : repository.findByRegistrationId(id);
    }

    @Override
    public Iterator<RelyingPartyRegistration> iterator() {
        InMemoryRelyingPartyRegistrationRepository repository = load();
        return repository == null ? java.util.Collections.emptyIterator() : repository.iterator();
    }
}
