package org.gridauth.gsi.profile;

import java.security.PublicKey;

import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Where {@link CertificateMaker} gets the verifiers that check each issuer signature before a certificate leaves. A
 * CA that issues thousands of certificates a second supplies a faster one; everything else uses {@link #jdk()}.
 */
@FunctionalInterface
public interface VerifierSource {

    ContentVerifierProvider verifiersFor(PublicKey key) throws OperatorCreationException;

    /** The JDK's default providers (SunRsaSign for RSA, SunEC for EC). */
    static VerifierSource jdk() {
        return key -> new JcaContentVerifierProviderBuilder().build(key);
    }
}
