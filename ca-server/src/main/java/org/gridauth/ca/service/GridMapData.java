package org.gridauth.ca.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import org.gridauth.ca.store.JdbcCertificateStore;
import org.gridauth.gsi.gridmap.GridMapEntry;

/**
 * The grid-mapfile data the CA repository publishes (R-CA-6): one grid-mapfile line per valid client certificate,
 * its subject DN mapped to the holder's HPCI-ID. It is the CA's half of the mapping: which DN belongs to which
 * HPCI account. The local account at each site is decided by the site's grid-mapfile generator from the
 * certificate manager's mapping data (R-CM-3, R-RS-2); this file is a template a site may start from.
 */
public final class GridMapData {

    private final JdbcCertificateStore certificates;
    private final Clock clock;
    private final String caName;

    public GridMapData(JdbcCertificateStore certificates, Clock clock, String caName) {
        this.certificates = certificates;
        this.clock = clock;
        this.caName = caName;
    }

    /** The file's text: a comment naming the CA and the time, then the lines in subject order. */
    public byte[] render() {
        List<JdbcCertificateStore.ClientSubject> subjects = certificates.validClientSubjects(clock.instant());
        StringBuilder text = new StringBuilder(64 + subjects.size() * 80);
        text.append("# grid-mapfile data of ").append(caName.replace('\n', ' ')).append(" at ").append(clock.instant())
                .append(": subject DN -> HPCI-ID of every valid client certificate (").append(subjects.size()).append(")\n");
        for (JdbcCertificateStore.ClientSubject subject : subjects) {
            text.append(new GridMapEntry(subject.subject(), List.of(subject.hpciId())).toLine()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
