package org.gridauth.certmanager.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.policy.Destination;
import org.gridauth.certmanager.policy.PassphraseRule;
import org.gridauth.certmanager.policy.ProxyLifetimePolicy;
import org.gridauth.certmanager.policy.VoMembership;
import org.gridauth.certmanager.policy.VoSelection;
import org.gridauth.certmanager.protocol.PortalMessages.ProxyReply;
import org.gridauth.certmanager.protocol.PortalMessages.ProxyRequest;
import org.gridauth.certmanager.store.Account;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.JdbcPassphraseGuard;
import org.gridauth.certmanager.store.Location;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.myproxy.client.MyProxyClient;

/**
 * Proxies from stored credentials (R-CM-2, R-RA-8): with the researcher's key passphrase, an RFC 3820 proxy of the
 * requested lifetime (capped by policy), optionally carrying a VOMS attribute certificate for a VO, group and role
 * the researcher holds through the project registry; stored in MyProxy under the storage passphrase (PUT, as
 * myproxy-init does) or returned for download.
 */
public final class ProxyService {

    private final JdbcCredentialStore store;
    private final JdbcAuditLog audit;
    private final KeyVault vault;
    private final ProxyMaker proxies;
    private final ProxyLifetimePolicy lifetimes;
    private final PassphraseRule storageRule;
    private final VoMembership membership;
    private final Optional<AttributeAuthority> attributeAuthority;
    private final MyProxyTarget myproxy;
    private final JdbcPassphraseGuard guard;
    private final Clock clock;

    public ProxyService(JdbcCredentialStore store, JdbcAuditLog audit, KeyVault vault, ProxyMaker proxies, ProxyLifetimePolicy lifetimes,
                        PassphraseRule storageRule, VoMembership membership, Optional<AttributeAuthority> attributeAuthority,
                        MyProxyTarget myproxy, JdbcPassphraseGuard guard, Clock clock) {
        this.guard = guard;
        this.store = store;
        this.audit = audit;
        this.vault = vault;
        this.proxies = proxies;
        this.lifetimes = lifetimes;
        this.storageRule = storageRule;
        this.membership = membership;
        this.attributeAuthority = attributeAuthority;
        this.myproxy = myproxy;
        this.clock = clock;
    }

    /**
     * The FQANs a researcher may ask for in a proxy now (R-RA-8: the portal offers only these): every group and role
     * held through a current project of the project registry, short form, sorted.
     */
    public List<String> attributeChoices(String hpciId) {
        return List.copyOf(membership.fqans(hpciId));
    }

    public ProxyReply make(String caller, ProxyRequest request) {
        String subject = request.hpciId() == null ? "(no HPCI-ID)" : request.hpciId();
        try {
            ProxyReply reply = makeChecked(request);
            audit.record(caller, "PROXY", subject, "OK", reply.subject() + " until " + reply.notAfter() + " to " + reply.destination()
                    + (reply.attributes().isEmpty() ? "" : " with " + reply.attributes()));
            return reply;
        } catch (GridAuthException e) {
            audit.record(caller, "PROXY", subject, "REFUSED", e.getMessage());
            throw e;
        } finally {
            CredentialFiles.wipe(request.keyPassphrase());
            CredentialFiles.wipe(request.storagePassphrase());
            CredentialFiles.wipe(request.storagePassphraseConfirm());
        }
    }

    private ProxyReply makeChecked(ProxyRequest r) {
        if (r.hpciId() == null || r.hpciId().isBlank() || r.eppn() == null || r.eppn().isBlank()) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "hpciId and eppn are required");
        }
        Location destination = Destination.parse(r.destination(), Location.MYPROXY, Location.DOWNLOAD);
        Account account = store.account(r.hpciId()).orElseThrow(() -> new GridAuthException(CertManagerError.NO_ACCOUNT, r.hpciId()));
        if (!account.eppn().equals(r.eppn())) {
            throw new GridAuthException(CertManagerError.NOT_YOUR_ACCOUNT, r.eppn(), r.hpciId());
        }
        Duration lifetime = lifetimes.lifetime(r.lifetimeHours());
        if (destination == Location.MYPROXY) {
            storageRule.check("proxy storage passphrase", r.storagePassphrase(), r.storagePassphraseConfirm());
        }
        Optional<VoSelection> vo = VoSelection.of(r.vo(), r.group(), r.role());
        List<String> fqans = vo.map(v -> v.grant(r.hpciId(), membership.fqans(r.hpciId()))).orElse(List.of());
        if (vo.isPresent() && attributeAuthority.isEmpty()) {
            throw new GridAuthException(CertManagerError.CONFIGURATION_INVALID, "ac_issuer", "no AC issuer credential is configured for VO attributes");
        }
        CredentialRecord stored = store.validCredential(r.hpciId())
                .filter(c -> c.location() == Location.STORE && c.encryptedKey() != null && c.usableAt(clock.instant()))
                .orElseThrow(() -> new GridAuthException(CertManagerError.NO_STORED_CREDENTIAL, account.localName()));
        X509Certificate certificate = Pem.decode(stored.certificatePem().getBytes(StandardCharsets.US_ASCII), "stored certificate").certificates().get(0);
        guard.checkNotLocked(r.hpciId());
        PrivateKey key;
        try {
            key = vault.open(stored.encryptedKey(), r.keyPassphrase(), certificate, account.localName());
        } catch (GridAuthException e) {
            guard.failed(r.hpciId());
            throw e;
        }
        guard.succeeded(r.hpciId());
        Credential user = new Credential(key, List.of(certificate));
        List<AttributeCertificate> acs = new ArrayList<>();
        vo.ifPresent(v -> acs.add(attributeAuthority.get().issue(certificate, v.vo(), fqans, lifetime)));
        org.gridauth.gsi.proxy.ProxyRequest order = org.gridauth.gsi.proxy.ProxyRequest.impersonation(lifetime);
        if (destination == Location.DOWNLOAD) {
            Credential proxy = proxies.create(user, order, acs);
            List<Object> parts = new ArrayList<>();
            parts.add(proxy.certificate());
            parts.add(proxy.privateKey());
            parts.addAll(proxy.chain().subList(1, proxy.chain().size()));
            return new ProxyReply(proxy.subject().toOpenSsl(), proxy.notAfter().toString(), destination.name(), null, fqans,
                    Pem.encode(parts.toArray()));
        }
        String username = r.myproxyUsername() == null || r.myproxyUsername().isBlank() ? account.localName() : r.myproxyUsername();
        List<X509Certificate> delegated = new ArrayList<>();
        try {
            myproxy.client().put(myproxy.host(), myproxy.port(), user, MyProxyClient.StoreOptions.of(username, lifetime), r.storagePassphrase(),
                    csr -> {
                        List<X509Certificate> chain = proxies.sign(user, csr, order, 2048, acs);
                        delegated.addAll(chain);
                        return chain;
                    });
        } catch (MyProxyClient.Refused e) {
            throw new GridAuthException(CertManagerError.MYPROXY_REFUSED, e.getMessage());
        } catch (IOException e) {
            throw new GridAuthException(CertManagerError.MYPROXY_UNREACHABLE, e, myproxy.address(), e.getMessage());
        }
        X509Certificate proxy = delegated.get(0);
        return new ProxyReply(org.gridauth.gsi.dn.GridDn.of(proxy.getSubjectX500Principal()).toOpenSsl(), proxy.getNotAfter().toInstant().toString(),
                destination.name(), username, fqans, null);
    }
}
