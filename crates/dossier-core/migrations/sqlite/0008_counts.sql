-- Offset pages with totals that do not grow with the data (issue 11).
--
-- workspace_counts: how many live cases (kind 1) and alerts (kind 2) a workspace holds per
-- (state, status, severity), kept in the transaction of every write that inserts, deletes or
-- moves a row between buckets. The total of an unfiltered list, or of one filtered on status,
-- state or severity, is a sum over at most a few hundred counter rows. Each bucket is split
-- over 8 slots (the row id modulo 8) so that concurrent writers on PostgreSQL do not all queue
-- on one counter row until they commit.
CREATE TABLE workspace_counts (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         SMALLINT NOT NULL,
    state_id     BIGINT NOT NULL,
    status       SMALLINT NOT NULL,
    severity     SMALLINT NOT NULL,
    slot         SMALLINT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, kind, state_id, status, severity, slot)
);
INSERT INTO workspace_counts (workspace_id, kind, state_id, status, severity, slot, n)
SELECT workspace_id, 1, state_id, status, severity, id % 8, COUNT(*)
FROM cases WHERE deleted_at IS NULL GROUP BY workspace_id, state_id, status, severity, id % 8;
INSERT INTO workspace_counts (workspace_id, kind, state_id, status, severity, slot, n)
SELECT workspace_id, 2, state_id, status, severity, id % 8, COUNT(*)
FROM alerts WHERE deleted_at IS NULL GROUP BY workspace_id, state_id, status, severity, id % 8;

-- Deep offset pages select the ids of a page from an index that covers the filter, the order
-- and the liveness test (deleted_at rides along so SQLite need not read the row), then read the
-- page's rows by id. Partial on live rows, which every list asks for.
DROP INDEX ix_cases_ws_created;
DROP INDEX ix_cases_ws_status_created;
DROP INDEX ix_cases_ws_severity_created;
CREATE INDEX ix_cases_live_created ON cases (workspace_id, created_at, id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_cases_live_status ON cases (workspace_id, status, created_at, id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_cases_live_severity ON cases (workspace_id, severity, created_at, id, deleted_at) WHERE deleted_at IS NULL;
-- Alerts page by number (IRIS sorts by alert id), whole or by state or severity.
DROP INDEX ix_alerts_ws_state;
CREATE INDEX ix_alerts_live_seq ON alerts (workspace_id, seq, id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_alerts_live_state ON alerts (workspace_id, state_id, seq, id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_alerts_live_severity ON alerts (workspace_id, severity, seq, id, deleted_at) WHERE deleted_at IS NULL;
