package org.gridauth.launcher.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LicenseCursorTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RA-2, issue #11: a run continues where the last one stopped")
    void continues() throws Exception {
        Path file = dir.resolve("accounts.license-position");
        try (LicenseCursor first = new LicenseCursor(file)) {
            assertThat(first.next()).isZero();
            assertThat(first.next()).isEqualTo(1);
        }
        assertThat(Files.readString(file).strip()).isEqualTo("2");
        try (LicenseCursor second = new LicenseCursor(file)) {
            assertThat(second.next()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("R-RA-2, issue #11: a killed run (never closed) leaves the file past every position it handed out")
    void killedRun() throws Exception {
        Path file = dir.resolve("accounts.license-position");
        LicenseCursor killed = new LicenseCursor(file);
        int last = -1;
        for (int i = 0; i < LicenseCursor.BLOCK + 5; i++) {
            last = killed.next();
            assertThat(Integer.parseInt(Files.readString(file).strip())).isGreaterThan(last);
        }
        try (LicenseCursor next = new LicenseCursor(file)) {
            assertThat(next.next()).isGreaterThan(last);
        }
    }

    @Test
    @DisplayName("A position file that is not a number is named with what it held")
    void badFile() throws Exception {
        Path file = dir.resolve("accounts.license-position");
        Files.writeString(file, "twelve\n");
        assertThatThrownBy(() -> new LicenseCursor(file)).hasMessageContaining(file.toString()).hasMessageContaining("'twelve'");
    }
}
