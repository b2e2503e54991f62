package org.gridauth.gsissh.server;

import java.util.List;
import java.util.Locale;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.gridauth.gsissh.GsisshError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwarding for the jump-host role only: local (direct-tcpip) forwarding to hosts on the allow-list
 * ({@code host:port} or {@code host:*}), as ProxyJump uses it to reach inner VMs; no remote listening, no agent,
 * no X11.
 */
public final class AllowListForwardingFilter implements ForwardingFilter {

    private static final Logger AUDIT = LoggerFactory.getLogger("org.gridauth.gsissh.audit");

    private final List<String> allowed;

    public AllowListForwardingFilter(List<String> allowed) {
        this.allowed = allowed.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        String host = address.getHostName().toLowerCase(Locale.ROOT);
        boolean ok = allowed.contains(host + ":" + address.getPort()) || allowed.contains(host + ":*");
        if (!ok) {
            AUDIT.info("forward user={} target={}:{} result=refused detail={}", session.getUsername(), host, address.getPort(),
                    GsisshError.FORWARD_REFUSED.format(Locale.ENGLISH, host + ":" + address.getPort()));
        }
        return ok;
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return false;
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        return false;
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        return false;
    }
}
