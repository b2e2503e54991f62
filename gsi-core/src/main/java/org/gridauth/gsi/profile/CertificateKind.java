package org.gridauth.gsi.profile;

/** What a certificate is for; R-CA-1 names the three end-entity kinds a grid CA issues. */
public enum CertificateKind {
    CA, CLIENT, HOST, SERVICE, OCSP_SIGNER
}
