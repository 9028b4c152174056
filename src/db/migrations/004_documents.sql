-- 004_documents: the document register, numbering, workflow, files and
-- search text.  Owned by domain/doc*.c: doc_org, doc_type, doc_issuer and
-- doc_term are configuration (data, per organization); doc_series holds one
-- counter row per number series; doc and its satellites are the register.
-- The engine-specific full-text index over doc_text (SQLite FTS5 / a
-- PostgreSQL GIN expression index) is created by domain/doc_search.c, since
-- the two engines share no syntax for it.

-- Numbering policy per organization (the org values of unit_kind): the
-- symbol style ('party': <n>-<TYPE>/<ISSUER>; 'state': <n>/<TYPE>-<ISSUER>),
-- the zero padding of numbers (2: 05), when series restart ('term': per
-- committee term; 'year': on 1 January; 'never') and whether confidential
-- documents have their own series (secret_series = 1).
CREATE TABLE doc_org (
	org TEXT PRIMARY KEY,
	style TEXT NOT NULL,
	pad BIGINT NOT NULL DEFAULT 2,
	reset TEXT NOT NULL,
	secret_series BIGINT NOT NULL DEFAULT 0,
	CHECK (style IN ('party', 'state')),
	CHECK (reset IN ('term', 'year', 'never')),
	CHECK (pad BETWEEN 1 AND 6)
);
-- Regulation 66-QĐ/TW, Guidance 36-HD/VPTW: per term, confidential shares.
-- Decree 30/2020/NĐ-CP: per year, confidential has its own series.
-- The mass organizations: unconfirmed, configurable; the youth union writes
-- 367-QĐ/TWĐTN-VP (party style), the Front 1018/CV-MTTW-BTT (state style).
INSERT INTO doc_org (org, style, pad, reset, secret_series) VALUES
('party', 'party', 2, 'term', 0),
('state', 'state', 2, 'year', 1),
('front', 'state', 2, 'year', 1),
('youth', 'party', 2, 'year', 0),
('women', 'state', 2, 'year', 1),
('farmers', 'state', 2, 'year', 1),
('veterans', 'state', 2, 'year', 1),
('labour', 'state', 2, 'year', 1),
('other', 'state', 2, 'year', 1);

-- The catalogue of document types of each organization.  code is the
-- type's identity (a field of every document, never read from a symbol);
-- symbol_code is how it is written in symbols ('' = not written: a state
-- official letter is 123/UBND-VP); types sharing a non-empty series_group
-- share one number sequence (a congress's documents; ĐA and DA).
CREATE TABLE doc_type (
	id {{ID}},
	org TEXT NOT NULL REFERENCES doc_org(org),
	code TEXT NOT NULL,
	symbol_code TEXT NOT NULL,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	series_group TEXT NOT NULL DEFAULT '',
	active BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org, code)
);
INSERT INTO doc_type (org, code, symbol_code, name_vi, name_en, series_group) VALUES
('party', 'NQ', 'NQ', 'Nghị quyết', 'Resolution', ''),
('party', 'QĐ', 'QĐ', 'Quyết định', 'Decision', ''),
('party', 'QĐi', 'QĐi', 'Quy định', 'Regulation', ''),
('party', 'CT', 'CT', 'Chỉ thị', 'Directive', ''),
('party', 'KL', 'KL', 'Kết luận', 'Conclusion', ''),
('party', 'HD', 'HD', 'Hướng dẫn', 'Guidance', ''),
('party', 'KH', 'KH', 'Kế hoạch', 'Plan', ''),
('party', 'CV', 'CV', 'Công văn', 'Official letter', ''),
('party', 'TB', 'TB', 'Thông báo', 'Notice', ''),
('party', 'BC', 'BC', 'Báo cáo', 'Report', ''),
('party', 'CTr', 'CTr', 'Chương trình', 'Programme', ''),
('party', 'ĐA', 'ĐA', 'Đề án', 'Project', 'ĐA'),
('party', 'DA', 'DA', 'Đề án (viết DA)', 'Project (written DA)', 'ĐA'),
('party', 'TTr', 'TTr', 'Tờ trình', 'Submission', ''),
('party', 'QC', 'QC', 'Quy chế', 'Statute', ''),
('party', 'BB', 'BB', 'Biên bản', 'Minutes', ''),
('party', 'GM', 'GM', 'Giấy mời', 'Invitation', ''),
('state', 'NQ', 'NQ', 'Nghị quyết (cá biệt)', 'Resolution', ''),
('state', 'QĐ', 'QĐ', 'Quyết định (cá biệt)', 'Decision', ''),
('state', 'CT', 'CT', 'Chỉ thị', 'Directive', ''),
('state', 'QC', 'QC', 'Quy chế', 'Statute', ''),
('state', 'QyĐ', 'QyĐ', 'Quy định', 'Regulation', ''),
('state', 'TB', 'TB', 'Thông báo', 'Notice', ''),
('state', 'HD', 'HD', 'Hướng dẫn', 'Guidance', ''),
('state', 'CTr', 'CTr', 'Chương trình', 'Programme', ''),
('state', 'KH', 'KH', 'Kế hoạch', 'Plan', ''),
('state', 'PA', 'PA', 'Phương án', 'Scheme', ''),
('state', 'ĐA', 'ĐA', 'Đề án', 'Project', ''),
('state', 'DA', 'DA', 'Dự án', 'Investment project', ''),
('state', 'BC', 'BC', 'Báo cáo', 'Report', ''),
('state', 'BB', 'BB', 'Biên bản', 'Minutes', ''),
('state', 'TTr', 'TTr', 'Tờ trình', 'Submission', ''),
('state', 'HĐ', 'HĐ', 'Hợp đồng', 'Contract', ''),
('state', 'CĐ', 'CĐ', 'Công điện', 'Dispatch', ''),
('state', 'GM', 'GM', 'Giấy mời', 'Invitation', ''),
('state', 'GGT', 'GGT', 'Giấy giới thiệu', 'Letter of introduction', ''),
('state', 'CV', '', 'Công văn', 'Official letter', ''),
('front', 'NQ', 'NQ', 'Nghị quyết', 'Resolution', ''),
('front', 'QĐ', 'QĐ', 'Quyết định', 'Decision', ''),
('front', 'CV', 'CV', 'Công văn', 'Official letter', ''),
('front', 'KH', 'KH', 'Kế hoạch', 'Plan', ''),
('front', 'BC', 'BC', 'Báo cáo', 'Report', ''),
('front', 'TB', 'TB', 'Thông báo', 'Notice', ''),
('front', 'HD', 'HD', 'Hướng dẫn', 'Guidance', ''),
('front', 'CTr', 'CTr', 'Chương trình', 'Programme', ''),
('youth', 'NQ', 'NQ', 'Nghị quyết', 'Resolution', ''),
('youth', 'QĐ', 'QĐ', 'Quyết định', 'Decision', ''),
('youth', 'CV', 'CV', 'Công văn', 'Official letter', ''),
('youth', 'KH', 'KH', 'Kế hoạch', 'Plan', ''),
('youth', 'BC', 'BC', 'Báo cáo', 'Report', ''),
('youth', 'TB', 'TB', 'Thông báo', 'Notice', ''),
('youth', 'HD', 'HD', 'Hướng dẫn', 'Guidance', ''),
('youth', 'CTr', 'CTr', 'Chương trình', 'Programme', '');

