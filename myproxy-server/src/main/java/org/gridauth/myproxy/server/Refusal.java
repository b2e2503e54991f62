package org.gridauth.myproxy.server;

import java.util.Locale;

import org.gridauth.gsi.error.ErrorCode;

/** A request the server turns down with an ERROR reply; the text is the catalogue message with its code. */
final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    Refusal(ErrorCode code, Object... args) {
        super(code.code() + ": " + code.format(Locale.ENGLISH, args));
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
