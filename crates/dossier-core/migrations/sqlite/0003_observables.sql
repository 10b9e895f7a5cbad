-- Observables and assets (issue 4). Same statements on both backends.
-- The IOC flag lives on the links: one case may call a value an IOC, another only context.
ALTER TABLE case_observables ADD COLUMN is_ioc BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE alert_observables ADD COLUMN is_ioc BOOLEAN NOT NULL DEFAULT TRUE;

-- Lists. Every one is keyset-paged on a column of its index, so no list sorts or scans a
-- workspace. Filters of a case's (or alert's) own list run within that index range.

-- A case's observables in number order; an alert's in insertion order.
CREATE INDEX ix_case_observables_case_seq ON case_observables (case_id, seq);
CREATE INDEX ix_alert_observables_alert ON alert_observables (alert_id, id);
-- The cases of one observable, newest link first (also counts them, and finds related cases).
DROP INDEX ix_case_observables_observable;
CREATE INDEX ix_case_observables_observable ON case_observables (observable_id, id);
-- A workspace's observables, all or of some types.
CREATE INDEX ix_observables_ws ON observables (workspace_id, id);
CREATE INDEX ix_observables_ws_type ON observables (workspace_id, type_id, id);

-- A case's assets in number order; the cases of one asset, newest link first.
CREATE INDEX ix_case_assets_case_seq ON case_assets (case_id, seq);
DROP INDEX ix_case_assets_asset;
CREATE INDEX ix_case_assets_asset ON case_assets (asset_id, id);
-- Assets compromised in some case (the `compromised` filter of the workspace's asset list).
CREATE INDEX ix_case_assets_ws_compromise ON case_assets (workspace_id, compromise_status, asset_id);
-- A workspace's assets, all or of some types.
CREATE INDEX ix_assets_ws ON assets (workspace_id, id);
CREATE INDEX ix_assets_ws_type ON assets (workspace_id, type_id, id);
