package org.gridauth.certmanager.service;

import java.time.Instant;
import java.util.List;

import org.gridauth.certmanager.protocol.PortalMessages.MappingReply;
import org.gridauth.certmanager.store.Account;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.certmanager.store.CredentialStatus;
import org.gridauth.certmanager.store.JdbcCredentialStore;
import org.gridauth.certmanager.store.Location;

/**
 * The mapping records of a researcher (R-CM-3): SubjectDN, the account name in the store or MyProxy, ePPN, HPCI-ID
 * and status, kept whatever became of the key.
 */
public final class Mappings {

    private final JdbcCredentialStore store;
    private final java.time.Clock clock;

    public Mappings(JdbcCredentialStore store, java.time.Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public List<MappingReply> of(String hpciId) {
        return store.account(hpciId).map(account -> store.history(hpciId).stream().map(c -> reply(c, account, clock.instant())).toList())
                .orElse(List.of());
    }

    static MappingReply reply(CredentialRecord c, Account account, Instant now) {
        String status = c.status() == CredentialStatus.VALID && !now.isBefore(c.notAfter()) ? "EXPIRED" : c.status().name();
        String localName = c.location() == Location.MYPROXY ? c.myproxyUsername() : account.localName();
        return new MappingReply(c.subjectDn(), c.hpciId(), account.eppn(), localName, c.location().name(), c.myproxyUsername(), c.serial(), status,
                c.notBefore().toString(), c.notAfter().toString());
    }
}
