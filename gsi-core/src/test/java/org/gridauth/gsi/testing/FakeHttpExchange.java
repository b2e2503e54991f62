package org.gridauth.gsi.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * A request to a JDK HTTP server handler from any client address, answered in memory: how a test sends a
 * request "from another machine" without one.
 */
public final class FakeHttpExchange extends HttpExchange {

    private final String method;
    private final URI uri;
    private final InetSocketAddress remote;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = -1;

    public FakeHttpExchange(String method, String uri, String remoteAddress) {
        this.method = method;
        this.uri = URI.create(uri);
        this.remote = new InetSocketAddress(remoteAddress, 40000);
    }

    public int status() {
        return status;
    }

    public String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override public Headers getRequestHeaders() { return requestHeaders; }
    @Override public Headers getResponseHeaders() { return responseHeaders; }
    @Override public URI getRequestURI() { return uri; }
    @Override public String getRequestMethod() { return method; }
    @Override public HttpContext getHttpContext() { return null; }
    @Override public void close() { }
    @Override public InputStream getRequestBody() { return new ByteArrayInputStream(new byte[0]); }
    @Override public OutputStream getResponseBody() { return body; }
    @Override public void sendResponseHeaders(int code, long length) { status = code; }
    @Override public InetSocketAddress getRemoteAddress() { return remote; }
    @Override public int getResponseCode() { return status; }
    @Override public InetSocketAddress getLocalAddress() { return new InetSocketAddress("127.0.0.1", 80); }
    @Override public String getProtocol() { return "HTTP/1.1"; }
    @Override public Object getAttribute(String name) { return attributes.get(name); }
    @Override public void setAttribute(String name, Object value) { attributes.put(name, value); }
    @Override public void setStreams(InputStream in, OutputStream out) { }
    @Override public HttpPrincipal getPrincipal() { return null; }
}
