package org.gridauth.idp.policy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Persistent NameIDs computed, not stored: HMAC-SHA256 keyed with the IdP's secret salt over SP entityID and user
 * name. Stable for one SP, different for every SP (no correlation between SPs), opaque, and identical on every
 * IdP instance that shares the salt, so several instances need no shared database for them.
 */
public final class PersistentIds {

    private final byte[] salt;

    public PersistentIds(byte[] salt) {
        if (salt.length < 16) {
            throw new IllegalArgumentException("the persistent-ID salt must be at least 16 bytes");
        }
        this.salt = salt.clone();
    }

    public String idFor(String spEntityId, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] value = mac.doFinal((spEntityId + "!" + username).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
