package org.gridauth.certmanager.protocol;

import java.util.List;

/**
 * The JSON bodies of the portal API (documented in the manual's certificate manager chapter). Passphrases arrive as
 * character arrays so they can be wiped after use; {@code toString} never shows them.
 */
public final class PortalMessages {

    private PortalMessages() {
    }

    /**
     * POST /v1/certificates (R-CM-1, R-RA-3). Either {@code keyPassphrase} (the certificate manager makes the key and
     * encrypts it under this passphrase) or {@code csr} (the researcher keeps the key; destination DOWNLOAD only).
     *
     * @param requestId   chosen by the portal (e.g. from the license ID); a retry with the same ID never issues twice
     * @param destination STORE (kept in the certificate manager), MYPROXY or DOWNLOAD
     */
    public record IssueRequest(String requestId, String hpciId, String eppn, String email, String commonName, String csr,
                               char[] keyPassphrase, char[] keyPassphraseConfirm, String destination, String myproxyUsername) {
        @Override
        public String toString() {
            return "IssueRequest[" + requestId + " " + hpciId + " cn=" + commonName + " to " + destination + "]";
        }
    }

    /** The certificate, and for DOWNLOAD the encrypted key (PEM) and a PKCS#12 file (base64) under the same passphrase. */
    public record IssueReply(String serial, String subject, String notAfter, String destination, String myproxyUsername,
                             String certificate, String encryptedKey, String pkcs12, String warning) {
    }

    /**
     * POST /v1/proxies (R-CM-2, R-RA-8). {@code vo}, {@code group} and {@code role} are optional; a group or role
     * needs a VO.
     *
     * @param destination MYPROXY (stored under the storage passphrase) or DOWNLOAD
     */
    public record ProxyRequest(String hpciId, String eppn, char[] keyPassphrase, char[] storagePassphrase, char[] storagePassphraseConfirm,
                               Integer lifetimeHours, String vo, String group, String role, String destination, String myproxyUsername) {
        @Override
        public String toString() {
            return "ProxyRequest[" + hpciId + " " + lifetimeHours + "h vo=" + vo + " to " + destination + "]";
        }
    }

    /** The proxy's subject and end; for DOWNLOAD the proxy file (certificate, unencrypted key, chain) as PEM. */
    public record ProxyReply(String subject, String notAfter, String destination, String myproxyUsername, List<String> attributes,
                             String proxy) {
    }

    /** POST /v1/revocations: the portal or an operator revokes a researcher's certificate. */
    public record RevokeRequest(String requestId, String hpciId, String serial, String reason) {
    }

    /** GET /v1/common-names?cn=...: the R-RA-4 duplicate check. */
    public record CommonNameReply(String commonName, boolean inUse) {
    }

    /** One mapping record (R-CM-3). */
    public record MappingReply(String subject, String hpciId, String eppn, String localName, String location, String myproxyUsername,
                               String serial, String status, String notBefore, String notAfter) {
    }

    /** Every refusal or failure. */
    public record ErrorReply(String code, String message, String messageJa, String action) {
    }

    /** GET /v1/accounts/&lt;HPCI-ID&gt;/attributes: the FQANs the researcher may put into a proxy now (R-RA-8). */
    public record AttributeChoicesReply(String hpciId, List<String> fqans) {
    }
}
