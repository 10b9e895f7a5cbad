-- Dossier core schema for SQLite.
-- Keep it logically identical to ../postgres/0001_core.sql: same tables, columns and column
-- order, nullability, defaults, index names and index columns (a test compares both).
-- Conventions:
--   * timestamps are BIGINT epoch microseconds UTC, in columns named *_at (or `at`)
--   * enums are SMALLINT ordinals (crosswalk 2.1), their values in the column comment
--   * json is TEXT, uuid is BLOB (16 bytes), sha-256 is BLOB (32 bytes)
--   * children that belong to one parent cascade on delete (a purge is one DELETE)
--   * indexes are ix_<table>_<what>, unique ones ux_<table>_<what>
-- No semicolons inside comments: some tools split scripts naively.

-- Tenants (IRIS organisation, TC workspace, CISO folder, CB organisation, feed domain). Global.
CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    uuid        BLOB NOT NULL,
    name        TEXT NOT NULL,
    parent_id   BIGINT NULL REFERENCES workspaces(id),
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',             -- json
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_workspaces_uuid ON workspaces (uuid);
CREATE UNIQUE INDEX ux_workspaces_name ON workspaces (lower(name));
CREATE UNIQUE INDEX ux_workspaces_default ON workspaces (is_default) WHERE is_default = TRUE;
CREATE INDEX ix_workspaces_parent ON workspaces (parent_id);

-- Users. Global (no workspace_id), never deleted, only tombstoned.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    uuid                 BLOB NOT NULL,
    login                TEXT NOT NULL,
    email                TEXT NOT NULL,
    name                 TEXT NOT NULL,
    password_hash        TEXT NULL,                              -- argon2 PHC string, NULL = API-key only
    is_active            BOOLEAN NOT NULL DEFAULT TRUE,
    is_superuser         BOOLEAN NOT NULL DEFAULT FALSE,
    is_service_account   BOOLEAN NOT NULL DEFAULT FALSE,
    default_workspace_id BIGINT NULL REFERENCES workspaces(id),
    last_login_at        BIGINT NULL,
    deleted_at           BIGINT NULL,                            -- tombstone, login and email are scrubbed
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_users_uuid ON users (uuid);
CREATE UNIQUE INDEX ux_users_login ON users (lower(login));
CREATE UNIQUE INDEX ux_users_email ON users (lower(email));

