package org.gridauth.certmanager.registry;

import java.time.LocalDate;
import java.util.List;

/** A project of the project registry: its VO and period (both dates inclusive) and its members. */
public record Project(String projectId, String name, String vo, LocalDate start, LocalDate end, List<Member> members) {

    public Project {
        members = List.copyOf(members);
    }
}
