package org.gridauth.idp.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import com.unboundid.ldap.listener.Base64PasswordEncoderOutputFormatter;
import com.unboundid.ldap.listener.InMemoryPasswordEncoder;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ReadOnlyEntry;
import com.unboundid.ldap.sdk.ResultCode;

/**
 * {@code {SSHA256}} passwords for the embedded directory: base64 of SHA-256(password + salt) followed by the 16-byte
 * salt, the layout OpenLDAP's pw-sha2 module uses. UnboundID's own salted encoder shares one MessageDigest between
 * the listener's connection threads, so concurrent binds corrupted each other's digests and a correct password
 * was sometimes refused (seen under the SSO load driver); this one takes a new digest per call.
 */
final class SaltedSha256PasswordEncoder extends InMemoryPasswordEncoder {

    private static final int DIGEST_BYTES = 32;
    private static final int SALT_BYTES = 16;

    private final SecureRandom random = new SecureRandom();

    SaltedSha256PasswordEncoder() {
        super("{SSHA256}", Base64PasswordEncoderOutputFormatter.getInstance());
    }

    @Override
    protected byte[] encodePassword(byte[] clearPassword, ReadOnlyEntry entry, List<Modification> modifications) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] digest = digest(clearPassword, salt);
        byte[] encoded = Arrays.copyOf(digest, DIGEST_BYTES + SALT_BYTES);
        System.arraycopy(salt, 0, encoded, DIGEST_BYTES, SALT_BYTES);
        return encoded;
    }

    @Override
    protected void ensurePreEncodedPasswordAppearsValid(byte[] unPrefixedUnFormattedEncodedPasswordBytes, ReadOnlyEntry entry,
                                                        List<Modification> modifications) throws LDAPException {
        if (unPrefixedUnFormattedEncodedPasswordBytes.length <= DIGEST_BYTES) {
            throw new LDAPException(ResultCode.CONSTRAINT_VIOLATION, "an {SSHA256} value needs a digest and a salt");
        }
    }

    @Override
    protected boolean passwordMatches(byte[] clearPasswordBytes, byte[] unPrefixedUnFormattedEncodedPasswordBytes, ReadOnlyEntry entry) {
        byte[] stored = unPrefixedUnFormattedEncodedPasswordBytes;
        if (stored.length <= DIGEST_BYTES) {
            return false;
        }
        byte[] salt = Arrays.copyOfRange(stored, DIGEST_BYTES, stored.length);
        return MessageDigest.isEqual(Arrays.copyOf(stored, DIGEST_BYTES), digest(clearPasswordBytes, salt));
    }

    @Override
    protected byte[] extractClearPassword(byte[] unPrefixedUnFormattedEncodedPasswordBytes, ReadOnlyEntry entry) throws LDAPException {
        throw new LDAPException(ResultCode.NOT_SUPPORTED, "salted digests cannot be reversed");
    }

    @Override
    public void toString(StringBuilder buffer) {
        buffer.append("SaltedSha256PasswordEncoder(prefix='{SSHA256}')");
    }

    private static byte[] digest(byte[] password, byte[] salt) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(password);
            sha256.update(salt);
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
