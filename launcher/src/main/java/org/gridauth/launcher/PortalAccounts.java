package org.gridauth.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The IdP accounts 'gridauth load sign-on' and 'license-id' sign in with: a file of "username password" lines (the
 * operator's test accounts; '#' comments), or the bundled directory's demo researchers, whose passwords are public
 * demo values.
 */
final class PortalAccounts {

    record Account(String username, char[] password) {
        @Override
        public String toString() {
            return username;
        }
    }

    private PortalAccounts() {
    }

    static List<Account> demo() {
        List<Account> accounts = new ArrayList<>();
        for (String[] demo : SuiteReport.DEMO_ACCOUNTS) {
            if (demo[2].startsWith("researcher")) {
                accounts.add(new Account(demo[0], demo[1].toCharArray()));
            }
        }
        return accounts;
    }

    static List<Account> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--accounts " + file + " cannot be read: " + e.getMessage());
        }
        List<Account> accounts = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length != 2) {
                // The line number only: the line holds a password.
                throw new IllegalArgumentException("--accounts " + file + " line " + (n + 1) + ": expected 'username password'");
            }
            accounts.add(new Account(parts[0], parts[1].toCharArray()));
        }
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("--accounts " + file + " lists no account");
        }
        return accounts;
    }
}
