package org.gridauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R-OP-1: the PDF manuals carry real Japanese text. A PDF font without Japanese glyphs still "renders" the page,
 * as empty boxes (tofu) that no reader can search; pdftotext (poppler-utils) reads the text back as a reader's
 * viewer would, so a missing or wrong font shows up here rather than in a reader's complaint.
 */
class JapanesePdfTest {

    private final Path books = Path.of(System.getProperty("docs.books", "target/generated-docs"));

    @TempDir
    Path tmp;

    @Test
    @DisplayName("R-OP-1: the Japanese PDF's text is Japanese: the spec's terms, the TOC title and the generated troubleshooting table")
    void japaneseBookHasJapaneseText() throws Exception {
        String text = pdfText(books.resolve("ja/gridauth-manual-ja.pdf"));
        assertThat(text).contains("目次", "概要", "用語集", "認証局", "プロキシ証明書", "ライセンス", "索引")
                .contains("意味", "対処", "GA-CORE-014", "秘密鍵のパスフレーズが違います");
    }

    @Test
    @DisplayName("R-OP-1: the English PDF keeps the Japanese of its bilingual glossary and troubleshooting tables readable")
    void englishBookRendersItsJapanese() throws Exception {
        String text = pdfText(books.resolve("en/gridauth-manual-en.pdf"));
        assertThat(text).contains("Overview", "Glossary", "Troubleshooting", "Index", "GA-CORE-014")
                .contains("認証局", "パスフレーズ", "メッセージ");
    }

    private String pdfText(Path pdf) throws IOException, InterruptedException {
        Path pdftotext = GridTools.require("pdftotext", "poppler-utils");
        assertThat(pdf).exists();
        Path out = tmp.resolve(pdf.getFileName() + ".txt");
        Process process = new ProcessBuilder(List.of(pdftotext.toString(), "-enc", "UTF-8", pdf.toString(), out.toString()))
                .redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(log).isZero();
        // pdftotext breaks lines where the PDF does; join them so that a phrase split over two lines still matches.
        return Files.readString(out, StandardCharsets.UTF_8).replace("\n", "");
    }
}
