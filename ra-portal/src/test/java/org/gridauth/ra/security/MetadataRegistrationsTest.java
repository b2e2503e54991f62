package org.gridauth.ra.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridauth.gsi.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistration;

/** Where the portal's IdPs come from when their metadata is not there yet (R-RA-1). */
class MetadataRegistrationsTest {

    private static RelyingPartyRegistration registration(String id) {
        return RelyingPartyRegistration.withRegistrationId(id).entityId("https://portal.test/sp")
                .assertionConsumerServiceLocation("https://portal.test/login/saml2/sso")
                .assertingPartyMetadata(a -> a.entityId("https://idp.test/idp").singleSignOnServiceLocation("https://idp.test/sso")).build();
    }

    @Test
    @DisplayName("R-RA-1: IdP metadata over HTTP that is not up yet does not keep the portal down; sign-on fetches it later, retrying at most every 5 s")
    void remoteMetadataLater() {
        AtomicBoolean up = new AtomicBoolean(false);
        AtomicInteger fetches = new AtomicInteger();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
        MetadataRegistrations registrations = new MetadataRegistrations(List.of("http://localhost:8480/idp/shibboleth"), location -> {
            fetches.incrementAndGet();
            if (!up.get()) {
                throw new IllegalStateException("connection refused");
            }
            return List.of(registration("idp-1"));
        }, clock);
        assertThat(registrations.findByRegistrationId("idp-1")).isNull();
        assertThat(registrations.unavailable()).as("what the sign-on page names (GA-RA-037)").contains("http://localhost:8480/idp/shibboleth");
        assertThat(fetches).hasValue(1);
        up.set(true);
        assertThat(registrations.findByRegistrationId("idp-1")).as("no new fetch within 5 s").isNull();
        clock.advance(Duration.ofSeconds(6));
        assertThat(registrations.findByRegistrationId("idp-1")).isNotNull();
        assertThat(registrations.unavailable()).isEmpty();
        assertThat(registrations.iterator().hasNext()).isTrue();
        assertThat(fetches).hasValue(2);
    }

    @Test
    @DisplayName("R-RA-1: unreadable metadata in a file stops the start-up (it is the operator's configuration)")
    void fileMetadataNow() {
        assertThatThrownBy(() -> new MetadataRegistrations(List.of("file:/nonexistent/idp.xml"), location -> {
            throw new IllegalStateException("no such file");
        }, Clock.systemUTC())).hasMessageContaining("no such file");
    }
}
