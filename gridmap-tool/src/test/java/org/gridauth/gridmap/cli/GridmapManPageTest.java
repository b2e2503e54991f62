package org.gridauth.gridmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** gridmap(1) (src/deb/man/gridmap.1, hand-written roff) says what "gridmap help" says: commands, options, exit codes. */
class GridmapManPageTest {

    private static final Path MAN = Path.of("src/deb/man/gridmap.1");

    /** The roff source with its escapes undone, as a reader sees it. */
    private static String manText() throws Exception {
        return Files.readString(MAN).replace("\\-", "-").replace("\\&", "");
    }

    @Test
    @DisplayName("R-RS-2..4: every command and option of the help text appears in the man page, and every option the CLI accepts in both")
    void commandsAndOptions() throws Exception {
        String man = manText();
        Set<String> helpCommands = new LinkedHashSet<>();
        Matcher command = Pattern.compile("(?m)^\\s+gridmap (\\w+)").matcher(GridmapCommand.HELP);
        while (command.find()) {
            helpCommands.add(command.group(1));
        }
        assertThat(helpCommands).containsExactlyInAnyOrder("crl", "trust", "check", "sync", "help");
        for (String c : helpCommands) {
            assertThat(man).as("command " + c).contains("gridmap " + c);
        }
        Set<String> helpOptions = new LinkedHashSet<>();
        Matcher option = Pattern.compile("--[a-z][a-z-]+").matcher(GridmapCommand.HELP);
        while (option.find()) {
            helpOptions.add(option.group());
        }
        for (String o : helpOptions) {
            assertThat(man).as("option " + o).contains(o);
        }
        for (Map.Entry<String, List<String>> entry : GridmapCommand.OPTIONS.entrySet()) {
            for (String name : entry.getValue()) {
                assertThat(helpOptions).as(entry.getKey() + " accepts --" + name + ": the help must name it").contains("--" + name);
            }
        }
    }

    @Test
    @DisplayName("R-RS-2..4: every exit code is described in the help text and in the man page's EXIT STATUS section")
    void exitCodes() throws Exception {
        String man = manText();
        String exitSection = man.substring(man.indexOf(".SH EXIT STATUS"), man.indexOf(".SH ENVIRONMENT"));
        String helpSection = GridmapCommand.HELP.substring(GridmapCommand.HELP.indexOf("EXIT STATUS"), GridmapCommand.HELP.indexOf("FILES"));
        for (ExitCode code : ExitCode.values()) {
            assertThat(helpSection).as("help, " + code).containsPattern("(?m)^\\s+" + code.code() + "\\s");
            assertThat(exitSection).as("man, " + code).contains(".B " + code.code() + "\n");
        }
    }
}
