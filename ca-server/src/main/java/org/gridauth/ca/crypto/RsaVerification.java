package org.gridauth.ca.crypto;

import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jcajce.io.OutputStreamFactory;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.gridauth.gsi.profile.VerifierSource;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * Checks the RSA signatures on the CA's issuing path, two per certificate (the request's proof of possession and the
 * token's signature, checked before a certificate leaves), with Amazon Corretto Crypto Provider (AWS-LC, native code)
 * where its library loads on this machine, else with the JDK's SunRsaSign. Measured on the CA's 2-core test machine
 * (RSA-2048, SHA256withRSA): 33-35 us per check with SunRsaSign, 16 us native with the CA's key, 23-28 us with a
 * request's key read per call. In the CA's batches the JDK's checks, made through Bouncy Castle's verifier builder
 * (which runs a second RSA operation per check), took an eighth of the CPU; natively through that builder, 9%
 * (async-profiler); this class now also leaves the builder out on its native path.
 *
 * <p>The provider is never installed in the JCA provider list, so TLS, digests, SecureRandom and every other caller
 * keep the JDK's. Only PKCS#1 v1.5 with SHA-256/384/512 goes native; other algorithms (SHA-1, SHA-224), keys the
 * native library will not read (an even modulus, an even exponent) and keys the JDK would refuse (under 512 bits) are
 * checked by the JDK, so an answer never depends on which library happened to load.
 */
public final class RsaVerification implements VerifierSource {

    /** PKCS#1 v1.5 with SHA-2, by the JCA names the native library registers. */
    private static final Map<ASN1ObjectIdentifier, String> NATIVE_ALGORITHMS = Map.of(PKCSObjectIdentifiers.sha256WithRSAEncryption,
            "SHA256withRSA", PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA", PKCSObjectIdentifiers.sha512WithRSAEncryption,
            "SHA512withRSA");

    /** The RSA modulus sizes SunRsaSign accepts (RSAKeyFactory): outside them it refuses, and so must this class. */
    private static final int JDK_MIN_MODULUS_BITS = 512;
    private static final int JDK_MAX_MODULUS_BITS = 16384;

    private final Provider nativeProvider;
    private final String description;
    /** The last key translated for the native library: the CA's, which every certificate's check uses. */
    private final AtomicReference<NativeKey> lastKey = new AtomicReference<>();

    private record NativeKey(PublicKey original, PublicKey translated) {
    }

    private RsaVerification(Provider nativeProvider, String description) {
        this.nativeProvider = nativeProvider;
        this.description = description;
    }

