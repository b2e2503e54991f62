package org.gridauth.certmanager.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.client.CaLinkClient;
import org.gridauth.certmanager.policy.Destination;
import org.gridauth.certmanager.policy.PassphraseRule;
import org.gridauth.certmanager.protocol.PortalMessages.IssueReply;
import org.gridauth.certmanager.protocol.PortalMessages.IssueRequest;
import org.gridauth.certmanager.store.Account;
import org.gridauth.certmanager.store.CmDatabase;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.CredentialStatus;
import org.gridauth.certmanager.store.JdbcAuditLog;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.JdbcIssueRequests;
import org.gridauth.certmanager.store.JdbcIssueRequests.IssueRequestState;
import org.gridauth.certmanager.store.Location;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.credential.Pem;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.profile.KeySize;
import org.gridauth.myproxy.client.MyProxyClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client certificates on the portal's request (R-CM-1, R-RA-3, R-RA-6): the key made here under the researcher's
 * passphrase (as the original UMS did) or the researcher's own CSR; the CA asked over the RA link; the result kept
 * in the store, handed to MyProxy over the MyProxy protocol, or returned for download; the mapping recorded in
 * every case (R-CM-3); the notification mail sent (R-CM-5).
 *
 * <p>Nothing is lost on the way: the CSR and the encrypted key are on record before the CA is asked, so a retry of
 * the same request ID gets the same certificate for the same key; the credential is recorded in the store before
 * it is sent to MyProxy, and stays there if MyProxy refuses it.
 */
public final class CertificateService {

    /** How the certificate manager makes certificates. */
    public record IssuanceSettings(GridDn subjectBase, String caProfile, int keyBits, PassphraseRule passphraseRule) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(CertificateService.class);
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{8,100}");
    private static final Pattern HPCI_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");

    private final IssuanceSettings settings;
    private final JdbcCredentialStore store;
    private final JdbcIssueRequests requests;
    private final JdbcAuditLog audit;
    private final CaLinkClient ca;
    private final MyProxyTarget myproxy;
    private final Optional<IssuanceNotifier> notifier;
    private final KeyVault vault;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final java.util.function.Supplier<KeyPair> keys;

    public CertificateService(IssuanceSettings settings, JdbcCredentialStore store, JdbcIssueRequests requests, JdbcAuditLog audit,
                              CaLinkClient ca, MyProxyTarget myproxy, Optional<IssuanceNotifier> notifier, KeyVault vault, Clock clock) {
        this(settings, store, requests, audit, ca, myproxy, notifier, vault, clock, null);
    }

    /** With the researchers' key pairs from {@code keys} (a {@link org.gridauth.certmanager.keys.KeyPool}); null: made per request. */
    public CertificateService(IssuanceSettings settings, JdbcCredentialStore store, JdbcIssueRequests requests, JdbcAuditLog audit,
                              CaLinkClient ca, MyProxyTarget myproxy, Optional<IssuanceNotifier> notifier, KeyVault vault, Clock clock,
                              java.util.function.Supplier<KeyPair> keys) {
        this.keys = keys != null ? keys : () -> KeyPairs.rsa(settings.keyBits(), random);
        this.settings = settings;
        this.store = store;
        this.requests = requests;
        this.audit = audit;
        this.ca = ca;
        this.myproxy = myproxy;
        this.notifier = notifier;
        this.vault = vault;
        this.clock = clock;
    }

    /** R-RA-4: whether another researcher holds a valid certificate with this CN. */
    public boolean commonNameInUse(String commonName, String hpciId) {
        return store.commonNameInUse(commonName, hpciId);
    }

    public IssueReply issue(String caller, IssueRequest request) {
        String subject = request.hpciId() == null ? "(no HPCI-ID)" : request.hpciId();
        try {
            IssueReply reply = issueChecked(request);
            audit.record(caller, "ISSUE", subject, "OK", "serial " + reply.serial() + " " + reply.subject() + " to " + reply.destination()
                    + (reply.warning() == null ? "" : "; " + reply.warning()));
            return reply;
        } catch (GridAuthException e) {
            audit.record(caller, "ISSUE", subject, "REFUSED", e.getMessage());
            throw e;
        } finally {
            CredentialFiles.wipe(request.keyPassphrase());
            CredentialFiles.wipe(request.keyPassphraseConfirm());
        }
    }

