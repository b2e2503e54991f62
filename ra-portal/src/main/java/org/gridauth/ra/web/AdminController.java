package org.gridauth.ra.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.ra.RaError;
import org.gridauth.ra.policy.InputRules;
import org.gridauth.ra.protocol.CaLinkClient;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.service.AdminConsole;
import org.gridauth.ra.service.HostRequests;
import org.gridauth.ra.service.PortalSettings;
import org.gridauth.ra.service.SettingsService;
import org.gridauth.ra.store.AccessLogStore;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The admin console (R-RA-11): operators act, auditors only look (GET is open to both roles, POST to operators,
 * see SecurityConfiguration). Every view and action is written to the access log by the services.
 */
@Controller
public class AdminController {

    private final AdminConsole console;
    private final HostRequests hostRequests;
    private final SettingsService settings;
    private final org.gridauth.ra.service.AccessLog log;

    public AdminController(AdminConsole console, HostRequests hostRequests, SettingsService settings, org.gridauth.ra.service.AccessLog log) {
        this.console = console;
        this.hostRequests = hostRequests;
        this.settings = settings;
        this.log = log;
    }

    @GetMapping("/admin")
    String search(@AuthenticationPrincipal RaUser admin, @RequestParam(name = "q", required = false) String q, HttpServletRequest request, Model model) {
        model.addAttribute("q", q);
        model.addAttribute("people", console.searchPeople(admin, q, request.getRemoteAddr()));
        model.addAttribute("certificates", console.searchCertificates(admin, q, request.getRemoteAddr()));
        return "admin/search";
    }

    @GetMapping("/admin/people/{hpciId}")
    String person(@AuthenticationPrincipal RaUser admin, @PathVariable String hpciId, HttpServletRequest request, Model model) {
        model.addAttribute("view", console.person(admin, hpciId, request.getRemoteAddr()));
        model.addAttribute("reasons", AdminConsole.REASONS);
        return "admin/person";
    }

    @PostMapping("/admin/revoke")
    String revoke(@AuthenticationPrincipal RaUser operator, @RequestParam(name = "hpciId", required = false) String hpciId,
                  @RequestParam(name = "serial", required = false) String serial, @RequestParam(name = "reason", required = false) String reason,
                  HttpServletRequest request) {
        console.revoke(operator, hpciId, serial, reason, request.getRemoteAddr());
        return "redirect:/admin/people/" + java.net.URLEncoder.encode(hpciId, java.nio.charset.StandardCharsets.UTF_8) + "?revoked=" + serial;
    }

    @GetMapping("/admin/host-requests")
    String hostRequests(Model model) {
        model.addAttribute("requests", hostRequests.recent());
        model.addAttribute("fourEyes", settings.current().fourEyes());
        return "admin/host-requests";
    }

    @PostMapping("/admin/host-requests/{id}/approve")
    String approve(@AuthenticationPrincipal RaUser operator, @PathVariable long id, HttpServletRequest request) {
        hostRequests.approve(operator, id, request.getRemoteAddr());
        return "redirect:/admin/host-requests?approved=" + id;
    }

    @PostMapping("/admin/host-requests/{id}/reject")
    String reject(@AuthenticationPrincipal RaUser operator, @PathVariable long id, @RequestParam(name = "reason", required = false) String reason,
                  HttpServletRequest request) {
        hostRequests.reject(operator, id, reason, request.getRemoteAddr());
        return "redirect:/admin/host-requests?rejected=" + id;
    }

    @GetMapping("/admin/settings")
    String settingsPage(Model model) {
        PortalSettings s = settings.current();
        model.addAttribute("rules", s.rules().format());
        model.addAttribute("cnFormat", s.cnFormat().format());
        model.addAttribute("maxTotal", s.maxTotal());
        model.addAttribute("maxHeld", s.maxHeld());
        model.addAttribute("lifetimeHours", s.licenseLifetime().toHours());
        model.addAttribute("recipients", s.recipientsText());
        model.addAttribute("fourEyes", s.fourEyes());
        return "admin/settings";
    }

