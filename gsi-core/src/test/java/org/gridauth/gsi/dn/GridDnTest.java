package org.gridauth.gsi.dn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.security.auth.x500.X500Principal;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GridDnTest {

    @Test
    @DisplayName("R-CA-3: a client DN converts between the slash form and RFC 2253 both ways")
    void convertsBothWays() {
        GridDn slash = GridDn.fromOpenSsl("/C=JP/O=Grid/OU=Users/CN=Taro Yamada 000001");
        assertThat(slash.toRfc2253()).isEqualTo("CN=Taro Yamada 000001,OU=Users,O=Grid,C=JP");
        GridDn rfc = GridDn.fromRfc2253("CN=Taro Yamada 000001,OU=Users,O=Grid,C=JP");
        assertThat(rfc.toOpenSsl()).isEqualTo("/C=JP/O=Grid/OU=Users/CN=Taro Yamada 000001");
        assertThat(rfc).isEqualTo(slash).hasSameHashCodeAs(slash);
    }

    @Test
    @DisplayName("R-RS-1: a slash inside a value (host/fqdn) stays in the value")
    void slashInsideValue() {
        GridDn dn = GridDn.fromOpenSsl("/C=JP/O=Grid/CN=host/login.example.jp");
        assertThat(dn.last(DnAttribute.CN)).contains("host/login.example.jp");
        assertThat(dn.rdns()).hasSize(3);
        assertThat(dn.toRfc2253()).isEqualTo("CN=host/login.example.jp,O=Grid,C=JP");
        assertThat(dn.toOpenSsl()).isEqualTo("/C=JP/O=Grid/CN=host\\/login.example.jp");
        assertThat(GridDn.fromOpenSsl(dn.toOpenSsl())).isEqualTo(dn);
    }

    @Test
    @DisplayName("R-RS-2: comparison ignores case, extra spaces, attribute spelling and string encoding")
    void stableComparison() {
        GridDn a = GridDn.fromOpenSsl("/C=JP/O=Grid/CN=Taro  Yamada/emailAddress=taro@example.jp");
        GridDn b = GridDn.fromOpenSsl("/c=jp/o=GRID/CN=taro yamada/Email=TARO@example.jp");
        GridDn c = GridDn.of(new X500Principal("EMAILADDRESS=taro@example.jp, CN=Taro Yamada, O=Grid, C=JP"));
        assertThat(a).isEqualTo(b).isEqualTo(c);
        assertThat(a.canonical()).isEqualTo(c.canonical());
        assertThat(a).isNotEqualTo(GridDn.fromOpenSsl("/C=JP/O=Grid/CN=Taro Yamada"));
    }

    @Test
    @DisplayName("Multi-valued RDNs use '+' in both forms and compare as sets")
    void multiValuedRdn() {
        GridDn dn = GridDn.fromRfc2253("CN=Taro+UID=taro,O=Grid,C=JP");
        assertThat(dn.toOpenSsl()).isEqualTo("/C=JP/O=Grid/CN=Taro+UID=taro");
        assertThat(GridDn.fromOpenSsl("/C=JP/O=Grid/UID=taro+CN=Taro")).isEqualTo(dn);
    }

    @Test
    @DisplayName("RFC 2253 special characters are escaped on output and read back")
    void rfc2253Escaping() {
        GridDn dn = GridDn.fromOpenSsl("/C=JP/O=Grid, Inc./CN=O\"Brien+1;#x <y>");
        String rfc = dn.toRfc2253();
        assertThat(rfc).isEqualTo("CN=O\\\"Brien\\+1\\;#x \\<y\\>,O=Grid\\, Inc.,C=JP");
        assertThat(GridDn.fromRfc2253(rfc).toOpenSsl()).isEqualTo(dn.toOpenSsl());
        assertThat(GridDn.fromRfc2253("CN=\\ lead and trail\\ ,C=JP").last(DnAttribute.CN)).contains(" lead and trail ");
        assertThat(GridDn.fromRfc2253("CN=\"quoted, value\",C=JP").last(DnAttribute.CN)).contains("quoted, value");
        assertThat(GridDn.fromRfc2253("CN=#0C0474617275,C=JP").last(DnAttribute.CN)).contains("taru");
    }

    @Test
    @DisplayName("Non-ASCII values print as OpenSSL \\xHH UTF-8 escapes and parse back")
    void nonAscii() {
        GridDn dn = GridDn.fromRfc2253("CN=山田 太郎,O=Grid,C=JP");
        assertThat(dn.toOpenSsl()).isEqualTo("/C=JP/O=Grid/CN=\\xE5\\xB1\\xB1\\xE7\\x94\\xB0 \\xE5\\xA4\\xAA\\xE9\\x83\\x8E");
        assertThat(GridDn.fromOpenSsl(dn.toOpenSsl())).isEqualTo(dn);
        assertThat(GridDn.fromOpenSsl(dn.toOpenSsl()).last(DnAttribute.CN)).contains("山田 太郎");
        assertThat(GridDn.fromRfc2253("CN=\\E5\\B1\\B1\\E7\\94\\B0,C=JP").last(DnAttribute.CN)).contains("山田");
        assertThat(dn.toRfc2253()).isEqualTo("CN=山田 太郎,O=Grid,C=JP");
    }

    @Test
    @DisplayName("SN is the surname in OpenSSL's naming, not the serial number")
    void surnameIsSn() {
        GridDn dn = GridDn.fromOpenSsl("/C=JP/SN=Yamada/serialNumber=42");
        assertThat(dn.rdns().get(1).get(0).type().getId()).isEqualTo("2.5.4.4");
        assertThat(dn.rdns().get(2).get(0).type().getId()).isEqualTo("2.5.4.5");
    }

    @Test
    @DisplayName("Names from certificates keep their exact encoding")
    void keepsEncoding() throws Exception {
        X500Principal principal = new X500Principal("CN=Taro,O=Grid,C=JP");
        assertThat(GridDn.of(principal).toX500Principal().getEncoded()).isEqualTo(principal.getEncoded());
        assertThat(GridDn.of(principal).append(DnAttribute.CN, "12345").toOpenSsl()).isEqualTo("/C=JP/O=Grid/CN=Taro/CN=12345");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/C=JP/O=Grid/CN=Taro\nYamada", "/C=JP/CN=a\rb", "CN=a\u0000,C=JP", "CN=tab\there"})
    @DisplayName("R-RS-2: a control character (newline) in a DN is refused, naming its position")
    void controlCharacters(String text) {
        assertThatThrownBy(() -> GridDn.parse(text))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.DN_CONTROL_CHARACTER))
                .hasMessageContaining("GA-CORE-003").hasMessageContaining("position").hasMessageContaining("\\x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "C=JP/O=Grid", "/O", "/C=JP/CN=", "CN=a,=b", "CN=a\"b,C=JP", "CN=\"open,C=JP",
        "/C=JP/CN=\\xFF\\xFE", "CN=#zz,C=JP", "/C=JP/CN=a\\"})
    @DisplayName("Malformed DNs are refused with GA-CORE-001 and the reason")
    void malformed(String text) {
        assertThatThrownBy(() -> GridDn.parse(text))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.DN_SYNTAX))
                .hasMessageStartingWith("GA-CORE-001: The distinguished name");
    }

    @Test
    @DisplayName("An unknown attribute type is named in the error")
    void unknownAttribute() {
        assertThatThrownBy(() -> GridDn.fromOpenSsl("/C=JP/Foo=bar"))
                .isInstanceOfSatisfying(GridAuthException.class, e -> assertThat(e.code()).isEqualTo(GsiError.DN_UNKNOWN_ATTRIBUTE))
                .hasMessageContaining("\"Foo\"");
        assertThat(GridDn.fromOpenSsl("/C=JP/1.2.3.4=bar").toOpenSsl()).isEqualTo("/C=JP/1.2.3.4=bar");
    }
}
