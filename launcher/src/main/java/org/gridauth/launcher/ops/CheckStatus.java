package org.gridauth.launcher.ops;

/** Nagios plugin states, in the order of their exit codes. */
public enum CheckStatus {
    OK, WARNING, CRITICAL, UNKNOWN;

    public int exitCode() {
        return ordinal();
    }

    /** The worse of two states; UNKNOWN ranks below CRITICAL, as Nagios ranks them for a summary. */
    public CheckStatus worse(CheckStatus other) {
        return rank() >= other.rank() ? this : other;
    }

    private int rank() {
        return switch (this) {
            case OK -> 0;
            case WARNING -> 1;
            case UNKNOWN -> 2;
            case CRITICAL -> 3;
        };
    }
}
