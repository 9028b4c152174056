/*
 * audit.c — the audit chain: appending (inside the caller's transaction),
 * listing with filters and scope, and verifying.  Owns the table `audit`.
 * Never updates or deletes a row.
 */
#include "domain/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/sha256.h"
#include "domain/auth.h"
#include "domain/org.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The canonical row: compact JSON with sorted keys. Caller frees. */
static char *canonical_row(int64_t id, int64_t ts, const char *actor,
			   int64_t actor_id, const char *action,
			   const char *object_type, const char *object_id,
			   int64_t unit_id, json_t *change)
{
	json_t *o = json_pack("{sI sI ss sI ss ss ss sI sO}", "id", (json_int_t)id,
			      "ts", (json_int_t)ts, "actor", actor, "actor_id",
			      (json_int_t)actor_id, "action", action,
			      "object_type", object_type, "object_id",
			      object_id, "unit_id", (json_int_t)unit_id,
			      "change", change);
	char *s;
	if (!o) {
		return NULL;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

static void chain_hash(const char *prev, const char *row, char out[65])
{
	sha256_hex2(prev, strlen(prev), row, strlen(row), out);
}

int audit_append(struct cx *cx, const char *action, const char *object_type,
		 const char *object_id, int64_t unit_id, json_t *change,
		 struct err *e)
{
	struct db_stmt *st;
	int64_t id = 1;
	char prev[65] = ZERO_HASH, hash[65];
	char *row, *change_s;
	json_t *empty = NULL;
	int rc;
	if (cx->db->tx_depth == 0) {
		return err_set(e, ERR_INTERNAL, "", "audit_append outside a transaction");
	}
	if (db_kind(cx->db) == DB_PG) {
		/* Serialize appenders; released at commit/rollback. */
		if ((rc = db_exec(cx->db, "SELECT pg_advisory_xact_lock(7262)", e))) {
			return rc;
		}
	}
	if ((rc = db_prepare(cx->db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
			     &st, e))) {
		return rc;
	}
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		id = db_col_int64(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	if (!change) {
		change = empty = json_object();
	}
	row = canonical_row(id, cx->now_ms, cx->actor.login, cx->actor.user_id,
			    action, object_type, object_id, unit_id, change);
	change_s = json_dumps(change, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(empty);
	if (!row || !change_s) {
		free(row);
		free(change_s);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	chain_hash(prev, row, hash);
	free(row);
	rc = db_prepare(cx->db,
			"INSERT INTO audit(id, ts_ms, actor_id, actor, action,"
			" object_type, object_id, unit_id, change, prev_hash, hash)"
			" VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, cx->now_ms);
		if (cx->actor.user_id) {
			db_bind_int64(st, 3, cx->actor.user_id);
		} else {
			db_bind_null(st, 3);
		}
		db_bind_text(st, 4, cx->actor.login);
		db_bind_text(st, 5, action);
		db_bind_text(st, 6, object_type);
		db_bind_text(st, 7, object_id);
		if (unit_id) {
			db_bind_int64(st, 8, unit_id);
		} else {
			db_bind_null(st, 8);
		}
		db_bind_text(st, 9, change_s);
		db_bind_text(st, 10, prev);
		db_bind_text(st, 11, hash);
		rc = db_step(st, e);
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	free(change_s);
	return rc;
}

int audit_verify(struct db *db, int64_t *rows, int64_t *bad_id, struct err *e)
{
	struct db_stmt *st;
	char prev[65] = ZERO_HASH, hash[65];
	int64_t expect_id = 1, n = 0;
	int rc;
	*rows = 0;
	*bad_id = 0;
	rc = db_prepare(db,
			"SELECT id, ts_ms, actor_id, actor, action, object_type,"
			" object_id, unit_id, change, prev_hash, hash FROM audit"
			" ORDER BY id",
			&st, e);
	if (rc) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		json_error_t je;
		json_t *change = json_loads(db_col_text(st, 8), 0, &je);
		char *row;
		const char *why = NULL;
		if (id != expect_id) {
			why = id > expect_id ? "a row is missing before it"
					     : "ids out of order";
		} else if (strcmp(db_col_text(st, 9), prev) != 0) {
			why = "prev_hash does not match the previous row";
		} else if (!change) {
			why = "change is not valid JSON";
		}
		if (!why) {
			row = canonical_row(id, db_col_int64(st, 1),
					    db_col_text(st, 3), db_col_int64(st, 2),
					    db_col_text(st, 4), db_col_text(st, 5),
					    db_col_text(st, 6), db_col_int64(st, 7),
					    change);
			chain_hash(prev, row ? row : "", hash);
			free(row);
			if (strcmp(hash, db_col_text(st, 10)) != 0) {
				why = "hash does not match the row's content";
			}
		}
		json_decref(change);
		if (why) {
			*bad_id = id;
			db_finalize(st);
			return err_set(e, ERR_INVALID, "audit",
				       "audit row %" PRId64 ": %s", id, why);
		}
		snprintf(prev, sizeof prev, "%s", db_col_text(st, 10));
		expect_id = id + 1;
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	*rows = n;
	return 0;
}

int audit_list(struct cx *cx, const struct audit_filter *f, json_t **out,
	       struct err *e)
{
	struct db_stmt *st;
	json_t *items;
	int64_t total = 0, skipped = 0;
	int rc, limit = f->limit > 0 ? f->limit : 50;
	*out = NULL;
	if (limit > 500) {
		return err_set(e, ERR_INVALID, "limit", "limit must be at most 500");
	}
	if (f->offset < 0) {
		return err_set(e, ERR_INVALID, "offset", "offset must not be negative");
	}
	if ((rc = auth_may(cx, ACT_AUDIT_READ, f->unit_id, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"SELECT id, ts_ms, actor, action, object_type, object_id,"
			" unit_id, change, prev_hash, hash FROM audit"
			" WHERE (CAST(? AS BIGINT) = 0 OR unit_id = ?)"
			" AND (CAST(? AS TEXT) IS NULL OR actor = ?)"
			" AND (CAST(? AS TEXT) IS NULL OR action = ?)"
			" AND (CAST(? AS BIGINT) = 0 OR ts_ms >= ?)"
			" AND (CAST(? AS BIGINT) = 0 OR ts_ms < ?)"
			" ORDER BY id DESC",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, f->unit_id);
	db_bind_int64(st, 2, f->unit_id);
	db_bind_text(st, 3, f->actor);
	db_bind_text(st, 4, f->actor);
	db_bind_text(st, 5, f->action);
	db_bind_text(st, 6, f->action);
	db_bind_int64(st, 7, f->from_ms);
	db_bind_int64(st, 8, f->from_ms);
	db_bind_int64(st, 9, f->to_ms);
	db_bind_int64(st, 10, f->to_ms);
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t unit_id = db_col_int64(st, 6);
		char ts[25], unit_code[ORG_CODE_MAX + 1], unit_name[ORG_NAME_MAX * 4 + 1];
		json_t *change, *item;
		/* Rows tied to a unit outside the scope are not shown. */
		if (!cx->actor.system && cx->actor.unit_id && unit_id) {
			int in = org_in_scope(cx, cx->actor.unit_id, unit_id, e);
			if (in < 0) {
				rc = in;
				break;
			}
			if (!in) {
				continue;
			}
		}
		total++;
		if (skipped < f->offset) {
			skipped++;
			continue;
		}
		if ((int64_t)json_array_size(items) >= limit) {
			continue;
		}
		time_format_ms(db_col_int64(st, 1), ts);
		change = json_loads(db_col_text(st, 7), 0, NULL);
		unit_code[0] = 0;
		if (unit_id) {
			struct err ignored = ERR_INIT;
			if (org_unit_label(cx, unit_id, unit_code, unit_name, &ignored)) {
				unit_code[0] = 0;
			}
		}
		item = json_pack("{sI ss ss ss ss ss so so ss ss}", "id",
				  (json_int_t)db_col_int64(st, 0), "ts", ts, "actor",
				  db_col_text(st, 2), "action", db_col_text(st, 3),
				  "object_type", db_col_text(st, 4), "object_id",
				  db_col_text(st, 5), "unit_id",
				  unit_id ? json_integer(unit_id) : json_null(),
				  "change", change ? change : json_object(),
				  "prev_hash", db_col_text(st, 8), "hash",
				  db_col_text(st, 9));
		json_object_set_new(item, "unit_code",
				    unit_code[0] ? json_string(unit_code) : json_null());
		json_array_append_new(items, item);
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI si si}", "items", items, "total", (json_int_t)total,
			 "limit", limit, "offset", f->offset);
	return 0;
}
