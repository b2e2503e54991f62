package org.gridauth.ca.token;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.RSAKeyGenParameterSpec;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logged-in PKCS#11 token reached through the JDK's SunPKCS11 provider. The PIN is used for the login and not
 * kept. Keys are addressed by label (the key store alias); private keys never leave the token.
 *
 * <p>The PKCS#11 library reads its own configuration (for SoftHSM2, {@code SOFTHSM2_CONF}) once per process, when
 * the first token is opened: tokens initialised after that are not visible to this process.
 */
public final class Pkcs11Token {

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Token.class);

    private final Pkcs11Config config;
    private final Provider provider;
    private final KeyStore keyStore;

    private Pkcs11Token(Pkcs11Config config, Provider provider, KeyStore keyStore) {
        this.config = config;
        this.provider = provider;
        this.keyStore = keyStore;
    }

    /** Opens the slot and logs in as the token user. */
    public static Pkcs11Token login(Pkcs11Config config, char[] pin) {
        Provider provider;
        try {
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                throw new ProviderException("the JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
            }
            provider = base.configure("--" + config.providerConfiguration());
        } catch (ProviderException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new GridAuthException(CaError.TOKEN_UNAVAILABLE, e, config.slot(), config.library(), SignerPool.rootMessage(e));
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
            keyStore.load(null, pin);
            LOG.info("logged in to PKCS#11 slot {} ({})", config.slot(), config.library());
            return new Pkcs11Token(config, provider, keyStore);
        } catch (IOException e) {
            throw new GridAuthException(CaError.TOKEN_LOGIN_FAILED, e, config.slot(), SignerPool.rootMessage(e));
        } catch (GeneralSecurityException | ProviderException e) {
            throw new GridAuthException(CaError.TOKEN_UNAVAILABLE, e, config.slot(), config.library(), SignerPool.rootMessage(e));
        }
    }

    public Pkcs11Config config() {
        return config;
    }

    public Provider provider() {
        return provider;
    }

    public boolean contains(String label) {
        try {
            return keyStore.containsAlias(label);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(e);
        }
    }

    /**
     * Generates an RSA key pair inside the token. The private key is a token object, sensitive and never
     * extractable; it has no label until {@link #store} gives it one together with its certificate.
     */
    public KeyPair generateRsaKeyPair(String label, int bits) {
        if (contains(label)) {
            throw new GridAuthException(CaError.TOKEN_KEY_EXISTS, config.slot(), label);
        }
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", provider);
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(e);
        }
        // A sensitive or non-extractable key has no encoding outside the token.
        if (pair.getPrivate().getEncoded() != null) {
            throw new GridAuthException(CaError.KEY_NOT_PROTECTED, config.slot());
        }
        return pair;
    }

    /** Labels a key generated here and stores its certificate chain next to it. */
    public void store(String label, PrivateKey key, X509Certificate... chain) {
        try {
            keyStore.setKeyEntry(label, key, null, chain);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(e);
        }
    }

    /** The certificates stored with the key labelled {@code label}, or an empty list. */
    public java.util.List<X509Certificate> chain(String label) {
        try {
            Certificate[] chain = keyStore.getCertificateChain(label);
            return chain == null ? java.util.List.of() : java.util.Arrays.stream(chain).map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(e);
        }
    }

    /** Replaces the certificate chain stored with an existing key (after an external root certified it). */
    public void replaceChain(String label, java.util.List<X509Certificate> chain) {
        try {
            Key key = keyStore.getKey(label, null);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new GridAuthException(CaError.TOKEN_KEY_MISSING, config.slot(), label);
            }
            keyStore.setKeyEntry(label, privateKey, null, chain.toArray(new Certificate[0]));
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(e);
        }
    }

    /** The key labelled {@code label} with the certificate stored beside it. */
    public CaKey caKey(String label, String signatureAlgorithm) {
        try {
            Key key = keyStore.getKey(label, null);
            Certificate[] chain = keyStore.getCertificateChain(label);
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                throw new GridAuthException(CaError.TOKEN_KEY_MISSING, config.slot(), label);
            }
            X509Certificate certificate = (X509Certificate) chain[0];
            String description = "PKCS#11 slot " + config.slot() + " key " + label;
            SignerPool pool = new SignerPool(privateKey, provider, signatureAlgorithm, description);
            return new CaKey() {
                @Override
                public X509Certificate certificate() {
                    return certificate;
                }

                @Override
                public org.bouncycastle.operator.ContentSigner signer() {
                    return pool.signer();
                }

                @Override
                public String description() {
                    return description;
                }
            };
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(e);
        }
    }

    /** A signer pool over a key of this token, e.g. during the ceremony before the key has a certificate. */
    public SignerPool signers(PrivateKey key, String signatureAlgorithm) {
        return new SignerPool(key, provider, signatureAlgorithm, "PKCS#11 slot " + config.slot());
    }


    private GridAuthException unavailable(Exception e) {
        return new GridAuthException(CaError.TOKEN_UNAVAILABLE, e, config.slot(), config.library(), SignerPool.rootMessage(e));
    }
}
