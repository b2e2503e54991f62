package org.gridauth.idp.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.service.IdpSession;
import org.gridauth.idp.service.LoginService;
import org.gridauth.idp.service.PendingSso;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/** The login page (Japanese and English) and its form handler, which completes the pending sign-on. */
@RestController
public class LoginController {

    private static final String CSRF = "gridauth.idp.csrf";

    private final LoginService login;
    private final SsoController ssoController;
    private final SecureRandom random = new SecureRandom();

    public LoginController(LoginService login, SsoController ssoController) {
        this.login = login;
        this.ssoController = ssoController;
    }

    @GetMapping("/idp/login")
    public ResponseEntity<String> page(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || session.getAttribute(SsoController.PENDING) == null) {
            throw new GridAuthException(IdpError.NO_PENDING_REQUEST);
        }
        return page(request, Language.of(request), null, null, 200);
    }

    @PostMapping("/idp/login")
    public ResponseEntity<String> submit(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        PendingSso pending = session == null ? null : (PendingSso) session.getAttribute(SsoController.PENDING);
        if (pending == null) {
            throw new GridAuthException(IdpError.NO_PENDING_REQUEST);
        }
        Locale locale = Language.of(request);
        String expected = (String) session.getAttribute(CSRF);
        String csrf = request.getParameter("csrf");
        if (expected == null || csrf == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), csrf.getBytes(StandardCharsets.US_ASCII))) {
            throw new GridAuthException(IdpError.NO_PENDING_REQUEST);
        }
        String username = request.getParameter("username");
        String passwordText = request.getParameter("password");
        char[] password = passwordText == null ? new char[0] : passwordText.toCharArray();
        IdpSession signedIn;
        try {
            signedIn = login.login(username == null ? "" : username.strip(), password, request.getRemoteAddr());
        } catch (GridAuthException e) {
            int status = e.code() == IdpError.THROTTLED ? 429 : e.code() == IdpError.DIRECTORY_UNAVAILABLE ? 503
                    : e.code() == IdpError.LOGIN_FAILED ? 401 : 403;
            return page(request, locale, username, e, status);
        } finally {
            Arrays.fill(password, '\0');
        }
        // New session ID at the privilege change (no session fixation); the pending request moves with it.
        request.changeSessionId();
        session.removeAttribute(SsoController.PENDING);
        session.removeAttribute(CSRF);
        session.setAttribute(SsoController.SESSION, signedIn);
        return SsoController.html(ssoController.issue(session, pending, signedIn));
    }

    private ResponseEntity<String> page(HttpServletRequest request, Locale locale, String username, GridAuthException error, int status) {
        HttpSession session = request.getSession(true);
        byte[] token = new byte[24];
        random.nextBytes(token);
        String csrf = HexFormat.of().formatHex(token);
        session.setAttribute(CSRF, csrf);
        String body = Pages.login(locale, csrf, username, error == null ? null : error.code().code(),
                error == null ? null : error.localizedMessage(locale), error == null ? null : error.action(locale));
        return ResponseEntity.status(status).contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store").header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                // The login page's URL carries the SAML request: no referrer to other sites.
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
                .body(body);
    }
}
