package org.gridauth.ra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Map;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.testing.TestPki;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.testing.Testbed;
import org.gridauth.ra.testing.WebClient;
import org.gridauth.ra.testing.WebClient.Page;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admin console (R-RA-11, R-RA-7, R-CA-10): operators act, auditors look, everything is in the access log. */
class AdminConsoleTest {

    static final String PASSWORD = ResearcherFlowTest.PASSWORD;

    private final Testbed testbed = Testbed.get();

    static String csr(String hostName) throws Exception {
        KeyPair key = KeyPairs.rsa(2048, new SecureRandom());
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, hostName)));
        return Pem.encode(new JcaPKCS10CertificationRequestBuilder(GridDn.fromOpenSsl(TestPki.ORGANISATION + "/CN=" + hostName).toX500Name(),
                key.getPublic()).addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    }

    @Test
    @DisplayName("R-RA-11: an operator finds a researcher, sees the certificate and revokes it with a reason; the revocation is logged with both names")
    void searchAndRevoke() {
        WebClient researcher = testbed.browser();
        researcher.signIn("r22", PASSWORD);
        String serial = CertificateTest.issue(researcher, CertificateTest.confirm(researcher, "STORE")).text("serial");

        WebClient operator = testbed.browser();
        operator.signIn("op1", PASSWORD);
        Page search = operator.get("/admin?q=hpci100022");
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.body()).contains("r22@hpci.example.jp");
        Page bySerial = operator.get("/admin?q=" + serial);
        assertThat(bySerial.body()).contains("hpci100022");
        Page person = operator.get("/admin/people/hpci100022");
        assertThat(person.body()).contains(serial).contains("VALID");
        Page revoked = operator.submit(person, "/admin/revoke", Map.of("hpciId", "hpci100022", "serial", serial, "reason", "privilegeWithdrawn"));
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.body()).contains("REVOKED");
        assertThat(testbed.bean(CertManagerClient.class).mappings("hpci100022")).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo("REVOKED"));
        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci100022", null, "CERT_REVOKE", "OK", null, null), 5))
                .singleElement().satisfies(r -> assertThat(r.detail()).contains("op1@hpci.example.jp").contains("privilegeWithdrawn"));
        Page log = operator.get("/admin/access-log?hpciId=hpci100022&operation=CERT_REVOKE");
        assertThat(log.body()).contains("privilegeWithdrawn");
    }

    @Test
    @DisplayName("R-RA-11: an auditor reads the console but every change is refused; the refusal is logged")
    void auditorReadOnly() {
        WebClient auditor = testbed.browser();
        auditor.signIn("aud1", PASSWORD);
        assertThat(auditor.get("/admin?q=hpci").status()).isEqualTo(200);
        Page settings = auditor.get("/admin/settings");
        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.body()).doesNotContain("id=\"save-settings\"").contains("readonly");
        Page refused = auditor.submit(settings, "/admin/settings", Map.of("rules", "AUDITOR eppn present", "cnFormat", "<sn>", "maxTotal", "9",
                "maxHeld", "9", "lifetimeHours", "9", "recipients", ""));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("GA-RA-003");
        assertThat(auditor.get("/license").status()).as("an auditor is not a researcher").isEqualTo(403);
        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci200003", null, "ACCESS_DENIED", null, null, null), 5))
                .isNotEmpty();
    }

    @Test
    @DisplayName("R-RA-5, R-RA-7, R-RA-11: an operator edits rules, CN format, limits and recipients; a bad rule is refused naming its line; changes are logged")
    void settings() {
        WebClient operator = testbed.browser();
        operator.signIn("op2", PASSWORD);
        Page page = operator.get("/admin/settings");
        String rules = page.text("rules");
        assertThat(rules).contains("RESEARCHER entitlement equals");
        Page bad = operator.submit(page, "/admin/settings", Map.of("rules", rules + "\nRESEARCHER o equals x", "cnFormat", "<givenName> <sn> <hpciId>",
                "maxTotal", "3", "maxHeld", "1", "lifetimeHours", "168", "recipients", ""));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("GA-RA-016").contains("line 5");
        Page saved = operator.submit(page, "/admin/settings", Map.of("rules", rules, "cnFormat", "<givenName> <sn> <hpciId>", "maxTotal", "3",
                "maxHeld", "1", "lifetimeHours", "168", "recipients", "hpci.example.jp: ra-office@hpci.example.jp\n*: ca-ops@example.org",
                "fourEyes", "on"));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.body()).contains("id=\"saved\"").contains("ra-office@hpci.example.jp");
        assertThat(testbed.bean(AccessLogStore.class).search(new AccessLogStore.Filter("hpci200002", null, "SETTINGS_CHANGE", "OK", null, null), 5))
                .isNotEmpty();
    }

    @Test
    @DisplayName("R-CA-10: a host admin uploads a CSR, an operator approves it (not the requester: four-eyes), the CA issues it, the admin downloads it")
    void hostCertificate() throws Exception {
        WebClient hostAdmin = testbed.browser();
        hostAdmin.signIn("host1", PASSWORD);
        Page form = hostAdmin.get("/host-requests");
        Page submitted = hostAdmin.submit(form, "/host-requests", Map.of("kind", "host", "csr", csr("node1.example.org")));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        String id = submitted.text("submitted").replaceAll("\\D+", " ").strip().split(" ")[0];

        WebClient operator = testbed.browser();
        operator.signIn("op1", PASSWORD);
        Page list = operator.get("/admin/host-requests");
        assertThat(list.body()).contains("node1.example.org").contains("PENDING");
        Page approved = operator.submit(list, "/admin/host-requests/" + id + "/approve", Map.of());
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.body()).contains("ISSUED");
        String pem = new String(hostAdmin.download("/host-requests/" + id + "/certificate"));
        assertThat(Pem.decode(pem.getBytes(), "host cert").certificates().get(0).getSubjectX500Principal().getName()).contains("CN=node1.example.org");

        Page own = operator.submit(operator.get("/host-requests"), "/host-requests", Map.of("kind", "host", "csr", csr("node2.example.org")));
        String ownId = own.text("submitted").replaceAll("\\D+", " ").strip().split(" ")[0];
        Page refused = operator.submit(operator.get("/admin/host-requests"), "/admin/host-requests/" + ownId + "/approve", Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("GA-RA-026");
        WebClient second = testbed.browser();
        second.signIn("op2", PASSWORD);
        Page rejected = second.submit(second.get("/admin/host-requests"), "/admin/host-requests/" + ownId + "/reject", Map.of("reason",
                "the host is not registered"));
        assertThat(rejected.body()).contains("REJECTED");
        Page badCsr = hostAdmin.submit(hostAdmin.get("/host-requests"), "/host-requests", Map.of("kind", "host", "csr", "not a csr"));
        assertThat(badCsr.status()).isEqualTo(400);
        assertThat(badCsr.body()).contains("GA-RA-024");
    }
}
