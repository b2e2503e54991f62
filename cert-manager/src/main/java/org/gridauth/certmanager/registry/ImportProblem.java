package org.gridauth.certmanager.registry;

/**
 * One thing wrong with a registry import: where (source and line; line 0 for the source as a whole or for data
 * already in the certificate manager) and what.
 */
public record ImportProblem(String source, int line, String message) implements Comparable<ImportProblem> {

    @Override
    public String toString() {
        return line > 0 ? source + " line " + line + ": " + message : source + ": " + message;
    }

    @Override
    public int compareTo(ImportProblem other) {
        int bySource = source.compareTo(other.source);
        return bySource != 0 ? bySource : Integer.compare(line, other.line);
    }
}
