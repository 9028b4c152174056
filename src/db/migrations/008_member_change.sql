-- 008_member_change: the change log of the member tables, which keeps the
-- in-memory index of member totals current without rebuilding it.  Owned by
-- domain/member_log.c (writes) and domain/member_index.c (reads).
--
-- A write that changes a membership records, inside its own transaction and
-- before it changes anything, what the membership contributed to the index
-- until then: one row per stint (kind 's': its closed stints and its current
-- one, with the person's gender, birth date and ethnicity), or one row of
-- kind 'n' for a membership it creates (kind 'p': a person whose gender,
-- birth date or ethnicity changes, membership_id 0).  gen is 0 while the
-- transaction is open and becomes the new meta member_gen when it bumps it
-- (the last thing a member write does), so the rows of one generation are
-- exactly one committed transaction's.  An index at generation g catches up to G by
-- taking away, per membership, the rows of its first generation in (g, G]
-- and adding what the tables hold now.  meta member_base: an index older
-- than this generation cannot catch up (a write that kept no log, such as a
-- first bulk load, or rows pruned) and rebuilds from the tables.
CREATE TABLE member_change (
	id {{ID}},
	gen BIGINT NOT NULL,
	kind TEXT NOT NULL,
	membership_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL,
	org TEXT NOT NULL DEFAULT '',
	unit_id BIGINT NOT NULL DEFAULT 0,
	valid_from TEXT NOT NULL DEFAULT '',
	valid_to TEXT NOT NULL DEFAULT '',
	joined TEXT NOT NULL DEFAULT '',
	is_first BIGINT NOT NULL DEFAULT 0,  -- the membership's first stint
	is_cur BIGINT NOT NULL DEFAULT 0,    -- its current stint (valid_to = ended)
	gender TEXT NOT NULL DEFAULT '',
	birth_date TEXT NOT NULL DEFAULT '',
	ethnicity TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_change_gen ON member_change(gen, membership_id);
INSERT INTO meta(key, value) SELECT 'member_base', value FROM meta WHERE key = 'member_gen';
