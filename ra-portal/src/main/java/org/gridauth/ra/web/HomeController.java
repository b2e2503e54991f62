package org.gridauth.ra.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.policy.Role;
import org.gridauth.ra.protocol.CertManagerMessages.MappingReply;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.CertificateIssuance;
import org.gridauth.ra.service.LicenseService;
import org.gridauth.ra.store.LicenseStore;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The home page: who the person is, what the rules granted and why, their license IDs and certificates, and when the
 * valid certificate can be renewed.
 */
@Controller
public class HomeController {

    private final LicenseStore licenses;
    private final LicenseService licenseService;
    private final CertificateIssuance certificates;

    public HomeController(LicenseStore licenses, LicenseService licenseService, CertificateIssuance certificates) {
        this.licenses = licenses;
        this.licenseService = licenseService;
        this.certificates = certificates;
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal RaUser user, Model model, java.util.Locale locale) {
        model.addAttribute("researcher", user.has(Role.RESEARCHER));
        model.addAttribute("hostAdmin", user.has(Role.HOST_ADMIN));
        if (user.roles().isEmpty()) {
            Problems.add(model, new GridAuthException(RaError.NOT_AUTHORIZED, "the RA portal", "no authorization rule matched your attributes"), locale);
        }
        if (user.has(Role.RESEARCHER) && user.person().hpciId() != null) {
            model.addAttribute("licenses", licenses.of(user.person().hpciId()));
            List<MappingReply> certs = List.of();
            try {
                certs = certificates.certificates(user);
            } catch (GridAuthException e) {
                // The rest of the page still works; the list is replaced by the coded problem and its action.
                Problems.add(model, e, locale);
            }
            model.addAttribute("certificates", certs);
            // R-CA-4: when the valid certificate may be renewed (a license ID for it), or from when.
            model.addAttribute("renewals", licenseService.renewals(certs));
        }
        return "home";
    }

    @GetMapping("/license")
    String licensePage() {
        return "license";
    }

    /** Issues a license ID and shows it once; the response is never cached and the ID is never shown again. */
    @PostMapping("/license")
    String issueLicense(@AuthenticationPrincipal RaUser user, HttpServletRequest request, Model model,
                        jakarta.servlet.http.HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        model.addAttribute("license", licenseService.issue(user, request.getRemoteAddr()));
        return "license-issued";
    }
}