    @PostMapping("/admin/settings")
    String saveSettings(@AuthenticationPrincipal RaUser operator, @RequestParam(name = "rules", required = false) String rules,
                        @RequestParam(name = "cnFormat", required = false) String cnFormat,
                        @RequestParam(name = "maxTotal", required = false) String maxTotal,
                        @RequestParam(name = "maxHeld", required = false) String maxHeld,
                        @RequestParam(name = "lifetimeHours", required = false) String lifetimeHours,
                        @RequestParam(name = "recipients", required = false) String recipients,
                        @RequestParam(name = "fourEyes", required = false) String fourEyes, HttpServletRequest request) {
        InputRules.optional("rules", rules, 20_000);
        InputRules.optional("recipients", recipients, 20_000);
        try {
            settings.save(rules, cnFormat, maxTotal, maxHeld, lifetimeHours, recipients, "on".equals(fourEyes) || "true".equals(fourEyes),
                    operator.actor());
            log.record(operator, request.getRemoteAddr(), org.gridauth.ra.service.AccessLog.Operation.SETTINGS_CHANGE, "OK",
                    "rules, CN format " + cnFormat + ", limits " + maxTotal + "/" + maxHeld + ", lifetime " + lifetimeHours + "h, four-eyes " + fourEyes,
                    null, null);
        } catch (GridAuthException e) {
            log.record(operator, request.getRemoteAddr(), org.gridauth.ra.service.AccessLog.Operation.SETTINGS_CHANGE, "REFUSED", e.getMessage(), null,
                    null);
            throw e;
        }
        return "redirect:/admin/settings?saved";
    }

    @GetMapping("/admin/access-log")
    String accessLog(@AuthenticationPrincipal RaUser admin, @RequestParam(name = "hpciId", required = false) String hpciId,
                     @RequestParam(name = "eppn", required = false) String eppn, @RequestParam(name = "operation", required = false) String operation,
                     @RequestParam(name = "result", required = false) String result, @RequestParam(name = "from", required = false) String from,
                     @RequestParam(name = "to", required = false) String to, HttpServletRequest request, Model model) {
        AccessLogStore.Filter filter = new AccessLogStore.Filter(InputRules.optional("HPCI-ID", hpciId, 64), InputRules.optional("ePPN", eppn, 256),
                InputRules.matching("operation", operation, 32, "[A-Z_]+", "choose an operation from the list"),
                InputRules.matching("result", result, 16, "[A-Z_]+", "choose a result from the list"), day("from", from, 0), day("to", to, 1));
        model.addAttribute("filter", filter);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("operations", org.gridauth.ra.service.AccessLog.Operation.values());
        model.addAttribute("records", console.accessLog(admin, filter, request.getRemoteAddr()));
        return "admin/access-log";
    }

    /** Event types the CA writes, offered as suggestions in the filter (the field takes any type). */
    static final java.util.List<String> CA_ACTIONS = java.util.List.of("ISSUE", "ISSUE_REFUSED", "ISSUE_FAILED", "ISSUE_ABANDONED", "REVOKE",
            "REVOKE_REFUSED", "CRL_ISSUED", "RA_REJECTED", "KEY_CEREMONY", "KEY_CEREMONY_FAILED", "CA_CERTIFICATE_IMPORTED",
            "CA_CERTIFICATE_IMPORT_REFUSED");
    /** Records per console page. */
    static final int CA_AUDIT_PAGE = 100;

    @GetMapping("/admin/ca-audit")
    String caAudit(@AuthenticationPrincipal RaUser admin, @RequestParam(name = "action", required = false) String action,
                   @RequestParam(name = "actor", required = false) String actor, @RequestParam(name = "subject", required = false) String subject,
                   @RequestParam(name = "from", required = false) String from, @RequestParam(name = "to", required = false) String to,
                   @RequestParam(name = "before", required = false) String before, HttpServletRequest request,
                   jakarta.servlet.http.HttpServletResponse response, Model model, Locale locale) {
        String a = InputRules.matching("action", action, 64, "[A-Za-z_]+", "an event type is letters and '_', e.g. ISSUE");
        String b = InputRules.matching("before", before, 19, "[1-9][0-9]*", "it is the record number of the older-records link");
        CaLinkClient.AuditQuery query = new CaLinkClient.AuditQuery(day("from", from, 0), day("to", to, 1),
                a == null ? null : a.toUpperCase(Locale.ROOT), InputRules.optional("actor", actor, 256), InputRules.optional("subject", subject, 256),
                b == null ? null : Long.valueOf(b), CA_AUDIT_PAGE);
        model.addAttribute("query", query);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("actions", CA_ACTIONS);
        try {
            CaLinkClient.AuditPage page = console.caAudit(admin, query, request.getRemoteAddr());
            model.addAttribute("records", page.records());
            if (page.next() != null) {
                model.addAttribute("older", new CaLinkClient.AuditQuery(query.from(), query.to(), query.action(), query.actor(), query.subject(),
                        page.next(), CA_AUDIT_PAGE));
            }
        } catch (GridAuthException e) {
            // The CA is a separate server: when it is down or refuses, the console still shows its page (filters, navigation)
            // with the reason, under the status of that reason (503 when the CA cannot be reached).
            Problems.add(model, e, locale);
            response.setStatus(Problems.status(e));
        }
        return "admin/ca-audit";
    }

    private static Instant day(String field, String text, int plusDays) {
        String v = InputRules.optional(field, text, 10);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new GridAuthException(RaError.INPUT_INVALID, field, "write the date as YYYY-MM-DD");
        }
    }
}
