package com.jcraft.jsch;

import java.nio.charset.StandardCharsets;

import org.gridauth.gsi.gss.GsiMechanism;

/**
 * A hostile gssapi-with-mic client for tests: it selects GSI and then sends, as its first context token, whatever
 * the session configuration {@code test.token} holds (hex), or an enormous token for {@code huge}.
 */
public final class UserAuthHostileGss extends UserAuth {

    @Override
    public boolean start(Session session) throws Exception {
        super.start(session);
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        packet.reset();
        buf.putByte((byte) SSH_MSG_USERAUTH_REQUEST);
        buf.putString(user);
        buf.putString("ssh-connection".getBytes(StandardCharsets.UTF_8));
        buf.putString("gssapi-with-mic".getBytes(StandardCharsets.UTF_8));
        buf.putInt(1);
        buf.putString(GsiMechanism.oid().getDER());
        session.write(packet);
        buf = session.read(buf);
        if ((buf.getCommand() & 0xff) != 60) {
            return false;
        }
        String spec = session.getConfig("test.token");
        byte[] token = "huge".equals(spec) ? new byte[200_000] : java.util.HexFormat.of().parseHex(spec);
        buf = new Buffer(token.length + 1024);
        packet = new Packet(buf);
        packet.reset();
        buf.putByte((byte) 61);
        buf.putString(token);
        session.write(packet);
        buf = session.read(buf);
        return (buf.getCommand() & 0xff) == SSH_MSG_USERAUTH_SUCCESS;
    }
}
