package org.gridauth.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the executable jars of the services that run in their own JVM are: {@code <root>/<module>/target/
 * <module>-<version>-exec.jar}, built by the {@code gridauth} script. The root is the {@code gridauth.root}
 * system property the script sets, else the checkout the launcher jar itself sits in.
 */
record ServiceJars(Optional<Path> idp, Optional<Path> portal) {

    static ServiceJars none() {
        return new ServiceJars(Optional.empty(), Optional.empty());
    }

    static ServiceJars find() {
        Path root = root();
        return root == null ? none() : new ServiceJars(exec(root, "idp-bridge"), exec(root, "ra-portal"));
    }

    private static Path root() {
        String configured = System.getProperty("gridauth.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            Path jar = Path.of(ServiceJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // launcher/target/gridauth.jar or launcher/target/classes
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            return root == null ? null : root.getParent();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static Optional<Path> exec(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().startsWith(module + "-") && p.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
