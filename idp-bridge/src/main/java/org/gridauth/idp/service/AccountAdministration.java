package org.gridauth.idp.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.gridauth.idp.policy.AccountState;
import org.gridauth.idp.policy.AttributeDefinitions;
import org.gridauth.idp.policy.UsernameRule;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;

/**
 * The HPCI office's account lifecycle (R-IDP-5) on the directory: register, change, suspend, reinstate, delete and
 * list, each followed by a notification to the user and an audit record. A deleted account keeps its entry (and its
 * password hash) with the state {@code deleted}: whoever signs in with it is told it was deleted (GA-IDP-012) rather
 * than "wrong password", and its user name and HPCI-ID are never given to anyone else. The directory connection must
 * be bound as an administrator allowed to write.
 */
public final class AccountAdministration {

    /** A new account. {@code initialPassword} may be null: the user then cannot sign in until a password is set. */
    public record NewAccount(String username, String surname, String givenName, String mail, String hpciId, List<String> entitlements,
                             char[] initialPassword) {
    }

    /** One account as listed. */
    public record Listed(String username, String hpciId, String surname, String givenName, String mail, AccountState state) {
    }

    /** Attributes {@link #change} may replace; user name, HPCI-ID and state never change that way. */
    public static final Set<String> CHANGEABLE = Set.of("sn", "givenName", "mail", "eduPersonEntitlement");

    private final LDAPConnection ldap;
    private final String peopleDn;
    private final Notifier notifier;
    private final String operator;

    public AccountAdministration(LDAPConnection ldap, String peopleDn, Notifier notifier, String operator) {
        this.ldap = ldap;
        this.peopleDn = peopleDn;
        this.notifier = notifier;
        this.operator = operator;
    }

