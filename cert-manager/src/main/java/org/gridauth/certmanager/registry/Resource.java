package org.gridauth.certmanager.registry;

import java.util.List;

/** A provided resource: the site that runs it and the projects whose members may use it. */
public record Resource(String resourceId, String siteId, String name, List<String> projectIds) {

    public Resource {
        projectIds = List.copyOf(projectIds);
    }
}
