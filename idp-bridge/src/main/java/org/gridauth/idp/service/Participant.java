package org.gridauth.idp.service;

import java.io.Serializable;

/** An SP that received an assertion in this IdP session: what it needs to be sent a LogoutRequest. */
public record Participant(String spEntityId, String nameIdFormat, String nameId, String sessionIndex) implements Serializable {
}
