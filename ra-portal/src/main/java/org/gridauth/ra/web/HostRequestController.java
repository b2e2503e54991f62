package org.gridauth.ra.web;

import jakarta.servlet.http.HttpServletRequest;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.HostRequests;
import org.gridauth.ra.store.HostRequestStore.HostRequestRow;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Host and service certificate requests (R-CA-10) for host/service admins: upload a CSR, follow it, download. */
@Controller
public class HostRequestController {

    private final HostRequests requests;

    public HostRequestController(HostRequests requests) {
        this.requests = requests;
    }

    @GetMapping("/host-requests")
    String list(@AuthenticationPrincipal RaUser user, Model model) {
        model.addAttribute("requests", requests.mine(user));
        return "host-requests";
    }

    @PostMapping("/host-requests")
    String submit(@AuthenticationPrincipal RaUser user, @RequestParam(name = "kind", required = false) String kind,
                  @RequestParam(name = "csr", required = false) String csr, HttpServletRequest request) {
        long id = requests.submit(user, kind, csr, request.getRemoteAddr());
        return "redirect:/host-requests?submitted=" + id;
    }

    @GetMapping("/host-requests/{id}/certificate")
    ResponseEntity<byte[]> certificate(@AuthenticationPrincipal RaUser user, @PathVariable long id) {
        HostRequestRow row = requests.find(id);
        if (!row.requesterEppn().equals(user.actor()) || row.certificatePem() == null) {
            throw new GridAuthException(RaError.REQUEST_NOT_FOUND, id);
        }
        return CertificateController.file(CertificateController.bytes(row.certificatePem()), "hostcert-" + id + ".pem", "application/x-pem-file");
    }
}
