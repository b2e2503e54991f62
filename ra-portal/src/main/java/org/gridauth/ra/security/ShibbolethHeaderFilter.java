package org.gridauth.ra.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.service.AccessLog;
import org.gridauth.ra.service.AccessLog.Operation;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * "Behind a Shibboleth SP" sign-on (R-RA-1): Apache with mod_shib authenticates the browser and proxies to the
 * portal's loopback listener, adding the attributes as {@code X-Shib-<attribute id>} headers and the shared secret.
 * Attribute headers are believed only when all three hold: the request came in on the proxy listener, from a trusted
 * address, with the right secret. Anything else carrying such headers is a spoofing attempt: ignored and logged.
 */
public final class ShibbolethHeaderFilter extends OncePerRequestFilter {

    private final RaProperties.Shibboleth config;
    private final byte[] secret;
    private final Set<String> trusted;
    private final SignOnService signOn;
    private final AccessLog log;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

    public ShibbolethHeaderFilter(RaProperties.Shibboleth config, SignOnService signOn, AccessLog log) {
        this.config = config;
        this.signOn = signOn;
        this.log = log;
        this.trusted = Set.copyOf(config.trustedAddresses());
        Path file = config.secretFile();
        if (file == null || !Files.isReadable(file)) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.sign-on.shibboleth.secret-file must name a readable file");
        }
        try {
            this.secret = Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, e, "the Shibboleth secret file cannot be read: " + e.getMessage());
        }
        if (secret.length < 16) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "the Shibboleth shared secret must have at least 16 characters");
        }
        if (config.port() == 0) {
            throw new GridAuthException(RaError.CONFIGURATION_INVALID, "gridauth.ra.sign-on.shibboleth.port must be set (the loopback listener Apache proxies to)");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        Map<String, List<String>> attributes = attributeHeaders(request);
        String offered = request.getHeader(config.headerSecret());
        if (attributes.isEmpty() && offered == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean fromProxy = request.getLocalPort() == config.port() && trusted.contains(request.getRemoteAddr()) && offered != null
                && MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8), secret);
        if (!fromProxy) {
            log.record(null, null, null, request.getRemoteAddr(), Operation.SPOOFED_HEADERS, "IGNORED",
                    new GridAuthException(RaError.SPOOFED_HEADERS, request.getRemoteAddr()).getMessage() + " headers " + attributes.keySet()
                            + (offered == null ? "" : " (with a wrong or misplaced shared secret)"), null, null);
            chain.doFilter(new WithoutAttributeHeaders(request, config.headerPrefix(), config.headerSecret()), response);
            return;
        }
        Authentication current = SecurityContextHolder.getContext().getAuthentication();
        String hpciId = first(attributes, signOn.sourceNames().get("hpciId"));
        String eppn = first(attributes, signOn.sourceNames().get("eppn"));
        boolean same = current instanceof RaAuthentication ra && java.util.Objects.equals(ra.getPrincipal().person().hpciId(), hpciId)
                && java.util.Objects.equals(ra.getPrincipal().person().eppn(), eppn);
        if (!same && !attributes.isEmpty()) {
            String idp = request.getHeader("Shib-Identity-Provider");
            RaUser user = signOn.signOn(attributes, idp == null ? "(Shibboleth SP)" : idp, "shibboleth", request.getRemoteAddr());
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new RaAuthentication(user));
            SecurityContextHolder.setContext(context);
            request.getSession(true);
            contexts.saveContext(context, request, response);
        }
        chain.doFilter(request, response);
    }

    private static String first(Map<String, List<String>> attributes, String name) {
        List<String> values = attributes.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Attribute id -> values; mod_shib joins several values with ';' (escaping a literal one as '\;'). */
    private Map<String, List<String>> attributeHeaders(HttpServletRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String prefix = config.headerPrefix().toLowerCase(Locale.ROOT);
        for (String header : Collections.list(request.getHeaderNames())) {
            if (header.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                String id = header.substring(prefix.length());
                String value = request.getHeader(header);
                if (value == null || value.isEmpty()) {
                    continue;
                }
                // Apache delivers header bytes as ISO-8859-1; mod_shib sends UTF-8.
                String text = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                List<String> values = Arrays.stream(text.split("(?<!\\\\);")).map(v -> v.replace("\\;", ";")).filter(v -> !v.isBlank()).toList();
                out.put(canonicalId(id), values);
            }
        }
        return out;
    }

    /** Headers arrive in any case; attribute ids are matched case-insensitively against the configured names. */
    private String canonicalId(String id) {
        for (String name : signOn.sourceNames().values()) {
            if (name.equalsIgnoreCase(id)) {
                return name;
            }
        }
        return id;
    }

    /** The request as later code sees it after spoofed headers: without them. */
    private static final class WithoutAttributeHeaders extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String prefix;
        private final String secretHeader;

        WithoutAttributeHeaders(HttpServletRequest request, String prefix, String secretHeader) {
            super(request);
            this.prefix = prefix.toLowerCase(Locale.ROOT);
            this.secretHeader = secretHeader;
        }

        private boolean hidden(String name) {
            return name.toLowerCase(Locale.ROOT).startsWith(prefix) || name.equalsIgnoreCase(secretHeader);
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream().filter(n -> !hidden(n)).toList());
        }
    }
}
