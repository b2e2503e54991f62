package org.gridauth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;

import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.profile.Signers;

/** PKCS#10 requests for the credentials the launcher asks the CA for. */
final class Csrs {

    private Csrs() {
    }

    static byte[] der(GridDn subject, KeyPair key) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(subject.toX500Name(), key.getPublic())
                    .build(Signers.software(key.getPrivate(), "SHA256withRSA")).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
