package org.gridauth.gridmap.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridauth.gridmap.cli.ExitCode;
import org.gridauth.gridmap.cli.GridmapCommand;
import org.gridauth.gsi.testing.TestPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gridmap check: every problem of a grid-mapfile with its line (R-RS-2). */
class GridMapCheckerTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("R-RS-2: unreadable lines, duplicate DNs and DNs outside every trusted namespace are each reported with their line")
    void reportsEveryProblem() throws Exception {
        TestPki pki = TestPki.shared();
        Path file = dir.resolve("grid-mapfile");
        Files.writeString(file, String.join("\n",
                "# site grid-mapfile",
                "\"/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada 000001\" taro",
                "\"/C=JP/O=GridAuth Test/OU=Users/CN=Hanako Sato 000002\" hanako,hpci002",
                "\"/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada 000001\" other",
                "\"/C=JP/O=Elsewhere/CN=Stranger\" stranger",
                "\"/C=JP/O=GridAuth Test/CN=unterminated taro",
                "\"/C=JP/O=GridAuth Test/OU=Users/CN=No Account\"",
                ""));
        List<GridMapChecker.Problem> problems = new GridMapChecker().check(file, Optional.of(pki.trustDir()));
        assertThat(problems).extracting(GridMapChecker.Problem::line).containsExactly(4, 5, 6, 7);
        assertThat(problems.get(0).message()).contains("already mapped on line 2");
        assertThat(problems.get(1).message()).contains("cannot be issued by any CA");
        assertThat(problems.get(2).message()).contains("closing quote");
        assertThat(problems.get(3).message()).contains("no local account");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = new GridmapCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("X509_CERT_DIR", pki.trustDir().toString()), Clock.systemUTC()).run("check", file.toString());
        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("GA-GM-009").contains("line 5");

        Path good = dir.resolve("good");
        Files.writeString(good, "\"/C=JP/O=GridAuth Test/OU=Users/CN=Taro Yamada 000001\" taro\n");
        assertThat(new GridMapChecker().check(good, Optional.of(pki.trustDir()))).isEmpty();
    }

    @Test
    @DisplayName("R-OP-1: usage errors exit 2 with the help pointer; help exits 0 and documents the exit codes")
    void usage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GridmapCommand command = new GridmapCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC());
        assertThat(command.run("frobnicate")).isEqualTo(ExitCode.USAGE);
        assertThat(command.run("crl", "--surprise", "1")).isEqualTo(ExitCode.USAGE);
        assertThat(command.run("crl", "--timeout", "soon")).isEqualTo(ExitCode.USAGE);
        assertThat(command.run("trust", "--repository", "https://ca.example.org/")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("GA-GM-001").contains("--fingerprint is required");
        assertThat(command.run("help")).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("EXIT STATUS").contains("gridmap crl");
    }
}
