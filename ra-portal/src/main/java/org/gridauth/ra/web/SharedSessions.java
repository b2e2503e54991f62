package org.gridauth.ra.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.config.annotation.web.http.EnableJdbcHttpSession;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;

/**
 * HTTP sessions in the portal's database ({@code gridauth.ra.sessions = database}), for several portal instances
 * behind one load balancer: sign-on state (the SAML AuthnRequest awaiting its response, the signed-on person, the
 * CSRF token) and the pages' drafts and results are then seen by every instance, so a person goes on through
 * another instance when the one that served them dies, without signing on again. Every instance needs the same
 * database (PostgreSQL), the same SP entity ID and signing key, and this setting.
 *
 * <p>The default ({@code memory}) keeps sessions in the instance's memory, as a single portal needs: no database
 * write per request. The session cookie keeps the name and attributes of {@code server.servlet.session.cookie} and
 * the timeout of {@code server.servlet.session.timeout}, as with sessions in memory.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gridauth.ra.sessions", havingValue = "database")
@EnableJdbcHttpSession
public class SharedSessions {

    @Bean
    CookieSerializer sessionCookie(ServerProperties server) {
        var cookie = server.getServlet().getSession().getCookie();
        DefaultCookieSerializer serializer = new DefaultCookieSerializer();
        serializer.setCookieName(cookie.getName());
        serializer.setCookiePath("/");
        serializer.setUseHttpOnlyCookie(!Boolean.FALSE.equals(cookie.getHttpOnly()));
        serializer.setUseSecureCookie(!Boolean.FALSE.equals(cookie.getSecure()));
        if (cookie.getSameSite() != null) {
            serializer.setSameSite(cookie.getSameSite().attributeValue());
        }
        // The session ID as the container's cookie carries it (no Base64), so both modes' cookies look alike.
        serializer.setUseBase64Encoding(false);
        return serializer;
    }

    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> sessionTimeout(ServerProperties server) {
        return repository -> repository.setDefaultMaxInactiveInterval(server.getServlet().getSession().getTimeout());
    }
}
