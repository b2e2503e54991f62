package org.gridauth.ca.policy;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * The RFC 5280 CRLReason codes this CA uses: the holder's or an operator's request (keyCompromise, superseded,
 * cessationOfOperation) and the HPCI office's (affiliationChanged when an account is removed, R-CA-8;
 * privilegeWithdrawn).
 */
public enum RevocationReason {
    UNSPECIFIED(0, "unspecified"),
    KEY_COMPROMISE(1, "keyCompromise"),
    AFFILIATION_CHANGED(3, "affiliationChanged"),
    SUPERSEDED(4, "superseded"),
    CESSATION_OF_OPERATION(5, "cessationOfOperation"),
    PRIVILEGE_WITHDRAWN(9, "privilegeWithdrawn");

    private final int code;
    private final String rfcName;

    RevocationReason(int code, String rfcName) {
        this.code = code;
        this.rfcName = rfcName;
    }

    public int code() {
        return code;
    }

    public String rfcName() {
        return rfcName;
    }

    /** By RFC 5280 name (keyCompromise) or enum name (KEY_COMPROMISE), case-insensitive. */
    public static RevocationReason parse(String text) {
        for (RevocationReason reason : values()) {
            if (reason.rfcName.equalsIgnoreCase(text) || reason.name().equalsIgnoreCase(String.valueOf(text).replace('-', '_'))) {
                return reason;
            }
        }
        throw new GridAuthException(CaError.REVOCATION_REASON_INVALID, text,
                Arrays.stream(values()).map(RevocationReason::rfcName).collect(Collectors.joining(", ")));
    }

    public static RevocationReason ofCode(int code) {
        return Arrays.stream(values()).filter(r -> r.code == code).findFirst()
                .orElseThrow(() -> new GridAuthException(CaError.REVOCATION_REASON_INVALID, Integer.toString(code),
                        Arrays.stream(values()).map(r -> r.code + " " + r.rfcName).collect(Collectors.joining(", "))));
    }
}