-- A unit that issues documents: its organization's policy, the issuer
-- abbreviation written in symbols, and (party) the committee whose terms
-- reset its series (NULL = the unit itself; BTCTW follows TW's terms).
CREATE TABLE doc_issuer (
	unit_id BIGINT PRIMARY KEY REFERENCES unit(id),
	org TEXT NOT NULL REFERENCES doc_org(org),
	symbol TEXT NOT NULL,
	term_unit_id BIGINT REFERENCES unit(id)
);

-- Committee terms: a term runs from its start (the close of a congress)
-- until the next term of the same unit starts.
CREATE TABLE doc_term (
	id {{ID}},
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	name TEXT NOT NULL,
	start_date TEXT NOT NULL,
	UNIQUE (unit_id, start_date)
);

-- One counter per series: issuer, series (type code, series group, or
-- '#in' for the incoming register), period ('2025', 'term:7', ''), and the
-- confidential flag.  next_no is taken with UPDATE … RETURNING inside the
-- issuing transaction: no gap, no duplicate.
CREATE TABLE doc_series (
	id {{ID}},
	issuer_id BIGINT NOT NULL REFERENCES unit(id),
	series TEXT NOT NULL,
	period TEXT NOT NULL,
	secret BIGINT NOT NULL,
	next_no BIGINT NOT NULL DEFAULT 1,
	UNIQUE (issuer_id, series, period, secret)
);

-- The register.  direction 'out': issued by owner_id (= issuer_id);
-- 'in': received and registered by owner_id, issued by issuer_id (a unit
-- of the tree) or issuer_name (outside it).  status: draft, review,
-- returned, approved, signing, signed, issued (out); received (in).
-- number/symbol are set once, when issued (out) or at registration (in).
CREATE TABLE doc (
	id {{ID}},
	direction TEXT NOT NULL,
	owner_id BIGINT NOT NULL REFERENCES unit(id),
	issuer_id BIGINT REFERENCES unit(id),
	issuer_name TEXT NOT NULL DEFAULT '',
	type_id BIGINT NOT NULL REFERENCES doc_type(id),
	series_id BIGINT REFERENCES doc_series(id),
	number BIGINT,
	symbol TEXT NOT NULL DEFAULT '',
	doc_date TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL,
	secrecy TEXT NOT NULL DEFAULT '',
	urgency TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	route_mode TEXT NOT NULL DEFAULT 'sequential',
	reviewer_id BIGINT REFERENCES app_user(id),
	reply_due TEXT NOT NULL DEFAULT '',
	source_id BIGINT REFERENCES doc(id),
	received_date TEXT NOT NULL DEFAULT '',
	in_series_id BIGINT REFERENCES doc_series(id),
	in_number BIGINT,
	created_by BIGINT,
	created_ms BIGINT NOT NULL,
	updated_ms BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
-- Few indexes, partial where most rows have nothing to index: every
-- index is written by every issuing transaction.
CREATE UNIQUE INDEX doc_number_once ON doc(series_id, number)
	WHERE series_id IS NOT NULL;
CREATE UNIQUE INDEX doc_in_number_once ON doc(in_series_id, in_number)
	WHERE in_series_id IS NOT NULL;
CREATE INDEX doc_owner ON doc(owner_id, id);
CREATE INDEX doc_in_flight ON doc(status, id)
	WHERE status NOT IN ('issued', 'received');
CREATE INDEX doc_source ON doc(source_id) WHERE source_id IS NOT NULL;
CREATE INDEX doc_reply_due ON doc(reply_due) WHERE reply_due <> '';

-- The route: who signs, in which order (seq), and when they did.
CREATE TABLE doc_signer (
	doc_id BIGINT NOT NULL REFERENCES doc(id),
	user_id BIGINT NOT NULL REFERENCES app_user(id),
	seq BIGINT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	signed_ms BIGINT,
	version_id BIGINT,
	PRIMARY KEY (doc_id, user_id)
);
CREATE INDEX doc_signer_user ON doc_signer(user_id, signed_ms);

-- Recipient units and their receipts; in_doc_id is the incoming register
-- entry created at the recipient when it received the document.
CREATE TABLE doc_recipient (
	doc_id BIGINT NOT NULL REFERENCES doc(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	sent_ms BIGINT,
	received_ms BIGINT,
	received_by BIGINT,
	ack_ms BIGINT,
	ack_by BIGINT,
	in_doc_id BIGINT REFERENCES doc(id),
	PRIMARY KEY (doc_id, unit_id)
);
CREATE INDEX doc_recipient_unit ON doc_recipient(unit_id, doc_id);

-- from_id implements / replaces / answers to_id.
CREATE TABLE doc_link (
	from_id BIGINT NOT NULL REFERENCES doc(id),
	to_id BIGINT NOT NULL REFERENCES doc(id),
	kind TEXT NOT NULL,
	PRIMARY KEY (from_id, to_id, kind)
);
CREATE INDEX doc_link_to ON doc_link(to_id, kind);

-- File contents, stored once by SHA-256.
CREATE TABLE doc_blob (
	sha256 TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	data {{BLOB}} NOT NULL,
	created_ms BIGINT NOT NULL
);

-- Every version of every file of a document: slot 'main' is the document
-- itself (a PDF), other slots are attachments by name.  origin: upload,
-- signed (the output of a signature), received (copied from the source).
CREATE TABLE doc_version (
	id {{ID}},
	doc_id BIGINT NOT NULL REFERENCES doc(id),
	slot TEXT NOT NULL,
	version BIGINT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	sha256 TEXT NOT NULL REFERENCES doc_blob(sha256),
	size BIGINT NOT NULL,
	pages BIGINT NOT NULL DEFAULT 0,
	origin TEXT NOT NULL,
	actor_id BIGINT,
	created_ms BIGINT NOT NULL,
	UNIQUE (doc_id, slot, version)
);
CREATE INDEX doc_version_sha ON doc_version(sha256);

-- The search text of a document, folded (no case, no diacritics): head =
-- subject, symbol and issuer; body = text extracted from its main PDF.
-- doc_id is always given (the document's id); {{ID}} only makes it the
-- rowid on SQLite, which the FTS5 index refers to.  owner_id copies the
-- document's (never changing) unit, so that a search by words alone, scoped
-- in memory, never has to read the doc table.
CREATE TABLE doc_text (
	doc_id {{ID}} REFERENCES doc(id),
	owner_id BIGINT NOT NULL,
	head TEXT NOT NULL,
	body TEXT NOT NULL
);

-- What happened to a document, for its page (the audit chain is the proof).
CREATE TABLE doc_event (
	id {{ID}},
	doc_id BIGINT NOT NULL REFERENCES doc(id),
	ts_ms BIGINT NOT NULL,
	actor_id BIGINT,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX doc_event_doc ON doc_event(doc_id, id);

-- Tasks assigned from a document: a unit (and optionally one user in it)
-- must do `what` by `due`; status open or done.
CREATE TABLE doc_task (
	id {{ID}},
	doc_id BIGINT NOT NULL REFERENCES doc(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	assignee_id BIGINT REFERENCES app_user(id),
	what TEXT NOT NULL,
	due TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open',
	done_ms BIGINT,
	done_by BIGINT,
	done_note TEXT NOT NULL DEFAULT '',
	created_by BIGINT,
	created_ms BIGINT NOT NULL
);
CREATE INDEX doc_task_doc ON doc_task(doc_id);
CREATE INDEX doc_task_open ON doc_task(status, due);