    public void register(NewAccount account) {
        if (!UsernameRule.acceptable(account.username())) {
            throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, account.username(), "not an acceptable user name");
        }
        require(account.surname(), "sn");
        require(account.givenName(), "givenName");
        require(account.hpciId(), "hpciId");
        if (find(Filter.createEqualityFilter("uid", account.username())) != null) {
            throw new GridAuthException(IdpError.ACCOUNT_EXISTS, "user name", account.username());
        }
        if (find(Filter.createEqualityFilter("hpciId", account.hpciId())) != null) {
            throw new GridAuthException(IdpError.ACCOUNT_EXISTS, "HPCI-ID", account.hpciId());
        }
        Entry entry = new Entry(dn(account.username()));
        entry.addAttribute("objectClass", "top", "inetOrgPerson", "eduPerson", "hpciPerson");
        entry.addAttribute("uid", account.username());
        entry.addAttribute("cn", account.givenName() + " " + account.surname());
        entry.addAttribute("sn", account.surname());
        entry.addAttribute("givenName", account.givenName());
        if (account.mail() != null && !account.mail().isBlank()) {
            entry.addAttribute("mail", account.mail());
        }
        entry.addAttribute("hpciId", account.hpciId());
        if (!account.entitlements().isEmpty()) {
            entry.addAttribute("eduPersonEntitlement", account.entitlements());
        }
        entry.addAttribute(AttributeDefinitions.ACCOUNT_STATE_LDAP, "active");
        try {
            ldap.add(entry);
            if (account.initialPassword() != null && account.initialPassword().length > 0) {
                // The password modify operation (RFC 3062), not a userPassword value in the add: the server then stores
                // it hashed by its own policy (slapd's password-hash, the embedded directory's {SSHA256}).
                var result = ldap.processExtendedOperation(new com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedRequest(
                        entry.getDN(), (String) null, new String(account.initialPassword())));
                if (result.getResultCode() != ResultCode.SUCCESS) {
                    throw new LDAPException(result.getResultCode(), "password modify: " + result.getDiagnosticMessage());
                }
            }
        } catch (LDAPException e) {
            throw failure(e, account.username());
        }
        Audit.record("account-registered", "user", account.username(), "hpciId", account.hpciId(), "operator", operator);
        notify(account.mail(), account.username(), Notifier.Change.REGISTERED, account.hpciId());
    }

    /** Replaces the given attributes (only {@link #CHANGEABLE} ones); an empty list removes the attribute. */
    public void change(String username, Map<String, List<String>> replacements) {
        SearchResultEntry entry = existing(username);
        if (AccountState.parse(entry.getAttributeValue(AttributeDefinitions.ACCOUNT_STATE_LDAP)) == AccountState.DELETED) {
            throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, username, "the account is deleted");
        }
        List<Modification> mods = new ArrayList<>();
        for (Map.Entry<String, List<String>> change : replacements.entrySet()) {
            if (!CHANGEABLE.contains(change.getKey())) {
                throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, username, change.getKey() + " is not a changeable attribute");
            }
            mods.add(new Modification(ModificationType.REPLACE, change.getKey(), change.getValue().toArray(String[]::new)));
        }
        if (mods.isEmpty()) {
            return;
        }
        String sn = first(replacements, "sn", entry.getAttributeValue("sn"));
        String given = first(replacements, "givenName", entry.getAttributeValue("givenName"));
        mods.add(new Modification(ModificationType.REPLACE, "cn", given + " " + sn));
        modify(username, entry, mods);
        Audit.record("account-changed", "user", username, "attributes", List.copyOf(replacements.keySet()), "operator", operator);
        String mail = first(replacements, "mail", entry.getAttributeValue("mail"));
        notify(mail, username, Notifier.Change.CHANGED, String.join(", ", replacements.keySet()));
    }

    public void suspend(String username, String reason) {
        SearchResultEntry entry = existing(username);
        AccountState state = AccountState.parse(entry.getAttributeValue(AttributeDefinitions.ACCOUNT_STATE_LDAP));
        if (state == AccountState.DELETED) {
            throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, username, "the account is deleted");
        }
        modify(username, entry, List.of(new Modification(ModificationType.REPLACE, AttributeDefinitions.ACCOUNT_STATE_LDAP, "suspended")));
        Audit.record("account-suspended", "user", username, "reason", reason, "operator", operator);
        notify(entry.getAttributeValue("mail"), username, Notifier.Change.SUSPENDED, reason == null || reason.isBlank() ? "-" : reason);
    }

    public void reinstate(String username) {
        SearchResultEntry entry = existing(username);
        AccountState state = AccountState.parse(entry.getAttributeValue(AttributeDefinitions.ACCOUNT_STATE_LDAP));
        if (state != AccountState.SUSPENDED) {
            throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, username, "only a suspended account can be reinstated (it is " + state.name().toLowerCase() + ")");
        }
        modify(username, entry, List.of(new Modification(ModificationType.REPLACE, AttributeDefinitions.ACCOUNT_STATE_LDAP, "active")));
        Audit.record("account-reinstated", "user", username, "operator", operator);
        notify(entry.getAttributeValue("mail"), username, Notifier.Change.REINSTATED, "");
    }

    /** Marks the account deleted; the entry stays so name and HPCI-ID are never reused. */
    public void delete(String username) {
        SearchResultEntry entry = existing(username);
        if (AccountState.parse(entry.getAttributeValue(AttributeDefinitions.ACCOUNT_STATE_LDAP)) == AccountState.DELETED) {
            throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, username, "the account is already deleted");
        }
        modify(username, entry, List.of(new Modification(ModificationType.REPLACE, AttributeDefinitions.ACCOUNT_STATE_LDAP, "deleted")));
        Audit.record("account-deleted", "user", username, "operator", operator);
        notify(entry.getAttributeValue("mail"), username, Notifier.Change.DELETED, "");
    }

    /** All accounts (of one state, or all when {@code state} is null), by user name. */
    public List<Listed> list(AccountState state) {
        try {
            SearchResult result = ldap.search(peopleDn, SearchScope.SUB, Filter.createEqualityFilter("objectClass", "hpciPerson"),
                    "uid", "hpciId", "sn", "givenName", "mail", AttributeDefinitions.ACCOUNT_STATE_LDAP);
            Map<String, Listed> byName = new java.util.TreeMap<>();
            for (SearchResultEntry e : result.getSearchEntries()) {
                AccountState s = AccountState.parse(e.getAttributeValue(AttributeDefinitions.ACCOUNT_STATE_LDAP));
                if (state == null || s == state) {
                    byName.put(e.getAttributeValue("uid"), new Listed(e.getAttributeValue("uid"), e.getAttributeValue("hpciId"),
                            e.getAttributeValue("sn"), e.getAttributeValue("givenName"), e.getAttributeValue("mail"), s));
                }
            }
            return List.copyOf(byName.values());
        } catch (LDAPException e) {
            throw failure(e, peopleDn);
        }
    }

    private void notify(String mail, String username, Notifier.Change change, String detail) {
        if (mail == null || mail.isBlank()) {
            Audit.record("notification-skipped", "user", username, "change", change, "reason", "no mail address");
            return;
        }
        java.nio.file.Path file = notifier.notify(mail, username, change, detail);
        Audit.record("notification-written", "user", username, "change", change, "to", mail, "file", file.getFileName());
    }

    private void modify(String username, SearchResultEntry entry, List<Modification> mods) {
        try {
            ldap.modify(entry.getDN(), mods);
        } catch (LDAPException e) {
            throw failure(e, username);
        }
    }

    private SearchResultEntry existing(String username) {
        SearchResultEntry entry = UsernameRule.acceptable(username) ? find(Filter.createEqualityFilter("uid", username)) : null;
        if (entry == null) {
            throw new GridAuthException(IdpError.ACCOUNT_UNKNOWN, username);
        }
        return entry;
    }

    private SearchResultEntry find(Filter filter) {
        try {
            SearchResult result = ldap.search(peopleDn, SearchScope.SUB, filter, "*");
            return result.getEntryCount() == 0 ? null : result.getSearchEntries().get(0);
        } catch (LDAPException e) {
            throw failure(e, peopleDn);
        }
    }

    private String dn(String username) {
        try {
            return new DN(new RDN("uid", username), new DN(peopleDn)).toString();
        } catch (LDAPException e) {
            throw new GridAuthException(IdpError.BAD_CONFIGURATION, "base DN " + peopleDn + " is not a DN");
        }
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new GridAuthException(IdpError.ACCOUNT_CHANGE_REFUSED, "-", name + " is required");
        }
    }

    private static String first(Map<String, List<String>> replacements, String name, String otherwise) {
        List<String> values = replacements.get(name);
        return values == null ? otherwise : values.isEmpty() ? null : values.get(0);
    }

    private static GridAuthException failure(LDAPException e, String subject) {
        if (e.getResultCode() == ResultCode.ENTRY_ALREADY_EXISTS) {
            return new GridAuthException(IdpError.ACCOUNT_EXISTS, "user name", subject);
        }
        return new GridAuthException(IdpError.DIRECTORY_UNAVAILABLE, e, e.getResultCode() + " " + e.getDiagnosticMessage());
    }

}
