package org.gridauth.ca.policy;

import java.security.PublicKey;
import java.util.List;

import org.gridauth.gsi.dn.GridDn;

/**
 * A certificate request whose encoding and self-signature have been checked.
 *
 * @param subject   the requested subject
 * @param publicKey the key to certify
 * @param dnsNames  dNSName values of a requested subjectAltName, possibly empty
 */
public record InspectedCsr(GridDn subject, PublicKey publicKey, List<String> dnsNames) {

    public InspectedCsr {
        dnsNames = List.copyOf(dnsNames);
    }
}
