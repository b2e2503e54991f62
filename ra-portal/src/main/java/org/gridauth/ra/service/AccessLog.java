package org.gridauth.ra.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.ra.RaProperties;
import org.gridauth.ra.security.RaUser;
import org.gridauth.ra.store.AccessLogStore;
import org.gridauth.ra.store.AccessLogStore.AccessRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The access log (R-RA-9): every sign-on, authorization decision, license ID, certificate, proxy, request and
 * console action with the person's HPCI-ID and ePPN, time and result. Kept in the database for the console and
 * appended as one JSON object per line to a file for log shippers. Never holds a secret: license IDs appear by
 * their internal reference, never by value.
 */
@Service
public class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    /** Operations recorded. */
    public enum Operation {
        SIGN_ON, AUTHORIZATION, LICENSE_ISSUE, CERT_ISSUE, CERT_REVOKE, PROXY_ISSUE, HOST_REQUEST, HOST_APPROVE, HOST_REJECT, SETTINGS_CHANGE,
        ADMIN_VIEW, SPOOFED_HEADERS, ACCESS_DENIED
    }

    private final AccessLogStore store;
    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public AccessLog(AccessLogStore store, RaProperties properties, Clock clock) {
        this.store = store;
        this.file = properties.effectiveAccessLogFile();
        this.clock = clock;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalStateException("the access log directory for " + file + " cannot be created: " + e.getMessage(), e);
        }
    }

    /** One entry; {@code user} may be null (before sign-on). */
    public void record(RaUser user, String address, Operation operation, String result, String detail, String licenseRef, String serial) {
        String hpciId = user == null ? null : user.person().hpciId();
        String eppn = user == null ? null : user.person().eppn();
        String role = user == null ? null : user.roles().stream().map(Enum::name).sorted().reduce((a, b) -> a + "," + b).orElse("");
        record(hpciId, eppn, role, address, operation, result, detail, licenseRef, serial);
    }

    public void record(String hpciId, String eppn, String role, String address, Operation operation, String result, String detail, String licenseRef,
                       String serial) {
        AccessRecord r = new AccessRecord(0, clock.instant(), cut(hpciId, 64), cut(eppn, 256), cut(role, 32), operation.name(), result,
                cut(detail, 2000), licenseRef, serial, cut(address, 64));
        try {
            store.insert(r);
        } catch (RuntimeException e) {
            // The file below still gets the record; the console shows only what the database has.
            LOG.error("access log record not stored in the database: {}", e.getMessage());
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", r.at().toString());
        line.put("hpciId", r.hpciId());
        line.put("eppn", r.eppn());
        line.put("roles", r.role());
        line.put("operation", r.operation());
        line.put("result", r.result());
        line.put("detail", r.detail());
        line.put("licenseRef", r.licenseRef());
        line.put("serial", r.serial());
        line.put("address", r.address());
        try {
            byte[] bytes = (json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (this) {
                Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
        } catch (IOException e) {
            LOG.error("access log {} cannot be written: {}", file, e.getMessage());
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
