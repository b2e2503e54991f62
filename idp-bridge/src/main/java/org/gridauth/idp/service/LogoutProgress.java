package org.gridauth.idp.service;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A single logout in progress in one browser, kept in its (new, signed-out) HTTP session: the SPs still to be sent a
 * LogoutRequest, the one whose LogoutResponse is awaited, the SP that started the logout (null when the IdP did),
 * and whether some SP could not be logged out.
 */
public final class LogoutProgress implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The SP whose LogoutRequest started the logout, to be answered at the end. */
    public record Origin(String spEntityId, String requestId, String relayState) implements Serializable {
    }

    private final ArrayList<Participant> pending;
    private final Origin origin;
    private String awaitingSp;
    private String awaitingRequestId;
    private final ArrayList<String> failed = new ArrayList<>();

    public LogoutProgress(List<Participant> pending, Origin origin) {
        this.pending = new ArrayList<>(pending);
        this.origin = origin;
    }

    public Origin origin() {
        return origin;
    }

    /** The next SP to notify, removed from the list; null when none is left. */
    public Participant next() {
        return pending.isEmpty() ? null : pending.remove(0);
    }

    public void awaiting(String spEntityId, String requestId) {
        this.awaitingSp = spEntityId;
        this.awaitingRequestId = requestId;
    }

    /** True when a LogoutResponse from {@code spEntityId} to {@code inResponseTo} is the one awaited; it is then no longer awaited. */
    public boolean answers(String spEntityId, String inResponseTo) {
        boolean matches = awaitingSp != null && awaitingSp.equals(spEntityId) && awaitingRequestId.equals(inResponseTo);
        if (matches) {
            awaitingSp = null;
            awaitingRequestId = null;
        }
        return matches;
    }

    public void failed(String spEntityId) {
        failed.add(spEntityId);
    }

    /** SPs that could not be logged out (no SingleLogoutService, unknown, or an answer other than Success). */
    public List<String> failures() {
        return List.copyOf(failed);
    }
}
