package org.gridauth.gsi.credential;

import java.math.BigInteger;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBEParameter;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * The round count a password-encrypted PKCS#8 key asks for, and the bound on it. The count is chosen by whoever
 * encrypted the key, and every scheme a reader accepts runs that many rounds before it can tell a right passphrase
 * from a wrong one: a key stored with 2^31 rounds would hold a server thread for a quarter of an hour per unlock.
 */
final class KeyDerivationRounds {

    /** Ten million PBKDF2-HMAC-SHA256 rounds take about 2.5 s here; OpenSSL writes 2,048 and gridauth 100,000. */
    static final BigInteger MAX = BigInteger.valueOf(10_000_000);

    private static final String PKCS12_PBE = PKCSObjectIdentifiers.pkcs_12PbeIds.getId() + ".";
    private static final String PKCS5_PBES1 = "1.2.840.113549.1.5.";

    private KeyDerivationRounds() {
    }

    /**
     * The rounds of PBES2 with PBKDF2, of PKCS#12 password-based encryption and of PBES1; empty for schemes without a
     * round count of their own (scrypt has its cost parameters, which Bouncy Castle's reader does not take here).
     *
     * @throws IllegalArgumentException when the parameters are not what the scheme defines
     */
    static Optional<BigInteger> of(AlgorithmIdentifier scheme) {
        ASN1ObjectIdentifier oid = scheme.getAlgorithm();
        if (PKCSObjectIdentifiers.id_PBES2.equals(oid)) {
            KeyDerivationFunc kdf = PBES2Parameters.getInstance(scheme.getParameters()).getKeyDerivationFunc();
            return PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())
                    ? Optional.of(PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount()) : Optional.empty();
        }
        if (oid.getId().startsWith(PKCS12_PBE)) {
            return Optional.of(PKCS12PBEParams.getInstance(scheme.getParameters()).getIterations());
        }
        if (oid.getId().startsWith(PKCS5_PBES1)) {
            return Optional.of(PBEParameter.getInstance(scheme.getParameters()).getIterationCount());
        }
        return Optional.empty();
    }

    static boolean tooMany(BigInteger rounds) {
        return rounds.compareTo(MAX) > 0;
    }
}
