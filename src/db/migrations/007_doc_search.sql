-- 007: the document search indexes, per engine.  Until now the full-text
-- index was created by the first search or write (doc_search.c), since the
-- engines share no DDL for it; IF NOT EXISTS keeps databases where that
-- already happened as they are.
--
-- SQLite: an external-content FTS5 table over doc_text (rows by doc_id),
-- filled from what is already there.  No extra index on doc: SQLite scans
-- it newest first fast enough, and every index slows issuing.
{{SQLITE}}
CREATE VIRTUAL TABLE IF NOT EXISTS doc_fts USING fts5(head, body,
	content='doc_text', content_rowid='doc_id', detail='none', columnsize=0);
INSERT INTO doc_fts(doc_fts) VALUES ('rebuild');
{{END}}
-- PostgreSQL: a GIN index over the folded words, and covering indexes for
-- the register's filters (type + period, period) so that a filtered search
-- reads the index only (an index-only scan) instead of the whole doc table;
-- the document's unit, status and direction are carried along for the
-- scope check and the other filters.
{{PG}}
CREATE INDEX IF NOT EXISTS doc_text_fts ON doc_text
	USING GIN (to_tsvector('simple', head || ' ' || body));
CREATE INDEX doc_filter_type ON doc(type_id, doc_date)
	INCLUDE (id, owner_id, status, direction);
CREATE INDEX doc_filter_date ON doc(doc_date)
	INCLUDE (id, owner_id, type_id, status, direction);
{{END}}
