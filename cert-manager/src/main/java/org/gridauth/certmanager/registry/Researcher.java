package org.gridauth.certmanager.registry;

/** One researcher of the HPCI-ID registry. Names are the English given and family names. */
public record Researcher(String hpciId, String eppn, String givenName, String familyName, String email, ResearcherStatus status) {
}
