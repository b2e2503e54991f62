package org.gridauth.gsi.gridmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridMapFileTest {

    @Test
    @DisplayName("R-RS-1: grid-mapfile lines map DNs to accounts; quotes, escapes, comments and several accounts as Globus reads them")
    void parse() throws Exception {
        GridMapFile map = GridMapFile.parse("""
                # site grid-mapfile
                "/C=JP/O=Grid/OU=Users/CN=Taro Yamada 000001" taro
                "/C=JP/O=Grid/CN=Quote \\"Q\\" Back\\\\slash" q1, q2
                /C=JP/O=Grid/CN=NoSpaces nospace
                """, "grid-mapfile");
        assertThat(map.entries()).hasSize(3);
        assertThat(map.permits(GridDn.parse("CN=Taro Yamada 000001,OU=Users,O=Grid,C=JP"), "taro")).isTrue();
        assertThat(map.permits(GridDn.fromOpenSsl("/C=JP/O=Grid/OU=Users/CN=Taro Yamada 000001"), "root")).isFalse();
        GridMapEntry quoted = map.entries().get(1);
        assertThat(quoted.dn()).isEqualTo("/C=JP/O=Grid/CN=Quote \"Q\" Back\\slash");
        assertThat(quoted.accounts()).containsExactly("q1", "q2");
        assertThat(GridMapFile.parse(quoted.toLine(), "round trip").entries().get(0)).isEqualTo(quoted);
        assertThat(map.lookup(GridDn.fromOpenSsl("/C=JP/O=Grid/CN=Nobody"))).isEmpty();
    }

    @Test
    @DisplayName("R-RS-1: malformed lines are refused with the line number")
    void malformed() {
        assertThatThrownBy(() -> GridMapFile.parse("\"/C=JP/CN=x\n", "f")).hasMessageContaining("f line 1").hasMessageContaining("quote");
        assertThatThrownBy(() -> GridMapFile.parse("\n\"/C=JP/CN=x\"\n", "f")).hasMessageContaining("f line 2").hasMessageContaining("no local account");
        assertThatThrownBy(() -> GridMapFile.parse("\"/C=JP/CN=x\" bad;name\n", "f")).hasMessageContaining("not a valid account");
        assertThatThrownBy(() -> GridMapFile.parse("\"CN=x,C=JP\" a\n", "f")).hasMessageContaining("slash form");
    }

    @Test
    @DisplayName("R-RS-2: what toLine writes passes Debian's grid-mapfile-check-consistency (which also wants the accounts to exist here)")
    void checkedByGlobus(@TempDir Path dir) throws Exception {
        Path checker = GridTools.require("grid-mapfile-check-consistency", "globus-gss-assist-progs");
        Path file = dir.resolve("grid-mapfile");
        Files.writeString(file, String.join("\n", List.of(
                new GridMapEntry("/C=JP/O=Grid/OU=Users/CN=Taro Yamada 000001", List.of("nobody")).toLine(),
                new GridMapEntry("/C=JP/O=Grid/OU=Users/CN=Hanako \"H\" Sato 000002", List.of("daemon", "nobody")).toLine())) + "\n");
        GridTools.Result result = GridTools.run(List.of(checker.toString(), "-mapfile", file.toString()));
        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(GridMapFile.read(file).entries()).hasSize(2);
    }
}
