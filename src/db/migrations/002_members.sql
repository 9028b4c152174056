-- 002_members: people, memberships with stints and events, data-quality
-- rules and findings, import jobs.  Owned by domain/member*.c (person,
-- membership, membership_stint, membership_event), domain/quality.c
-- (quality_rule, quality_issue, quality_history) and domain/import.c
-- (import_job).  The meta key member_gen is bumped by every write to the
-- member tables, so in-memory indexes keyed by it are never stale.
INSERT INTO meta(key, value) VALUES ('member_gen', '1');

-- A person: one row per human, keyed by the 12-digit citizen ID when known.
-- name_fold is the search key; searches match it anywhere in the name
-- (LIKE '%…%'), which no B-tree index serves, so it has none.  Unique keys
-- are named indexes rather than column constraints so that a bulk import
-- into an empty table can rebuild them once at the end (import.c).
CREATE TABLE person (
	id {{ID}},
	citizen_id TEXT,
	full_name TEXT NOT NULL,
	name_fold TEXT NOT NULL,
	gender TEXT NOT NULL DEFAULT '',      -- 'M', 'F' or '' (unknown)
	birth_date TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD or ''
	ethnicity TEXT NOT NULL DEFAULT '',
	religion TEXT NOT NULL DEFAULT '',
	hometown TEXT NOT NULL DEFAULT '',
	hometown_new TEXT NOT NULL DEFAULT '',
	residence TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	rev BIGINT NOT NULL DEFAULT 1,
	created_ms BIGINT NOT NULL,
	updated_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX person_citizen_id ON person(citizen_id);

-- A membership of a person in one organization (unit_kind.org: party,
-- youth, women, farmers, veterans, labour).  The current stint is on the
-- row itself (unit_id, unit_from); closed stints are in membership_stint.
-- status: active, suspended, left, expelled, dead; ended is the date the
-- membership stopped counting ('9999-12-31' while it counts).
CREATE TABLE membership (
	id {{ID}},
	person_id BIGINT NOT NULL REFERENCES person(id),
	org TEXT NOT NULL,
	number TEXT NOT NULL DEFAULT '',
	joined TEXT NOT NULL,
	official TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'active',
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	unit_from TEXT NOT NULL,
	ended TEXT NOT NULL DEFAULT '9999-12-31',
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX membership_person_org ON membership(person_id, org);
CREATE INDEX membership_unit ON membership(unit_id);
CREATE INDEX membership_number ON membership(number);

-- Closed stints: [valid_from, valid_to) in unit_id, closed by an event.
CREATE TABLE membership_stint (
	id {{ID}},
	membership_id BIGINT NOT NULL REFERENCES membership(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	valid_from TEXT NOT NULL,
	valid_to TEXT NOT NULL,
	CHECK (valid_from < valid_to)
);
CREATE INDEX membership_stint_m ON membership_stint(membership_id);
CREATE INDEX membership_stint_unit ON membership_stint(unit_id);

-- Events: admit, official, transfer, suspend, reinstate, leave, expel,
-- death; each with a date and the decision document's reference.
CREATE TABLE membership_event (
	id {{ID}},
	membership_id BIGINT NOT NULL REFERENCES membership(id),
	kind TEXT NOT NULL,
	date TEXT NOT NULL,
	decision TEXT NOT NULL DEFAULT '',
	from_unit BIGINT REFERENCES unit(id),
	to_unit BIGINT REFERENCES unit(id),
	note TEXT NOT NULL DEFAULT '',
	actor_id BIGINT,
	created_ms BIGINT NOT NULL
);
CREATE INDEX membership_event_m ON membership_event(membership_id, date);
CREATE INDEX membership_event_date ON membership_event(kind, date);

-- Data-standardization rules are data: code, field, severity, messages.
-- params is JSON for rules that take parameters (e.g. minimum age).
CREATE TABLE quality_rule (
	code TEXT PRIMARY KEY,
	field TEXT NOT NULL,
	severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
	message_vi TEXT NOT NULL,
	message_en TEXT NOT NULL,
	params TEXT NOT NULL DEFAULT '{}',
	enabled BIGINT NOT NULL DEFAULT 1
);

-- Current findings per membership (recomputed when the record changes).
CREATE TABLE quality_issue (
	membership_id BIGINT NOT NULL REFERENCES membership(id),
	rule_code TEXT NOT NULL REFERENCES quality_rule(code),
	severity TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (membership_id, rule_code)
);

-- The quality % of a unit over time (one row per unit and day it was
-- recorded), for the chart.
CREATE TABLE quality_history (
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	day TEXT NOT NULL,
	records BIGINT NOT NULL,
	clean BIGINT NOT NULL,
	PRIMARY KEY (unit_id, day)
);

-- One row per import run (dry runs leave none), written in the import's
-- own transaction: a crashed import leaves no trace.  A failed run is
-- recorded afterwards with status 'failed' and its first errors in result.
CREATE TABLE import_job (
	id {{ID}},
	kind TEXT NOT NULL,
	file_name TEXT NOT NULL,
	file_sha256 TEXT NOT NULL,
	org TEXT NOT NULL,
	status TEXT NOT NULL,            -- running, done, failed
	rows BIGINT NOT NULL DEFAULT 0,
	valid BIGINT NOT NULL DEFAULT 0,
	rejected BIGINT NOT NULL DEFAULT 0,
	inserted BIGINT NOT NULL DEFAULT 0,
	updated BIGINT NOT NULL DEFAULT 0,
	unchanged BIGINT NOT NULL DEFAULT 0,
	quality_pct DOUBLE PRECISION,
	result TEXT NOT NULL DEFAULT '{}',
	actor TEXT NOT NULL,
	started_ms BIGINT NOT NULL,
	finished_ms BIGINT
);
