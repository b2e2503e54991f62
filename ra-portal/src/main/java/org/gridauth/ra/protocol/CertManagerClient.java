package org.gridauth.ra.protocol;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.ra.RaError;
import org.gridauth.ra.protocol.CertManagerMessages.AttributeChoicesReply;
import org.gridauth.ra.protocol.CertManagerMessages.CommonNameReply;
import org.gridauth.ra.protocol.CertManagerMessages.IssueReply;
import org.gridauth.ra.protocol.CertManagerMessages.IssueRequest;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.protocol.CertManagerMessages.ProxyReply;
import org.gridauth.ra.protocol.CertManagerMessages.ProxyRequest;
import org.gridauth.ra.protocol.CertManagerMessages.RevokeRequest;

/** The certificate manager's portal API (mTLS with the portal certificate): issuance, proxies, revocation, lookups. */
public class CertManagerClient {

    private final PeerClient peer;

    public CertManagerClient(URI base, Credential portal, List<X509Certificate> trust, Duration timeout) {
        this.peer = new PeerClient(base, portal, trust, timeout, RaError.CERT_MANAGER_UNREACHABLE, RaError.CERT_MANAGER_REFUSED);
    }

    public IssueReply issue(IssueRequest request) {
        try {
            return peer.post("/v1/certificates", request, IssueReply.class);
        } finally {
            request.wipe();
        }
    }

    public ProxyReply proxy(ProxyRequest request) {
        try {
            return peer.post("/v1/proxies", request, ProxyReply.class);
        } finally {
            request.wipe();
        }
    }

    public void revoke(RevokeRequest request) {
        peer.post("/v1/revocations", request, com.fasterxml.jackson.databind.JsonNode.class);
    }

    public boolean commonNameInUse(String cn, String hpciId) {
        return peer.get("/v1/common-names?cn=" + enc(cn) + "&hpciId=" + enc(hpciId), CommonNameReply.class).inUse();
    }

    public List<MappingReply> mappings(String hpciId) {
        return Arrays.asList(peer.get("/v1/accounts/" + enc(hpciId) + "/mappings", MappingReply[].class));
    }

    /** The VO attributes (FQANs) the researcher may ask for in a proxy (R-RA-8). */
    public List<String> attributeChoices(String hpciId) {
        List<String> fqans = peer.get("/v1/accounts/" + enc(hpciId) + "/attributes", AttributeChoicesReply.class).fqans();
        return fqans == null ? List.of() : fqans;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
