package org.gridauth.ra.service;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.InputRules;
import org.gridauth.ra.policy.PassphrasePolicy;
import org.gridauth.ra.protocol.CertManagerClient;
import org.gridauth.ra.protocol.CertManagerMessages.ProxyReply;
import org.gridauth.ra.protocol.CertManagerMessages.ProxyRequest;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.AccessLog.Operation;
import org.springframework.stereotype.Service;

/**
 * Proxy certificates (R-RA-8) from the credential kept in the certificate manager: stored in MyProxy under the
 * storage passphrase (the page then shows the myproxy-logon line), or downloaded as a proxy file. VO, group and
 * role are checked against the person's projects by the certificate manager (HPCI office registry).
 */
@Service
public class ProxyIssuance {

    /** The result page's content. */
    public record Proxy(String subject, String notAfter, String destination, String myproxyUsername, java.util.List<String> attributes,
                        String proxyPem, String myproxyLogon) implements Serializable {
    }

    private final CertManagerClient certManager;
    private final AccessLog log;
    private final RaProperties properties;
    private final PassphrasePolicy storage;

    public ProxyIssuance(CertManagerClient certManager, AccessLog log, RaProperties properties) {
        this.certManager = certManager;
        this.log = log;
        this.properties = properties;
        this.storage = new PassphrasePolicy(properties.passphrase().storageMinLength(), properties.passphrase().maxLength());
    }

    public int defaultHours() {
        return Math.min(properties.proxy().defaultHours(), properties.proxy().maxHours());
    }

    public int maxHours() {
        return properties.proxy().maxHours();
    }

    /**
     * The VO attributes (FQANs) the person may put into a proxy now: those of their current projects in the HPCI
     * office registry, as the certificate manager knows them (R-RA-8). None without an HPCI-ID.
     */
    public List<String> attributeChoices(RaUser user) {
        return user.person().hpciId() == null ? List.of() : certManager.attributeChoices(user.person().hpciId());
    }

    /** As {@link #make(RaUser, char[], char[], char[], String, String, String, String, String, String)}, the VO attributes chosen from the list. */
    public Proxy make(RaUser user, char[] keyPassphrase, char[] storagePassphrase, char[] storageConfirm, String hoursText, String fqanText,
                      String voText, String groupText, String roleText, String destinationText, String address) {
        if (fqanText == null || fqanText.isBlank()) {
            return make(user, keyPassphrase, storagePassphrase, storageConfirm, hoursText, voText, groupText, roleText, destinationText, address);
        }
        Fqan fqan;
        try {
            if (voText != null && !voText.isBlank() || groupText != null && !groupText.isBlank() || roleText != null && !roleText.isBlank()) {
                throw new GridAuthException(RaError.INPUT_INVALID, "VO attributes", "choose from the list or give VO, group and role, not both");
            }
            String chosen = InputRules.required("VO attributes", fqanText, 256);
            if (!attributeChoices(user).contains(chosen)) {
                throw new GridAuthException(RaError.INPUT_INVALID, "VO attributes", "choose one of the attributes your projects give you");
            }
            fqan = Fqan.parse(chosen);
        } catch (GridAuthException e) {
            log.record(user, address, Operation.PROXY_ISSUE, "REFUSED", e.getMessage(), null, null);
            wipe(keyPassphrase, storagePassphrase, storageConfirm);
            throw e;
        }
        return make(user, keyPassphrase, storagePassphrase, storageConfirm, hoursText, fqan.vo(), fqan.group(), fqan.role(), destinationText, address);
    }