-- A user's role in a workspace.
CREATE TABLE memberships (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    role         SMALLINT NOT NULL,                          -- 0 admin, 1 analyst, 2 viewer
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ix_memberships_user ON memberships (user_id, workspace_id);

-- Teams (IRIS groups, CB teams, CISO team owners). seq = IRIS group_id.
CREATE TABLE teams (
    id                INTEGER PRIMARY KEY,
    uuid              BLOB NOT NULL,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    seq               BIGINT NOT NULL,
    name              TEXT NOT NULL,
    description       TEXT NULL,
    permissions       BIGINT NOT NULL DEFAULT 0,                  -- IRIS permission bits, OR-ed into members' flags
    auto_follow       BOOLEAN NOT NULL DEFAULT FALSE,
    auto_follow_level SMALLINT NOT NULL DEFAULT 0,                -- 0, 1 deny_all, 2 read_only, 4 full_access
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    created_by        BIGINT NULL REFERENCES users(id),
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_teams_uuid ON teams (uuid);
CREATE UNIQUE INDEX ux_teams_ws_seq ON teams (workspace_id, seq);
CREATE UNIQUE INDEX ux_teams_ws_name ON teams (workspace_id, lower(name));

CREATE TABLE team_members (
    team_id      BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ix_team_members_user ON team_members (user_id, team_id);

-- API keys and login tokens. Global.
CREATE TABLE credentials (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    workspace_id BIGINT NULL REFERENCES workspaces(id),  -- bound workspace (feed domain key, TC, CB org key)
    kind         SMALLINT NOT NULL,                      -- 0 api_key, 1 login_token
    name         TEXT NULL,
    prefix       TEXT NOT NULL DEFAULT '',               -- first characters of the secret, shown to identify it
    secret_sha   BLOB NOT NULL,                          -- SHA-256 of the whole presented secret
    scopes       TEXT NULL,                              -- canonical scope names, NULL = the user's rights
    rate_tier    TEXT NULL,                              -- CaseBender rate tier name
    flags        INTEGER NOT NULL DEFAULT 0,             -- bit 0: feed claim-on-read
    expires_at   BIGINT NULL,
    last_used_at BIGINT NULL,
    revoked_at   BIGINT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_credentials_uuid ON credentials (uuid);
CREATE UNIQUE INDEX ux_credentials_secret ON credentials (secret_sha);
CREATE INDEX ix_credentials_user ON credentials (user_id);
CREATE INDEX ix_credentials_prefix ON credentials (prefix);
CREATE INDEX ix_credentials_ws ON credentials (workspace_id);

-- Login attempts, for rate limiting shared by replicas.
CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL,                   -- what is rate limited, e.g. login name or client address
    at        BIGINT NOT NULL,
    succeeded BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_login_attempts_key_at ON login_attempts (key, at);
CREATE INDEX ix_login_attempts_at ON login_attempts (at);

-- Detailed case states: cases.status is the row's canonical value.
CREATE TABLE case_states (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NULL REFERENCES workspaces(id),
    code         TEXT NOT NULL,                          -- CB statusValue
    label        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    canonical    SMALLINT NOT NULL,                      -- canonical status ordinal
    color        TEXT NOT NULL DEFAULT '#6B7280',
    protected    BOOLEAN NOT NULL DEFAULT FALSE,         -- CB canDelete = NOT protected
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_case_states_uuid ON case_states (uuid);
CREATE UNIQUE INDEX ux_case_states_ws_code ON case_states (workspace_id, code);
CREATE UNIQUE INDEX ux_case_states_builtin_code ON case_states (code) WHERE workspace_id IS NULL;

-- Detailed alert states: alerts.status is the row's canonical value.
CREATE TABLE alert_states (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NULL REFERENCES workspaces(id),
    code         TEXT NOT NULL,                          -- CB statusValue
    label        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    canonical    SMALLINT NOT NULL,                      -- canonical status ordinal
    color        TEXT NOT NULL DEFAULT '#6B7280',
    protected    BOOLEAN NOT NULL DEFAULT FALSE,         -- CB canDelete = NOT protected
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_alert_states_uuid ON alert_states (uuid);
CREATE UNIQUE INDEX ux_alert_states_ws_code ON alert_states (workspace_id, code);
CREATE UNIQUE INDEX ux_alert_states_builtin_code ON alert_states (code) WHERE workspace_id IS NULL;

CREATE TABLE classifications (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,                          -- <predicate>:<value>
    name_expanded TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    threat_type   TEXT NULL,                              -- feed threat_type, NULL reads insider_threat
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    created_by    BIGINT NULL REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_classifications_uuid ON classifications (uuid);
CREATE UNIQUE INDEX ux_classifications_ws_name ON classifications (workspace_id, name);
CREATE UNIQUE INDEX ux_classifications_builtin_name ON classifications (name) WHERE workspace_id IS NULL;

CREATE TABLE observable_types (
    id               INTEGER PRIMARY KEY,
    uuid             BLOB NOT NULL,
    workspace_id     BIGINT NULL REFERENCES workspaces(id),
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    taxonomy         TEXT NOT NULL DEFAULT '',
    validation_regex TEXT NULL,
    validation_hint  TEXT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       BIGINT NULL REFERENCES users(id),
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_observable_types_uuid ON observable_types (uuid);
CREATE UNIQUE INDEX ux_observable_types_ws_name ON observable_types (workspace_id, name);
CREATE UNIQUE INDEX ux_observable_types_builtin_name ON observable_types (name) WHERE workspace_id IS NULL;

CREATE TABLE asset_types (
    id                   INTEGER PRIMARY KEY,
    uuid                 BLOB NOT NULL,
    workspace_id         BIGINT NULL REFERENCES workspaces(id),
    name                 TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    icon_compromised     TEXT NOT NULL DEFAULT '',
    icon_not_compromised TEXT NOT NULL DEFAULT '',
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    created_by           BIGINT NULL REFERENCES users(id),
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_asset_types_uuid ON asset_types (uuid);
CREATE UNIQUE INDEX ux_asset_types_ws_name ON asset_types (workspace_id, name);
CREATE UNIQUE INDEX ux_asset_types_builtin_name ON asset_types (name) WHERE workspace_id IS NULL;

CREATE TABLE task_statuses (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    color        TEXT NOT NULL DEFAULT '',               -- IRIS bootstrap colour name
    canonical    SMALLINT NOT NULL,                      -- 0 todo, 1 in_progress, 2 on_hold, 3 done, 4 canceled
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_task_statuses_uuid ON task_statuses (uuid);
CREATE UNIQUE INDEX ux_task_statuses_ws_name ON task_statuses (workspace_id, name);
CREATE UNIQUE INDEX ux_task_statuses_builtin_name ON task_statuses (name) WHERE workspace_id IS NULL;

CREATE TABLE analysis_statuses (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_analysis_statuses_uuid ON analysis_statuses (uuid);
CREATE UNIQUE INDEX ux_analysis_statuses_ws_name ON analysis_statuses (workspace_id, name);
CREATE UNIQUE INDEX ux_analysis_statuses_builtin_name ON analysis_statuses (name) WHERE workspace_id IS NULL;

CREATE TABLE event_categories (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_event_categories_uuid ON event_categories (uuid);
CREATE UNIQUE INDEX ux_event_categories_ws_name ON event_categories (workspace_id, name);
CREATE UNIQUE INDEX ux_event_categories_builtin_name ON event_categories (name) WHERE workspace_id IS NULL;

CREATE TABLE evidence_types (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_evidence_types_uuid ON evidence_types (uuid);
CREATE UNIQUE INDEX ux_evidence_types_ws_name ON evidence_types (workspace_id, name);
CREATE UNIQUE INDEX ux_evidence_types_builtin_name ON evidence_types (name) WHERE workspace_id IS NULL;

-- Tags, qualifications, threats, categories. Created on first use, id = CB tag id.
CREATE TABLE terms (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    kind         SMALLINT NOT NULL,                          -- 0 tag, 1 qualification, 2 threat, 3 category, 4 subcategory
    name         TEXT NOT NULL,
    ref_id       TEXT NULL,
    description  TEXT NULL,
    color        TEXT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_terms_uuid ON terms (uuid);
CREATE UNIQUE INDEX ux_terms_ws_kind_name ON terms (workspace_id, kind, lower(name));

-- Custom field definitions. Values live in the entity's `custom` under `key`.
CREATE TABLE custom_field_defs (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NULL REFERENCES workspaces(id),
    entity_kind   SMALLINT NOT NULL,                      -- 0 case, 1 alert, 2 case_asset, 3 case_observable, 4 note, 5 task, 6 evidence, 7 timeline_event, 8 customer
    key           TEXT NOT NULL,                          -- ^[A-Za-z_][A-Za-z0-9_]*$, 1-100 chars
    type          SMALLINT NOT NULL,                      -- 0 text, 1 integer, 2 decimal, 3 numeric, 4 boolean, 5 timestamp, 6 timestamptz, 7 date, 8 json, 9 uuid, 10 select, 11 multi_select
    nullable      BOOLEAN NOT NULL DEFAULT TRUE,
    default_value TEXT NULL,                              -- json, crosswalk `default` (a reserved word)
    options       TEXT NULL,                              -- json
    is_index      BOOLEAN NOT NULL DEFAULT FALSE,
    section       TEXT NULL,
    label         TEXT NULL,
    mandatory     BOOLEAN NOT NULL DEFAULT FALSE,
    reserved      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    created_by    BIGINT NULL REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_custom_field_defs_uuid ON custom_field_defs (uuid);
CREATE UNIQUE INDEX ux_custom_field_defs_ws_key ON custom_field_defs (workspace_id, entity_kind, key);
CREATE UNIQUE INDEX ux_custom_field_defs_builtin_key ON custom_field_defs (entity_kind, key) WHERE workspace_id IS NULL;

-- Customers (IRIS clients, CB clients, CISO entities). seq = IRIS customer_id.
CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NULL,
    sla          TEXT NULL,
    custom       TEXT NOT NULL DEFAULT '{}',                 -- json
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_customers_uuid ON customers (uuid);
CREATE UNIQUE INDEX ux_customers_ws_seq ON customers (workspace_id, seq);
CREATE UNIQUE INDEX ux_customers_ws_name ON customers (workspace_id, lower(name));

CREATE TABLE customer_members (
    customer_id  BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    level        SMALLINT NOT NULL,                                   -- 1 deny_all, 2 read_only, 4 full_access
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (customer_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ix_customer_members_user ON customer_members (user_id, customer_id);

-- Cases. seq = IRIS case_id, TC short_id, CB tinyId.
CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    uuid              BLOB NOT NULL,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    seq               BIGINT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NULL,
    state_id          BIGINT NOT NULL REFERENCES case_states(id),
    status            SMALLINT NOT NULL DEFAULT 1,                 -- canonical of state_id (1 new)
    severity          SMALLINT NOT NULL DEFAULT 3,                 -- 3 medium
    priority          SMALLINT NOT NULL DEFAULT 0,                 -- 0 unknown
    resolution        SMALLINT NULL,
    review_status     SMALLINT NOT NULL DEFAULT 1,                 -- IRIS 1-5
    tlp               SMALLINT NOT NULL DEFAULT 2,                 -- 0 clear .. 4 red, default 2 amber
    pap               SMALLINT NOT NULL DEFAULT 2,                 -- 0 clear .. 3 red, default 2 amber
    classification_id BIGINT NULL REFERENCES classifications(id),
    customer_id       BIGINT NULL REFERENCES customers(id),
    owner_id          BIGINT NULL REFERENCES users(id),            -- cache of case_owners position 0 user
    reviewer_id       BIGINT NULL REFERENCES users(id),
    external_ref      TEXT NULL,                                   -- IRIS case_soc_id, CISO ref_id
    external_link     TEXT NULL,
    detection         SMALLINT NULL,                               -- 0 internal, 1 external, 2 blank
    is_published      BOOLEAN NOT NULL DEFAULT TRUE,
    reported_at       BIGINT NOT NULL,                             -- defaults to created_at (set by the core)
    occurred_at       BIGINT NULL,
    resolved_at       BIGINT NULL,
    closed_at         BIGINT NULL,
    closing_note      TEXT NULL,
    tags_raw          TEXT NULL,                                   -- last raw IRIS tag string
    flagged           BOOLEAN NULL,
    visible_to_all    BOOLEAN NOT NULL DEFAULT FALSE,
    sla               TEXT NULL,                                   -- json
    sla_due_at        BIGINT NULL,
    template_id       BIGINT NULL,                                 -- template applied at creation, no FK (history, and breaks the cases/templates/files cycle)
    custom            TEXT NOT NULL DEFAULT '{}',                  -- json
    enrichment        TEXT NULL,                                   -- json
    deleted_at        BIGINT NULL,                                 -- tombstone
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    created_by        BIGINT NULL REFERENCES users(id),
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_cases_uuid ON cases (uuid);
CREATE UNIQUE INDEX ux_cases_ws_seq ON cases (workspace_id, seq);
CREATE INDEX ix_cases_ws_created ON cases (workspace_id, created_at, id);
CREATE INDEX ix_cases_ws_updated ON cases (workspace_id, updated_at, id);
CREATE INDEX ix_cases_ws_status_created ON cases (workspace_id, status, created_at, id);
CREATE INDEX ix_cases_ws_severity_created ON cases (workspace_id, severity, created_at, id);
CREATE INDEX ix_cases_ws_priority_created ON cases (workspace_id, priority, created_at, id);
CREATE INDEX ix_cases_ws_owner_created ON cases (workspace_id, owner_id, created_at, id);
CREATE INDEX ix_cases_ws_state ON cases (workspace_id, state_id);
CREATE INDEX ix_cases_ws_reported ON cases (workspace_id, reported_at, id);
CREATE INDEX ix_cases_ws_closed ON cases (workspace_id, closed_at);
CREATE INDEX ix_cases_ws_customer ON cases (workspace_id, customer_id);
CREATE INDEX ix_cases_ws_classification ON cases (workspace_id, classification_id);
CREATE INDEX ix_cases_ws_reviewer ON cases (workspace_id, reviewer_id);
CREATE INDEX ix_cases_ws_external_ref ON cases (workspace_id, external_ref);
CREATE INDEX ix_cases_ws_sla_due ON cases (workspace_id, sla_due_at);
CREATE INDEX ix_cases_deleted ON cases (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE case_access (
    case_id        BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    principal_kind SMALLINT NOT NULL,                                 -- 0 user, 1 team
    principal_id   BIGINT NOT NULL,                                   -- users.id or teams.id
    workspace_id   BIGINT NOT NULL REFERENCES workspaces(id),
    level          SMALLINT NOT NULL,                                 -- 1 deny_all, 2 read_only, 4 full_access
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (case_id, principal_kind, principal_id)
) WITHOUT ROWID;
CREATE INDEX ix_case_access_principal ON case_access (principal_kind, principal_id, case_id);

-- Ordered owners, exactly one of user_id / team_id. Position 0 user = the assignee.
CREATE TABLE case_owners (
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    user_id      BIGINT NULL REFERENCES users(id),
    team_id      BIGINT NULL REFERENCES teams(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (case_id, position)
) WITHOUT ROWID;
CREATE INDEX ix_case_owners_user ON case_owners (user_id, case_id);
CREATE INDEX ix_case_owners_team ON case_owners (team_id, case_id);

-- People in a case (IRIS protagonists, feed subject).
CREATE TABLE case_persons (
    case_id       BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    role          TEXT NOT NULL,                                      -- IRIS protagonist role, `subject` for the feed
    name          TEXT NULL,
    contact       TEXT NULL,
    contact_lower TEXT NULL,
    user_id       BIGINT NULL REFERENCES users(id),
    person_ref    BLOB NULL,                                          -- feed tuid
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (case_id, position)
) WITHOUT ROWID;
CREATE INDEX ix_case_persons_ws_contact ON case_persons (workspace_id, role, contact_lower);
CREATE INDEX ix_case_persons_ws_person_ref ON case_persons (workspace_id, person_ref);

CREATE TABLE case_terms (
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    term_id      BIGINT NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    position     INTEGER NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (case_id, term_id)
) WITHOUT ROWID;
CREATE INDEX ix_case_terms_term ON case_terms (term_id, case_id);

CREATE TABLE case_shares (
    case_id             BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    shared_workspace_id BIGINT NOT NULL REFERENCES workspaces(id),    -- workspace the case is shared with (CB organizations)
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    created_at          BIGINT NOT NULL,
    PRIMARY KEY (case_id, shared_workspace_id)
) WITHOUT ROWID;
CREATE INDEX ix_case_shares_shared ON case_shares (shared_workspace_id, case_id);

-- Alerts. seq = IRIS alert_id, CB tinyId (own sequence).
CREATE TABLE alerts (
    id                INTEGER PRIMARY KEY,
    uuid              BLOB NOT NULL,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    seq               BIGINT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    state_id          BIGINT NOT NULL REFERENCES alert_states(id),
    status            SMALLINT NOT NULL DEFAULT 1,                    -- canonical of state_id (1 new)
    severity          SMALLINT NOT NULL DEFAULT 3,                    -- 3 medium
    resolution        SMALLINT NULL,
    source            TEXT NULL,
    source_ref        TEXT NULL,
    dedup_key         BLOB NULL,                                      -- SHA-256(source 0x1F source_ref), NULL = no dedup
    occurrences       INTEGER NOT NULL DEFAULT 1,
    first_seen_at     BIGINT NOT NULL,
    last_seen_at      BIGINT NOT NULL,
    source_link       TEXT NULL,
    type              TEXT NULL,                                      -- CB type
    kind              TEXT NOT NULL DEFAULT 'threat',                 -- feed kind
    signal_type       TEXT NULL,
    event_time        BIGINT NULL,
    subject_name      TEXT NULL,
    subject_email     TEXT NULL,
    owner_id          BIGINT NULL REFERENCES users(id),               -- cache of alert_owners position 0 user
    customer_id       BIGINT NULL REFERENCES customers(id),
    classification_id BIGINT NULL REFERENCES classifications(id),
    tlp               SMALLINT NULL,
    pap               SMALLINT NULL,                                  -- 0..4 (CB alert PAP 4 kept)
    note              TEXT NULL,
    tags_raw          TEXT NULL,                                      -- last raw IRIS tag string
    source_content    TEXT NULL,                                      -- json
    context           TEXT NULL,                                      -- json
    custom            TEXT NOT NULL DEFAULT '{}',                     -- json
    enrichment        TEXT NULL,                                      -- json
    primary_alert_id  BIGINT NULL REFERENCES alerts(id) ON DELETE SET NULL,
    visible_to_all    BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at        BIGINT NULL,                                    -- tombstone
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    created_by        BIGINT NULL REFERENCES users(id),
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_alerts_uuid ON alerts (uuid);
CREATE UNIQUE INDEX ux_alerts_ws_seq ON alerts (workspace_id, seq);
CREATE INDEX ix_alerts_ws_created ON alerts (workspace_id, created_at, id);
CREATE INDEX ix_alerts_ws_updated ON alerts (workspace_id, updated_at, id);
CREATE INDEX ix_alerts_ws_status_created ON alerts (workspace_id, status, created_at, id);
CREATE INDEX ix_alerts_ws_severity_created ON alerts (workspace_id, severity, created_at, id);
CREATE INDEX ix_alerts_ws_state ON alerts (workspace_id, state_id);
CREATE INDEX ix_alerts_ws_resolution ON alerts (workspace_id, resolution);
CREATE INDEX ix_alerts_ws_event_time ON alerts (workspace_id, event_time);
CREATE INDEX ix_alerts_ws_source ON alerts (workspace_id, source);
CREATE INDEX ix_alerts_ws_source_ref ON alerts (workspace_id, source_ref);
CREATE INDEX ix_alerts_ws_owner ON alerts (workspace_id, owner_id);
CREATE INDEX ix_alerts_ws_customer ON alerts (workspace_id, customer_id);
CREATE INDEX ix_alerts_ws_classification ON alerts (workspace_id, classification_id);
CREATE UNIQUE INDEX ux_alerts_ws_dedup ON alerts (workspace_id, dedup_key) WHERE deleted_at IS NULL;
CREATE INDEX ix_alerts_primary ON alerts (primary_alert_id) WHERE primary_alert_id IS NOT NULL;
CREATE INDEX ix_alerts_deleted ON alerts (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE alert_owners (
    alert_id     BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    user_id      BIGINT NULL REFERENCES users(id),
    team_id      BIGINT NULL REFERENCES teams(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (alert_id, position)
) WITHOUT ROWID;
CREATE INDEX ix_alert_owners_user ON alert_owners (user_id, alert_id);
CREATE INDEX ix_alert_owners_team ON alert_owners (team_id, alert_id);

CREATE TABLE alert_terms (
    alert_id     BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    term_id      BIGINT NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    position     INTEGER NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (alert_id, term_id)
) WITHOUT ROWID;
CREATE INDEX ix_alert_terms_term ON alert_terms (term_id, alert_id);

CREATE TABLE alert_shares (
    alert_id            BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    shared_workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    created_at          BIGINT NOT NULL,
    PRIMARY KEY (alert_id, shared_workspace_id)
) WITHOUT ROWID;
CREATE INDEX ix_alert_shares_shared ON alert_shares (shared_workspace_id, alert_id);

CREATE TABLE case_alerts (
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    alert_id     BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    linked_at    BIGINT NOT NULL,
    how          SMALLINT NOT NULL,                                   -- 0 merge, 1 escalate, 2 create_case, 3 ingest
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (case_id, alert_id)
) WITHOUT ROWID;
CREATE INDEX ix_case_alerts_alert ON case_alerts (alert_id, case_id);

-- Observable identity (value, type) per workspace. Attributes live on the links.
CREATE TABLE observables (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    type_id       BIGINT NOT NULL REFERENCES observable_types(id),
    value         TEXT NOT NULL,                                    -- exact, case-sensitive
    value_sha     BLOB NOT NULL,                                    -- SHA-256 of value
    first_seen_at BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    created_by    BIGINT NULL REFERENCES users(id)
);
CREATE UNIQUE INDEX ux_observables_uuid ON observables (uuid);
CREATE UNIQUE INDEX ux_observables_ws_type_sha ON observables (workspace_id, type_id, value_sha);

-- What a case says about an observable. seq = IRIS ioc_id.
CREATE TABLE case_observables (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    seq           BIGINT NOT NULL,
    case_id       BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    observable_id BIGINT NOT NULL REFERENCES observables(id),
    tlp           SMALLINT NOT NULL DEFAULT 2,
    description   TEXT NULL,
    tags_raw      TEXT NULL,                                          -- last raw IRIS tag string
    custom        TEXT NOT NULL DEFAULT '{}',                         -- json
    enrichment    TEXT NULL,                                          -- json
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    created_by    BIGINT NULL REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_case_observables_uuid ON case_observables (uuid);
CREATE UNIQUE INDEX ux_case_observables_ws_seq ON case_observables (workspace_id, seq);
CREATE UNIQUE INDEX ux_case_observables_case_obs ON case_observables (case_id, observable_id);
CREATE INDEX ix_case_observables_observable ON case_observables (observable_id);

-- Asset inventory identity per workspace (CISO asset ids).
CREATE TABLE assets (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    type_id      BIGINT NOT NULL REFERENCES asset_types(id),
    name         TEXT NOT NULL,
    name_lower   TEXT NOT NULL,
    description  TEXT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_assets_uuid ON assets (uuid);
CREATE UNIQUE INDEX ux_assets_ws_type_name ON assets (workspace_id, type_id, name_lower);
CREATE INDEX ix_assets_ws_name ON assets (workspace_id, name_lower);

-- An asset in a case. seq = IRIS asset_id.
CREATE TABLE case_assets (
    id                 INTEGER PRIMARY KEY,
    uuid               BLOB NOT NULL,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    seq                BIGINT NOT NULL,
    case_id            BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    asset_id           BIGINT NOT NULL REFERENCES assets(id),
    description        TEXT NULL,
    domain             TEXT NULL,
    ip                 TEXT NULL,
    info               TEXT NULL,
    tags_raw           TEXT NULL,                                     -- last raw IRIS tag string
    compromise_status  SMALLINT NOT NULL DEFAULT 0,                   -- IRIS 0-3
    analysis_status_id BIGINT NOT NULL DEFAULT 1 REFERENCES analysis_statuses(id),
    custom             TEXT NOT NULL DEFAULT '{}',                    -- json
    enrichment         TEXT NULL,                                     -- json
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    created_by         BIGINT NULL REFERENCES users(id),
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_case_assets_uuid ON case_assets (uuid);
CREATE UNIQUE INDEX ux_case_assets_ws_seq ON case_assets (workspace_id, seq);
CREATE UNIQUE INDEX ux_case_assets_case_asset ON case_assets (case_id, asset_id);
CREATE INDEX ix_case_assets_asset ON case_assets (asset_id);

CREATE TABLE case_asset_observables (
    case_asset_id      BIGINT NOT NULL REFERENCES case_assets(id) ON DELETE CASCADE,
    case_observable_id BIGINT NOT NULL REFERENCES case_observables(id) ON DELETE CASCADE,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (case_asset_id, case_observable_id)
) WITHOUT ROWID;
CREATE INDEX ix_case_asset_observables_observable ON case_asset_observables (case_observable_id, case_asset_id);

-- Content-addressed blobs per workspace (content in the blob store).
CREATE TABLE blobs (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    sha          BLOB NOT NULL,                                     -- SHA-256 of the content
    size         BIGINT NOT NULL,
    mime         TEXT NOT NULL DEFAULT 'application/octet-stream',
    storage_key  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id)
);
CREATE UNIQUE INDEX ux_blobs_uuid ON blobs (uuid);
CREATE UNIQUE INDEX ux_blobs_ws_sha ON blobs (workspace_id, sha);

-- IRIS datastore folders.
CREATE TABLE folders (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    parent_id    BIGINT NULL REFERENCES folders(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    is_root      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_folders_uuid ON folders (uuid);
CREATE UNIQUE INDEX ux_folders_ws_seq ON folders (workspace_id, seq);
CREATE INDEX ix_folders_case ON folders (case_id);
CREATE INDEX ix_folders_parent ON folders (parent_id);

-- Files (IRIS datastore files, CB attachments).
CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    seq           BIGINT NOT NULL,
    case_id       BIGINT NULL REFERENCES cases(id) ON DELETE CASCADE,
    alert_id      BIGINT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    folder_id     BIGINT NULL REFERENCES folders(id) ON DELETE CASCADE,
    blob_id       BIGINT NOT NULL REFERENCES blobs(id),
    original_name TEXT NOT NULL,
    description   TEXT NULL,
    password      TEXT NULL,
    tags_raw      TEXT NULL,                                          -- last raw IRIS tag string
    is_ioc        BOOLEAN NOT NULL DEFAULT FALSE,
    is_evidence   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    created_by    BIGINT NULL REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_files_uuid ON files (uuid);
CREATE UNIQUE INDEX ux_files_ws_seq ON files (workspace_id, seq);
CREATE INDEX ix_files_case ON files (case_id);
CREATE INDEX ix_files_alert ON files (alert_id) WHERE alert_id IS NOT NULL;
CREATE INDEX ix_files_folder ON files (folder_id);
CREATE INDEX ix_files_blob ON files (blob_id);

-- What an alert says about an observable (CB observable id = uuid).
CREATE TABLE alert_observables (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    alert_id      BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    observable_id BIGINT NOT NULL REFERENCES observables(id),
    tlp           SMALLINT NULL,
    description   TEXT NULL,
    tags_raw      TEXT NULL,                                          -- last raw IRIS tag string
    file_id       BIGINT NULL REFERENCES files(id) ON DELETE SET NULL, -- CB attachment
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    created_by    BIGINT NULL REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_alert_observables_uuid ON alert_observables (uuid);
CREATE UNIQUE INDEX ux_alert_observables_alert_obs ON alert_observables (alert_id, observable_id);
CREATE INDEX ix_alert_observables_observable ON alert_observables (observable_id);
CREATE INDEX ix_alert_observables_file ON alert_observables (file_id) WHERE file_id IS NOT NULL;

-- An asset in an alert (IRIS alert_assets).
CREATE TABLE alert_assets (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    alert_id     BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    asset_id     BIGINT NOT NULL REFERENCES assets(id),
    description  TEXT NULL,
    domain       TEXT NULL,
    ip           TEXT NULL,
    info         TEXT NULL,
    tags_raw     TEXT NULL,                                           -- last raw IRIS tag string
    enrichment   TEXT NULL,                                           -- json
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_alert_assets_uuid ON alert_assets (uuid);
CREATE INDEX ix_alert_assets_alert ON alert_assets (alert_id, asset_id);
CREATE INDEX ix_alert_assets_asset ON alert_assets (asset_id);

-- Case tasks and global tasks. seq = IRIS task id.
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    case_id      BIGINT NULL REFERENCES cases(id) ON DELETE CASCADE,  -- NULL = global task
    title        TEXT NOT NULL,
    description  TEXT NULL,
    status_id    BIGINT NOT NULL DEFAULT 1 REFERENCES task_statuses(id),
    tags_raw     TEXT NULL,                                           -- last raw IRIS tag string
    due_at       BIGINT NULL,
    mandatory    BOOLEAN NOT NULL DEFAULT FALSE,
    flagged      BOOLEAN NOT NULL DEFAULT FALSE,
    closed_at    BIGINT NULL,
    closed_by    BIGINT NULL REFERENCES users(id),
    updated_by   BIGINT NULL REFERENCES users(id),
    custom       TEXT NOT NULL DEFAULT '{}',                          -- json
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_tasks_uuid ON tasks (uuid);
CREATE UNIQUE INDEX ux_tasks_ws_seq ON tasks (workspace_id, seq);
CREATE INDEX ix_tasks_case ON tasks (case_id, seq);
CREATE INDEX ix_tasks_ws_global ON tasks (workspace_id, seq) WHERE case_id IS NULL;
CREATE INDEX ix_tasks_ws_status ON tasks (workspace_id, status_id);
CREATE INDEX ix_tasks_ws_due ON tasks (workspace_id, due_at);

CREATE TABLE task_assignees (
    task_id      BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (task_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ix_task_assignees_user ON task_assignees (user_id, task_id);

-- IRIS note directories (same case, acyclic: checked by the core).
CREATE TABLE note_directories (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    parent_id    BIGINT NULL REFERENCES note_directories(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_note_directories_uuid ON note_directories (uuid);
CREATE UNIQUE INDEX ux_note_directories_ws_seq ON note_directories (workspace_id, seq);
CREATE INDEX ix_note_directories_case ON note_directories (case_id, name);
CREATE INDEX ix_note_directories_parent ON note_directories (parent_id);

-- Notes. seq = IRIS note_id.
CREATE TABLE notes (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    directory_id BIGINT NOT NULL REFERENCES note_directories(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL DEFAULT '',
    revision     INTEGER NOT NULL DEFAULT 1,
    updated_by   BIGINT NULL REFERENCES users(id),
    custom       TEXT NOT NULL DEFAULT '{}',                          -- json
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_notes_uuid ON notes (uuid);
CREATE UNIQUE INDEX ux_notes_ws_seq ON notes (workspace_id, seq);
CREATE INDEX ix_notes_case ON notes (case_id, seq);
CREATE INDEX ix_notes_directory ON notes (directory_id);

-- Previous versions of a note's title and content.
CREATE TABLE note_revisions (
    note_id      BIGINT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    author_id    BIGINT NULL REFERENCES users(id),
    at           BIGINT NOT NULL,
    PRIMARY KEY (note_id, revision)
);

-- Evidence records (IRIS evidences, CISO evidence ids).
CREATE TABLE evidences (
    id               INTEGER PRIMARY KEY,
    uuid             BLOB NOT NULL,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    seq              BIGINT NOT NULL,
    case_id          BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    filename         TEXT NOT NULL,
    description      TEXT NULL,
    size             BIGINT NULL,
    hash             TEXT NULL,
    type_id          BIGINT NULL REFERENCES evidence_types(id),
    acquired_at      BIGINT NULL,
    start_at         BIGINT NULL,
    end_at           BIGINT NULL,
    chain_of_custody TEXT NULL,                                       -- json
    file_id          BIGINT NULL REFERENCES files(id) ON DELETE SET NULL,
    custom           TEXT NOT NULL DEFAULT '{}',                      -- json
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    created_by       BIGINT NULL REFERENCES users(id),
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_evidences_uuid ON evidences (uuid);
CREATE UNIQUE INDEX ux_evidences_ws_seq ON evidences (workspace_id, seq);
CREATE INDEX ix_evidences_case ON evidences (case_id, seq);
CREATE INDEX ix_evidences_file ON evidences (file_id) WHERE file_id IS NOT NULL;

-- Timeline events (IRIS events, CISO entries, verdicts, automatic entries).
CREATE TABLE timeline_events (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    content      TEXT NULL,
    raw          TEXT NULL,
    source       TEXT NULL,
    occurred_at  BIGINT NOT NULL,
    tz           TEXT NOT NULL DEFAULT '+00:00',
    category_id  BIGINT NOT NULL DEFAULT 1 REFERENCES event_categories(id),
    entry_type   SMALLINT NOT NULL DEFAULT 0,                         -- 0 observation, 1 detection, 2 mitigation, 3 status_changed, 4 severity_changed
    is_system    BOOLEAN NOT NULL DEFAULT FALSE,
    detail       TEXT NULL,                                           -- json: old/new of automatic entries
    color        TEXT NOT NULL DEFAULT '',
    tags_raw     TEXT NULL,                                           -- last raw IRIS tag string
    in_summary   BOOLEAN NOT NULL DEFAULT FALSE,
    in_graph     BOOLEAN NOT NULL DEFAULT TRUE,
    flagged      BOOLEAN NOT NULL DEFAULT FALSE,
    is_published BOOLEAN NOT NULL DEFAULT TRUE,
    parent_id    BIGINT NULL REFERENCES timeline_events(id) ON DELETE SET NULL,
    author_id    BIGINT NULL REFERENCES users(id),
    custom       TEXT NOT NULL DEFAULT '{}',                          -- json
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_timeline_events_uuid ON timeline_events (uuid);
CREATE UNIQUE INDEX ux_timeline_events_ws_seq ON timeline_events (workspace_id, seq);
CREATE INDEX ix_timeline_events_case_occurred ON timeline_events (case_id, occurred_at, id);
CREATE INDEX ix_timeline_events_parent ON timeline_events (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE timeline_event_assets (
    event_id      BIGINT NOT NULL REFERENCES timeline_events(id) ON DELETE CASCADE,
    case_asset_id BIGINT NOT NULL REFERENCES case_assets(id) ON DELETE CASCADE,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (event_id, case_asset_id)
) WITHOUT ROWID;
CREATE INDEX ix_timeline_event_assets_asset ON timeline_event_assets (case_asset_id, event_id);

CREATE TABLE timeline_event_observables (
    event_id           BIGINT NOT NULL REFERENCES timeline_events(id) ON DELETE CASCADE,
    case_observable_id BIGINT NOT NULL REFERENCES case_observables(id) ON DELETE CASCADE,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (event_id, case_observable_id)
) WITHOUT ROWID;
CREATE INDEX ix_timeline_event_observables_observable ON timeline_event_observables (case_observable_id, event_id);

CREATE TABLE timeline_event_evidences (
    event_id     BIGINT NOT NULL REFERENCES timeline_events(id) ON DELETE CASCADE,
    evidence_id  BIGINT NOT NULL REFERENCES evidences(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (event_id, evidence_id)
) WITHOUT ROWID;
CREATE INDEX ix_timeline_event_evidences_evidence ON timeline_event_evidences (evidence_id, event_id);

-- Comments on any object. seq = IRIS comment_id.
CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    case_id      BIGINT NULL REFERENCES cases(id) ON DELETE CASCADE,
    alert_id     BIGINT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    target_kind  SMALLINT NOT NULL,                                   -- 0 case, 1 alert, 2 case_asset, 3 case_observable, 4 note, 5 task, 6 evidence, 7 timeline_event
    target_id    BIGINT NOT NULL,                                     -- id in the target_kind's table
    parent_id    BIGINT NULL REFERENCES comments(id) ON DELETE CASCADE,
    author_id    BIGINT NULL REFERENCES users(id),                    -- NULL = system
    content      TEXT NOT NULL,
    edited_at    BIGINT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_comments_uuid ON comments (uuid);
CREATE UNIQUE INDEX ux_comments_ws_seq ON comments (workspace_id, seq);
CREATE INDEX ix_comments_target ON comments (target_kind, target_id, created_at);
CREATE INDEX ix_comments_case ON comments (case_id);
CREATE INDEX ix_comments_alert ON comments (alert_id) WHERE alert_id IS NOT NULL;
CREATE INDEX ix_comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

-- Audit log (append-only). id is monotonic.
CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,
    uuid          BLOB NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    case_id       BIGINT NULL,                                -- no FK: the audit trail outlives the case
    at            BIGINT NOT NULL,
    actor_user_id BIGINT NULL REFERENCES users(id),
    credential_id BIGINT NULL,                                -- no FK: outlives expired credentials
    via           TEXT NOT NULL,                              -- API name
    request_id    TEXT NULL,
    object_kind   TEXT NOT NULL,
    object_id     BIGINT NULL,
    object_uuid   BLOB NULL,
    action        TEXT NOT NULL,
    field         TEXT NULL,
    old           TEXT NULL,                                  -- json
    new           TEXT NULL,                                  -- json
    message       TEXT NULL,
    user_input    BOOLEAN NOT NULL DEFAULT FALSE,
    display_in_ui BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX ux_activities_uuid ON activities (uuid);
CREATE INDEX ix_activities_case_kind ON activities (case_id, object_kind, id);
CREATE INDEX ix_activities_object ON activities (object_kind, object_id, id);
CREATE INDEX ix_activities_ws_at ON activities (workspace_id, at);

-- Case and report templates.
CREATE TABLE templates (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    kind         SMALLINT NOT NULL,                          -- 0 case, 1 report
    name         TEXT NOT NULL,
    display_name TEXT NULL,
    description  TEXT NULL,
    body         TEXT NOT NULL DEFAULT '{}',                 -- json
    file_id      BIGINT NULL REFERENCES files(id),
    report_type  TEXT NULL,
    language     TEXT NULL,
    name_format  TEXT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    created_by   BIGINT NULL REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_templates_uuid ON templates (uuid);
CREATE UNIQUE INDEX ux_templates_ws_seq ON templates (workspace_id, seq);
CREATE INDEX ix_templates_ws_kind_name ON templates (workspace_id, kind, name);

-- Allocates every seq: UPDATE ... SET next = next + n RETURNING next.
CREATE TABLE workspace_counters (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    kind         TEXT NOT NULL,
    next         BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, kind)
) WITHOUT ROWID;

-- History of a case's summary (description).
CREATE TABLE case_summary_versions (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL,
    author_id    BIGINT NULL REFERENCES users(id),
    at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_case_summary_versions_case_version ON case_summary_versions (case_id, version);

-- Full-text search documents. The store keeps the FTS indexes in sync.
CREATE TABLE search_docs (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    kind         TEXT NOT NULL,                              -- case | alert | observable | note | ...
    object_id    BIGINT NOT NULL,
    case_id      BIGINT NULL,                                -- no FK: the store removes docs (and FTS rows) itself
    title        TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_search_docs_kind_obj ON search_docs (kind, object_id);
CREATE INDEX ix_search_docs_ws ON search_docs (workspace_id, kind);
CREATE INDEX ix_search_docs_case ON search_docs (case_id) WHERE case_id IS NOT NULL;
-- External-content FTS5 indexes over search_docs (rowid = search_docs.id). No
-- triggers: the store inserts/deletes FTS rows in the same transaction.
CREATE VIRTUAL TABLE search_docs_fts USING fts5(title, body, content='search_docs', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE search_docs_tri USING fts5(title, body, content='search_docs', content_rowid='id', tokenize='trigram');
