-- Customer contacts (issue 4); lookups for the blob collector and for search.

-- JSON list of {name, role, email, phone}.
ALTER TABLE customers ADD COLUMN contacts TEXT NOT NULL DEFAULT '[]';

-- The blob collector removes a file on disk only when no workspace's blob row has its SHA-256.
CREATE INDEX ix_blobs_sha ON blobs (sha);

-- Search returns a workspace's matches newest first: with this index a query matching many
-- documents stops after one page instead of sorting every match.
CREATE INDEX ix_search_docs_ws_updated ON search_docs (workspace_id, updated_at, id);
