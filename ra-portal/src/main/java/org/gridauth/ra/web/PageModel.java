package org.gridauth.ra.web;

import java.util.Locale;

import org.gridauth.ra.policy.Role;
import org.gridauth.ra.security.RaAuthentication;
import org.gridauth.ra.security.RaUser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's layout needs: the signed-on person, their roles, the language. */
@ControllerAdvice
public class PageModel {

    @ModelAttribute("user")
    RaUser user() {
        return current();
    }

    @ModelAttribute("lang")
    String lang(Locale locale) {
        return "ja".equals(locale.getLanguage()) ? "ja" : "en";
    }

    @ModelAttribute("admin")
    boolean admin() {
        RaUser u = current();
        return u != null && (u.has(Role.OPERATOR) || u.has(Role.AUDITOR));
    }

    @ModelAttribute("operator")
    boolean operator() {
        RaUser u = current();
        return u != null && u.has(Role.OPERATOR);
    }

    static RaUser current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a instanceof RaAuthentication ra ? ra.getPrincipal() : null;
    }
}
