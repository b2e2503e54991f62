package org.gridauth.idp.web;

import java.nio.charset.StandardCharsets;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.service.Audit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import jakarta.servlet.http.HttpServletRequest;

/** Every refused request ends here: an error page with the GA-IDP code, what to do, and an audit record. */
@RestControllerAdvice
public class ErrorPages {

    @ExceptionHandler(GridAuthException.class)
    public ResponseEntity<String> refused(GridAuthException e, HttpServletRequest request) {
        Audit.record("request-refused", "code", e.code().code(), "path", request.getRequestURI(), "address", request.getRemoteAddr(),
                "reason", e.localizedMessage(java.util.Locale.ENGLISH));
        var locale = Language.of(request);
        int status = e.code() == IdpError.DIRECTORY_UNAVAILABLE ? 503 : e.code() == IdpError.REQUEST_TOO_LARGE ? 413 : 400;
        return ResponseEntity.status(status).contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store")
                .body(Pages.error(locale, e.code(), e.localizedMessage(locale)));
    }
}
