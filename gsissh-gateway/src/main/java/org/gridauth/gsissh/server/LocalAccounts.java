package org.gridauth.gsissh.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsissh.GsisshError;

/**
 * The UNIX accounts sessions run as, looked up through NSS ({@code getent passwd}) so LDAP-backed sites work too.
 * When the gateway does not run as root it can only start sessions as its own account.
 */
public final class LocalAccounts {

    /** A passwd entry. */
    public record Account(String name, int uid, int gid, String home) {
    }

    private final String gatewayUser;
    private final boolean root;

    public LocalAccounts() {
        this.gatewayUser = System.getProperty("user.name");
        this.root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    public boolean runningAsRoot() {
        return root;
    }

    public Optional<Account> lookup(String name) {
        if (!name.matches("[A-Za-z0-9._][A-Za-z0-9._-]*\\$?")) {
            return Optional.empty();
        }
        try {
            Process getent = new ProcessBuilder(List.of("getent", "passwd", name)).redirectErrorStream(true).start();
            String line = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!getent.waitFor(10, TimeUnit.SECONDS) || getent.exitValue() != 0) {
                return Optional.empty();
            }
            String[] fields = line.split(":", -1);
            return Optional.of(new Account(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), fields[5]));
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** @throws GridAuthException GA-SSH-004 or GA-SSH-005 when no session can be started as this account */
    public Account requireUsable(String name) {
        Account account = lookup(name).orElseThrow(() -> new GridAuthException(GsisshError.ACCOUNT_UNKNOWN, name));
        if (!root && !account.name().equals(gatewayUser)) {
            throw new GridAuthException(GsisshError.NOT_ROOT, name);
        }
        return account;
    }
}
