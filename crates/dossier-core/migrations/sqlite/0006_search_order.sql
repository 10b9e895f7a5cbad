-- Search now orders by document id (a document gets a new id whenever its text changes) and
-- walks id ranges newest first, so the (workspace, updated_at) index no longer serves any
-- query; dropping it saves a write on every indexed object.
DROP INDEX ix_search_docs_ws_updated;
