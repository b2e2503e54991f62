package org.gridauth.certmanager.registry;

/** A resource site allowed to read the feed, identified by its host certificate's subject DN (slash form). */
public record Site(String siteId, String hostDn) {
}
