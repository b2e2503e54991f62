package org.gridauth.idp.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.protocol.SignedMetadata;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a federation metadata aggregate current (R-IDP-4, R-RA-1): fetches it over HTTP(S), accepts it only when
 * {@link SignedMetadata} verifies it, writes each accepted copy atomically to a backing file, and hands it to the
 * listener. A failed fetch or a rejected document leaves the last good copy in use; at start-up, if the URL cannot
 * be reached, the backing file (verified again) is used. The next refresh is after the document's cacheDuration,
 * bounded by {@code minRefresh} and {@code maxRefresh}, and never after its validUntil.
 */
public final class MetadataRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataRefresher.class);

    /** The outcome of one refresh: accepted or not, and which entityIDs appeared or disappeared. */
    public record Result(boolean accepted, List<String> added, List<String> removed, String problem) {
    }

    private final URI url;
    private final Path backingFile;
    private final X509Certificate federationCertificate;
    private final Duration minRefresh;
    private final Duration maxRefresh;
    private final Clock clock;
    private final Consumer<byte[]> listener;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "federation-metadata");
        t.setDaemon(true);
        return t;
    });
    private volatile SignedMetadata current;

    public MetadataRefresher(URI url, Path backingFile, X509Certificate federationCertificate, Duration minRefresh,
                             Duration maxRefresh, Clock clock, Consumer<byte[]> listener) {
        this.url = url;
        this.backingFile = backingFile;
        this.federationCertificate = federationCertificate;
        this.minRefresh = minRefresh;
        this.maxRefresh = maxRefresh;
        this.clock = clock;
        this.listener = listener;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** First load (URL, else backing file), then refreshes on schedule. */
    public Result start() {
        Result result = refresh();
        if (!result.accepted() && current == null && Files.exists(backingFile)) {
            try {
                accept(SignedMetadata.verify(Files.readAllBytes(backingFile), federationCertificate, clock.instant(), backingFile.toString()), false);
                LOG.warn("federation metadata from {} unavailable ({}); using the backing file {}", url, result.problem(), backingFile);
            } catch (IOException | GridAuthException e) {
                LOG.error("federation metadata: neither {} nor the backing file {} is usable: {}", url, backingFile, e.getMessage());
            }
        }
        schedule();
        return result;
    }

    /** Fetches and verifies once; on success the new copy is in use and saved. */
    public Result refresh() {
        byte[] body;
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return rejected("HTTP " + response.statusCode());
            }
            body = response.body();
        } catch (IOException e) {
            return rejected("cannot fetch: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return rejected("interrupted");
        }
        SignedMetadata verified;
        try {
            verified = SignedMetadata.verify(body, federationCertificate, clock.instant(), url.toString());
        } catch (GridAuthException e) {
            return rejected(e.localizedMessage(java.util.Locale.ENGLISH));
        }
        return accept(verified, true);
    }

    private Result accept(SignedMetadata verified, boolean save) {
        Set<String> before = current == null ? Set.of() : entityIds(current.xml());
        Set<String> after = entityIds(verified.xml());
        if (save) {
            AtomicFiles.write(backingFile, verified.xml(), AtomicFiles.WORLD_READABLE);
        }
        current = verified;
        listener.accept(verified.xml());
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        LOG.info("federation metadata from {} accepted: {} entities, {} added {}, {} removed {}, validUntil {}", save ? url : backingFile,
                after.size(), added.size(), added, removed.size(), removed, verified.validUntil());
        return new Result(true, added, removed, null);
    }

    private Result rejected(String problem) {
        LOG.warn("{}", IdpError.METADATA_REJECTED.code() + ": " + IdpError.METADATA_REJECTED.format(java.util.Locale.ENGLISH, url, problem));
        return new Result(false, List.of(), List.of(), problem);
    }

    /** When the next refresh is due. */
    Duration nextDelay() {
        Duration delay = maxRefresh;
        SignedMetadata metadata = current;
        if (metadata != null && metadata.cacheDuration() != null && metadata.cacheDuration().compareTo(delay) < 0) {
            delay = metadata.cacheDuration();
        }
        if (metadata != null && metadata.validUntil() != null) {
            Duration untilExpiry = Duration.between(clock.instant(), metadata.validUntil()).dividedBy(2);
            if (untilExpiry.compareTo(delay) < 0) {
                delay = untilExpiry;
            }
        }
        return delay.compareTo(minRefresh) < 0 ? minRefresh : delay;
    }

    private void schedule() {
        if (scheduler.isShutdown()) {
            return;
        }
        scheduler.schedule(() -> {
            try {
                refresh();
            } finally {
                schedule();
            }
        }, nextDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    public byte[] current() {
        SignedMetadata metadata = current;
        return metadata == null ? null : metadata.xml();
    }

    public Instant currentValidUntil() {
        SignedMetadata metadata = current;
        return metadata == null ? null : metadata.validUntil();
    }

    private static Set<String> entityIds(byte[] xml) {
        Set<String> ids = new TreeSet<>();
        try {
            XMLObject root = OpenSaml.parse(xml);
            collect(root, ids);
        } catch (Exception e) {
            // already verified; cannot happen
        }
        return ids;
    }

    private static void collect(XMLObject object, Set<String> ids) {
        if (object instanceof EntityDescriptor entity) {
            ids.add(entity.getEntityID());
        } else if (object instanceof EntitiesDescriptor group) {
            group.getEntityDescriptors().forEach(e -> ids.add(e.getEntityID()));
            group.getEntitiesDescriptors().forEach(g -> collect(g, ids));
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
