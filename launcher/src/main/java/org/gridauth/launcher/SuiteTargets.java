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
                URI.create("http://localhost:" + settings.idpPort() + "/idp/shibboleth"), null, "localhost", settings.gatewayPort(),
                Suite.gatewayAccount(), Duration.ofHours(24), Duration.ofDays(30));
    }
}
