package org.gridauth.idp.service;

import java.io.Serializable;

/**
 * A checked AuthnRequest waiting for the user to sign in, kept in the browser's IdP session.
 *
 * @param spEntityId   the requesting SP
 * @param acsUrl       the AssertionConsumerService URL checked against its metadata
 * @param requestId    the AuthnRequest ID (InResponseTo)
 * @param relayState   RelayState to return, or null
 * @param nameIdFormat the NameID format to issue
 * @param forceAuthn   the SP asked for a fresh password entry
 * @param passive      the SP asked for no interaction
 */
public record PendingSso(String spEntityId, String acsUrl, String requestId, String relayState, String nameIdFormat,
                         boolean forceAuthn, boolean passive) implements Serializable {
}
