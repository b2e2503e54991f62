package org.gridauth.gsissh.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.InvertedShellWrapper;
import org.apache.sshd.server.shell.ProcessShell;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsissh.auth.GsiLogin;
import org.gridauth.gsissh.auth.GsiUserAuth;

/**
 * Starts shells and commands for a logged-in session as its mapped account ({@code runuser} when the gateway is
 * root), with the delegated proxy, if any, in a mode-600 file owned by that account and named by X509_USER_PROXY;
 * the file is removed when the SSH session ends.
 */
public final class UserSessions {

    static final AttributeRepository.AttributeKey<Path> PROXY_FILE = new AttributeRepository.AttributeKey<>();
    static final String SFTP_SERVER = "/usr/lib/openssh/sftp-server";

    private final LocalAccounts accounts;
    private final Path proxyDirectory;
    private final Path certDir;
    private final SecureRandom random = new SecureRandom();

    public UserSessions(LocalAccounts accounts, Path proxyDirectory, Path certDir) {
        this.accounts = accounts;
        this.proxyDirectory = proxyDirectory;
        this.certDir = certDir;
    }

    public Command shell(ChannelSession channel) throws IOException {
        return start(channel, List.of("/bin/sh", "-i"));
    }

    public Command exec(ChannelSession channel, String command) throws IOException {
        return start(channel, List.of("/bin/sh", "-c", command));
    }

    /**
     * SFTP as the mapped account: OpenSSH's own sftp-server started with the account's rights, so file access is
     * decided by the kernel exactly as for an OpenSSH login (an in-process SFTP server would act as the gateway).
     */
    public Command sftp(ChannelSession channel) throws IOException {
        return start(channel, List.of(SFTP_SERVER));
    }

    private Command start(ChannelSession channel, List<String> program) throws IOException {
        ServerSession session = channel.getServerSession();
        GsiLogin login = session.getAttribute(GsiUserAuth.LOGIN);
        if (login == null) {
            throw new IOException("no GSI login on this session");
        }
        // The account was looked up (through NSS) at login; a channel does not repeat it.
        LocalAccounts.Account account = login.account();
        List<String> command = new ArrayList<>();
        if (accounts.runningAsRoot()) {
            command.addAll(List.of("runuser", "-u", account.name(), "--"));
        }
        command.add("env");
        command.add("HOME=" + account.home());
        command.add("USER=" + account.name());
        command.add("LOGNAME=" + account.name());
        command.add("X509_CERT_DIR=" + certDir);
        Path proxy = delegatedProxy(session, login, account);
        if (proxy != null) {
            command.add("X509_USER_PROXY=" + proxy);
        }
        command.addAll(program);
        return new InvertedShellWrapper(new ProcessShell(command));
    }

    /** Writes the delegated proxy once per SSH session. */
    private synchronized Path delegatedProxy(ServerSession session, GsiLogin login, LocalAccounts.Account account) throws IOException {
        if (login.delegated().isEmpty()) {
            return null;
        }
        Path existing = session.getAttribute(PROXY_FILE);
        if (existing != null) {
            return existing;
        }
        byte[] suffix = new byte[6];
        random.nextBytes(suffix);
        Path file = proxyDirectory.resolve("x509up_u" + account.uid() + "_gsissh_" + HexFormat.of().formatHex(suffix));
        CredentialFiles.writeProxy(file, login.delegated().get());
        if (accounts.runningAsRoot()) {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            view.setOwner(file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(account.name()));
        }
        session.setAttribute(PROXY_FILE, file);
        return file;
    }

    /** Called when a session closes: the delegated proxy does not outlive the login. */
    static void removeProxy(ServerSession session) {
        Path file = session.getAttribute(PROXY_FILE);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a tmp cleaner will get it; its lifetime is short anyway
            }
        }
    }
}
