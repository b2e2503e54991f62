package org.gridauth.ra.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.CertificateIssuance;
import org.gridauth.ra.service.CertificateIssuance.Draft;
import org.gridauth.ra.service.CertificateIssuance.Issued;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Client certificate pages (R-RA-3, R-RA-4, R-RA-6): license ID and destination -> the CN to confirm and the
 * passphrase -> the result with downloads. The draft and the result live in the session; passphrases are never put
 * back into a page, and downloads are offered only to the session that made them.
 */
@Controller
public class CertificateController {

    static final String DRAFT = "ra.certificate.draft";
    static final String RESULT = "ra.certificate.result";

    private final CertificateIssuance issuance;

    public CertificateController(CertificateIssuance issuance) {
        this.issuance = issuance;
    }

    @GetMapping("/certificate")
    String form(Model model) {
        model.addAttribute("minLength", issuance.passphrasePolicy().minLength());
        return "certificate";
    }

    @PostMapping("/certificate/check")
    String check(@AuthenticationPrincipal RaUser user, @RequestParam(name = "licenseId", required = false) String licenseId,
                 @RequestParam(name = "destination", required = false) String destination, HttpServletRequest request, HttpSession session, Model model) {
        Draft draft = issuance.prepare(user, licenseId, destination, request.getRemoteAddr());
        session.setAttribute(DRAFT, draft);
        model.addAttribute("draft", draft);
        model.addAttribute("minLength", issuance.passphrasePolicy().minLength());
        return "certificate-confirm";
    }

    @PostMapping("/certificate/issue")
    String issue(@AuthenticationPrincipal RaUser user, @RequestParam(name = "passphrase", required = false) String passphrase,
                 @RequestParam(name = "passphraseConfirm", required = false) String confirm,
                 @RequestParam(name = "confirmCn", required = false) String confirmCn, HttpServletRequest request, HttpSession session,
                 Model model, HttpServletResponse response) {
        Draft draft = (Draft) session.getAttribute(DRAFT);
        if (draft == null) {
            throw new GridAuthException(RaError.FORM_EXPIRED);
        }
        if (!"yes".equals(confirmCn)) {
            throw new GridAuthException(RaError.INPUT_INVALID, "confirmation", "tick the box to confirm the common name " + draft.commonName());
        }
        Issued issued = issuance.issue(user, draft, chars(passphrase), chars(confirm), request.getRemoteAddr());
        session.removeAttribute(DRAFT);
        session.setAttribute(RESULT, issued);
        response.setHeader("Cache-Control", "no-store");
        model.addAttribute("issued", issued);
        return "certificate-issued";
    }

    /** The last issued certificate's files: {@code p12} (PKCS#12), {@code cert} (PEM), {@code key} (encrypted PEM key). */
    @GetMapping("/certificate/download/{kind}")
    ResponseEntity<byte[]> download(@PathVariable String kind, HttpSession session) {
        Issued issued = (Issued) session.getAttribute(RESULT);
        if (issued == null) {
            throw new GridAuthException(RaError.FORM_EXPIRED);
        }
        return switch (kind) {
            case "p12" -> file(issued.pkcs12Base64() == null ? null : Base64.getDecoder().decode(issued.pkcs12Base64()), "usercred.p12",
                    "application/x-pkcs12");
            case "cert" -> file(bytes(issued.certificatePem()), "usercert.pem", "application/x-pem-file");
            case "key" -> file(bytes(issued.encryptedKeyPem()), "userkey.pem", "application/x-pem-file");
            default -> throw new GridAuthException(RaError.PAGE_NOT_FOUND, "/certificate/download/" + kind);
        };
    }

    @PostMapping("/certificate/revoke")
    String revoke(@AuthenticationPrincipal RaUser user, @RequestParam(name = "serial", required = false) String serial,
                  @RequestParam(name = "reason", required = false) String reason, HttpServletRequest request, Model model, Locale locale) {
        issuance.revoke(user, serial, reason, request.getRemoteAddr());
        model.addAttribute("serial", serial);
        return "revoked";
    }

    static ResponseEntity<byte[]> file(byte[] content, String name, String type) {
        if (content == null) {
            throw new GridAuthException(RaError.PAGE_NOT_FOUND, name);
        }
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").contentType(MediaType.parseMediaType(type)).body(content);
    }

    static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.US_ASCII);
    }

    static char[] chars(String text) {
        return text == null ? new char[0] : text.toCharArray();
    }
}
