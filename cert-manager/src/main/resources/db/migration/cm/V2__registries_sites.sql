-- HPCI office registries (R-CM-4), resource sites and the change log of the sites' feed (R-CM-3, R-RS-2).
-- An import replaces a whole registry in one transaction (RegistryImporter); nothing here is edited row by row.
-- References between registries (members -> HPCI-IDs, resources -> projects) are checked by the importer, which
-- names the offending line, rather than by foreign keys, which would only name a constraint.

-- HPCI-ID registry: one row per researcher. status: ACTIVE, SUSPENDED or DELETED.
CREATE TABLE cm_researcher (
    hpci_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    eppn         VARCHAR(256)  NOT NULL UNIQUE,
    given_name   VARCHAR(256)  NOT NULL,
    family_name  VARCHAR(256)  NOT NULL,
    email        VARCHAR(256)  NOT NULL,
    status       VARCHAR(16)   NOT NULL
);

-- Project registry. start_date/end_date as written in the registry (ISO dates, end inclusive); period_start is
-- the first instant of start_date and period_end the first instant after end_date, both in the registry's time
-- zone, as epoch milliseconds: a membership is current while period_start <= now < period_end.
CREATE TABLE cm_project (
    project_id   VARCHAR(64)   NOT NULL PRIMARY KEY,
    name         VARCHAR(256)  NOT NULL,
    vo           VARCHAR(128)  NOT NULL,
    start_date   VARCHAR(10)   NOT NULL,
    end_date     VARCHAR(10)   NOT NULL,
    period_start BIGINT        NOT NULL,
    period_end   BIGINT        NOT NULL
);
CREATE INDEX cm_project_start ON cm_project (period_start);
CREATE INDEX cm_project_end ON cm_project (period_end);

-- Members of a project, with an optional group (path below the VO, '' = the VO itself) and role ('' = none).
CREATE TABLE cm_project_member (
    project_id   VARCHAR(64)   NOT NULL REFERENCES cm_project (project_id),
    hpci_id      VARCHAR(64)   NOT NULL,
    vo_group     VARCHAR(256)  NOT NULL,
    vo_role      VARCHAR(64)   NOT NULL,
    PRIMARY KEY (project_id, hpci_id, vo_group, vo_role)
);
CREATE INDEX cm_project_member_hpci ON cm_project_member (hpci_id);

-- Provided-resource registry: each resource belongs to one site and admits the listed projects.
CREATE TABLE cm_resource (
    resource_id  VARCHAR(64)   NOT NULL PRIMARY KEY,
    site_id      VARCHAR(64)   NOT NULL,
    name         VARCHAR(256)  NOT NULL
);
CREATE INDEX cm_resource_site ON cm_resource (site_id);

CREATE TABLE cm_resource_project (
    resource_id  VARCHAR(64)   NOT NULL REFERENCES cm_resource (resource_id),
    project_id   VARCHAR(64)   NOT NULL,
    PRIMARY KEY (resource_id, project_id)
);
CREATE INDEX cm_resource_project_project ON cm_resource_project (project_id);

-- Resource sites that may read the feed, by the subject DN of their host certificate. host_dn is the DN as
-- registered (OpenSSL slash form); host_dn_key its canonical form (gsi-core GridDn.canonical), which is compared.
CREATE TABLE cm_site (
    site_id        VARCHAR(64)   NOT NULL PRIMARY KEY,
    host_dn        VARCHAR(1024) NOT NULL,
    host_dn_key    VARCHAR(1024) NOT NULL UNIQUE,
    registered_at  BIGINT        NOT NULL,
    registered_by  VARCHAR(1024) NOT NULL
);

-- Researchers whose entries at a site may have changed through a registry import (membership, period, status,
-- resources), numbered from cm_change_counter in the import's transaction, like cm_credential.change_seq.
CREATE TABLE cm_site_change (
    site_id      VARCHAR(64)   NOT NULL,
    seq          BIGINT        NOT NULL,
    hpci_id      VARCHAR(64)   NOT NULL,
    PRIMARY KEY (site_id, seq, hpci_id)
);

-- The feed finds certificates that expired between two reads by their end of validity.
CREATE INDEX cm_credential_not_after ON cm_credential (not_after);
