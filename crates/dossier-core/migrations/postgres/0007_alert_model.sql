-- The alert model every API shares (issue 11): the signal fields the insider-threat feed and
-- CaseBender send, beside subject_name, subject_email and signal_type (kept since 0001).
-- Categories and subcategories are alert_terms of kinds 3 and 4; teams are alert_owners rows
-- naming a team (positions 1 and up); organisations are alert_shares rows.
ALTER TABLE alerts ADD COLUMN platform_event_id TEXT NULL;
ALTER TABLE alerts ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE alerts ADD COLUMN safe BOOLEAN NOT NULL DEFAULT FALSE;
-- Every native list filter on them walks an index in list order (newest first).
CREATE INDEX ix_alerts_ws_subject_email ON alerts (workspace_id, subject_email, created_at, id);
CREATE INDEX ix_alerts_ws_signal_type ON alerts (workspace_id, signal_type, created_at, id);
CREATE INDEX ix_alerts_ws_platform_event ON alerts (workspace_id, platform_event_id, created_at, id);
CREATE INDEX ix_alerts_ws_flagged ON alerts (workspace_id, flagged, created_at, id);
CREATE INDEX ix_alerts_ws_safe ON alerts (workspace_id, safe, created_at, id);
