package org.gridauth.ra.web;

import java.util.Locale;
import java.util.UUID;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.security.SecurityConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every failure ends in the same page: the GA-RA code, what happened and what to do, in the reader's language, with
 * the right HTTP status; never a stack trace. Unexpected exceptions get a reference number that is also in the log.
 */
@Controller
@ControllerAdvice
public class ErrorPages implements ErrorController {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);

    @ExceptionHandler(GridAuthException.class)
    String known(GridAuthException e, Model model, Locale locale, HttpServletResponse response) {
        return page(e, Problems.status(e), model, locale, response);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class,
            org.springframework.web.bind.ServletRequestBindingException.class, org.springframework.http.converter.HttpMessageNotReadableException.class})
    String badRequest(Exception e, Model model, Locale locale, HttpServletResponse response) {
        String field = e instanceof MissingServletRequestParameterException m ? m.getParameterName()
                : e instanceof MethodArgumentTypeMismatchException t ? t.getName() : "request";
        return page(new GridAuthException(RaError.INPUT_INVALID, field, "it is missing or has the wrong form"), 400, model, locale, response);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    String tooLarge(Exception e, Model model, Locale locale, HttpServletResponse response) {
        return page(new GridAuthException(RaError.INPUT_INVALID, "file", "it is too large"), 413, model, locale, response);
    }

    @ExceptionHandler({NoResourceFoundException.class, HttpRequestMethodNotSupportedException.class})
    String notFound(Exception e, HttpServletRequest request, Model model, Locale locale, HttpServletResponse response) {
        return page(new GridAuthException(RaError.PAGE_NOT_FOUND, request.getRequestURI()), 404, model, locale, response);
    }

    @ExceptionHandler(DataAccessException.class)
    String database(DataAccessException e, Model model, Locale locale, HttpServletResponse response) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("database failure, reference {}", reference, e);
        return page(new GridAuthException(RaError.DATABASE_UNAVAILABLE, "reference " + reference), 503, model, locale, response);
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception e, Model model, Locale locale, HttpServletResponse response) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("unexpected failure, reference {}", reference, e);
        return page(new GridAuthException(RaError.INTERNAL, reference), 500, model, locale, response);
    }

    /** Errors raised in the security filter chain are forwarded here. */
    @RequestMapping(SecurityConfiguration.PROBLEM_PATH)
    String problem(HttpServletRequest request, Model model, Locale locale, HttpServletResponse response) {
        Object problem = request.getAttribute(SecurityConfiguration.PROBLEM_ATTRIBUTE);
        GridAuthException e = problem instanceof GridAuthException g ? g : new GridAuthException(RaError.PAGE_NOT_FOUND, request.getRequestURI());
        int status = response.getStatus() >= 400 ? response.getStatus() : Problems.status(e);
        return page(e, status, model, locale, response);
    }

    /** Errors the servlet container itself answers (malformed URLs, bad encodings) end here. */
    @RequestMapping("/error")
    String container(HttpServletRequest request, Model model, Locale locale, HttpServletResponse response) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        GridAuthException e = status == 404 ? new GridAuthException(RaError.PAGE_NOT_FOUND, String.valueOf(uri))
                : status < 500 ? new GridAuthException(RaError.INPUT_INVALID, "request", "the browser sent a request the portal cannot read (HTTP " + status + ")")
                : new GridAuthException(RaError.INTERNAL, "HTTP " + status);
        return page(e, status, model, locale, response);
    }

    private static String page(GridAuthException e, int status, Model model, Locale locale, HttpServletResponse response) {
        response.setStatus(status);
        // @ModelAttribute methods do not run for exception handlers: the layout's values are added here.
        var user = PageModel.current();
        model.addAttribute("user", user);
        model.addAttribute("lang", "ja".equals(locale.getLanguage()) ? "ja" : "en");
        model.addAttribute("admin", user != null && (user.has(org.gridauth.ra.policy.Role.OPERATOR) || user.has(org.gridauth.ra.policy.Role.AUDITOR)));
        model.addAttribute("operator", user != null && user.has(org.gridauth.ra.policy.Role.OPERATOR));
        Problems.add(model, e, locale);
        model.addAttribute("status", status);
        return "problem";
    }
}
