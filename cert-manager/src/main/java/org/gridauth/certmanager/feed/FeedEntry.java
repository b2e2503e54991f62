package org.gridauth.certmanager.feed;

import java.util.SortedSet;

import org.gridauth.certmanager.registry.AccessStatus;

/**
 * One entry of a site's feed: a certificate and what the site should do with it.
 *
 * @param serial          the certificate serial (the entry's key)
 * @param subjectDn       subject DN in OpenSSL slash form, as grid-mapfiles hold it
 * @param hpciId          the researcher's HPCI-ID
 * @param eppn            the researcher's ePPN
 * @param localAccount    the account name in the certificate manager (UMS) or, for credentials kept in MyProxy,
 *                        the MyProxy user name
 * @param location        where the credential went: store, myproxy or download
 * @param notAfter        end of validity, epoch millis
 * @param status          valid, or the reason to remove the mapping
 * @param resources       the site's resources the researcher is admitted to now
 */
public record FeedEntry(String serial, String subjectDn, String hpciId, String eppn, String localAccount, String location, long notAfter,
                        AccessStatus status, SortedSet<String> resources) {
}