    private IssueReply issueChecked(IssueRequest r) {
        require(r.requestId() != null && REQUEST_ID.matcher(r.requestId()).matches(), "requestId must be 8 to 100 letters, digits, '-' or '_'");
        require(r.hpciId() != null && HPCI_ID.matcher(r.hpciId()).matches(), "hpciId must be letters, digits and '-'");
        require(r.eppn() != null && r.eppn().contains("@"), "eppn must be an eduPersonPrincipalName (user@domain)");
        require(r.commonName() != null && !r.commonName().isBlank(), "commonName is missing");
        boolean ownKey = r.csr() != null && !r.csr().isBlank();
        Location destination = ownKey ? Destination.parse(r.destination(), Location.DOWNLOAD)
                : Destination.parse(r.destination(), Location.STORE, Location.MYPROXY, Location.DOWNLOAD);
        PKCS10CertificationRequest ownCsr = null;
        if (ownKey) {
            ownCsr = checkCsr(r.csr(), r.commonName());
        } else {
            settings.passphraseRule().check("private-key passphrase", r.keyPassphrase(), r.keyPassphraseConfirm());
        }
        Account account = store.ensureAccount(new Account(r.hpciId(), r.hpciId().toLowerCase(java.util.Locale.ROOT), r.eppn(), r.email()));
        if (store.commonNameInUse(r.commonName(), r.hpciId())) {
            throw new GridAuthException(CertManagerError.CN_IN_USE, r.commonName());
        }
        Optional<IssueRequestState> prior = requests.begin(r.requestId(), r.hpciId());
        if (prior.isPresent() && !prior.get().hpciId().equals(r.hpciId())) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "requestId " + r.requestId() + " belongs to another researcher");
        }
        if (prior.isPresent() && prior.get().done()) {
            return replay(prior.get(), r);
        }
        String csrPem;
        String sealedKey;
        // Whether an earlier attempt at this request ID (this instance's, or another's on the same database) prepared the CSR used now.
        boolean continuing = prior.isPresent();
        if (prior.isPresent() && prior.get().csrPem() != null) {
            // A retry after the CA may already have answered: same CSR, same key, same certificate.
            csrPem = prior.get().csrPem();
            sealedKey = prior.get().replyKey();
        } else {
            if (ownKey) {
                csrPem = r.csr();
                sealedKey = null;
            } else {
                KeyPair pair = keys.get();
                GridDn subject = settings.subjectBase().append(org.gridauth.gsi.dn.DnAttribute.CN, r.commonName());
                csrPem = Pem.encode(csr(pair, subject));
                sealedKey = vault.seal(pair.getPrivate(), r.keyPassphrase());
            }
            if (!requests.prepared(r.requestId(), csrPem, sealedKey)) {
                // Another certificate manager on this database took the same request ID first (the portal retried while
                // that instance was still working on it): go on with its CSR and key, so the CA is asked for one certificate.
                IssueRequestState first = requests.find(r.requestId())
                        .orElseThrow(() -> new GridAuthException(CertManagerError.REQUEST_IN_PROGRESS, r.requestId()));
                if (first.done()) {
                    return replay(first, r);
                }
                if (first.csrPem() == null) {
                    throw new GridAuthException(CertManagerError.REQUEST_IN_PROGRESS, r.requestId());
                }
                csrPem = first.csrPem();
                sealedKey = first.replyKey();
                continuing = true;
            }
        }
        PublicKey requestedKey = publicKey(parseCsr(csrPem));
        Optional<CredentialRecord> current = store.validCredential(r.hpciId());
        // A retry whose certificate an earlier attempt recorded before it died, without marking the request done: that
        // certificate is the answer. Asking the CA again would name it as the certificate to replace, a different request
        // under the same ID (GA-CA-030), and the retry could never get it (found by CertManagerCrashConsistencyTest). A key
        // made here belongs to this request ID alone, so a credential with it was recorded for this ID, also by another
        // instance working on the same request at the same moment (found by TwoInstancesTest).
        boolean retried = continuing || !ownKey;
        Optional<CredentialRecord> recordedEarlier = current.filter(c -> retried && certificateOf(c).getPublicKey().equals(requestedKey));
        CaLinkClient.Issued issued;
        CredentialRecord record;
        if (recordedEarlier.isPresent()) {
            record = recordedEarlier.get();
            issued = new CaLinkClient.Issued(record.serial(), certificateOf(record));
        } else {
            // Only a certificate still in force is renewed: an expired one no longer counts at the CA (R-CA-4), and naming it
            // would make the CA hold the new request to the old subject (GA-CA-036), leaving a researcher whose name changed
            // with no way to a certificate. It is superseded here when the new one is recorded.
            String replaces = current.filter(c -> clock.instant().isBefore(c.notAfter())).map(CredentialRecord::serial).orElse(null);
            try {
                issued = ca.issue("cm-" + r.requestId(), settings.caProfile(), csrPem, r.hpciId(), replaces);
            } catch (GridAuthException e) {
                // Forgotten only when the CA refused the content. When it refused because it is still working on this ID
                // (GA-CA-031, e.g. a retry right after a crash of this process) or holds other content for it (GA-CA-030),
                // the CSR kept here is the one the CA signs: forgetting it made every later retry a new CSR the CA refuses,
                // and the certificate issued for the ID was never recorded (found by CertManagerCrashConsistencyTest).
                if (e.code() == CertManagerError.CA_REFUSED && !CaLinkClient.refusedForRequestId(e)) {
                    requests.forget(r.requestId());
                }
                throw e;
            }
            if (!issued.certificate().getPublicKey().equals(requestedKey)) {
                throw new GridAuthException(CertManagerError.KEY_MISMATCH, "serial " + issued.serial());
            }
            record = record(r, account, issued, destination == Location.DOWNLOAD ? Location.DOWNLOAD : Location.STORE,
                    destination == Location.DOWNLOAD ? null : sealedKey);
        }
        X509Certificate certificate = issued.certificate();
        String warning = null;
        if (destination == Location.MYPROXY && sealedKey != null) {
            String username = blank(r.myproxyUsername()) ? account.localName() : r.myproxyUsername();
            try {
                PrivateKey key = vault.open(sealedKey, r.keyPassphrase(), certificate, account.localName());
                myproxy.client().store(myproxy.host(), myproxy.port(), new Credential(key, List.of(certificate)),
                        new MyProxyClient.StoreOptions(username, "", "gridauth client certificate " + issued.serial(),
                                Duration.between(clock.instant(), certificate.getNotAfter().toInstant()), null, null), sealedKey);
                store.movedToMyProxy(record.serial(), username);
                record = store.bySerial(record.serial()).orElse(record);
            } catch (MyProxyClient.Refused e) {
                warning = new GridAuthException(CertManagerError.MYPROXY_REFUSED, e.getMessage()).getMessage() + " (kept in the certificate manager)";
            } catch (IOException e) {
                warning = new GridAuthException(CertManagerError.MYPROXY_UNREACHABLE, myproxy.address(), e.getMessage()).getMessage()
                        + " (kept in the certificate manager)";
            }
            if (warning != null) {
                LOG.warn("certificate {} for {}: {}", issued.serial(), r.hpciId(), warning);
            }
        }
        requests.done(r.requestId(), record.serial(), destination == Location.DOWNLOAD ? sealedKey : null);
        notify(record, account);
        return reply(record, destination == Location.DOWNLOAD ? sealedKey : null, r.keyPassphrase(), warning);
    }

    /** A retry of a request already answered: the same certificate, and for a download the same encrypted key. */
    private IssueReply replay(IssueRequestState state, IssueRequest r) {
        CredentialRecord record = store.bySerial(state.serial())
                .orElseThrow(() -> new GridAuthException(CertManagerError.NOT_FOUND, "certificate", state.serial()));
        return reply(record, state.replyKey(), r.keyPassphrase(), null);
    }

    private static X509Certificate certificateOf(CredentialRecord record) {
        return Pem.decode(record.certificatePem().getBytes(StandardCharsets.US_ASCII), "certificate").certificates().get(0);
    }

    private CredentialRecord record(IssueRequest r, Account account, CaLinkClient.Issued issued, Location location, String encryptedKey) {
        X509Certificate c = issued.certificate();
        GridDn subject = GridDn.of(c.getSubjectX500Principal());
        CredentialRecord record = new CredentialRecord(issued.serial(), account.hpciId(), subject.toOpenSsl(), r.commonName(), Pem.encode(c),
                encryptedKey, location, null, CredentialStatus.VALID, c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), clock.instant(),
                null, null, 0);
        try {
            return store.recordIssued(record);
        } catch (GridAuthException e) {
            if (CmDatabase.isUniqueViolation(e)) {
                // Recorded by an earlier attempt that died before marking the request done.
                return store.bySerial(issued.serial()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private void notify(CredentialRecord record, Account account) {
        notifier.ifPresent(n -> {
            try {
                List<String> to = n.notifyIssued(record, account.email());
                audit.record("cert-manager", "MAIL", account.hpciId(), "OK", "issuance notice for " + record.serial() + " to " + to);
            } catch (GridAuthException e) {
                LOG.warn("{}", e.getMessage());
                audit.record("cert-manager", "MAIL", account.hpciId(), "FAILED", e.getMessage());
            }
        });
    }

    private IssueReply reply(CredentialRecord record, String downloadKey, char[] passphrase, String warning) {
        String pkcs12 = null;
        if (downloadKey != null && passphrase != null && passphrase.length > 0) {
            X509Certificate certificate = Pem.decode(record.certificatePem().getBytes(StandardCharsets.US_ASCII), "certificate").certificates().get(0);
            PrivateKey key = vault.open(downloadKey, passphrase, certificate, record.hpciId());
            pkcs12 = Base64.getEncoder().encodeToString(CredentialFiles.toPkcs12(new Credential(key, List.of(certificate)), passphrase,
                    record.commonName()));
        }
        return new IssueReply(record.serial(), record.subjectDn(), record.notAfter().toString(), record.location().name(), record.myproxyUsername(),
                record.certificatePem(), downloadKey, pkcs12, warning);
    }

    private PKCS10CertificationRequest checkCsr(String pem, String commonName) {
        PKCS10CertificationRequest csr = parseCsr(pem);
        PublicKey key = publicKey(csr);
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Pem.BC).build(key))) {
                throw new GridAuthException(CertManagerError.CSR_INVALID, "its self-signature does not verify");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new GridAuthException(CertManagerError.CSR_INVALID, "its self-signature cannot be checked");
        }
        if (KeySize.rsaEquivalentBits(key) < settings.keyBits()) {
            throw new GridAuthException(CertManagerError.CSR_INVALID, "its key is smaller than " + settings.keyBits() + " bits");
        }
        String cn = GridDn.of(csr.getSubject()).last(org.gridauth.gsi.dn.DnAttribute.CN).orElse("");
        if (!cn.equals(commonName)) {
            throw new GridAuthException(CertManagerError.CSR_INVALID, "its CN is \"" + cn + "\", not the confirmed \"" + commonName + "\"");
        }
        return csr;
    }

    private static PKCS10CertificationRequest parseCsr(String pem) {
        Object parsed;
        try (org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(CertManagerError.CSR_INVALID, "it is not a PEM certificate request");
        }
        if (!(parsed instanceof PKCS10CertificationRequest csr)) {
            throw new GridAuthException(CertManagerError.CSR_INVALID, "it is not a PEM certificate request");
        }
        return csr;
    }

    private static PublicKey publicKey(PKCS10CertificationRequest csr) {
        try {
            return new JcaPKCS10CertificationRequest(csr).setProvider(Pem.BC).getPublicKey();
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            throw new GridAuthException(CertManagerError.CSR_INVALID, "its public key cannot be read");
        }
    }

    private static PKCS10CertificationRequest csr(KeyPair pair, GridDn subject) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(subject.toX500Name(), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(Pem.BC).build(pair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("SHA256withRSA is unavailable", e);
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, problem);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
