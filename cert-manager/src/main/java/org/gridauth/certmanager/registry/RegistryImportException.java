package org.gridauth.certmanager.registry;

import java.util.List;
import java.util.stream.Collectors;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/** A registry import refused as a whole (GA-CM-100); {@link #problems()} lists every problem with its line. */
public final class RegistryImportException extends GridAuthException {

    private static final long serialVersionUID = 1L;
    /** The message lists this many problems; {@link #problems()} has them all. */
    static final int LISTED = 50;

    private final transient List<ImportProblem> problems;

    RegistryImportException(String registries, String sources, List<ImportProblem> problems) {
        super(CertManagerError.REGISTRY_IMPORT_REJECTED, registries, sources, problems.size(), listing(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ImportProblem> problems() {
        return problems;
    }

    static String listing(List<ImportProblem> problems) {
        String listed = problems.stream().limit(LISTED).map(ImportProblem::toString).collect(Collectors.joining("; "));
        return problems.size() > LISTED ? listed + "; and " + (problems.size() - LISTED) + " more" : listed;
    }
}
