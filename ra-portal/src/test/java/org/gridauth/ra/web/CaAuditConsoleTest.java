package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridauth.ca.audit.AuditEvent;
import org.gridauth.ra.protocol.CaLinkClient;
import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's CA audit trail page (R-RA-11, R-CA-7): the CA's own trail, read over the RA link the portal uses for
 * host and service certificates, with filters and paging; operators and auditors may look, and each look is in the
 * portal's access log.
 */
class CaAuditConsoleTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;

    private final Testbed testbed = Testbed.get();

    @Test
    @DisplayName("R-RA-11: an operator sees the CA's record of a host certificate the portal had issued over the RA link, found by host name or serial, and the look is in the access log")
    void operatorFindsIssuance() throws Exception {
        // The same client, URL and portal certificate as an approved host request (PeerServices.caUrl()).
        CaLinkClient.Issued issued = testbed.bean(CaLinkClient.class).issue("audit-console-0001", "host", AdminConsoleTest.csr("audit1.example.org"));

        WebClient operator = testbed.browser();
        operator.signIn("op1", PASSWORD);
        Page page = operator.get("/admin/ca-audit?subject=audit1.example.org");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(rows(page)).singleElement().satisfies(row -> assertThat(row).contains("ISSUE", "CN=audit1.example.org",
                "/CN=portal.example.org", "serial=" + issued.serial()));
        assertThat(rows(operator.get("/admin/ca-audit?action=issue&subject=" + issued.serial().toUpperCase()))).hasSize(1);
        Page none = operator.get("/admin/ca-audit?action=REVOKE&subject=audit1.example.org");
        assertThat(none.body()).contains("id=\"ca-none\"").doesNotContain("id=\"ca-audit\"");
        Page today = operator.get("/admin/ca-audit?subject=audit1.example.org&from=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                + "&to=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC));
        assertThat(rows(today)).hasSize(1);
        assertThat(rows(operator.get("/admin/ca-audit?subject=audit1.example.org&to=2020-01-01"))).isEmpty();

        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci200001", null, "ADMIN_VIEW", "OK", null, null), 50))
                .anySatisfy(r -> assertThat(r.detail()).contains("CA audit trail").contains("subject=audit1.example.org").contains("1 records"));
    }

    @Test
    @DisplayName("R-RA-11: the trail pages newest first, 100 records a page, with a link to older records that keeps the filters")
    void paging() {
        for (int i = 0; i < 130; i++) {
            testbed.peers.caAudit.append(new AuditEvent("CRL_ISSUED", "paging-test", "CRL " + (1000 + i), Map.of("number", Integer.toString(1000 + i))));
        }
        WebClient auditor = testbed.browser();
        auditor.signIn("aud1", PASSWORD);
        Page first = auditor.get("/admin/ca-audit?actor=paging-test&action=CRL_ISSUED");
        List<String> rows = rows(first);
        assertThat(rows).hasSize(100);
        assertThat(rows.get(0)).contains("CRL 1129");
        assertThat(rows.get(99)).contains("CRL 1030");
        String older = HtmlUtils.htmlUnescape(first.href("ca-older"));
        assertThat(older).contains("actor=paging-test").contains("action=CRL_ISSUED").contains("before=");
        Page second = auditor.get(older);
        assertThat(rows(second)).hasSize(30).first().asString().contains("CRL 1029");
        assertThat(second.body()).doesNotContain("id=\"ca-older\"");
    }

    @Test
    @DisplayName("R-RA-11: operators and auditors may view the CA audit trail, researchers get 403; the page and its filters are in Japanese too")
    void whoMayLook() {
        WebClient researcher = testbed.browser();
        researcher.signIn("r01", PASSWORD);
        Page refused = researcher.get("/admin/ca-audit");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("id=\"ca-audit\"");

        WebClient auditor = testbed.browser("ja");
        auditor.signIn("aud1", PASSWORD);
        Page page = auditor.get("/admin/ca-audit");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("CA 監査証跡").contains("サブジェクトまたはシリアル番号").contains("イベント").contains("絞り込み")
                .contains("id=\"ca-audit\"");
        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci200003", null, "ADMIN_VIEW", "OK", null, null), 50))
                .anySatisfy(r -> assertThat(r.detail()).contains("CA audit trail"));
    }

    @Test
    @DisplayName("R-RA-11, R-OP-1: a bad filter is refused naming the field, by the portal or with the CA's GA-CA-038; with the CA unreachable the page shows GA-RA-019 and what to do, not a stack trace")
    void failures() throws Exception {
        WebClient operator = testbed.browser();
        operator.signIn("op2", PASSWORD);
        Page badDate = operator.get("/admin/ca-audit?from=" + URLEncoder.encode("last week", StandardCharsets.UTF_8));
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.body()).contains("GA-RA-016").contains("from");
        assertThat(operator.get("/admin/ca-audit?action=" + URLEncoder.encode("ISSUE; DROP", StandardCharsets.UTF_8)).body()).contains("GA-RA-016");
        Page backwards = operator.get("/admin/ca-audit?from=2026-05-01&to=2026-04-01");
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.body()).contains("GA-RA-036 / GA-CA-038").contains("later than from").contains("id=\"ca-filter\"");
        WebClient japanese = testbed.browser("ja");
        japanese.signIn("op2", PASSWORD);
        assertThat(japanese.get("/admin/ca-audit?from=2026-05-01&to=2026-04-01").body()).contains("監査証跡の検索条件「to」が不正です")
                .contains("絞り込み条件").doesNotContain("CSR");

        Page down = withCaUnreachable(() -> operator.get("/admin/ca-audit?action=ISSUE"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).contains("id=\"problem\"").contains("GA-RA-019").contains("gridauth.ra.ca.url")
                .contains("id=\"ca-filter\"").doesNotContain("at org.").doesNotContain("at java.");
        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci200002", null, "ADMIN_VIEW", "REFUSED", null, null), 50))
                .anySatisfy(r -> assertThat(r.detail()).contains("CA audit trail").contains("GA-RA-019"));
        assertThat(operator.get("/admin/ca-audit").status()).as("the CA is back").isEqualTo(200);
    }

    /**
     * Runs {@code work} while the portal's RA link client points at a port nobody listens on: the shared testbed's
     * CA keeps running for the other tests, and the client is put back afterwards.
     */
    private <T> T withCaUnreachable(java.util.function.Supplier<T> work) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        DefaultListableBeanFactory beans = (DefaultListableBeanFactory) testbed.portal.getBeanFactory();
        String name = beans.getBeanNamesForType(CaLinkClient.class)[0];
        Object original = beans.getBean(name);
        CaLinkClient dead = new CaLinkClient(URI.create("https://" + testbed.peers.pki.hostName() + ":" + deadPort), testbed.peers.portal,
                List.of(testbed.peers.pki.ca().certificate()), Duration.ofSeconds(5));
        beans.destroySingleton(name);
        beans.registerSingleton(name, dead);
        try {
            return work.get();
        } finally {
            beans.destroySingleton(name);
            beans.registerSingleton(name, original);
        }
    }

    /** The text of each row of the trail table, cells separated by '|'. */
    private static List<String> rows(Page page) {
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        int table = page.body().indexOf("id=\"ca-audit\"");
        if (table < 0) {
            return List.of();
        }
        String body = page.body().substring(page.body().indexOf("<tbody>", table), page.body().indexOf("</tbody>", table));
        Matcher row = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(body);
        List<String> rows = new java.util.ArrayList<>();
        while (row.find()) {
            rows.add(HtmlUtils.htmlUnescape(row.group(1).replaceAll("\\s*</td>\\s*<td>\\s*", "|").replaceAll("<[^>]+>", "").strip()));
        }
        return rows;
    }
}
