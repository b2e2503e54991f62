package org.gridauth.gsi.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;

import org.gridauth.gsi.testing.CatalogueAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GsiErrorCatalogueTest {

    @Test
    @DisplayName("R-OP-1: every gsi-core error has a unique GA-CORE code, English and Japanese text and what to do in both")
    void everyEntryIsComplete() {
        CatalogueAssertions.assertComplete(new GsiError.CatalogueProvider().catalogue());
    }

    @Test
    @DisplayName("R-OP-1: exceptions carry the code, the English message and the Japanese text on request")
    void exceptionCarriesCode() {
        GridAuthException e = new GridAuthException(GsiError.WRONG_PASSPHRASE, "/home/taro/.globus/userkey.pem");
        assertThat(e.getMessage()).isEqualTo("GA-CORE-014: The passphrase for the private key in /home/taro/.globus/userkey.pem is wrong.");
        assertThat(e.localizedMessage(Locale.JAPANESE)).isEqualTo("/home/taro/.globus/userkey.pem の秘密鍵のパスフレーズが違います。");
        assertThat(e.action(Locale.ENGLISH)).startsWith("Enter the passphrase");
        assertThat(new GridAuthException(GsiError.SUBJECT_ALT_NAME_REQUIRED, "host").action(Locale.ENGLISH))
                .contains("host's fully qualified");
    }

    @Test
    @DisplayName("R-OP-1: the docs build finds the catalogue and renders it as a troubleshooting table")
    void rendersTroubleshootingTable() {
        List<ErrorCatalogue> catalogues = CatalogueRenderer.discover(getClass().getClassLoader());
        ErrorCatalogue core = catalogues.stream().filter(c -> c.module().equals("gsi-core")).findFirst().orElseThrow();
        String table = new CatalogueRenderer().render(core);
        assertThat(table).contains("|===").contains("`GA-CORE-014`").contains("パスフレーズが違います")
                .contains("The passphrase for the private key in <0> is wrong.");
        assertThat(table.lines().filter(l -> l.startsWith("|[[GA-CORE-")).count()).isEqualTo(GsiError.values().length);
    }

    @Test
    @DisplayName("R-OP-1: the Japanese manual gets its own table (code, meaning, what to do) from the same catalogue")
    void rendersJapaneseTroubleshootingTable() {
        ErrorCatalogue core = new GsiError.CatalogueProvider().catalogue();
        String table = new CatalogueRenderer().renderJapanese(core);
        assertThat(table).contains("|コード |意味 |対処").contains("|[[GA-CORE-014]]`GA-CORE-014`")
                .contains("<0> の秘密鍵のパスフレーズが違います。")
                .doesNotContain("The passphrase for the private key");
        assertThat(table.lines().filter(l -> l.startsWith("|[[GA-CORE-")).count()).isEqualTo(GsiError.values().length);
    }

}
