package org.gridauth.certmanager.service;

import org.gridauth.myproxy.client.MyProxyClient;

/** The proxy repository the certificate manager stores into (R-CM-2): where it is and the client that talks to it. */
public record MyProxyTarget(String host, int port, MyProxyClient client) {
    public String address() {
        return host + ":" + port;
    }
}
