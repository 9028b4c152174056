-- 001_core: the foundation — settings, units with history, users and
-- sessions, the audit chain.  Dialect tokens: {{ID}} is the auto-increment
-- primary key of the engine; everything else is SQL both engines accept.

CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('org_gen', '1');

-- Kinds of unit: data, not code.  level: 0 central, 1 province, 2 district,
-- 3 commune, 4 grassroots.  org: which organization the kind belongs to.
CREATE TABLE unit_kind (
	code TEXT PRIMARY KEY,
	org TEXT NOT NULL,
	level BIGINT NOT NULL,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL
);

CREATE TABLE unit (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL REFERENCES unit_kind(code),
	rev BIGINT NOT NULL DEFAULT 1,
	created_ms BIGINT NOT NULL
);

CREATE TABLE reorg_event (
	id {{ID}},
	kind TEXT NOT NULL,
	date TEXT NOT NULL,
	decision TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	actor_id BIGINT,
	created_ms BIGINT NOT NULL
);
CREATE INDEX reorg_event_date ON reorg_event(date);

-- Versions of one unit never overlap: [valid_from, valid_to), open end
-- '9999-12-31'.  name_fold is the search key (no case, no diacritics).
CREATE TABLE unit_version (
	id {{ID}},
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	parent_id BIGINT REFERENCES unit(id),
	name TEXT NOT NULL,
	name_fold TEXT NOT NULL,
	level BIGINT NOT NULL,
	valid_from TEXT NOT NULL,
	valid_to TEXT NOT NULL DEFAULT '9999-12-31',
	event_id BIGINT REFERENCES reorg_event(id),
	CHECK (valid_from < valid_to)
);
CREATE INDEX unit_version_unit ON unit_version(unit_id, valid_from);
CREATE INDEX unit_version_asof ON unit_version(valid_to, valid_from);
CREATE INDEX unit_version_parent ON unit_version(parent_id);

-- Which units an event touched and how: subject (rename, move), created,
-- dissolved, source (merge/split from), target (merge/split into).
CREATE TABLE reorg_event_unit (
	event_id BIGINT NOT NULL REFERENCES reorg_event(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	role TEXT NOT NULL,
	PRIMARY KEY (event_id, unit_id, role)
);
CREATE INDEX reorg_event_unit_unit ON reorg_event_unit(unit_id);

-- Lineage: predecessor -> successor, with an optional share for splits.
CREATE TABLE reorg_link (
	event_id BIGINT NOT NULL REFERENCES reorg_event(id),
	from_unit BIGINT NOT NULL REFERENCES unit(id),
	to_unit BIGINT NOT NULL REFERENCES unit(id),
	share DOUBLE PRECISION,
	PRIMARY KEY (event_id, from_unit, to_unit)
);
CREATE INDEX reorg_link_from ON reorg_link(from_unit);
CREATE INDEX reorg_link_to ON reorg_link(to_unit);

CREATE TABLE app_user (
	id {{ID}},
	login TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	role TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	pw_hash TEXT NOT NULL,
	must_change BIGINT NOT NULL DEFAULT 0,
	disabled BIGINT NOT NULL DEFAULT 0,
	created_ms BIGINT NOT NULL
);

-- Only hashes of secrets are stored: sha256 hex of the session token.
CREATE TABLE user_session (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES app_user(id),
	csrf TEXT NOT NULL,
	created_ms BIGINT NOT NULL,
	expires_ms BIGINT NOT NULL
);
CREATE INDEX user_session_user ON user_session(user_id);

CREATE TABLE api_token (
	id {{ID}},
	token_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES app_user(id),
	name TEXT NOT NULL,
	created_ms BIGINT NOT NULL,
	revoked BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE login_attempt (
	login TEXT PRIMARY KEY,
	failures BIGINT NOT NULL,
	last_ms BIGINT NOT NULL,
	locked_until_ms BIGINT NOT NULL DEFAULT 0
);

-- The audit chain: hash = sha256(prev_hash || canonical JSON of the row).
-- ids are assigned by audit_append under the write lock, gap-free.
CREATE TABLE audit (
	id BIGINT PRIMARY KEY,
	ts_ms BIGINT NOT NULL,
	actor_id BIGINT,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	unit_id BIGINT,
	change TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_unit ON audit(unit_id, id);
CREATE INDEX audit_actor ON audit(actor, id);
CREATE INDEX audit_ts ON audit(ts_ms);
