package org.gridauth.idp.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.gridauth.idp.protocol.OpenSaml;
import org.gridauth.idp.testing.SignedAggregates;
import org.gridauth.idp.protocol.SigningKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensaml.saml.common.SAMLObjectContentReference;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

import com.sun.net.httpserver.HttpServer;

class MetadataRefresherTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    private BasicX509Credential federation;
    private BasicX509Credential stranger;
    private final List<byte[]> delivered = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        OpenSaml.init();
        SigningKeys.generate(dir.resolve("fed.crt"), dir.resolve("fed.key"), "federation", Clock.systemUTC());
        SigningKeys.generate(dir.resolve("x.crt"), dir.resolve("x.key"), "stranger", Clock.systemUTC());
        federation = SigningKeys.load(dir.resolve("fed.crt"), dir.resolve("fed.key"));
        stranger = SigningKeys.load(dir.resolve("x.crt"), dir.resolve("x.key"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/federation.xml", exchange -> {
            byte[] body = served.get();
            if (body == null) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/federation.xml");
    }

    private MetadataRefresher refresher(URI url) {
        return new MetadataRefresher(url, dir.resolve("backing/federation.xml"), federation.getEntityCertificate(),
                Duration.ofMinutes(5), Duration.ofHours(4), Clock.systemUTC(), delivered::add);
    }

    @Test
    @DisplayName("R-IDP-4: a signed aggregate is fetched, verified, saved to the backing file and handed on; changes are reported")
    void acceptsAndReportsChanges() throws Exception {
        Instant inAWeek = Instant.now().plus(Duration.ofDays(7));
        served.set(SignedAggregates.aggregate(federation, inAWeek, Duration.ofHours(1), "https://a.test/idp", "https://b.test/idp"));
        try (MetadataRefresher refresher = refresher(url())) {
            MetadataRefresher.Result first = refresher.start();
            assertThat(first.accepted()).isTrue();
            assertThat(first.added()).containsExactly("https://a.test/idp", "https://b.test/idp");
            assertThat(Files.readAllBytes(dir.resolve("backing/federation.xml"))).isEqualTo(served.get());
            assertThat(delivered).hasSize(1);
            assertThat(refresher.nextDelay()).isEqualTo(Duration.ofHours(1));

            served.set(SignedAggregates.aggregate(federation, inAWeek, null, "https://b.test/idp", "https://c.test/idp"));
            MetadataRefresher.Result second = refresher.refresh();
            assertThat(second.added()).containsExactly("https://c.test/idp");
            assertThat(second.removed()).containsExactly("https://a.test/idp");
            assertThat(refresher.nextDelay()).isEqualTo(Duration.ofHours(4));
        }
    }

    @Test
    @DisplayName("R-IDP-4: tampered, unsigned, wrongly signed or expired metadata is rejected and the last good copy stays in use")
    void rejectsBadDocuments() throws Exception {
        byte[] good = SignedAggregates.aggregate(federation, Instant.now().plus(Duration.ofDays(7)), null, "https://a.test/idp");
        served.set(good);
        try (MetadataRefresher refresher = refresher(url())) {
            assertThat(refresher.start().accepted()).isTrue();
            List<byte[]> bad = List.of(
                    new String(SignedAggregates.aggregate(federation, Instant.now().plus(Duration.ofDays(7)), null, "https://a.test/idp"), StandardCharsets.UTF_8)
                            .replace("https://a.test/idp/sso", "https://evil.test/sso").getBytes(StandardCharsets.UTF_8),
                    SignedAggregates.aggregate(null, Instant.now().plus(Duration.ofDays(7)), null, "https://evil.test/idp"),
                    SignedAggregates.aggregate(stranger, Instant.now().plus(Duration.ofDays(7)), null, "https://evil.test/idp"),
                    SignedAggregates.aggregate(federation, Instant.now().minusSeconds(60), null, "https://a.test/idp"),
                    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".getBytes(StandardCharsets.UTF_8));
            for (byte[] document : bad) {
                served.set(document);
                MetadataRefresher.Result result = refresher.refresh();
                assertThat(result.accepted()).isFalse();
                assertThat(refresher.current()).isEqualTo(good);
                assertThat(Files.readAllBytes(dir.resolve("backing/federation.xml"))).isEqualTo(good);
            }
            served.set(null);
            assertThat(refresher.refresh().problem()).isEqualTo("HTTP 503");
            assertThat(delivered).hasSize(1);
        }
    }

    @Test
    @DisplayName("R-IDP-4: when the federation's server is unreachable at start-up the verified backing file is used")
    void backingFileAtStartUp() throws Exception {
        served.set(SignedAggregates.aggregate(federation, Instant.now().plus(Duration.ofDays(7)), null, "https://a.test/idp"));
        try (MetadataRefresher first = refresher(url())) {
            first.start();
        }
        server.stop(0);
        try (MetadataRefresher second = refresher(url())) {
            MetadataRefresher.Result result = second.start();
            assertThat(result.accepted()).isFalse();
            assertThat(second.current()).isEqualTo(served.get());
        }
    }
}
