package org.gridauth.gsi.trust;

import java.util.List;

/**
 * The outcome of validating a chain.
 *
 * @param valid    whether the chain is acceptable
 * @param problems why not, most important first; empty when valid
 */
public record ChainValidation(boolean valid, List<ValidationProblem> problems) {

    public ChainValidation {
        problems = List.copyOf(problems);
    }

    public boolean has(ValidationProblem.Reason reason) {
        return problems.stream().anyMatch(p -> p.reason() == reason);
    }
}
