package org.gridauth.gsissh.client;

import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.gss.DelegationMode;
import org.gridauth.gsi.gss.GsiContext;
import org.gridauth.gsi.gss.GsiOptions;
import org.gridauth.gsi.gss.TargetName;
import org.gridauth.gsi.trust.ChainValidator;

import com.jcraft.jsch.UserInfo;

/**
 * What the gssapi-with-mic method needs for one JSch session, handed over as the session's UserInfo (the only
 * object JSch passes to an authentication method): the proxy, the validator (loaded once per client, not per
 * login) and the delegation wanted. It answers no password prompts: GSI logins have none.
 *
 * @param proxy      the user's proxy credential
 * @param validator  checks the server's host certificate chain
 * @param delegation what to delegate
 * @param target     the host the user named (the GSI target, also through a jump host)
 */
public record GsiLoginInfo(Credential proxy, ChainValidator validator, DelegationMode delegation, String target) implements UserInfo {

    public GsiContext newContext() {
        return GsiContext.initiator(GsiOptions.initiator(proxy, validator, TargetName.hostBased("host@" + target)).withDelegation(delegation));
    }

    @Override
    public String getPassphrase() {
        return null;
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public boolean promptPassword(String message) {
        return false;
    }

    @Override
    public boolean promptPassphrase(String message) {
        return false;
    }

    @Override
    public boolean promptYesNo(String message) {
        return false;
    }

    @Override
    public void showMessage(String message) {
        // banners are not shown by the batch client
    }

    @Override
    public String toString() {
        return "GsiLoginInfo[" + proxy.subject().toOpenSsl() + " -> " + target + "]";
    }
}
