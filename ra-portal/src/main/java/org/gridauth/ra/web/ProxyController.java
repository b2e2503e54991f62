package org.gridauth.ra.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.ProxyIssuance;
import org.gridauth.ra.service.ProxyIssuance.Proxy;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Proxy certificates (R-RA-8): the form, the result with the myproxy-logon line, the proxy file download. */
@Controller
public class ProxyController {

    static final String RESULT = "ra.proxy.result";

    private final ProxyIssuance proxies;

    public ProxyController(ProxyIssuance proxies) {
        this.proxies = proxies;
    }

    @GetMapping("/proxy")
    String form(@AuthenticationPrincipal RaUser user, Model model) {
        model.addAttribute("defaultHours", proxies.defaultHours());
        model.addAttribute("maxHours", proxies.maxHours());
        model.addAttribute("fqans", proxies.attributeChoices(user));
        return "proxy";
    }

    @PostMapping("/proxy")
    String make(@AuthenticationPrincipal RaUser user, @RequestParam(name = "keyPassphrase", required = false) String keyPassphrase,
                @RequestParam(name = "storagePassphrase", required = false) String storagePassphrase,
                @RequestParam(name = "storagePassphraseConfirm", required = false) String storageConfirm,
                @RequestParam(name = "hours", required = false) String hours, @RequestParam(name = "fqan", required = false) String fqan,
                @RequestParam(name = "vo", required = false) String vo,
                @RequestParam(name = "group", required = false) String group, @RequestParam(name = "role", required = false) String role,
                @RequestParam(name = "destination", required = false) String destination, HttpServletRequest request, HttpSession session, Model model,
                HttpServletResponse response) {
        Proxy proxy = proxies.make(user, CertificateController.chars(keyPassphrase), CertificateController.chars(storagePassphrase),
                CertificateController.chars(storageConfirm), hours, fqan, vo, group, role, destination, request.getRemoteAddr());
        session.setAttribute(RESULT, proxy);
        response.setHeader("Cache-Control", "no-store");
        model.addAttribute("proxy", proxy);
        return "proxy-issued";
    }

    @GetMapping("/proxy/download")
    ResponseEntity<byte[]> download(HttpSession session) {
        Proxy proxy = (Proxy) session.getAttribute(RESULT);
        if (proxy == null || proxy.proxyPem() == null) {
            throw new GridAuthException(RaError.FORM_EXPIRED);
        }
        return CertificateController.file(CertificateController.bytes(proxy.proxyPem()), "x509up", "application/x-pem-file");
    }
}
