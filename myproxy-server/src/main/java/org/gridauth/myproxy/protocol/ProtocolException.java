package org.gridauth.myproxy.protocol;

/**
 * The peer broke the protocol (malformed, oversized or truncated message). The text goes back to the client in
 * an {@code ERROR=} line, so it never contains what the client sent beyond field names.
 */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
