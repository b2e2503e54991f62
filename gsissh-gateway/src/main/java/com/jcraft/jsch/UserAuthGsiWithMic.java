package com.jcraft.jsch;

import java.nio.charset.StandardCharsets;

import org.gridauth.gsi.gss.GsiContext;
import org.gridauth.gsi.gss.GsiMechanism;
import org.gridauth.gsissh.client.GsiLoginInfo;

/**
 * gssapi-with-mic (RFC 4462) for JSch with the GSI mechanism. It lives in JSch's package because JSch keeps the
 * session's packet I/O and session identifier package-private and hard-codes Kerberos in its own method; everything
 * GSI is in org.gridauth.gsi.gss. Selected per session with {@code userauth.gssapi-with-mic}; reads its inputs from
 * the session configuration: {@code gridauth.gsi.proxy}, {@code gridauth.gsi.certdir}, {@code gridauth.gsi.delegation},
 * {@code gridauth.gsi.target}.
 */
public final class UserAuthGsiWithMic extends UserAuth {

    private static final int GSSAPI_RESPONSE = 60;
    private static final int GSSAPI_TOKEN = 61;
    private static final int GSSAPI_ERROR = 64;
    private static final int GSSAPI_ERRTOK = 65;
    private static final int GSSAPI_MIC = 66;

    @Override
    public boolean start(Session session) throws Exception {
        super.start(session);
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] oid = GsiMechanism.oid().getDER();
        packet.reset();
        buf.putByte((byte) SSH_MSG_USERAUTH_REQUEST);
        buf.putString(user);
        buf.putString("ssh-connection".getBytes(StandardCharsets.UTF_8));
        buf.putString("gssapi-with-mic".getBytes(StandardCharsets.UTF_8));
        buf.putInt(1);
        buf.putString(oid);
        session.write(packet);
        while (true) {
            buf = session.read(buf);
            int command = buf.getCommand() & 0xff;
            if (command == SSH_MSG_USERAUTH_BANNER) {
                continue;
            }
            if (command != GSSAPI_RESPONSE) {
                return false; // the server offers no GSI
            }
            break;
        }
        if (!(userinfo instanceof GsiLoginInfo login)) {
            return false; // not a gridauth GSI session
        }
        try (GsiContext context = login.newContext()) {
            byte[] token = context.initSecContext(new byte[0]);
            while (true) {
                if (token.length > 0) {
                    packet.reset();
                    buf.putByte((byte) GSSAPI_TOKEN);
                    buf.putString(token);
                    session.write(packet);
                }
                if (context.isEstablished()) {
                    break;
                }
                buf = session.read(buf);
                int command = buf.getCommand() & 0xff;
                if (command == GSSAPI_ERROR || command == GSSAPI_ERRTOK || command != GSSAPI_TOKEN) {
                    return false;
                }
                buf.getInt();
                buf.getByte();
                buf.getByte();
                token = context.initSecContext(buf.getString());
            }
            Buffer signed = new Buffer();
            signed.putString(session.getSessionId());
            signed.putByte((byte) SSH_MSG_USERAUTH_REQUEST);
            signed.putString(user);
            signed.putString("ssh-connection".getBytes(StandardCharsets.UTF_8));
            signed.putString("gssapi-with-mic".getBytes(StandardCharsets.UTF_8));
            byte[] data = new byte[signed.getLength()];
            System.arraycopy(signed.buffer, 0, data, 0, data.length);
            packet.reset();
            buf.putByte((byte) GSSAPI_MIC);
            buf.putString(context.getMIC(data));
            session.write(packet);
        }
        buf = session.read(buf);
        int command = buf.getCommand() & 0xff;
        if (command == SSH_MSG_USERAUTH_SUCCESS) {
            return true;
        }
        if (command == SSH_MSG_USERAUTH_FAILURE) {
            buf.getInt();
            buf.getByte();
            buf.getByte();
            buf.getString();
            if (buf.getByte() != 0) {
                throw new JSchPartialAuthException("gssapi-with-mic succeeded partially");
            }
        }
        return false;
    }
}
