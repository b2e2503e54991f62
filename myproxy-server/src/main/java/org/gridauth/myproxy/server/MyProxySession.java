package org.gridauth.myproxy.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.credential.KeyPairs;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.proxy.DelegationRequest;
import org.gridauth.gsi.proxy.ProxyInfo;
import org.gridauth.gsi.proxy.ProxyKind;
import org.gridauth.gsi.proxy.ProxyRequest;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.myproxy.MyProxyError;
import org.gridauth.myproxy.policy.DnPattern;
import org.gridauth.myproxy.policy.PassphrasePolicy;
import org.gridauth.myproxy.policy.RetrievalRights;
import org.gridauth.myproxy.policy.ServerPolicy;
import org.gridauth.myproxy.protocol.AuthorizationAnswer;
import org.gridauth.myproxy.protocol.AuthorizationChallenge;
import org.gridauth.myproxy.protocol.MessageIo;
import org.gridauth.myproxy.protocol.MyProxyRequest;
import org.gridauth.myproxy.protocol.MyProxyResponse;
import org.gridauth.myproxy.protocol.ProtocolException;
import org.gridauth.myproxy.store.CredentialKind;
import org.gridauth.myproxy.store.CredentialStore;
import org.gridauth.myproxy.store.KeyEncryption;
import org.gridauth.myproxy.store.StoredCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: TLS handshake, the GSI post-handshake bytes, one request, its reply. Every outcome is
 * written to the audit log (who, DN, command, result); passphrases and keys never are.
 */
final class MyProxySession {

    private static final Logger AUDIT = LoggerFactory.getLogger("org.gridauth.myproxy.audit");
    private static final Logger LOG = LoggerFactory.getLogger(MyProxySession.class);

    private final SSLSocket socket;
    private final ServerContext context;
    private String identity = "";
    private boolean clientLimited;
    private MyProxyRequest request;
    private CredentialStore.Lockout lockout;
    private volatile boolean timedOut;

    MyProxySession(SSLSocket socket, ServerContext context) {
        this.socket = socket;
        this.context = context;
    }

