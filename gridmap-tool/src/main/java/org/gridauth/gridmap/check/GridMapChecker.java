package org.gridauth.gridmap.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.gridauth.gridmap.GridmapError;
import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.gridmap.GridMapEntry;
import org.gridauth.gsi.gridmap.GridMapFile;
import org.gridauth.gsi.trust.NamespacePolicy;

/**
 * {@code gridmap check}: every problem of a grid-mapfile, each with its line — lines Globus cannot read, DNs listed
 * twice (Globus uses only the first), and DNs that no CA of the trust directory may issue (their namespaces), which
 * can never log in. Returns all problems; an empty list means the file is good.
 */
public final class GridMapChecker {

    /** One problem. */
    public record Problem(int line, String message) {
    }

    public List<Problem> check(Path gridMapfile, Optional<Path> trustDir) {
        String text;
        try {
            text = Files.readString(gridMapfile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.GRIDMAP_UNREADABLE, gridMapfile, e.getMessage());
        }
        List<NamespacePolicy> namespaces = trustDir.map(GridMapChecker::namespaces).orElse(List.of());
        List<Problem> problems = new ArrayList<>();
        Map<GridDn, Integer> seen = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i];
            if (line.strip().isEmpty() || line.strip().startsWith("#")) {
                continue;
            }
            GridMapEntry entry;
            try {
                entry = GridMapFile.parse(line, gridMapfile.toString()).entries().get(0);
            } catch (GridMapFile.MalformedLine e) {
                problems.add(new Problem(number, e.getMessage().replace(gridMapfile + " line 1: ", "")));
                continue;
            }
            GridDn dn;
            try {
                dn = GridDn.fromOpenSsl(entry.dn());
            } catch (GridAuthException e) {
                problems.add(new Problem(number, "\"" + entry.dn() + "\" is not a valid DN"));
                continue;
            }
            Integer first = seen.putIfAbsent(dn, number);
            if (first != null) {
                problems.add(new Problem(number, entry.dn() + " is already mapped on line " + first + "; Globus ignores this line"));
            }
            if (trustDir.isPresent() && namespaces.stream().noneMatch(n -> n.permits(dn))) {
                problems.add(new Problem(number, entry.dn() + " cannot be issued by any CA of " + trustDir.get()));
            }
        }
        return problems;
    }

    private static List<NamespacePolicy> namespaces(Path dir) {
        List<NamespacePolicy> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{8}\\.signing_policy")).sorted().toList()) {
                try {
                    out.add(NamespacePolicy.parseSigningPolicy(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
                } catch (GridAuthException e) {
                    // a CA whose policy cannot be read admits nobody, as in Globus
                }
            }
        } catch (IOException e) {
            throw new GridAuthException(GridmapError.TRUST_DIRECTORY_UNUSABLE, dir, e.getMessage());
        }
        return out;
    }
}
