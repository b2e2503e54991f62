package org.gridauth.ca.token;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the ceremony record says about the token: slot, label, serial number, manufacturer and model, as the
 * token reports them in its CK_TOKEN_INFO.
 */
public record TokenIdentity(long slot, String label, String serial, String manufacturer, String model) {

    private static final Pattern SLOT = Pattern.compile("^Slot \\d+ \\(0x([0-9a-fA-F]+)\\):.*$");
    private static final Pattern FIELD = Pattern.compile("^\\s+([a-z /]+?)\\s*:\\s*(.*?)\\s*$");

    /** Parses the slot list that {@code pkcs11-tool -L} prints (OpenSC, works with every vendor's module). */
    public static List<TokenIdentity> parseSlotList(String text) {
        List<TokenIdentity> tokens = new ArrayList<>();
        Long slot = null;
        String label = null;
        String serial = null;
        String manufacturer = null;
        String model = null;
        for (String line : (text + "\nSlot 0 (0x0): end").split("\n")) {
            Matcher slotLine = SLOT.matcher(line);
            if (slotLine.matches()) {
                if (slot != null && serial != null) {
                    tokens.add(new TokenIdentity(slot, label, serial, manufacturer, model));
                }
                slot = Long.parseUnsignedLong(slotLine.group(1), 16);
                label = serial = manufacturer = model = null;
                continue;
            }
            Matcher field = FIELD.matcher(line);
            if (slot != null && field.matches()) {
                switch (field.group(1)) {
                    case "token label" -> label = field.group(2);
                    case "serial num" -> serial = field.group(2);
                    case "token manufacturer" -> manufacturer = field.group(2);
                    case "token model" -> model = field.group(2);
                    default -> { }
                }
            }
        }
        return tokens;
    }
}
