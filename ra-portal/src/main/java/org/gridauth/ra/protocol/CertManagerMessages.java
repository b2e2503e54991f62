package org.gridauth.ra.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * The certificate manager's portal API bodies as the portal sends and reads them (documented in the certificate
 * manager chapter of the manual). Declared here, not imported: the two services share the wire format only.
 * Passphrases are char arrays the caller wipes; {@code toString} never shows them.
 */
public final class CertManagerMessages {

    private CertManagerMessages() {
    }

    /** POST /v1/certificates; the key is made by the certificate manager (destination STORE, MYPROXY or DOWNLOAD). */
    public record IssueRequest(String requestId, String hpciId, String eppn, String email, String commonName, char[] keyPassphrase,
                               char[] keyPassphraseConfirm, String destination, String myproxyUsername) {
        @Override
        public String toString() {
            return "IssueRequest[" + requestId + " " + hpciId + " cn=" + commonName + " to " + destination + "]";
        }

        public void wipe() {
            wipeAll(keyPassphrase, keyPassphraseConfirm);
        }
    }

    public record IssueReply(String serial, String subject, String notAfter, String destination, String myproxyUsername, String certificate,
                             String encryptedKey, String pkcs12, String warning) {
    }

    /** POST /v1/proxies. */
    public record ProxyRequest(String hpciId, String eppn, char[] keyPassphrase, char[] storagePassphrase, char[] storagePassphraseConfirm,
                               Integer lifetimeHours, String vo, String group, String role, String destination, String myproxyUsername) {
        @Override
        public String toString() {
            return "ProxyRequest[" + hpciId + " " + lifetimeHours + "h vo=" + vo + " to " + destination + "]";
        }

        public void wipe() {
            wipeAll(keyPassphrase, storagePassphrase, storagePassphraseConfirm);
        }
    }

    public record ProxyReply(String subject, String notAfter, String destination, String myproxyUsername, List<String> attributes, String proxy) {
    }

    /** POST /v1/revocations. */
    public record RevokeRequest(String requestId, String hpciId, String serial, String reason) {
    }

    public record CommonNameReply(String commonName, boolean inUse) {
    }

    /** GET /v1/accounts/HPCI-ID/mappings: one certificate of the person, whatever became of it. */
    public record MappingReply(String subject, String hpciId, String eppn, String localName, String location, String myproxyUsername, String serial,
                               String status, String notBefore, String notAfter) {
        public boolean valid() {
            return "VALID".equals(status);
        }
    }

    static void wipeAll(char[]... secrets) {
        for (char[] s : secrets) {
            if (s != null) {
                Arrays.fill(s, '\0');
            }
        }
    }

    /** The FQANs the researcher may put into a proxy now, from the project registry. */
    public record AttributeChoicesReply(String hpciId, List<String> fqans) {
    }
}