    void run() {
        // The socket is closed only after the catch blocks below have replied: a try-with-resources around the
        // whole body would close it first and every ERROR reply would be lost.
        // request_timeout bounds the whole connection, as in the reference server (alarm() in each child): a
        // client trickling one byte at a time cannot hold a worker longer than that.
        java.util.concurrent.ScheduledFuture<?> deadline = context.deadlines().schedule(() -> {
            timedOut = true;
            closeQuietly();
        }, context.policy().requestTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            serve();
        } finally {
            deadline.cancel(false);
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private void serve() {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        try {
            socket.setSoTimeout((int) context.policy().requestTimeout().toMillis());
            // Replies go out as several small TLS records (a reply, a chain, a final OK); with Nagle's algorithm each
            // one after the first would wait for the client's delayed ACK, 40 ms on Linux.
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            identity = clientIdentity();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            // Debian's C server also sends one 0x00 application byte after a TLS 1.3 handshake (an artefact of
            // OpenSSL's GSS acceptor); the C clients do not need it from JSSE, and reading it as the reply would fail.
            int delegationFlag = in.read();
            if (delegationFlag != '0' && delegationFlag != 'D') {
                throw new ProtocolException("expected the GSI delegation flag '0', got byte " + delegationFlag);
            }
            request = MyProxyRequest.parse(MessageIo.readMessage(in, context.policy().requestSizeLimit()));
            try {
                handle(in, out);
            } catch (Refusal refusal) {
                MessageIo.write(out, MyProxyResponse.error(refusal.getMessage()).encode());
                audit("refused", refusal.getMessage());
            }
        } catch (ProtocolException e) {
            reply(MyProxyResponse.error(new Refusal(MyProxyError.PROTOCOL, e.getMessage()).getMessage()));
            audit("protocol-error", e.getMessage());
            drainBeforeClose();
        } catch (SocketTimeoutException e) {
            audit("timeout", "no complete request within " + context.policy().requestTimeout());
        } catch (EOFException e) {
            audit("closed", "the client closed the connection");
        } catch (IOException e) {
            if (timedOut) {
                audit("timeout", "the request took longer than request_timeout " + context.policy().requestTimeout());
            } else {
                audit("io-error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("request from {} failed", peer, e);
            reply(MyProxyResponse.error(new Refusal(MyProxyError.INTERNAL, e.getClass().getSimpleName()).getMessage()));
            audit("internal-error", e.getClass().getSimpleName());
        }
    }

    private void handle(InputStream in, OutputStream out) throws IOException, ProtocolException, Refusal {
        switch (request.command()) {
            case GET -> get(in, out);
            case PUT -> put(in, out);
            case INFO -> info(out);
            case DESTROY -> destroy(out);
            case CHANGE_CRED_PASSPHRASE -> changePassphrase(out);
            case STORE -> store(in, out);
            case RETRIEVE -> retrieve(in, out);
            case GET_TRUSTROOTS -> {
                if (!context.policy().access().retrievers().permitsServerWide(identity)) {
                    throw new Refusal(MyProxyError.NOT_AUTHORIZED_RETRIEVER, displayIdentity());
                }
                MessageIo.write(out, MyProxyResponse.ok(trustRootLines()).encode());
                audit("ok", "trust roots");
            }
            default -> throw new Refusal(MyProxyError.UNSUPPORTED, request.command());
        }
    }

    /** GET (myproxy-logon): authorize, then sign the client's request with the stored credential. */
    private void get(InputStream in, OutputStream out) throws IOException, ProtocolException, Refusal {
        ServerPolicy policy = context.policy();
        Retrieval retrieval = authorizeRetrieval(selectForGet(), in, out);
        StoredCredential stored = retrieval.credential();
        Duration lifetime = Duration.ofSeconds(request.lifetimeSeconds() > 0 ? request.lifetimeSeconds() : 43200);
        if (lifetime.compareTo(policy.maxProxyLifetime()) > 0) {
            lifetime = policy.maxProxyLifetime();
        }
        // The reference server puts requested trust roots into this first OK, not the final one.
        MessageIo.write(out, initialOk().encode());
        PKCS10CertificationRequest csr = MessageIo.readRequest(in, policy.requestSizeLimit());
        // Limited proxies stay limited: a client that proved itself with a limited proxy gets a limited one, and
        // ProxyMaker keeps a limited stored credential's descendants limited.
        ProxyKind kind = retrieval.limitedClient() ? ProxyKind.LIMITED : ProxyKind.IMPERSONATION;
        List<X509Certificate> signed;
        try {
            signed = context.proxies().sign(new Credential(retrieval.key(), stored.chain()), csr,
                    new ProxyRequest(kind, lifetime, null, 2048), policy.minKeyBits());
        } catch (GridAuthException e) {
            throw new ProtocolException(e.getMessage());
        }
        MessageIo.write(out, MessageIo.chain(signed));
        MessageIo.write(out, MyProxyResponse.ok().encode());
        audit("ok", retrieval.how() + (stored.name().isEmpty() ? "" : " cred=" + stored.name()) + (kind == ProxyKind.LIMITED ? " limited" : "")
                + " proxy until " + signed.get(0).getNotAfter().toInstant());
    }

    /** How a retrieval was authorized, with the opened key. */
    private record Retrieval(StoredCredential credential, PrivateKey key, String how, boolean limitedClient) {
    }

    /**
     * The credential a GET uses: the named one, or the default; with check_multiple_credentials and no name, the
     * first of the user's credentials that this client is authorized for and whose passphrase matches.
     */
    private StoredCredential selectForGet() throws Refusal {
        if (!context.policy().checkMultipleCredentials() || !request.credentialName().isEmpty()) {
            return credential();
        }
        List<StoredCredential> all = context.store().findAll(request.username());
        if (all.isEmpty()) {
            throw new Refusal(MyProxyError.NO_CREDENTIAL, request.username(), "");
        }
        checkNotLocked();
        char[] secret = request.passphrase().toCharArray();
        try {
            for (StoredCredential candidate : all) {
                RetrievalRights rights = rightsFor(candidate);
                if (!rights.retriever() && !rights.renewer()) {
                    continue;
                }
                if (!candidateNeedsPassphrase(candidate) || opens(candidate, secret)) {
                    return candidate;
                }
            }
        } finally {
            CredentialFiles.wipe(secret);
        }
        // None fits: report against the default (or first) credential, which also counts the failure once.
        return all.get(0);
    }

    private boolean candidateNeedsPassphrase(StoredCredential candidate) {
        return candidate.kind() == CredentialKind.END_ENTITY || KeyEncryption.needsPassphrase(candidate.encryptedKey());
    }

    private boolean opens(StoredCredential candidate, char[] secret) {
        try {
            openKey(candidate, secret);
            return true;
        } catch (KeyEncryption.WrongPassphrase e) {
            return false;
        }
    }

    /**
     * The reference server's authorization of GET and RETRIEVE (myproxy_authorize_accept, authenticate_client):
     * the client must be an authorized retriever or renewer; a credential with a passphrase always needs it; a
     * trusted retriever needs nothing more; otherwise a renewer proves possession of a proxy of the credential's
     * identity by signing a challenge (RESPONSE=2), and may not be that identity itself unless
     * allow_self_authorization is set.
     */
    private Retrieval authorizeRetrieval(StoredCredential stored, InputStream in, OutputStream out)
            throws IOException, ProtocolException, Refusal {
        RetrievalRights rights = rightsFor(stored);
        if (!rights.retriever() && !rights.renewer()) {
            throw new Refusal(MyProxyError.NOT_AUTHORIZED_RETRIEVER, displayIdentity());
        }
        if (!stored.end().isAfter(context.clock().instant())) {
            throw new Refusal(MyProxyError.EXPIRED_CREDENTIAL, request.username(), stored.end());
        }
        boolean limitedClient = clientLimited;
        if (candidateNeedsPassphrase(stored)) {
            PrivateKey key = unlock(stored, request.passphrase());
            if (!rights.retriever()) {
                throw new Refusal(MyProxyError.NOT_AUTHORIZED_RETRIEVER, displayIdentity());
            }
            return new Retrieval(stored, key, rights.trusted() ? "trusted+passphrase" : "passphrase", limitedClient);
        }
        PrivateKey key = unlock(stored, "");
        if (rights.trusted()) {
            if (!rights.retriever()) {
                throw new Refusal(MyProxyError.NOT_AUTHORIZED_RETRIEVER, displayIdentity());
            }
            return new Retrieval(stored, key, "trusted retriever", limitedClient);
        }
        if (rights.renewer() && context.policy().access().renewers().configured()) {
            boolean limitedProof = proveByCertificate(stored, in, out);
            if (RetrievalRights.selfAuthorization(context.policy().access(), identity, credentialIdentity(stored))) {
                throw new Refusal(MyProxyError.SELF_AUTHORIZATION, displayIdentity());
            }
            return new Retrieval(stored, key, "renewal", limitedClient || limitedProof);
        }
        if (RetrievalRights.selfAuthorization(context.policy().access(), identity, credentialIdentity(stored))
                && context.policy().access().trustedRetrievers().permits(stored.trustedRetrievers(), identity)) {
            throw new Refusal(MyProxyError.SELF_AUTHORIZATION, displayIdentity());
        }
        throw new Refusal(MyProxyError.NO_AUTHENTICATION, request.username());
    }

    /** Sends the certificate challenge and checks the answer; returns whether the proving chain was limited. */
    private boolean proveByCertificate(StoredCredential stored, InputStream in, OutputStream out)
            throws IOException, ProtocolException, Refusal {
        AuthorizationChallenge challenge = AuthorizationChallenge.certificate(context.random());
        MessageIo.write(out, challenge.response().encode());
        AuthorizationAnswer answer = AuthorizationAnswer.read(in, context.policy().requestSizeLimit());
        if (!(answer instanceof AuthorizationAnswer.Certificate proof)) {
            throw new Refusal(MyProxyError.RENEWAL_FAILED, "the client did not answer with a certificate");
        }
        if (!signatureVerifies(proof, challenge)) {
            throw new Refusal(MyProxyError.RENEWAL_FAILED, "the signature over the challenge does not verify");
        }
        try {
            context.validator().validateOrThrow(proof.chain());
        } catch (GridAuthException e) {
            throw new Refusal(MyProxyError.RENEWAL_FAILED, e.getMessage());
        }
        ProxyInfo proving = ProxyInfo.of(proof.chain());
        if (!proving.identity().equals(credentialIdentity(stored))) {
            throw new Refusal(MyProxyError.RENEWAL_FAILED, "certificate subject does not match credential to be renewed");
        }
        return proving.limited();
    }

    /**
     * Current clients sign the challenge text with SHA-256; older ones (and Debian's 6.2 builds) with SHA-1. Both are
     * accepted: the challenge is random and fresh, so SHA-1's collision weakness gives an attacker nothing here.
     */
    private static boolean signatureVerifies(AuthorizationAnswer.Certificate proof, AuthorizationChallenge challenge) {
        for (String algorithm : List.of("SHA256withRSA", "SHA1withRSA")) {
            try {
                java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
                verifier.initVerify(proof.chain().get(0).getPublicKey());
                verifier.update(challenge.data().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                if (verifier.verify(proof.signature())) {
                    return true;
                }
            } catch (java.security.GeneralSecurityException e) {
                return false;
            }
        }
        return false;
    }

    private RetrievalRights rightsFor(StoredCredential stored) {
        return RetrievalRights.of(context.policy().access(),
                new RetrievalRights.CredentialPolicies(stored.retrievers(), stored.renewers(), stored.trustedRetrievers()),
                identity, credentialIdentity(stored));
    }

    private static GridDn credentialIdentity(StoredCredential stored) {
        return ProxyInfo.of(stored.chain()).identity();
    }

    /** PUT (myproxy-init): the client delegates a proxy to a key made here; it is stored under the passphrase. */
    private void put(InputStream in, OutputStream out) throws IOException, ProtocolException, Refusal {
        ServerPolicy policy = context.policy();
        requireMayStore();
        checkPolicies();
        // An empty passphrase (myproxy-init -n) stores a credential for renewers and trusted retrievers only; its
        // key is then sealed with the server's sealing key.
        if (!request.passphrase().isEmpty()) {
            checkNewPassphrase(request.passphrase());
        }
        requireOwnerIfStored();
        MessageIo.write(out, MyProxyResponse.ok().encode());
        KeyPair pair = KeyPairs.rsa(2048, context.random());
        MessageIo.write(out, encoded(DelegationRequest.forKey(pair).request()));
        List<X509Certificate> chain = MessageIo.readChain(in, policy.requestSizeLimit());
        if (!pair.getPublic().equals(chain.get(0).getPublicKey())) {
            throw new Refusal(MyProxyError.DELEGATION_MISMATCH, "the certificate is not for the key the server requested");
        }
        try {
            context.validator().validateOrThrow(chain);
        } catch (GridAuthException e) {
            throw new Refusal(MyProxyError.DELEGATION_MISMATCH, e.getMessage());
        }
        ProxyInfo info = ProxyInfo.of(chain);
        if (!info.identity().equals(GridDn.parse(identity))) {
            throw new Refusal(MyProxyError.DELEGATION_MISMATCH, "the chain speaks for " + info.identity() + ", not for the client");
        }
        Instant end = info.notAfter();
        Instant cap = context.clock().instant().plus(policy.maxCredLifetime());
        if (end.isAfter(cap)) {
            end = cap;
        }
        char[] passphrase = request.passphrase().toCharArray();
        byte[] sealed = context.keys().seal(pair.getPrivate(), passphrase);
        CredentialFiles.wipe(passphrase);
        context.store().put(new StoredCredential(request.username(), request.credentialName(), identity, CredentialKind.PROXY,
                emptyToNull(request.description()), request.retrievers(), request.renewers(), request.keyRetrievers(),
                request.trustedRetrievers(), chain, sealed, chain.get(0).getNotBefore().toInstant(), end));
        MessageIo.write(out, MyProxyResponse.ok().encode());
        audit("ok", "stored until " + end);
    }

    /**
     * STORE (myproxy-store): the client sends its end-entity certificate and its still encrypted key as PEM text.
     * The key stays encrypted with the user's own passphrase, which is the retrieval passphrase; an unencrypted
     * key is refused, as the server never keeps clear keys.
     */
    private void store(InputStream in, OutputStream out) throws IOException, ProtocolException, Refusal {
        ServerPolicy policy = context.policy();
        requireMayStore();
        checkPolicies();
        requireOwnerIfStored();
        MessageIo.write(out, MyProxyResponse.ok().encode());
        byte[] pem = MessageIo.readMessage(in, policy.requestSizeLimit());
        List<X509Certificate> chain;
        try {
            chain = org.gridauth.gsi.credential.Pem.decode(pem, "stored credential").certificates();
            if (chain.isEmpty() || !CredentialFiles.isEncryptedKey(pem, "stored credential")) {
                throw new Refusal(MyProxyError.DELEGATION_MISMATCH, "a certificate and an encrypted private key are required");
            }
        } catch (GridAuthException e) {
            throw new Refusal(MyProxyError.DELEGATION_MISMATCH, e.getMessage());
        }
        if (!GridDn.of(chain.get(0).getSubjectX500Principal()).equals(GridDn.parse(identity))) {
            throw new Refusal(MyProxyError.DELEGATION_MISMATCH, "the certificate is not the client's own");
        }
        Instant end = chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
        context.store().put(new StoredCredential(request.username(), request.credentialName(), identity, CredentialKind.END_ENTITY,
                emptyToNull(request.description()), request.retrievers(), request.renewers(), request.keyRetrievers(),
                request.trustedRetrievers(), chain, keyBlock(pem), chain.get(0).getNotBefore().toInstant(), end));
        MessageIo.write(out, MyProxyResponse.ok().encode());
        audit("ok", "end-entity credential stored until " + end);
    }

    /**
     * RETRIEVE (myproxy-retrieve): the certificate and the still encrypted key, for key retrievers who are also
     * authorized as for GET. A client holding only a limited proxy gets nothing (the stored key is a full credential).
     */
    private void retrieve(InputStream in, OutputStream out) throws IOException, ProtocolException, Refusal {
        ServerPolicy policy = context.policy();
        StoredCredential stored = credential();
        if (!policy.access().keyRetrievers().permits(stored.keyRetrievers(), identity)) {
            throw new Refusal(MyProxyError.NOT_AUTHORIZED_RETRIEVER, displayIdentity());
        }
        if (stored.kind() != CredentialKind.END_ENTITY) {
            throw new Refusal(MyProxyError.NOT_AUTHORIZED_RETRIEVER, displayIdentity());
        }
        Retrieval retrieval = authorizeRetrieval(stored, in, out);
        if (retrieval.limitedClient() && !ProxyInfo.of(stored.chain()).limited()) {
            throw new Refusal(MyProxyError.LIMITED_PROXY, request.username());
        }
        MessageIo.write(out, initialOk().encode());
        byte[] key = stored.encryptedKey();
        String pem = org.gridauth.gsi.credential.Pem.encode(stored.chain()) + new String(key, java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = (pem + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MessageIo.write(out, body);
        MessageIo.write(out, MyProxyResponse.ok().encode());
        audit("ok", "end-entity credential retrieved (" + retrieval.how() + ")");
    }

    /** The encrypted key block of a PEM text, as sent by the client. */
    private static byte[] keyBlock(byte[] pem) {
        String text = new String(pem, java.nio.charset.StandardCharsets.US_ASCII);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----\n?",
                java.util.regex.Pattern.DOTALL).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no key block in a text already checked to hold one");
        }
        return m.group().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** INFO (myproxy-info): only the owner sees a user's credentials. */
    private void info(OutputStream out) throws IOException, Refusal {
        requireAuthenticated();
        List<StoredCredential> all = context.store().findAll(request.username());
        List<StoredCredential> owned = all.stream().filter(this::isOwner).toList();
        if (all.isEmpty()) {
            throw new Refusal(MyProxyError.NO_CREDENTIAL, request.username(), "");
        }
        if (owned.isEmpty()) {
            throw new Refusal(MyProxyError.NOT_OWNER, request.username());
        }
        List<String> lines = new ArrayList<>();
        boolean first = true;
        List<String> additional = new ArrayList<>();
        for (StoredCredential c : owned) {
            String prefix = first ? "CRED_" : "CRED_" + c.name() + "_";
            Map<String, String> values = new LinkedHashMap<>();
            if (first && !c.name().isEmpty()) {
                values.put("NAME", c.name());
            }
            values.put("DESC", c.description());
            values.put("START_TIME", Long.toString(c.start().getEpochSecond()));
            values.put("END_TIME", Long.toString(c.end().getEpochSecond()));
            values.put("OWNER", c.owner());
            values.put("RETRIEVER", c.retrievers());
            values.put("KEYRETRIEVERS", c.keyRetrievers());
            values.put("RETRIEVER_TRUSTED", c.trustedRetrievers());
            values.put("RENEWER", c.renewers());
            lines.addAll(MyProxyResponse.credentialInfo(prefix, values));
            if (!first) {
                additional.add(c.name());
            }
            first = false;
        }
        if (!additional.isEmpty()) {
            lines.add("ADDL_CREDS=" + String.join(",", additional));
        }
        MessageIo.write(out, MyProxyResponse.ok(lines).encode());
        audit("ok", owned.size() + " credential(s)");
    }

    /** DESTROY (myproxy-destroy): the owner removes a credential. */
    private void destroy(OutputStream out) throws IOException, Refusal {
        requireMayStore();
        StoredCredential stored = credential();
        requireOwner(stored);
        context.store().delete(stored.username(), stored.name());
        MessageIo.write(out, MyProxyResponse.ok().encode());
        audit("ok", "destroyed");
    }

    /** CHANGE_CRED_PASSPHRASE (myproxy-change-pass-phrase): the owner, knowing the old passphrase, sets a new one. */
    private void changePassphrase(OutputStream out) throws IOException, Refusal {
        requireAuthenticated();
        StoredCredential stored = credential();
        requireOwner(stored);
        if (!KeyEncryption.needsPassphrase(stored.encryptedKey()) || stored.kind() == CredentialKind.END_ENTITY) {
            // A credential stored without a passphrase stays so (it exists for renewers); an end-entity key is
            // encrypted by its owner, who changes that passphrase with openssl before storing it again.
            throw new Refusal(MyProxyError.UNSUPPORTED, "CHANGE_CRED_PASSPHRASE for this kind of credential");
        }
        checkNewPassphrase(request.newPassphrase());
        PrivateKey key = unlock(stored, request.passphrase());
        char[] fresh = request.newPassphrase().toCharArray();
        byte[] sealed = context.keys().seal(key, fresh);
        CredentialFiles.wipe(fresh);
        context.store().replaceKey(stored.username(), stored.name(), sealed);
        MessageIo.write(out, MyProxyResponse.ok().encode());
        audit("ok", "passphrase changed");
    }

    private StoredCredential credential() throws Refusal {
        return context.store().find(request.username(), request.credentialName()).orElseThrow(() -> new Refusal(
                MyProxyError.NO_CREDENTIAL, request.username(),
                request.credentialName().isEmpty() ? "" : " named \"" + request.credentialName() + "\""));
    }

    /** Opens the sealed key, counting failures per user name and honouring the lockout. */
    private PrivateKey unlock(StoredCredential stored, String passphrase) throws Refusal {
        checkNotLocked();
        char[] secret = passphrase.toCharArray();
        try {
            PrivateKey key = openKey(stored, secret);
            if (lockout != null && lockout.failedAttempts() > 0) {
                context.store().recordSuccess(stored.username());
            }
            return key;
        } catch (KeyEncryption.WrongPassphrase e) {
            ServerPolicy policy = context.policy();
            CredentialStore.Lockout after = context.store().recordFailure(stored.username(), policy.lockoutThreshold(),
                    context.clock().instant().plus(policy.lockoutDuration()));
            if (after.failedAttempts() == policy.lockoutThreshold()) {
                audit("locked", "user name locked until " + after.lockedUntil() + " after " + after.failedAttempts() + " wrong passphrases");
            }
            if (passphrase.isEmpty()) {
                throw new Refusal(MyProxyError.NO_AUTHENTICATION, stored.username());
            }
            throw new Refusal(MyProxyError.WRONG_PASSPHRASE, stored.username());
        } finally {
            CredentialFiles.wipe(secret);
        }
    }

    /** Refuses at once while the user name is locked; remembers the state so a success can clear it. */
    private void checkNotLocked() throws Refusal {
        if (lockout == null) {
            lockout = context.store().lockout(request.username());
        }
        if (lockout.lockedAt(context.clock().instant())) {
            throw new Refusal(MyProxyError.LOCKED, request.username(), lockout.lockedUntil());
        }
    }

    private PrivateKey openKey(StoredCredential stored, char[] secret) throws KeyEncryption.WrongPassphrase {
        return stored.kind() == CredentialKind.END_ENTITY
                ? endEntityKey(stored, secret)
                : context.keys().open(stored.encryptedKey(), secret, stored.chain().get(0).getPublicKey().getAlgorithm());
    }

    /** The per-credential policies sent with PUT or STORE must be valid patterns, or nobody could ever use them. */
    private void checkPolicies() throws Refusal {
        String[][] policies = {{"retriever", request.retrievers()}, {"renewer", request.renewers()},
                {"key retriever", request.keyRetrievers()}, {"trusted retriever", request.trustedRetrievers()}};
        for (String[] policy : policies) {
            if (policy[1] != null && !policy[1].isBlank()) {
                try {
                    new DnPattern(policy[1]);
                } catch (IllegalArgumentException e) {
                    throw new Refusal(MyProxyError.BAD_POLICY, policy[0], policy[1]);
                }
            }
        }
    }

    /** Minimum length, then the site's passphrase_policy_program if one is configured. */
    private void checkNewPassphrase(String passphrase) throws Refusal {
        PassphrasePolicy policy = context.policy().passphrase();
        if (!policy.longEnough(passphrase)) {
            throw new Refusal(MyProxyError.PASSPHRASE_POLICY, policy.minimumLength());
        }
        if (policy.program().isPresent()) {
            String reason = new PassphraseProgram(policy.program().get()).check(passphrase, request.username(), identity,
                    request.credentialName(), request.retrievers(), request.renewers());
            if (reason != null) {
                throw new Refusal(MyProxyError.PASSPHRASE_REJECTED, reason);
            }
        }
    }

    /** End-entity keys stay encrypted the way the user sent them; their passphrase opens them. */
    private static PrivateKey endEntityKey(StoredCredential stored, char[] passphrase) throws KeyEncryption.WrongPassphrase {
        try {
            return CredentialFiles.decryptPrivateKey(stored.encryptedKey(), passphrase, "stored credential of " + stored.username());
        } catch (GridAuthException e) {
            if (e.code() == org.gridauth.gsi.error.GsiError.WRONG_PASSPHRASE || e.code() == org.gridauth.gsi.error.GsiError.PASSPHRASE_REQUIRED) {
                throw KeyEncryption.wrongPassphrase();
            }
            throw e;
        }
    }

    private MyProxyResponse initialOk() {
        return request.wantTrustRoots() ? MyProxyResponse.ok(trustRootLines()) : MyProxyResponse.ok();
    }

    private List<String> trustRootLines() {
        List<String> names = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : context.trustRoots().get().entrySet()) {
            names.add(file.getKey());
            data.add("FILEDATA_" + file.getKey() + "=" + Base64.getEncoder().encodeToString(file.getValue()));
        }
        List<String> lines = new ArrayList<>();
        lines.add("TRUSTED_CERTS=" + String.join(",", names));
        lines.addAll(data);
        return lines;
    }

    /** PUT and STORE: an authenticated client that accepted_credentials admits. */
    private void requireMayStore() throws Refusal {
        requireAuthenticated();
        if (!context.policy().access().mayStore(identity)) {
            throw new Refusal(MyProxyError.NOT_AUTHORIZED_STORE, displayIdentity());
        }
    }

    /** Only the identity that stored a credential may replace, inspect, change or destroy it. */
    private void requireOwner(StoredCredential stored) throws Refusal {
        if (!isOwner(stored)) {
            throw new Refusal(MyProxyError.NOT_OWNER, request.username());
        }
    }

    /** Storing over an existing credential is the owner's right only. */
    private void requireOwnerIfStored() throws Refusal {
        Optional<StoredCredential> existing = context.store().find(request.username(), request.credentialName());
        if (existing.isPresent()) {
            requireOwner(existing.get());
        }
    }

    private boolean isOwner(StoredCredential stored) {
        return GridDn.parse(stored.owner()).equals(GridDn.parse(identity));
    }

    private void requireAuthenticated() throws Refusal {
        if (identity.isEmpty()) {
            throw new Refusal(MyProxyError.AUTHENTICATION_REQUIRED);
        }
    }

    private String clientIdentity() {
        try {
            X509Certificate[] chain = (X509Certificate[]) socket.getSession().getPeerCertificates();
            ProxyInfo info = ProxyInfo.of(List.of(chain));
            clientLimited = info.limited();
            return info.identity().toOpenSsl();
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
    }

    private String displayIdentity() {
        return identity.isEmpty() ? "(anonymous)" : identity;
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void reply(MyProxyResponse response) {
        try {
            MessageIo.write(socket.getOutputStream(), response.encode());
        } catch (IOException ignored) {
            // the client is gone; the audit line records why
        }
    }

    /**
     * Reads (and drops) what a misbehaving client is still sending, briefly and boundedly, so that closing the
     * socket does not reset the connection before the client has read our ERROR reply.
     */
    private void drainBeforeClose() {
        try {
            socket.setSoTimeout(500);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            int total = 0;
            int n;
            while (total < (1 << 20) && (n = in.read(sink)) > 0) {
                total += n;
            }
        } catch (IOException ignored) {
            // timed out or closed: either way we are done
        }
    }

    private void audit(String result, String detail) {
        AUDIT.info("peer={} dn=\"{}\" command={} user={} cred={} result={} detail={}", socket.getRemoteSocketAddress(),
                displayIdentity(), request == null ? "-" : request.command(), request == null ? "-" : request.username(),
                request == null || request.credentialName().isEmpty() ? "-" : request.credentialName(), result, detail);
    }

    private static byte[] encoded(PKCS10CertificationRequest csr) {
        try {
            return csr.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** Everything a session needs, built once by the server. */
    record ServerContext(ServerPolicy policy, org.gridauth.myproxy.store.CredentialStore store, KeyEncryption keys,
                         org.gridauth.gsi.proxy.ProxyMaker proxies, ChainValidator validator, Clock clock,
                         java.security.SecureRandom random, java.util.function.Supplier<Map<String, byte[]>> trustRoots,
                         java.util.concurrent.ScheduledExecutorService deadlines) {
    }
}
