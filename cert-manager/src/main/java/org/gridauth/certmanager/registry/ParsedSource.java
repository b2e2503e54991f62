package org.gridauth.certmanager.registry;

import java.util.List;

/** What a source yielded: the records it could read and the problems (syntax, columns) it found on the way. */
public record ParsedSource(String description, List<RawRecord> records, List<ImportProblem> problems) {

    public ParsedSource {
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }
}
