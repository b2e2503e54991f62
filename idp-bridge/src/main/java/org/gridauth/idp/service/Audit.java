package org.gridauth.idp.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records: one line per sign-on decision on the logger {@code gridauth.idp.audit}, as key=value pairs.
 * Values are user names, entity IDs, codes and addresses, never passwords.
 */
public final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger("gridauth.idp.audit");

    private Audit() {
    }

    public static void record(String event, Object... keyValues) {
        StringBuilder line = new StringBuilder("event=").append(event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.append(' ').append(keyValues[i]).append('=').append(clean(keyValues[i + 1]));
        }
        LOG.info(line.toString());
    }

    private static String clean(Object value) {
        String text = String.valueOf(value);
        // No forged log lines: control characters from request fields become spaces, and values are quoted.
        return '"' + text.replaceAll("[\\p{Cntrl}]", " ").replace("\"", "'") + '"';
    }
}
