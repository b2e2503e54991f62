package org.gridauth.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.gridauth.launcher.ops.CheckCommand;
import org.gridauth.launcher.ops.CheckTargets;

/** Where 'gridauth up' puts every service of a home, as the defaults of 'gridauth check'. */
final class SuiteTargets implements CheckCommand.SuiteLayout {

    @Override
    public CheckTargets targets(Path home) {
        SuiteSettings settings = SuiteSettings.read(home);
        return new CheckTargets(URI.create("http://localhost:" + settings.caHttpPort()), home.resolve("ca/cacert.pem"), home.resolve("certificates"),
                "localhost", settings.myProxyPort(), ProbeCredential.USER, ProbeCredential.passphraseFile(home),
                URI.create("http://localhost:" + settings.idpPort() + "/idp/shibboleth"), portal(home, settings), "localhost", settings.gatewayPort(),
                Suite.gatewayAccount(), Duration.ofHours(24), Duration.ofDays(30));
    }

    /** The portal's page probed, when 'up' runs a portal in this home. */
    private static URI portal(Path home, SuiteSettings settings) {
        return java.nio.file.Files.exists(home.resolve("ra-portal/application.properties"))
                ? URI.create("https://localhost:" + settings.portalPort() + "/saml/metadata") : null;
    }
}
