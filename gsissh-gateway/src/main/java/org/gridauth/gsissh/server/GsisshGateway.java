package org.gridauth.gsissh.server;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.gridauth.gsi.credential.Credential;
import org.gridauth.gsi.credential.CredentialFiles;
import org.gridauth.gsi.trust.ChainValidator;
import org.gridauth.gsi.trust.RevocationMode;
import org.gridauth.gsissh.auth.GridMapSource;
import org.gridauth.gsissh.auth.GsiAuthenticator;
import org.gridauth.gsissh.auth.GsiUserAuthFactory;
import org.gridauth.gsissh.policy.FailureThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GSI-SSH gateway: an SSH server whose only user authentication is gssapi-with-mic with the GSI mechanism,
 * authorizing by grid-mapfile (re-read on change) and CRL-checked chains, running sessions as the mapped account,
 * and forwarding only to allow-listed hosts (the VM jump host). Password and keyboard-interactive are not offered.
 */
public final class GsisshGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GsisshGateway.class);

    private final SshServer server;
    private final ChainValidator validator;

    private GsisshGateway(SshServer server, ChainValidator validator) {
        this.server = server;
        this.validator = validator;
    }

    public static GsisshGateway start(GatewayConfig config) throws IOException {
        Credential host = CredentialFiles.readUserCredential(config.hostCert(), config.hostKey(), null);
        return start(config, host, Clock.systemUTC());
    }

    public static GsisshGateway start(GatewayConfig config, Credential host, Clock clock) throws IOException {
        ChainValidator validator = new ChainValidator(config.certDir(), RevocationMode.IF_AVAILABLE, false, Duration.ofMinutes(1));
        LocalAccounts accounts = new LocalAccounts();
        GsiAuthenticator authenticator = new GsiAuthenticator(host, validator, new GridMapSource(config.gridMapFile()), accounts,
                new FailureThrottle(config.failureLimit(), config.failureWindow(), clock), config.clientCertificates());
        UserSessions sessions = new UserSessions(accounts, config.proxyDirectory(), config.certDir());
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(config.bindAddress());
        server.setPort(config.port());
        // A login is a dozen small request/response steps; with Nagle each server reply after the first of a flight
        // waits for the client's delayed ACK (40 ms on Linux), which made logins take several hundred ms.
        org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(server, true);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(config.sshHostKey());
        // ECDSA P-256: MINA's default P-521 costs clients ~40 ms per signature check at every login.
        hostKeys.setAlgorithm("EC");
        hostKeys.setKeySize(256);
        server.setKeyPairProvider(hostKeys);
        server.setUserAuthFactories(List.of(new GsiUserAuthFactory(authenticator)));
        server.setShellFactory(sessions::shell);
        server.setCommandFactory(sessions::exec);
        server.setForwardingFilter(new AllowListForwardingFilter(config.forwardAllow()));
        server.setSubsystemFactories(List.of(new org.apache.sshd.server.subsystem.SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public org.apache.sshd.server.command.Command createSubsystem(org.apache.sshd.server.channel.ChannelSession channel)
                    throws IOException {
                return sessions.sftp(channel);
            }
        }));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionClosed(Session session) {
                if (session instanceof ServerSession serverSession) {
                    UserSessions.removeProxy(serverSession);
                }
            }
        });
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            validator.close();
            throw e;
        }
        LOG.info("GSI-SSH gateway listening on {}:{}", config.bindAddress(), server.getPort());
        return new GsisshGateway(server, validator);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException ignored) {
            // stopping anyway
        }
        validator.close();
    }
}
