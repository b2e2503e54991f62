package org.gridauth.idp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.gridauth.idp.policy.AttributeDefinitions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedded directory with many accounts and concurrent sign-ins (R-IDP-4: more than 10,000 users). */
class EmbeddedDirectoryLoadTest {

    static String accounts(int count) {
        StringBuilder ldif = new StringBuilder("dn: dc=hpci,dc=example,dc=jp\nobjectClass: domain\ndc: hpci\n\n"
                + "dn: ou=people,dc=hpci,dc=example,dc=jp\nobjectClass: organizationalUnit\nou: people\n\n");
        for (int i = 0; i < count; i++) {
            String uid = String.format("user%05d", i);
            ldif.append("dn: uid=").append(uid).append(",ou=people,dc=hpci,dc=example,dc=jp\nobjectClass: inetOrgPerson\n")
                    .append("objectClass: eduPerson\nobjectClass: hpciPerson\nuid: ").append(uid).append("\ncn: User ").append(i)
                    .append("\nsn: User\nhpciId: hpci").append(String.format("%06d", i)).append("\nhpciAccountState: active\nuserPassword: pw-")
                    .append(uid).append("\n\n");
        }
        return ldif.toString();
    }

    @Test
    @DisplayName("R-IDP-4: 2,000 concurrent sign-ins from 8 threads over 10,000 accounts all succeed with the right password, none with a wrong one")
    void concurrentBinds() throws Exception {
        try (EmbeddedDirectoryServer server = EmbeddedDirectoryServer.start("dc=hpci,dc=example,dc=jp", 0,
                new ByteArrayInputStream(accounts(10_000).getBytes(StandardCharsets.UTF_8)));
             LdapDirectory directory = new LdapDirectory(new LdapSettings(server.url(), false, "ou=people,dc=hpci,dc=example,dc=jp",
                     "(uid={user})", null, null, AttributeDefinitions.ldapAttributes(), 8, Duration.ofSeconds(10)))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> right = new ArrayList<>();
                List<Future<Boolean>> wrong = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    String uid = String.format("user%05d", (i * 7) % 10_000);
                    right.add(pool.submit(() -> directory.authenticate(uid, ("pw-" + uid).toCharArray()).isPresent()));
                    if (i % 10 == 0) {
                        wrong.add(pool.submit(() -> directory.authenticate(uid, ("pw-" + uid + "x").toCharArray()).isPresent()));
                    }
                }
                int refused = 0;
                for (Future<Boolean> f : right) {
                    refused += f.get() ? 0 : 1;
                }
                int accepted = 0;
                for (Future<Boolean> f : wrong) {
                    accepted += f.get() ? 1 : 0;
                }
                assertThat(refused).as("right passwords refused").isZero();
                assertThat(accepted).as("wrong passwords accepted").isZero();
            } finally {
                pool.shutdown();
            }
        }
    }
}
