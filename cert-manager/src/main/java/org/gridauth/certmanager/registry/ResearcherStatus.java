package org.gridauth.certmanager.registry;

import java.util.Locale;
import java.util.Optional;

/** A researcher's status in the HPCI-ID registry; only ACTIVE researchers may log in anywhere. */
public enum ResearcherStatus {
    ACTIVE, SUSPENDED, DELETED;

    /** The registry's spelling: active, suspended, deleted. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ResearcherStatus> parse(String text) {
        for (ResearcherStatus status : values()) {
            if (status.text().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
