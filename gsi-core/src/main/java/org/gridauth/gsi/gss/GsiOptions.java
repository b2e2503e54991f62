package org.gridauth.gsi.gss;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.proxy.ProxyMaker;
import org.gridauth.gsi.trust.ChainValidator;

/**
 * How a GSI security context is set up.
 *
 * @param credential      our certificate or proxy chain with its key; null for an anonymous initiator
 * @param validator       checks the peer's chain (trust directory, signing policies, CRLs, proxy rules)
 * @param target          the acceptor the initiator expects (initiator only; null: any valid identity)
 * @param delegation      what the initiator delegates
 * @param anonymousPeer   whether an acceptor lets an initiator without a certificate in
 * @param peerKinds       which client chains an acceptor takes
 * @param signer          how the initiator signs the delegated proxy
 * @param protocols       TLS versions offered, of "TLSv1.3" and "TLSv1.2", most preferred first
 * @param random          randomness for TLS and delegated keys
 * @param clock           time for delegated proxy lifetimes
 */
public record GsiOptions(Credential credential, ChainValidator validator, TargetName target, DelegationMode delegation,
                         boolean anonymousPeer, PeerCertificates peerKinds, DelegationSigner signer, List<String> protocols,
                         SecureRandom random, Clock clock) {

    public GsiOptions {
        protocols = List.copyOf(protocols);
        if (signer == null) {
            ProxyMaker maker = new ProxyMaker(clock, random);
            signer = (issuer, request, proxy) -> maker.sign(issuer, request, proxy, 2048).get(0);
        }
        if (protocols.isEmpty() || !List.of("TLSv1.3", "TLSv1.2").containsAll(protocols)) {
            throw new IllegalArgumentException("protocols must be TLSv1.3 and/or TLSv1.2, not " + protocols);
        }
    }

    public static GsiOptions initiator(Credential credential, ChainValidator validator, TargetName target) {
        return new GsiOptions(credential, validator, target, DelegationMode.NONE, false, PeerCertificates.ANY, null, List.of("TLSv1.3", "TLSv1.2"),
                new SecureRandom(), Clock.systemUTC());
    }

    public static GsiOptions acceptor(Credential credential, ChainValidator validator) {
        return new GsiOptions(credential, validator, null, DelegationMode.NONE, false, PeerCertificates.ANY, null, List.of("TLSv1.3", "TLSv1.2"),
                new SecureRandom(), Clock.systemUTC());
    }

    public GsiOptions withDelegation(DelegationMode mode) {
        return new GsiOptions(credential, validator, target, mode, anonymousPeer, peerKinds, signer, protocols, random, clock);
    }

    public GsiOptions withProtocols(String... versions) {
        return new GsiOptions(credential, validator, target, delegation, anonymousPeer, peerKinds, signer, List.of(versions), random, clock);
    }

    public GsiOptions withAnonymousPeer(boolean allowed) {
        return new GsiOptions(credential, validator, target, delegation, allowed, peerKinds, signer, protocols, random, clock);
    }

    public GsiOptions withDelegationSigner(DelegationSigner delegationSigner) {
        return new GsiOptions(credential, validator, target, delegation, anonymousPeer, peerKinds, delegationSigner, protocols, random, clock);
    }

    public GsiOptions withPeerCertificates(PeerCertificates kinds) {
        return new GsiOptions(credential, validator, target, delegation, anonymousPeer, kinds, signer, protocols, random, clock);
    }
}
