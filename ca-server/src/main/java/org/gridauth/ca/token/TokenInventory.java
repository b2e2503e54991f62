package org.gridauth.ca.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.gridauth.ca.CaError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Reads a token's identity with OpenSC's {@code pkcs11-tool -L}. The JDK's PKCS#11 provider does not expose
 * CK_TOKEN_INFO, and the ceremony record must name the token's serial number; pkcs11-tool talks to any vendor's
 * module and needs no login for this.
 */
public final class TokenInventory {

    private final String pkcs11Tool;

    public TokenInventory(String pkcs11Tool) {
        this.pkcs11Tool = pkcs11Tool;
    }

    public TokenInventory() {
        this("pkcs11-tool");
    }

    public TokenIdentity describe(Pkcs11Config config) {
        String listing;
        try {
            Process process = new ProcessBuilder(pkcs11Tool, "--module", config.library().toString(), "-L")
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new GridAuthException(CaError.TOKEN_UNAVAILABLE, config.slot(), config.library(),
                        pkcs11Tool + " -L failed: " + listing.strip());
            }
        } catch (IOException e) {
            throw new GridAuthException(CaError.TOKEN_UNAVAILABLE, e, config.slot(), config.library(),
                    "cannot run " + pkcs11Tool + " (Debian package opensc) to read the token serial: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridAuthException(CaError.TOKEN_UNAVAILABLE, e, config.slot(), config.library(), "interrupted");
        }
        return TokenIdentity.parseSlotList(listing).stream().filter(t -> t.slot() == config.slot()).findFirst()
                .orElseThrow(() -> new GridAuthException(CaError.TOKEN_UNAVAILABLE, config.slot(), config.library(),
                        "no initialised token in that slot"));
    }
}
