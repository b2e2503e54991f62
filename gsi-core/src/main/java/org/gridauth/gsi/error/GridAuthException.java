package org.gridauth.gsi.error;

import java.util.Arrays;
import java.util.Locale;

/**
 * Base of every gridauth exception that a user or operator may see. It carries a catalogue {@link ErrorCode}
 * and the arguments for its message; {@link #getMessage()} is {@code "<code>: <English message>"} so that
 * logs are searchable by code, and {@link #localizedMessage(Locale)} gives the Japanese text.
 *
 * <p>Arguments are rendered into log lines and error pages: never pass a passphrase or key material.
 */
public class GridAuthException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;
    private final Object[] args;

    public GridAuthException(ErrorCode code, Object... args) {
        this(code, null, args);
    }

    public GridAuthException(ErrorCode code, Throwable cause, Object... args) {
        super(code.code() + ": " + code.format(Locale.ENGLISH, args), cause);
        this.code = code;
        this.args = args.clone();
    }

    public ErrorCode code() {
        return code;
    }

    public Object[] args() {
        return args.clone();
    }

    /** The message without the code, in the given language. */
    public String localizedMessage(Locale locale) {
        return code.format(locale, args);
    }

    /** What to do about it, in the given language. */
    public String action(Locale locale) {
        return code.action(locale);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + getMessage() + " " + Arrays.toString(new String[] {code.action(Locale.ENGLISH)});
    }
}
