package org.gridauth.ra.security;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.RaProperties;
import org.gridauth.ra.service.AccessLog;
import org.gridauth.ra.service.AccessLog.Operation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.saml2.provider.service.authentication.OpenSaml4AuthenticationProvider;
import org.springframework.security.saml2.provider.service.authentication.Saml2AuthenticatedPrincipal;
import org.springframework.security.saml2.provider.service.authentication.Saml2Authentication;
import org.springframework.security.saml2.provider.service.registration.RelyingPartyRegistrationRepository;
import org.springframework.security.saml2.provider.service.web.OpenSaml4AuthenticationTokenConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Who may open what (roles from attribute rules), sign-on (embedded SAML SP or Shibboleth SP headers), CSRF on every
 * form, and the security headers: a strict CSP without inline script, HSTS, no framing, no referrer.
 */
@Configuration
@EnableWebSecurity
public class SecurityConfiguration {

    /** Where errors from the filter chain are rendered (see web.ErrorPages). */
    public static final String PROBLEM_PATH = "/problem";
    public static final String PROBLEM_ATTRIBUTE = "gridauth.ra.problem";

    @Bean
    SecurityFilterChain portal(HttpSecurity http, RaProperties properties, SignOnService signOn, AccessLog log,
                               ObjectProvider<RelyingPartyRegistrationRepository> registrations) throws Exception {
        String idpOrigins = idpOrigins(properties);
        http.authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.FORWARD, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", "/login/**", "/saml2/**", "/saml/metadata", "/css/**", "/js/**", "/favicon.ico", PROBLEM_PATH, "/error",
                                "/signed-out").permitAll()
                        // R-OP-2: for the monitoring agent, without sign-on; web.ManagementAccessFilter has already refused
                        // every client that is not on this machine.
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/prometheus").permitAll()
                        .requestMatchers(HttpMethod.GET, "/admin", "/admin/**").hasAnyRole("OPERATOR", "AUDITOR")
                        .requestMatchers("/admin", "/admin/**").hasRole("OPERATOR")
                        .requestMatchers("/host-requests", "/host-requests/**").hasRole("HOST_ADMIN")
                        .requestMatchers("/license", "/license/**", "/certificate", "/certificate/**", "/proxy", "/proxy/**").hasRole("RESEARCHER")
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"))
                        .accessDeniedHandler(accessDenied(log)))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                + " form-action 'self'" + idpOrigins + "; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"))
                        .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000))
                        .frameOptions(f -> f.deny())
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/signed-out"));
        if (properties.signOn().shibbolethMode()) {
            http.addFilterBefore(new ShibbolethHeaderFilter(properties.signOn().shibboleth(), signOn, log), AuthorizationFilter.class);
        } else {
            RelyingPartyRegistrationRepository repository = registrations.getObject();
            OpenSaml4AuthenticationProvider provider = samlProvider((attributes, idp) -> signOn.signOn(attributes, idp, "saml", currentAddress()));
            SavedRequestAwareAuthenticationSuccessHandler success = new SavedRequestAwareAuthenticationSuccessHandler();
            success.setDefaultTargetUrl("/");
            http.saml2Login(s -> s.loginPage("/login")
                    .loginProcessingUrl(SpMetadata.ACS_PATH)
                    .authenticationConverter(new OpenSaml4AuthenticationTokenConverter(repository))
                    .authenticationManager(new ProviderManager(provider))
                    .successHandler(success)
                    .failureHandler(samlFailure(log)));
        }
        return http.build();
    }

    /**
     * How a SAML Response posted to the ACS is checked and turned into a sign-on: Spring's OpenSAML 4 provider (XML
     * parsing, signature against the IdP's metadata keys, decryption, status, issuer, destination) with our
     * {@link AssertionValidator}, then the attributes by SAML Name to {@code signOn} (attributes, IdP entityID).
     */
    static OpenSaml4AuthenticationProvider samlProvider(java.util.function.BiFunction<Map<String, List<String>>, String, RaUser> signOn) {
        OpenSaml4AuthenticationProvider provider = new OpenSaml4AuthenticationProvider();
        provider.setAssertionValidator(new AssertionValidator(SamlConfiguration.CLOCK_SKEW));
        provider.setResponseAuthenticationConverter(token -> {
            Saml2Authentication saml = OpenSaml4AuthenticationProvider.createDefaultResponseAuthenticationConverter().convert(token);
            Saml2AuthenticatedPrincipal principal = (Saml2AuthenticatedPrincipal) saml.getPrincipal();
            Map<String, List<String>> attributes = principal.getAttributes().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                    e -> e.getValue().stream().map(String::valueOf).toList()));
            String idp = token.getResponse().getIssuer() == null ? "?" : token.getResponse().getIssuer().getValue();
            return new RaAuthentication(signOn.apply(attributes, idp));
        });
        return provider;
    }

    private static String idpOrigins(RaProperties properties) {
        StringBuilder out = new StringBuilder();
        for (String location : properties.signOn().saml().idpMetadata()) {
            origin(location).ifPresent(o -> out.append(' ').append(o));
        }
        origin(properties.signOn().saml().discoveryUrl()).ifPresent(o -> out.append(' ').append(o));
        return out.toString();
    }

    private static Optional<String> origin(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() != null && uri.getScheme().startsWith("http") && uri.getHost() != null) {
                return Optional.of(uri.getScheme() + "://" + uri.getRawAuthority());
            }
        } catch (RuntimeException e) {
            // not a URL (a metadata file): no origin to allow
        }
        return Optional.empty();
    }

    private static String currentAddress() {
        var attributes = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (attributes instanceof org.springframework.web.context.request.ServletRequestAttributes servlet) {
            return servlet.getRequest().getRemoteAddr();
        }
        return null;
    }

    private static AuthenticationFailureHandler samlFailure(AccessLog log) {
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException e) -> {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            GridAuthException problem = new GridAuthException(RaError.SAML_REJECTED, reason);
            log.record(null, null, null, request.getRemoteAddr(), Operation.SIGN_ON, "REFUSED", problem.getMessage(), null, null);
            forward(request, response, problem, 401);
        };
    }

    private static AccessDeniedHandler accessDenied(AccessLog log) {
        return (request, response, e) -> {
            Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
            RaUser user = authentication instanceof RaAuthentication ra ? ra.getPrincipal() : null;
            GridAuthException problem;
            int status = 403;
            if (e instanceof CsrfException) {
                // A form from an expired session (or sent twice after sign-out) ends here, before any controller.
                problem = user == null ? new GridAuthException(RaError.NOT_SIGNED_IN) : new GridAuthException(RaError.FORM_EXPIRED);
                status = user == null ? 401 : 403;
            } else {
                problem = new GridAuthException(RaError.NOT_AUTHORIZED, request.getRequestURI(), user == null || user.roles().isEmpty()
                        ? "no authorization rule matched your attributes" : "this page needs a role you were not granted (you have " + user.roles() + ")");
            }
            log.record(user, request.getRemoteAddr(), Operation.ACCESS_DENIED, "DENIED", request.getMethod() + " " + request.getRequestURI() + ": "
                    + problem.getMessage(), null, null);
            forward(request, response, problem, status);
        };
    }

    static void forward(HttpServletRequest request, HttpServletResponse response, GridAuthException problem, int status)
            throws IOException, ServletException {
        request.setAttribute(PROBLEM_ATTRIBUTE, problem);
        response.setStatus(status);
        request.getRequestDispatcher(PROBLEM_PATH).forward(request, response);
    }
}
