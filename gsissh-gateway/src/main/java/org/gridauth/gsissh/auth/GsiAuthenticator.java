package org.gridauth.gsissh.auth;

import java.util.Optional;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.gss.GsiContext;
import org.gridauth.gsi.gss.GsiOptions;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsissh.policy.FailureThrottle;
import org.gridauth.gsissh.policy.LoginPolicy;
import org.gridauth.gsissh.server.LocalAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the gssapi-with-mic method needs from the gateway: the host credential and validator for GSI
 * contexts, the grid-mapfile, the local accounts, the failure throttle and the audit log.
 */
public final class GsiAuthenticator {

    private static final Logger AUDIT = LoggerFactory.getLogger("org.gridauth.gsissh.audit");

    private final Credential host;
    private final ChainValidator validator;
    private final GridMapSource gridMap;
    private final LocalAccounts accounts;
    private final FailureThrottle throttle;
    private final org.gridauth.gsi.gss.PeerCertificates clientCertificates;

    public GsiAuthenticator(Credential host, ChainValidator validator, GridMapSource gridMap, LocalAccounts accounts,
                            FailureThrottle throttle, org.gridauth.gsi.gss.PeerCertificates clientCertificates) {
        this.clientCertificates = clientCertificates;
        this.host = host;
        this.validator = validator;
        this.gridMap = gridMap;
        this.accounts = accounts;
        this.throttle = throttle;
    }

    GsiContext newContext() {
        return GsiContext.acceptor(GsiOptions.acceptor(host, validator).withPeerCertificates(clientCertificates));
    }

    /** Null when the source may try, otherwise the refusal. */
    GridAuthException throttled(String source) {
        return throttle.blockedUntil(source)
                .map(until -> new GridAuthException(org.gridauth.gsissh.GsisshError.THROTTLED, source, until)).orElse(null);
    }

    /** The account to use for the requested user name, or why the identity may not log in. */
    LocalAccounts.Account authorize(GridDn identity, String requested) {
        String account = requested;
        if (":globus-mapping:".equals(requested)) {
            // GSI-OpenSSH's implicit user name: the grid-mapfile's first (default) account for the identity.
            account = gridMap.current().lookup(identity).map(e -> e.accounts().get(0))
                    .orElseThrow(() -> new GridAuthException(org.gridauth.gsissh.GsisshError.NOT_MAPPED, identity.toOpenSsl(), requested));
        }
        Optional<GridAuthException> refusal = LoginPolicy.check(gridMap.current(), identity, account);
        if (refusal.isPresent()) {
            throw refusal.get();
        }
        return accounts.requireUsable(account);
    }

    void succeeded(String source, GsiLogin login) {
        throttle.succeeded(source);
        AUDIT.info("login source={} dn=\"{}\" account={} result=ok delegated={} limited={}", source, login.identity().toOpenSsl(),
                login.account().name(), login.delegated().isPresent(), login.limited());
    }

    void failed(String source, String dn, String account, String reason) {
        throttle.failed(source);
        AUDIT.info("login source={} dn=\"{}\" account={} result=refused detail={}", source, dn, account, reason);
    }
}
