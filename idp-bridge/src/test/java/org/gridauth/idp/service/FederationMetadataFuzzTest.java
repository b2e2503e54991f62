package org.gridauth.idp.service;

import java.security.cert.X509Certificate;
import java.time.Instant;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.protocol.FederationMetadata;
import org.gridauth.idp.protocol.SignedMetadata;
import org.gridauth.idp.protocol.SpRegistry;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of federation metadata as the IdP bridge reads it (issue #11, R-IDP-4: the aggregate is
 * downloaded from the federation; SP metadata files come from SP operators): {@link SignedMetadata#verify} (what
 * {@link MetadataRefresher} does with a download), then {@link FederationMetadata#idps} for the discovery service and
 * {@link SpRegistry#fromXml} for the SPs. Contract: values or {@link GridAuthException} (GA-IDP-0xx); anything else is
 * a finding. Seeds: aggregates signed with the fixed federation key {@code fuzz-federation.key}, SP and IdP
 * EntityDescriptors with UI names, entity attributes and several endpoints. Corpus in
 * {@code FederationMetadataFuzzTestInputs/<method>/}.
 */
class FederationMetadataFuzzTest {

    private static final X509Certificate FEDERATION = FuzzResources.certificate("fuzz-federation.crt");
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    /** Metadata as parsed after verification, or from an operator's file: IdPs and SPs. */
    @FuzzTest(maxDuration = "2m")
    void aggregate(byte[] data) {
        try {
            FederationMetadata.idps(data, "fuzz input");
            new SpRegistry(SpRegistry.fromXml(data, "fuzz input")).all();
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }

    /** A download: signature and validUntil first; only verified documents are parsed further. */
    @FuzzTest(maxDuration = "2m")
    void signed(byte[] data) {
        try {
            SignedMetadata verified = SignedMetadata.verify(data, FEDERATION, NOW, "fuzz input");
            FederationMetadata.idps(verified.xml(), "fuzz input");
            SpRegistry.fromXml(verified.xml(), "fuzz input");
        } catch (GridAuthException expected) {
            // the documented refusal
        }
    }
}
