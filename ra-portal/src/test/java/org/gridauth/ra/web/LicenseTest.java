package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.gridauth.ra.store.LicenseStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** License IDs (R-RA-2, R-CA-4) through the pages; the testbed allows 3 in total and 1 held at once. */
class LicenseTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;

    private final Testbed testbed = Testbed.get();

    static Page obtain(WebClient browser) {
        return browser.submit(browser.get("/license"), "/license", Map.of());
    }

    @Test
    @DisplayName("R-RA-2: a license ID is shown once, stored only as a hash, and a second one is refused while the first is held (GA-RA-008)")
    void shownOnceAndHeldLimit() {
        WebClient browser = testbed.browser();
        browser.signIn("r10", PASSWORD);
        Page first = obtain(browser);
        String license = first.text("license-id");
        assertThat(first.response().headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(browser.get("/").body()).as("the home page lists it without its value").doesNotContain(license).contains("unused");
        List<LicenseStore.LicenseRow> rows = testbed.bean(LicenseStore.class).of("hpci100010");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).toString()).doesNotContain(license.replace("-", ""));
        Page second = obtain(browser);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.body()).contains("GA-RA-008").contains("What to do");
    }

    @Test
    @DisplayName("R-RA-2: two browsers racing for the last allowed license ID get one ID and one clear refusal")
    void raceForTheLastOne() throws Exception {
        WebClient a = testbed.browser();
        WebClient b = testbed.browser();
        a.signIn("r11", PASSWORD);
        b.signIn("r11", PASSWORD);
        Page pageA = a.get("/license");
        Page pageB = b.get("/license");
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Page> fa = CompletableFuture.supplyAsync(() -> {
            await(start);
            return a.submit(pageA, "/license", Map.of());
        });
        CompletableFuture<Page> fb = CompletableFuture.supplyAsync(() -> {
            await(start);
            return b.submit(pageB, "/license", Map.of());
        });
        List<Page> results = new ArrayList<>(List.of(fa.get(), fb.get()));
        assertThat(results).extracting(Page::status).containsExactlyInAnyOrder(200, 400);
        Page refused = results.stream().filter(p -> p.status() == 400).findFirst().orElseThrow();
        assertThat(refused.body()).contains("GA-RA-008");
        assertThat(testbed.bean(LicenseStore.class).of("hpci100011")).hasSize(1);
    }

    @Test
    @DisplayName("R-CA-4: an HPCI-ID already bound to another ePPN gets no license ID (GA-RA-005)")
    void hpciIdBoundToOnePerson() {
        WebClient first = testbed.browser();
        first.signIn("twin1", PASSWORD);
        WebClient second = testbed.browser();
        second.signIn("twin2", PASSWORD);
        Page refused = obtain(second);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("GA-RA-005").contains("hpci200007");
    }

    @Test
    @DisplayName("R-RA-2: a person without an HPCI-ID attribute is refused naming the attribute")
    void noHpciId() {
        WebClient browser = testbed.browser();
        browser.signIn("nohpci", PASSWORD);
        Page refused = obtain(browser);
        assertThat(refused.body()).contains("GA-RA-004").contains("hpciId");
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
