package org.gridauth.gsissh.auth;

import java.util.List;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.auth.AbstractUserAuth;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.gss.GsiContext;
import org.gridauth.gsi.gss.GsiMechanism;
import org.ietf.jgss.Oid;

/**
 * The {@code gssapi-with-mic} user-authentication method (RFC 4462 section 3) with the GSI mechanism, which MINA's
 * own UserAuthGSS (Kerberos only, through JGSS) cannot offer. The client lists mechanisms; the server picks GSI
 * (either OID), exchanges context tokens, maps the authenticated identity through the grid-mapfile, and finally
 * requires the MIC over the session identifier and request, as RFC 4462 demands, before it answers success.
 */
public final class GsiUserAuth extends AbstractUserAuth {

    public static final String NAME = "gssapi-with-mic";
    /** The login a session established, read by the command and shell factories. */
    public static final AttributeRepository.AttributeKey<GsiLogin> LOGIN = new AttributeRepository.AttributeKey<>();

    private static final List<Oid> MECHANISMS = List.of(GsiMechanism.oid(), GsiMechanism.micV2Oid());

    private final GsiAuthenticator authenticator;
    private GsiContext context;
    private org.gridauth.gsissh.server.LocalAccounts.Account account;
    private String source;

    GsiUserAuth(GsiAuthenticator authenticator) {
        super(NAME);
        this.authenticator = authenticator;
    }

    @Override
    protected Boolean doAuth(Buffer buffer, boolean initial) throws Exception {
        if (initial) {
            return start(buffer);
        }
        int message = buffer.getUByte();
        if (message == SshConstants.SSH_MSG_USERAUTH_GSSAPI_MIC && context != null && context.isEstablished() && account != null) {
            return verifyMic(buffer.getBytes());
        }
        if (message != SshConstants.SSH_MSG_USERAUTH_INFO_RESPONSE || context == null || context.isEstablished()) {
            // 63 (exchange complete without MIC) and anything out of order end the attempt.
            refuse("-", "unexpected message " + message + " in gssapi-with-mic");
            return Boolean.FALSE;
        }
        byte[] out;
        try {
            out = context.acceptSecContext(buffer.getBytes());
        } catch (GridAuthException e) {
            refuse(context.peerIdentity().map(GridDn::toOpenSsl).orElse("-"), e.getMessage());
            return Boolean.FALSE;
        }
        if (context.isEstablished()) {
            GridDn identity = context.peerIdentity().orElse(null);
            if (identity == null) {
                refuse("-", "anonymous clients cannot log in");
                return Boolean.FALSE;
            }
            try {
                account = authenticator.authorize(identity, getUsername());
            } catch (GridAuthException e) {
                refuse(identity.toOpenSsl(), e.getMessage());
                return Boolean.FALSE;
            }
        }
        if (out.length > 0) {
            Buffer reply = getServerSession().createBuffer(SshConstants.SSH_MSG_USERAUTH_INFO_RESPONSE, out.length + 8);
            reply.putBytes(out);
            getServerSession().writePacket(reply);
        }
        return null; // more tokens, or the MIC, still to come
    }

    private Boolean start(Buffer buffer) throws Exception {
        source = String.valueOf(getServerSession().getClientAddress());
        GridAuthException blocked = authenticator.throttled(hostOf(source));
        if (blocked != null) {
            authenticator.failed(hostOf(source), "-", getUsername(), blocked.getMessage());
            return Boolean.FALSE;
        }
        int count = buffer.getInt();
        if (count < 0 || count > 64) {
            return Boolean.FALSE;
        }
        for (int i = 0; i < count; i++) {
            byte[] der = buffer.getBytes();
            Oid offered;
            try {
                offered = new Oid(der);
            } catch (org.ietf.jgss.GSSException e) {
                continue;
            }
            if (MECHANISMS.contains(offered)) {
                context = authenticator.newContext();
                Buffer reply = getServerSession().createBuffer(SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST, der.length + 8);
                reply.putBytes(der);
                getServerSession().writePacket(reply);
                return null;
            }
        }
        return Boolean.FALSE; // no GSI among the client's mechanisms
    }

    private Boolean verifyMic(byte[] mic) {
        ByteArrayBuffer signed = new ByteArrayBuffer();
        signed.putBytes(getServerSession().getSessionId());
        signed.putByte(SshConstants.SSH_MSG_USERAUTH_REQUEST);
        signed.putString(getUsername());
        signed.putString(getService());
        signed.putString(NAME);
        GridDn identity = context.peerIdentity().orElseThrow();
        try {
            context.verifyMIC(mic, signed.getCompactData());
        } catch (GridAuthException e) {
            refuse(identity.toOpenSsl(), new GridAuthException(org.gridauth.gsissh.GsisshError.MIC_FAILED, source, e.getMessage()).getMessage());
            return Boolean.FALSE;
        }
        GsiLogin login = new GsiLogin(identity, account, context.delegatedCredential(), context.peerLimited());
        getServerSession().setAttribute(LOGIN, login);
        authenticator.succeeded(hostOf(source), login);
        return Boolean.TRUE;
    }

    private void refuse(String dn, String reason) {
        authenticator.failed(hostOf(source), dn, getUsername(), reason);
    }

    private static String hostOf(String address) {
        String text = address.startsWith("/") ? address.substring(1) : address;
        int colon = text.lastIndexOf(':');
        return colon > 0 ? text.substring(0, colon) : text;
    }

    @Override
    public void destroy() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
