package org.gridauth.ra.web;

import java.util.Locale;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.protocol.PeerRefusal;
import org.springframework.ui.Model;

/** Puts a catalogue error into a page's model: code, message and what to do, in the page's language. */
final class Problems {

    private Problems() {
    }

    static void add(Model model, GridAuthException e, Locale locale) {
        model.addAttribute("problemCode", e instanceof PeerRefusal p && !p.peerCode().isEmpty() ? e.code().code() + " / " + p.peerCode() : e.code().code());
        model.addAttribute("problemMessage", e.localizedMessage(locale));
        model.addAttribute("problemAction", e.action(locale));
    }

    static int status(GridAuthException e) {
        if (e.code() instanceof RaError error) {
            return switch (error) {
                case NOT_SIGNED_IN -> 401;
                case NOT_AUTHORIZED, FOUR_EYES, FORM_EXPIRED -> 403;
                case PAGE_NOT_FOUND, REQUEST_NOT_FOUND -> 404;
                case LICENSE_IN_USE, REQUEST_DECIDED, CN_IN_USE, VALID_CERTIFICATE_EXISTS, LICENSE_USED, HPCI_ID_TAKEN -> 409;
                case CERT_MANAGER_UNREACHABLE, CA_UNREACHABLE, DATABASE_UNAVAILABLE, IDP_METADATA_UNAVAILABLE -> 503;
                case INTERNAL, CONFIGURATION_INVALID -> 500;
                default -> 400;
            };
        }
        return 400;
    }
}