    /** A short-form FQAN, /vo[/group...][/Role=role], split as the certificate manager's proxy request takes it. */
    record Fqan(String vo, String group, String role) {
        static Fqan parse(String text) {
            String[] parts = text.substring(1).split("/");
            String role = null;
            List<String> groups = new java.util.ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith("Role=")) {
                    role = parts[i].substring("Role=".length());
                } else {
                    groups.add(parts[i]);
                }
            }
            return new Fqan(parts[0], groups.isEmpty() ? null : String.join("/", groups), role);
        }
    }

    private static void wipe(char[]... secrets) {
        for (char[] s : secrets) {
            if (s != null) {
                java.util.Arrays.fill(s, '\0');
            }
        }
    }

    public Proxy make(RaUser user, char[] keyPassphrase, char[] storagePassphrase, char[] storageConfirm, String hoursText, String voText,
                      String groupText, String roleText, String destinationText, String address) {
        try {
            if (user.person().hpciId() == null) {
                throw new GridAuthException(RaError.ATTRIBUTE_MISSING, "hpciId", "a proxy certificate");
            }
            if (keyPassphrase == null || keyPassphrase.length == 0) {
                throw new GridAuthException(RaError.INPUT_INVALID, "private-key passphrase", "it is empty");
            }
            String destination = InputRules.required("destination", destinationText, 16).toUpperCase(Locale.ROOT);
            if (!destination.equals("MYPROXY") && !destination.equals("DOWNLOAD")) {
                throw new GridAuthException(RaError.INPUT_INVALID, "destination", "choose MyProxy or download");
            }
            if (destination.equals("MYPROXY")) {
                storage.check("storage passphrase", storagePassphrase, storageConfirm);
            }
            int hours = hours(hoursText);
            String vo = InputRules.matching("VO", voText, 64, "[A-Za-z0-9._-]+", "a VO name has letters, digits, '.', '_' and '-'");
            String group = InputRules.matching("group", groupText, 128, "/?[A-Za-z0-9._/-]+", "a group is a path such as /hpci.jp/ocean");
            String role = InputRules.matching("role", roleText, 64, "[A-Za-z0-9._-]+", "a role name has letters, digits, '.', '_' and '-'");
            if ((group != null || role != null) && vo == null) {
                throw new GridAuthException(RaError.INPUT_INVALID, "VO", "a group or role needs a VO");
            }
            ProxyReply reply = certManager.proxy(new ProxyRequest(user.person().hpciId(), user.person().eppn(), keyPassphrase.clone(),
                    destination.equals("MYPROXY") ? storagePassphrase.clone() : null, destination.equals("MYPROXY") ? storageConfirm.clone() : null,
                    hours, vo, group, role, destination, null));
            String logon = reply.myproxyUsername() == null ? null : "myproxy-logon -s " + properties.myproxy().host() + " -p " + properties.myproxy().port()
                    + " -l " + reply.myproxyUsername() + " -t " + hours + " -o /tmp/x509up_u$(id -u)";
            log.record(user, address, Operation.PROXY_ISSUE, "OK", reply.subject() + " " + hours + "h to " + destination
                    + (vo == null ? "" : " vo " + vo), null, null);
            return new Proxy(reply.subject(), reply.notAfter(), destination, reply.myproxyUsername(), reply.attributes(), reply.proxy(), logon);
        } catch (GridAuthException e) {
            log.record(user, address, Operation.PROXY_ISSUE, "REFUSED", e.getMessage(), null, null);
            throw e;
        } finally {
            for (char[] s : new char[][] {keyPassphrase, storagePassphrase, storageConfirm}) {
                if (s != null) {
                    java.util.Arrays.fill(s, '\0');
                }
            }
        }
    }

    private int hours(String text) {
        if (text == null || text.isBlank()) {
            return defaultHours();
        }
        try {
            int h = Integer.parseInt(text.strip());
            if (h < 1 || h > properties.proxy().maxHours()) {
                throw new GridAuthException(RaError.PROXY_LIFETIME, properties.proxy().maxHours());
            }
            return h;
        } catch (NumberFormatException e) {
            throw new GridAuthException(RaError.PROXY_LIFETIME, properties.proxy().maxHours());
        }
    }
}
