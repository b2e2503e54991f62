package org.gridauth.certmanager.registry;

import java.nio.file.Path;
import java.util.Locale;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Where a registry comes from: a CSV or JSON file, or a query against a JDBC source. A source reports every
 * syntax problem with its line rather than stopping at the first one.
 */
public interface RegistrySource {

    /** Names the source in messages and audit records; never contains a password. */
    String description();

    /**
     * Reads the records of one registry.
     *
     * @throws GridAuthException GA-CM-101 if the source cannot be read at all (missing file, database down)
     */
    ParsedSource read(RegistryKind kind);

    /** A file source chosen by the name's extension: {@code .csv} or {@code .json}. */
    static RegistrySource file(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return new CsvRegistrySource(path);
        }
        if (name.endsWith(".json")) {
            return new JsonRegistrySource(path);
        }
        throw new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, path, "the file name must end in .csv or .json");
    }
}
