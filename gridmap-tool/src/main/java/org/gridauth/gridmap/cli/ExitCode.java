package org.gridauth.gridmap.cli;

/**
 * gridmap's exit codes, a stable contract for cron jobs and systemd units: 0 everything done; 1 something failed
 * (each failure on standard error; what could be done was done); 2 usage or configuration error, nothing done.
 * {@code sync} adds 3 (the feed could not be read; the grid-mapfile was left as it was) and 4 (the safety limit
 * refused the change).
 */
public enum ExitCode {
    OK(0), FAILED(1), USAGE(2), FEED_UNAVAILABLE(3), SAFETY_LIMIT(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
