/*
 * import_job.c — the import_job table (one row per import run: file,
 * SHA-256, counts, status, result) with its audit entry, the jobs as JSON,
 * and the in-process progress of running imports for a progress bar.
 * Owns import_job; never touches member tables.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/import_internal.h"

#define PROGRESS_SLOTS 32

/* ---- progress registry ---- */

struct prog_slot {
	int64_t job;
	long rows, estimate;
	int done;
	struct import_progress end; /* the outcome, once done */
};

static pthread_mutex_t prog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prog_slot prog[PROGRESS_SLOTS];
static int prog_next;

/* The slot of job (a new one, recycling the oldest, when absent).  Under
 * prog_lock. */
static struct prog_slot *prog_slot(int64_t job)
{
	int slot = -1;
	for (int i = 0; i < PROGRESS_SLOTS; i++) {
		if (prog[i].job == job) {
			slot = i;
		}
	}
	if (slot < 0) {
		slot = prog_next;
		prog_next = (prog_next + 1) % PROGRESS_SLOTS;
		memset(&prog[slot], 0, sizeof prog[slot]);
		prog[slot].job = job;
	}
	return &prog[slot];
}

void imp_progress_set(int64_t job, long rows, long estimate, int done)
{
	struct prog_slot *s;
	if (job <= 0) {
		return;
	}
	pthread_mutex_lock(&prog_lock);
	s = prog_slot(job);
	s->rows = rows;
	if (estimate > 0) {
		s->estimate = estimate;
	}
	s->done = done;
	pthread_mutex_unlock(&prog_lock);
}

void imp_result_rolled_back(struct import_result *r)
{
	r->inserted = r->updated = r->unchanged = 0;
	r->committed = 0;
}

static void end_slot(int64_t job, const struct import_result *r, const char *state,
		     const struct err *e)
{
	struct prog_slot *s = prog_slot(job);
	struct import_progress *p = &s->end;
	s->rows = r->rows;
	s->done = 1;
	memset(p, 0, sizeof *p);
	p->state = state;
	p->valid = r->valid;
	p->rejected = r->rejected;
	p->inserted = r->inserted;
	p->updated = r->updated;
	p->unchanged = r->unchanged;
	p->committed = r->committed;
	if (strcmp(state, "failed") == 0) {
		p->failed_job = r->job_id;
		snprintf(p->err_code, sizeof p->err_code, "%s", err_code_name(e->code));
		snprintf(p->err_field, sizeof p->err_field, "%s", e->field);
		snprintf(p->err_message, sizeof p->err_message, "%s", e->msg);
	}
}

void imp_progress_end(int64_t running, const struct import_result *r, int rc,
		      const struct err *e)
{
	const char *state = rc ? "failed" : r->committed ? "done" : "dry_run";
	pthread_mutex_lock(&prog_lock);
	if (running > 0) {
		end_slot(running, r, state, e);
	}
	if (r->job_id > 0 && r->job_id != running) {
		end_slot(r->job_id, r, state, e);
	}
	pthread_mutex_unlock(&prog_lock);
}

int import_progress(int64_t job_id, struct import_progress *p)
{
	int rc = -ERR_NOT_FOUND;
	pthread_mutex_lock(&prog_lock);
	for (int i = 0; i < PROGRESS_SLOTS; i++) {
		if (job_id > 0 && prog[i].job == job_id) {
			if (prog[i].done) {
				*p = prog[i].end;
			} else {
				memset(p, 0, sizeof *p);
				p->state = "running";
			}
			p->rows = prog[i].rows;
			p->rows_estimate = prog[i].estimate;
			p->done = prog[i].done;
			if (p->done && !p->state) {
				p->state = "done";
			}
			rc = 0;
		}
	}
	pthread_mutex_unlock(&prog_lock);
	return rc;
}

/* ---- the job row ---- */

