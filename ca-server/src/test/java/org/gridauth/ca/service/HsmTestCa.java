package org.gridauth.ca.service;

import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.ca.ceremony.CeremonyRequest;
import org.gridauth.ca.ceremony.KeyCeremony;
import org.gridauth.ca.policy.CaPolicy;
import org.gridauth.ca.policy.CaProfile;
import org.gridauth.ca.store.CaDatabase;
import org.gridauth.ca.store.JdbcAuditTrail;
import org.gridauth.gsi.testing.TestDatabases;
import org.gridauth.ca.token.CaKey;
import org.gridauth.ca.token.Pkcs11Token;
import org.gridauth.ca.token.SoftHsmTokens;
import org.gridauth.ca.token.TokenInventory;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.CertificateMaker;
import org.gridauth.gsi.profile.CertificateProfiles;
import org.gridauth.gsi.profile.Signers;
import org.gridauth.gsi.trust.NamespacePolicy;

/** A CA whose key was made by the key ceremony in a fresh SoftHSM2 token, and the helpers issuance tests share. */
public final class HsmTestCa {

    public static final String ORGANISATION = "/C=JP/O=GridAuth HSM Test";
    public static final GridDn DN = GridDn.fromOpenSsl(ORGANISATION + "/CN=GridAuth HSM Test CA");
    public static final String POLICY_OID = "1.3.6.1.4.1.99999.3.1.1";

    private final CaKey key;

    public HsmTestCa() {
        SoftHsmTokens.Token t = SoftHsmTokens.claim();
        Pkcs11Token token = Pkcs11Token.login(t.config(), t.pinChars());
        Clock clock = Clock.systemUTC();
        new KeyCeremony(clock, new CertificateMaker(clock), new JdbcAuditTrail(new CaDatabase(TestDatabases.h2()), clock))
                .run(token, new TokenInventory().describe(t.config()),
                        new CeremonyRequest(List.of("Test Operator"), DN, "ca", 2048, true, CertificateProfiles.ca()));
        this.key = token.caKey("ca", "SHA256withRSA");
    }

    public CaKey key() {
        return key;
    }

    public static NamespacePolicy namespace() {
        return NamespacePolicy.below(DN, ORGANISATION);
    }

    public static CaPolicy policy() {
        return new CaPolicy(namespace(), CaPolicy.byName(CaProfile.defaults()), URI.create("http://ca.example.org/crl.der"),
                URI.create("http://ca.example.org/ocsp"), URI.create("http://ca.example.org/ca.der"), List.of(POLICY_OID));
    }

    /** A DER PKCS#10 request for the subject, optionally with extensions (subjectAltName DNS names, or others). */
    public static byte[] csr(KeyPair key, String subject, List<String> dnsNames, Extension... extra) {
        try {
            JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(GridDn.fromOpenSsl(subject).toX500Name(), key.getPublic());
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            if (!dnsNames.isEmpty()) {
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            for (Extension extension : extra) {
                extensions.addExtension(extension);
            }
            if (!extensions.isEmpty()) {
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            return builder.build(Signers.software(key.getPrivate(), "SHA256withRSA")).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
