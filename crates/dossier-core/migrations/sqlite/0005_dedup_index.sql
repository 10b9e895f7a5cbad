-- Alert deduplication looks up many keys of one workspace at once (a 1,000-alert batch). With
-- the SHA-256 key first, the index answers that from the keys alone; with the workspace first,
-- a planner working from stale statistics read the whole workspace's alerts for each lookup
-- (seen on PostgreSQL while loading 1M alerts).
DROP INDEX ux_alerts_ws_dedup;
CREATE UNIQUE INDEX ux_alerts_dedup ON alerts (dedup_key, workspace_id) WHERE deleted_at IS NULL;
