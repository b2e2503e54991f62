package org.gridauth.ra.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The actuator endpoints (health, Prometheus metrics) answer clients on this machine only (R-OP-2): the monitoring
 * agent scrapes them locally, and counts of sign-ons and issuances are nobody else's business. It runs ahead of
 * Spring Security, so a stranger is refused before any session or sign-on redirect. A reverse proxy in front must
 * not forward {@code /actuator/}; the operations chapter says so. (The same design as idp-bridge's filter.)
 */
public final class ManagementAccessFilter extends OncePerRequestFilter {

    public static final String PREFIX = "/actuator";

    /** Registers the filter for the actuator paths, ahead of every other filter. */
    @Configuration
    static class Registration {
        @Bean
        FilterRegistrationBean<ManagementAccessFilter> managementAccess() {
            FilterRegistrationBean<ManagementAccessFilter> registration = new FilterRegistrationBean<>(new ManagementAccessFilter());
            registration.addUrlPatterns(PREFIX, PREFIX + "/*");
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(PREFIX) || path.startsWith(PREFIX + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (loopback(request.getRemoteAddr())) {
            chain.doFilter(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "monitoring endpoints answer local clients only");
        }
    }

    static boolean loopback(String address) {
        try {
            // A literal address (the connection's, not a header): no name lookup happens for it.
            return address != null && !address.isBlank() && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
