package org.gridauth.ca.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridauth.ca.audit.AuditHashes;
import org.gridauth.ca.audit.AuditRecord;
import org.gridauth.ca.audit.AuditVerification;
import org.gridauth.ca.audit.Checkpoint;
import org.gridauth.gsi.credential.AtomicFiles;

/**
 * An archive of audit records: JSON lines, one record each, in sequence order, ending with the checkpoint the CA
 * signed over the last record. It verifies on its own: the links between its records, and the CA's signature over
 * its end. Archives of one trail follow each other: the first record of the next archive names the last hash of
 * the previous one.
 */
public final class AuditArchive {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditArchive() {
    }

    static void write(Path file, List<AuditRecord> records, Checkpoint end) {
        StringBuilder out = new StringBuilder();
        try {
            for (AuditRecord r : records) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("seq", r.sequence());
                line.put("time", r.time().toEpochMilli());
                line.put("type", r.type());
                line.put("actor", r.actor());
                line.put("subject", r.subject());
                line.put("details", r.details());
                line.put("prevHash", r.previousHash());
                line.put("hash", r.hash());
                out.append(JSON.writeValueAsString(line)).append('\n');
            }
            Map<String, Object> checkpoint = new LinkedHashMap<>();
            checkpoint.put("checkpointSeq", end.sequence());
            checkpoint.put("hash", end.hash());
            checkpoint.put("time", end.time().toEpochMilli());
            checkpoint.put("algorithm", end.algorithm());
            checkpoint.put("signature", Base64.getEncoder().encodeToString(end.signature()));
            out.append(JSON.writeValueAsString(checkpoint)).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ);
    }

    /** Verifies an archive file against the CA certificate. */
    public static AuditVerification verify(Path file, X509Certificate ca) {
        List<AuditRecord> records = new ArrayList<>();
        Checkpoint end = null;
        try {
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (text.isBlank()) {
                    continue;
                }
                JsonNode line = JSON.readTree(text);
                if (line.has("checkpointSeq")) {
                    end = new Checkpoint(line.get("checkpointSeq").asLong(), line.get("hash").asText(), Instant.ofEpochMilli(line.get("time").asLong()),
                            line.get("algorithm").asText(), Base64.getDecoder().decode(line.get("signature").asText()));
                } else {
                    records.add(new AuditRecord(line.get("seq").asLong(), Instant.ofEpochMilli(line.get("time").asLong()), line.get("type").asText(),
                            line.get("actor").asText(), line.get("subject").asText(), line.get("details").asText(), line.get("prevHash").asText(),
                            line.get("hash").asText()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return new AuditVerification(records.size(), AuditHashes.GENESIS, records.size() + 1L, "the archive cannot be read: " + e.getMessage());
        }
        if (records.isEmpty() || end == null) {
            return new AuditVerification(records.size(), AuditHashes.GENESIS, 1, "the archive has no records or no closing checkpoint");
        }
        if (!end.verifies(ca)) {
            return new AuditVerification(records.size(), AuditHashes.GENESIS, end.sequence(), "its closing checkpoint is not signed by the CA");
        }
        AuditRecord first = records.get(0);
        String start = first.sequence() == 1 ? AuditHashes.GENESIS : first.previousHash();
        return AuditVerification.check(records, first.sequence(), start, end.sequence(), end.hash());
    }
}
