package org.gridauth.myproxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MyProxyRequestTest {

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("R-MP-1: a myproxy-logon request parses; unknown lines are ignored; toString hides the passphrase")
    void parsesGet() throws Exception {
        MyProxyRequest request = MyProxyRequest.parse(text(
                "VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=taro\nPASSPHRASE=secret words\nLIFETIME=43200\nSOMETHING_NEW=1\nTRUSTED_CERTS=1\n"));
        assertThat(request.command()).isEqualTo(MyProxyCommand.GET);
        assertThat(request.username()).isEqualTo("taro");
        assertThat(request.passphrase()).isEqualTo("secret words");
        assertThat(request.lifetimeSeconds()).isEqualTo(43200);
        assertThat(request.wantTrustRoots()).isTrue();
        assertThat(request.toString()).doesNotContain("secret").contains("(hidden)");
        byte[] encoded = request.encode();
        assertThat(encoded[encoded.length - 1]).isZero();
        assertThat(MyProxyRequest.parse(java.util.Arrays.copyOf(encoded, encoded.length - 1))).isEqualTo(request);
    }

    @Test
    @DisplayName("R-MP-1: malformed requests are refused with a reason and never echo the passphrase")
    void malformed() {
        assertReason("COMMAND=0\nUSERNAME=a\n", "version");
        assertReason("VERSION=MYPROXYv1\nCOMMAND=0\nUSERNAME=a\n", "Unsupported protocol version");
        assertReason("VERSION=MYPROXYv2\nCOMMAND=42\nUSERNAME=a\nPASSPHRASE=x\n", "Unknown command");
        assertReason("VERSION=MYPROXYv2\nCOMMAND=zero\nUSERNAME=a\n", "command");
        assertReason("VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=a\nPASSPHRASE=topsecret\nLIFETIME=forever\n", "lifetime");
        assertReason("VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=a\nLIFETIME=-5\n", "negative");
        assertReason("VERSION=MYPROXYv2\nCOMMAND=0\nPASSPHRASE=x\n", "username");
        assertReason("VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=a\nUSERNAME=b\n", "twice");
        assertThatThrownBy(() -> MyProxyRequest.parse(text("VERSION=MYPROXYv2\nCOMMAND=0\nUSERNAME=a\nPASSPHRASE=topsecret\nLIFETIME=x\n")))
                .hasMessageNotContaining("topsecret");
    }

    @Test
    @DisplayName("Framing: a message without NUL, an oversized message, an oversized DER object and an empty chain are refused")
    void framing() {
        assertThatThrownBy(() -> MessageIo.readMessage(new ByteArrayInputStream(text("VERSION=MYPROXYv2\n")), 1024))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("NUL");
        byte[] big = new byte[5000];
        java.util.Arrays.fill(big, (byte) 'A');
        assertThatThrownBy(() -> MessageIo.readMessage(new ByteArrayInputStream(big), 1024))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("limit of 1024");
        assertThatThrownBy(() -> MessageIo.readDer(new ByteArrayInputStream(new byte[] {0x30, (byte) 0x84, 0x7f, 0, 0, 0}), 65536))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("larger than the limit");
        assertThatThrownBy(() -> MessageIo.readDer(new ByteArrayInputStream(new byte[] {0x02, 1, 1}), 65536))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("SEQUENCE");
        assertThatThrownBy(() -> MessageIo.readChain(new ByteArrayInputStream(new byte[] {0}), 65536))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("no certificate");
        assertThatThrownBy(() -> MessageIo.readChain(new ByteArrayInputStream(new byte[] {1, 0x30, 3, 1, 2, 3}), 65536))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("certificate 1");
    }

    private static void assertReason(String message, String reason) {
        assertThatThrownBy(() -> MyProxyRequest.parse(text(message))).isInstanceOf(ProtocolException.class).hasMessageContaining(reason);
    }
}
