package org.gridauth.certmanager.policy;

import java.util.Locale;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.store.Location;
import org.gridauth.gsi.error.GridAuthException;

/** Parses the destination a researcher chose (R-RA-3, R-RA-8). */
public final class Destination {

    private Destination() {
    }

    public static Location parse(String value, Location... allowed) {
        if (value == null || value.isBlank()) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "destination is missing");
        }
        Location location;
        try {
            location = Location.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GridAuthException(CertManagerError.REQUEST_INVALID, "destination must be STORE, MYPROXY or DOWNLOAD");
        }
        for (Location a : allowed) {
            if (a == location) {
                return location;
            }
        }
        throw new GridAuthException(CertManagerError.REQUEST_INVALID, "destination " + location + " is not possible here");
    }
}