    /** Native where Amazon Corretto Crypto Provider loads and passes its self-tests; the JDK otherwise. */
    public static RsaVerification preferNative() {
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = provider.getLoadingError();
            if (error != null) {
                return jdk("Amazon Corretto Crypto Provider did not load on this machine: " + error.getMessage());
            }
            provider.assertHealthy();
            return new RsaVerification(provider,
                    "Amazon Corretto Crypto Provider " + provider.getVersionStr() + " (" + provider.getAwsLcVersionStr() + ", native)");
        } catch (LinkageError | RuntimeException e) {
            return jdk("Amazon Corretto Crypto Provider is unusable here: " + e);
        }
    }

    /** The JDK only, as before the native library was used. */
    public static RsaVerification jdkOnly() {
        return jdk("chosen");
    }

    private static RsaVerification jdk(String why) {
        return new RsaVerification(null, "the JDK's SunRsaSign (" + why + ")");
    }

    public boolean isNative() {
        return nativeProvider != null;
    }

    /** For the start-up log: which library checks RSA signatures, and why the JDK if it is the JDK. */
    public String description() {
        return description;
    }

    /** Verifiers for {@code key}, typically the CA's own: its native form is kept for the next call. */
    @Override
    public ContentVerifierProvider verifiersFor(PublicKey key) throws OperatorCreationException {
        JdkVerifiers jdk = () -> new JcaContentVerifierProviderBuilder().build(key);
        if (nativeProvider == null || !"RSA".equals(key.getAlgorithm())) {
            return jdk.get();
        }
        NativeKey last = lastKey.get();
        if (last == null || (last.original() != key && !last.original().equals(key))) {
            last = new NativeKey(key, key instanceof RSAPublicKey rsa ? translated(key.getEncoded(), rsa.getModulus()) : null);
            lastKey.set(last);
        }
        return new Choosing(nativeProvider, last.translated(), jdk);
    }

    /**
     * Verifiers for a request's key, made from its encoding on every call (requests' keys are not kept); {@code parsed}
     * is the same key as the caller already read it, for its modulus.
     */
    public ContentVerifierProvider verifiersFor(SubjectPublicKeyInfo key, RSAPublicKey parsed) throws OperatorCreationException {
        JdkVerifiers jdk = () -> new JcaContentVerifierProviderBuilder().build(key);
        if (nativeProvider == null || !PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm())) {
            return jdk.get();
        }
        PublicKey translated;
        try {
            translated = translated(key.getEncoded(), parsed.getModulus());
        } catch (java.io.IOException e) {
            return jdk.get();
        }
        return new Choosing(nativeProvider, translated, jdk);
    }

    /**
     * The key as the native library's own object (a JDK key object would be converted on every call), or null where
     * the JDK decides: a modulus outside the sizes the JDK accepts (512-16384 bits; the native library also takes
     * smaller ones), or a key the native library refuses.
     */
    private PublicKey translated(byte[] subjectPublicKeyInfo, BigInteger modulus) {
        if (modulus.bitLength() < JDK_MIN_MODULUS_BITS || modulus.bitLength() > JDK_MAX_MODULUS_BITS) {
            return null;
        }
        try {
            return KeyFactory.getInstance("RSA", nativeProvider).generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    @FunctionalInterface
    private interface JdkVerifiers {
        ContentVerifierProvider get() throws OperatorCreationException;
    }

    /**
     * The native verifier for the algorithms it is trusted with and that it accepts; the JDK's for everything else.
     * The native verifier is one {@link Signature} used directly: Bouncy Castle's JcaContentVerifierProviderBuilder
     * also sets up a raw RSA verifier beside it and runs it on every verify (to free PKCS#11 sessions), which doubled the
     * public-key operations (async-profiler on the CA's batches: half the native time was that second operation).
     */
    private record Choosing(Provider nativeProvider, PublicKey nativeKey, JdkVerifiers jdk) implements ContentVerifierProvider {

        @Override
        public boolean hasAssociatedCertificate() {
            return false;
        }

        @Override
        public X509CertificateHolder getAssociatedCertificate() {
            return null;
        }

        @Override
        public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
            String name = NATIVE_ALGORITHMS.get(algorithm.getAlgorithm());
            ASN1Encodable parameters = algorithm.getParameters();
            if (nativeKey != null && name != null && (parameters == null || DERNull.INSTANCE.equals(parameters))) {
                try {
                    Signature signature = Signature.getInstance(name, nativeProvider);
                    signature.initVerify(nativeKey);
                    return new DirectVerifier(algorithm, signature);
                } catch (java.security.GeneralSecurityException | RuntimeException e) {
                    // The JDK decides instead: the answer must not depend on which library is present.
                }
            }
            return jdk.get().get(algorithm);
        }
    }

    /** A ContentVerifier over one initialised Signature, worded as Bouncy Castle's own when the signature is malformed. */
    private record DirectVerifier(AlgorithmIdentifier algorithm, Signature signature) implements ContentVerifier {

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStreamFactory.createStream(signature);
        }

        @Override
        public boolean verify(byte[] expected) {
            try {
                return signature.verify(expected);
            } catch (SignatureException e) {
                throw new RuntimeOperatorException("exception obtaining signature: " + e.getMessage(), e);
            }
        }
    }
}
