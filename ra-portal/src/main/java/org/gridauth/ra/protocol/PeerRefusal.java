package org.gridauth.ra.protocol;

import java.util.Locale;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;

/**
 * A refusal from the certificate manager or the CA, carrying the peer's own catalogue code and texts (English,
 * Japanese, what to do) so the page shows the reason in the reader's language instead of a generic "failed".
 */
public final class PeerRefusal extends GridAuthException {

    private static final long serialVersionUID = 1L;

    private final String peerCode;
    private final String english;
    private final String japanese;
    private final String actionEnglish;
    private final int status;

    public PeerRefusal(RaError code, int status, String peerCode, String english, String japanese, String actionEnglish) {
        super(code, (peerCode.isEmpty() ? "" : peerCode + " ") + english);
        this.peerCode = peerCode;
        this.english = english;
        this.japanese = japanese == null || japanese.isBlank() ? english : japanese;
        this.actionEnglish = actionEnglish;
        this.status = status;
    }

    public String peerCode() {
        return peerCode;
    }

    public int status() {
        return status;
    }

    @Override
    public String localizedMessage(Locale locale) {
        boolean ja = locale != null && "ja".equals(locale.getLanguage());
        return code().format(locale, (peerCode.isEmpty() ? "" : peerCode + " ") + (ja ? japanese : english));
    }

    @Override
    public String action(Locale locale) {
        boolean ja = locale != null && "ja".equals(locale.getLanguage());
        return actionEnglish == null || actionEnglish.isBlank() || ja ? super.action(locale) : actionEnglish;
    }
}
