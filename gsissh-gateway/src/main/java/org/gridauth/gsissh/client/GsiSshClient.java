package org.gridauth.gsissh.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.gridauth.gsi.gss.DelegationMode;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UserAuthGsiWithMic;

/**
 * The Java {@code gsissh}: logs in with gssapi-with-mic using a GSI proxy (X509_USER_PROXY), optionally
 * delegating, and runs a command; optionally through a jump host (ProxyJump) that forwards to the target.
 */
public final class GsiSshClient implements AutoCloseable {

    /**
     * @param proxy       the proxy file (X509_USER_PROXY)
     * @param certDir     the trust directory (X509_CERT_DIR)
     * @param delegation  what to delegate to the server
     * @param knownHosts  OpenSSH known_hosts file; null accepts and remembers nothing (first contact only)
     * @param timeout     connection and command timeout
     */
    public record Options(Path proxy, Path certDir, DelegationMode delegation, Path knownHosts, Duration timeout) {
    }

    /** What a command printed and how it ended. */
    public record Result(int exitStatus, String stdout, String stderr) {
    }

    private final Options options;
    private final org.gridauth.gsi.credential.Credential proxy;
    private final org.gridauth.gsi.trust.ChainValidator validator;

    /** Reads the proxy and loads the trust directory once; close the client to release the validator. */
    public GsiSshClient(Options options) {
        this.options = options;
        this.proxy = org.gridauth.gsi.credential.CredentialFiles.readProxy(options.proxy());
        this.validator = new org.gridauth.gsi.trust.ChainValidator(options.certDir(), org.gridauth.gsi.trust.RevocationMode.IF_AVAILABLE,
                false, Duration.ofMinutes(1));
    }

    @Override
    public void close() {
        validator.close();
    }

    public Result exec(String host, int port, String user, String command) throws JSchException, IOException {
        Session session = open(new JSch(), host, port, user);
        try {
            return run(session, command);
        } finally {
            session.disconnect();
        }
    }

    /** Uploads a file with SFTP; returns the numeric owner the server reports for it. */
    public int upload(String host, int port, String user, Path local, String remote) throws JSchException, com.jcraft.jsch.SftpException {
        return withSftp(host, port, user, sftp -> {
            sftp.put(local.toString(), remote);
            return sftp.stat(remote).getUId();
        });
    }

    /** Downloads a file with SFTP. */
    public void download(String host, int port, String user, String remote, Path local) throws JSchException, com.jcraft.jsch.SftpException {
        withSftp(host, port, user, sftp -> {
            sftp.get(remote, local.toString());
            return null;
        });
    }

    private interface SftpWork<T> {
        T run(com.jcraft.jsch.ChannelSftp sftp) throws com.jcraft.jsch.SftpException;
    }

    private <T> T withSftp(String host, int port, String user, SftpWork<T> work) throws JSchException, com.jcraft.jsch.SftpException {
        Session session = open(new JSch(), host, port, user);
        try {
            com.jcraft.jsch.ChannelSftp sftp = (com.jcraft.jsch.ChannelSftp) session.openChannel("sftp");
            sftp.connect((int) options.timeout().toMillis());
            try {
                return work.run(sftp);
            } finally {
                sftp.disconnect();
            }
        } finally {
            session.disconnect();
        }
    }

    /** Logs in to {@code jumpHost} first and reaches {@code host:port} through it (ProxyJump). */
    public Result execVia(String jumpHost, int jumpPort, String host, int port, String user, String command) throws JSchException, IOException {
        JSch jsch = new JSch();
        Session jump = open(jsch, jumpHost, jumpPort, user);
        try {
            int local = jump.setPortForwardingL(0, host, port);
            Session through = configure(jsch, jsch.getSession(user, "127.0.0.1", local), host);
            through.connect((int) options.timeout().toMillis());
            try {
                return run(through, command);
            } finally {
                through.disconnect();
            }
        } finally {
            jump.disconnect();
        }
    }

    private Session open(JSch jsch, String host, int port, String user) throws JSchException {
        Session session = configure(jsch, jsch.getSession(user, host, port), host);
        session.connect((int) options.timeout().toMillis());
        return session;
    }

    /** The GSI target is the host the user named, also when the connection goes through a forwarded local port. */
    private Session configure(JSch jsch, Session session, String gsiHost) throws JSchException {
        session.setConfig("PreferredAuthentications", "gssapi-with-mic");
        // JSch otherwise instantiates every key exchange, cipher and signature algorithm at each connect to see
        // which exist (about 150 ms); the ones it offers are all present with Bouncy Castle on the class path.
        session.setConfig("CheckKexes", "");
        session.setConfig("CheckCiphers", "");
        session.setConfig("CheckSignatures", "");
        session.setConfig("userauth.gssapi-with-mic", UserAuthGsiWithMic.class.getName());
        session.setUserInfo(new GsiLoginInfo(proxy, validator, options.delegation(), gsiHost));
        session.setConfig("StrictHostKeyChecking", options.knownHosts() == null ? "no" : "yes");
        if (options.knownHosts() != null) {
            jsch.setKnownHosts(options.knownHosts().toString());
        }
        session.setTimeout((int) options.timeout().toMillis());
        return session;
    }

    private Result run(Session session, String command) throws JSchException, IOException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        channel.setErrStream(stderr);
        InputStream stdout = channel.getInputStream();
        channel.connect((int) options.timeout().toMillis());
        byte[] out = stdout.readAllBytes();
        Instant deadline = Instant.now().plus(options.timeout());
        while (!channel.isClosed() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int status = channel.getExitStatus();
        channel.disconnect();
        return new Result(status, new String(out, StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }
}