int imp_job_insert(struct cx *cx, const char *name, const char *org, const char *sha256,
		   const char *status, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "INSERT INTO import_job(kind, file_name, file_sha256, org, status,"
			    " actor, started_ms) VALUES ('members', ?, ?, ?, ?, ?, ?) RETURNING id",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, sha256);
	db_bind_text(st, 3, org);
	db_bind_text(st, 4, status);
	db_bind_text(st, 5, cx->actor.login);
	db_bind_int64(st, 6, cx->now_ms);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int imp_job_finish(struct cx *cx, const char *status, const struct import_result *r,
		   json_t *result, int64_t unit_id, struct err *e)
{
	struct db_stmt *st;
	json_t *change = json_deep_copy(result);
	char *text = json_dumps(result, JSON_COMPACT), oid[24];
	int rc = db_prepare(cx->db,
			    "UPDATE import_job SET status = ?, rows = ?, valid = ?, rejected = ?,"
			    " inserted = ?, updated = ?, unchanged = ?, quality_pct = ?, result = ?,"
			    " file_sha256 = ?, finished_ms = ? WHERE id = ?",
			    &st, e);
	if (rc == 0) {
		db_bind_text(st, 1, status);
		db_bind_int64(st, 2, r->rows);
		db_bind_int64(st, 3, r->valid);
		db_bind_int64(st, 4, r->rejected);
		db_bind_int64(st, 5, r->inserted);
		db_bind_int64(st, 6, r->updated);
		db_bind_int64(st, 7, r->unchanged);
		db_bind_double(st, 8, r->quality_pct);
		db_bind_text(st, 9, text ? text : "{}");
		db_bind_text(st, 10, r->sha256);
		db_bind_int64(st, 11, time_now_ms());
		db_bind_int64(st, 12, r->job_id);
		rc = db_step(st, e) < 0 ? -(int)e->code : 0;
		db_finalize(st);
	}
	free(text);
	json_object_del(change, "errors"); /* the audit keeps the counts */
	json_object_del(change, "committed");
	json_object_set_new(change, "status", json_string(status));
	snprintf(oid, sizeof oid, "%lld", (long long)r->job_id);
	if (rc == 0) {
		rc = audit_append(cx, strcmp(status, "done") == 0 ? "import.members" : "import.failed",
				  "import_job", oid, unit_id, change, e);
	}
	json_decref(change);
	return rc;
}

/* ---- jobs ---- */

#define JOB_COLS                                                               \
	"id, kind, file_name, file_sha256, org, status, rows, valid, rejected,"  \
	" inserted, updated, unchanged, quality_pct, actor, started_ms,"         \
	" finished_ms, result"

static json_t *job_json(struct db_stmt *st)
{
	char started[25], finished[25];
	json_t *res = json_loads(db_col_text(st, 16), 0, NULL);
	time_format_ms(db_col_int64(st, 14), started);
	time_format_ms(db_col_int64(st, 15), finished);
	return json_pack("{sI ss ss ss ss ss sI sI sI sI sI sI so ss ss so so}", "id",
			 (json_int_t)db_col_int64(st, 0), "kind", db_col_text(st, 1), "file",
			 db_col_text(st, 2), "sha256", db_col_text(st, 3), "org",
			 db_col_text(st, 4), "status", db_col_text(st, 5), "rows",
			 (json_int_t)db_col_int64(st, 6), "valid", (json_int_t)db_col_int64(st, 7),
			 "rejected", (json_int_t)db_col_int64(st, 8), "inserted",
			 (json_int_t)db_col_int64(st, 9), "updated", (json_int_t)db_col_int64(st, 10),
			 "unchanged", (json_int_t)db_col_int64(st, 11), "quality_pct",
			 db_col_is_null(st, 12) ? json_null() : json_real(db_col_double(st, 12)),
			 "actor", db_col_text(st, 13), "started_at", started, "finished_at",
			 db_col_is_null(st, 15) ? json_null() : json_string(finished), "result",
			 res ? res : json_object());
}

/* Unrestricted actors see every job, others their own. */
static const char *job_owner(struct cx *cx)
{
	return cx->actor.system || cx->actor.unit_id == 0 ? NULL : cx->actor.login;
}

int import_job_get(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, 0, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT " JOB_COLS " FROM import_job WHERE id = ?"
			     " AND (CAST(? AS TEXT) IS NULL OR actor = CAST(? AS TEXT))",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, job_owner(cx));
	db_bind_text(st, 3, job_owner(cx));
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*out = job_json(st);
	}
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "id", "no import job %lld", (long long)id);
	}
	return rc < 0 ? rc : 0;
}

int import_job_list(struct cx *cx, int limit, int offset, json_t **out,
		    struct err *e)
{
	struct db_stmt *st;
	json_t *items;
	int64_t total = 0;
	int rc;
	*out = NULL;
	limit = limit > 0 ? limit : 50;
	if (limit > 500 || offset < 0) {
		return err_set(e, ERR_INVALID, "limit", "limit is 1..500 and offset ≥ 0");
	}
	if ((rc = auth_may(cx, ACT_READ, 0, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT " JOB_COLS " FROM import_job WHERE CAST(? AS TEXT) IS NULL"
			     " OR actor = CAST(? AS TEXT) ORDER BY id DESC",
			     &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, job_owner(cx));
	db_bind_text(st, 2, job_owner(cx));
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (total >= offset && json_array_size(items) < (size_t)limit) {
			json_array_append_new(items, job_json(st));
		}
		total++;
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI si si}", "items", items, "total", (json_int_t)total, "limit",
			 limit, "offset", offset);
	return 0;
}
