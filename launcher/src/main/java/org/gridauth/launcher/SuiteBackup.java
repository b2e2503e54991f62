package org.gridauth.launcher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;

/**
 * {@code gridauth backup} / {@code restore}: every service's database, configuration and keys of a suite home in
 * one tar.gz, with a manifest of SHA-256 sums. The suite must be stopped, so the H2 files are consistent. The
 * SoftHSM2 token directory is copied as SoftHSM2's own backup means (its objects stay encrypted under the token's
 * PINs); a hardware HSM's key is backed up with the vendor's tools instead (see the operations chapter). A restore
 * goes into a new directory only, checks every sum before anything is written in place, and rewrites the absolute
 * paths the configuration files hold from the old home to the new one.
 */
final class SuiteBackup {

    static final String MANIFEST = "gridauth-backup.properties";
    /** Configuration files that name other files of the home by absolute path. */
    private static final Set<String> PATH_BEARING = Set.of("ca.conf", "cert-manager.conf", "myproxy-server.config", "gsissh-gateway.conf",
            "softhsm2.conf", "application.properties", "gridmap.conf", "attribute-release.yaml");

    private final Clock clock;

    SuiteBackup(Clock clock) {
        this.clock = clock;
    }

    /** Writes the archive; returns the number of files in it. */
    int backup(Path home, Path archive) {
        Path source = home.toAbsolutePath().normalize();
        refuseWhileRunning(source, "gridauth backup");
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try {
            List<Path> files = files(source);
            Map<String, String> sums = new TreeMap<>();
            try (OutputStream out = Files.newOutputStream(partial);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(new BufferedOutputStream(out)))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Path file : files) {
                    String name = source.relativize(file).toString();
                    byte[] bytes = Files.readAllBytes(file);
                    sums.put(name, sha256(bytes));
                    TarArchiveEntry entry = new TarArchiveEntry(name);
                    entry.setSize(bytes.length);
                    entry.setMode(mode(file));
                    tar.putArchiveEntry(entry);
                    tar.write(bytes);
                    tar.closeArchiveEntry();
                }
                byte[] manifest = manifest(source, sums);
                TarArchiveEntry entry = new TarArchiveEntry(MANIFEST);
                entry.setSize(manifest.length);
                entry.setMode(0600);
                tar.putArchiveEntry(entry);
                tar.write(manifest);
                tar.closeArchiveEntry();
            }
            AtomicFiles.write(archive, Files.readAllBytes(partial), AtomicFiles.OWNER_READ_WRITE);
            return files.size();
        } catch (IOException e) {
            throw new GridAuthException(LauncherError.BACKUP_FAILED, e, source, archive, e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // the partial file is named as such; it is not a usable backup
            }
        }
    }

    /** Restores into {@code target} (new or empty); returns the number of files restored. */
    int restore(Path archive, Path target) {
        Path destination = target.toAbsolutePath().normalize();
        try {
            if (Files.exists(destination)) {
                try (Stream<Path> entries = Files.list(destination)) {
                    if (entries.findAny().isPresent()) {
                        throw new GridAuthException(LauncherError.RESTORE_TARGET_NOT_EMPTY, destination);
                    }
                }
            }
        } catch (IOException e) {
            throw new GridAuthException(LauncherError.RESTORE_TARGET_NOT_EMPTY, e, destination);
        }
        // Everything is read and checked in a staging directory next to the target, then moved into place.
        Path staging = destination.resolveSibling("." + destination.getFileName() + ".restoring");
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            Map<String, byte[]> contents = new TreeMap<>();
            Map<String, Integer> modes = new TreeMap<>();
            byte[] manifestBytes = null;
            try (InputStream in = Files.newInputStream(archive);
                 TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new BufferedInputStream(in)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = entry.getName();
                    if (name.startsWith("/") || Path.of(name).normalize().startsWith("..") || name.contains("\0")) {
                        throw new GridAuthException(LauncherError.BACKUP_DAMAGED, archive, "entry " + name + " points outside the home");
                    }
                    byte[] bytes = tar.readAllBytes();
                    if (name.equals(MANIFEST)) {
                        manifestBytes = bytes;
                    } else if (entry.isFile()) {
                        contents.put(name, bytes);
                        modes.put(name, entry.getMode());
                    }
                }
            }
            if (manifestBytes == null) {
                throw new GridAuthException(LauncherError.BACKUP_DAMAGED, archive, "it has no " + MANIFEST);
            }
            Properties manifest = new Properties();
            manifest.load(new java.io.StringReader(new String(manifestBytes, StandardCharsets.UTF_8)));
            String oldHome = manifest.getProperty("home");
            for (String name : manifest.stringPropertyNames()) {
                if (name.startsWith("sha256.")) {
                    String file = name.substring("sha256.".length());
                    byte[] bytes = contents.get(file);
                    if (bytes == null || !sha256(bytes).equals(manifest.getProperty(name))) {
                        throw new GridAuthException(LauncherError.BACKUP_DAMAGED, archive, file + (bytes == null ? " is missing" : " does not match its SHA-256 sum"));
                    }
                }
            }
            if (oldHome == null || contents.size() != manifest.stringPropertyNames().stream().filter(n -> n.startsWith("sha256.")).count()) {
                throw new GridAuthException(LauncherError.BACKUP_DAMAGED, archive, "the manifest does not list every file");
            }
            for (Map.Entry<String, byte[]> file : contents.entrySet()) {
                byte[] bytes = file.getValue();
                if (PATH_BEARING.contains(Path.of(file.getKey()).getFileName().toString())) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replace(oldHome, destination.toString()).getBytes(StandardCharsets.UTF_8);
                }
                Path out = staging.resolve(file.getKey());
                Files.createDirectories(out.getParent());
                Files.write(out, bytes);
                Files.setPosixFilePermissions(out, permissions(modes.get(file.getKey())));
            }
            Files.createDirectories(destination.getParent());
            if (Files.exists(destination)) {
                Files.delete(destination);
            }
            Files.move(staging, destination, StandardCopyOption.ATOMIC_MOVE);
            return contents.size();
        } catch (IOException e) {
            throw new GridAuthException(LauncherError.BACKUP_DAMAGED, e, archive, e.getMessage());
        } finally {
            try {
                deleteTree(staging);
            } catch (IOException e) {
                // left for the operator; named .restoring
            }
        }
    }

    /** Refuses when a port of the home's suite answers on loopback: the databases would be copied mid-write. */
    static void refuseWhileRunning(Path home, String what) {
        SuiteSettings settings = SuiteSettings.read(home);
        for (int port : settings.documentedPorts()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                throw new GridAuthException(LauncherError.SUITE_RUNNING, home, port, what);
            } catch (IOException e) {
                // not answering: good
            }
        }
    }

    private byte[] manifest(Path source, Map<String, String> sums) {
        StringBuilder text = new StringBuilder("# gridauth backup manifest\n");
        text.append("format = 1\n");
        text.append("created = ").append(clock.instant()).append('\n');
        text.append("home = ").append(escape(source.toString())).append('\n');
        sums.forEach((name, sum) -> text.append("sha256.").append(escape(name)).append(" = ").append(sum).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=").replace(" ", "\\ ");
    }

    private static List<Path> files(Path source) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(source)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    // H2's lock file and the logs are not state; the lock would stop the restored suite.
                    .filter(p -> !p.getFileName().toString().endsWith(".lock.db") && !source.relativize(p).startsWith("logs"))
                    .sorted().forEach(files::add);
        }
        return files;
    }

    private static int mode(Path file) throws IOException {
        int mode = 0;
        for (PosixFilePermission permission : Files.getPosixFilePermissions(file)) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - permission.ordinal()))) != 0) {
                set.add(permission);
            }
        }
        return set;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
