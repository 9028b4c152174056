/*
 * quality_stats.c — the stored side of data standardization (quality.h):
 * the findings of each membership (quality_issue), the quality % of a unit
 * and of its subtree, the problem worklist and the daily history
 * (quality_history).  Figures are computed from the findings at the time
 * of the request, counting only findings of rules that are enabled now,
 * with the severity they have now, so fixing a record or editing a rule
 * shows at once.  The subtree is an index range of today's org snapshot.
 * It must never evaluate rules (quality.c does) nor write memberships.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/quality.h"
#include "domain/quality_internal.h"

/* ---- stored findings ---- */

int quality_store(struct cx *cx, int64_t membership_id,
		  const struct quality_problem *p, int n, struct err *e)
{
	struct db_stmt *st;
	int own = cx->db->tx_depth == 0, rc;
	/* Inside the caller's transaction no savepoint: an import stores
	 * thousands of these, and a failure fails the caller's transaction. */
	if (own && (rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = db_prepare(cx->db, "DELETE FROM quality_issue WHERE membership_id = ?", &st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, membership_id);
		rc = db_step(st, e);
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		int dup = 0;
		for (int k = 0; k < i && !dup; k++) {
			dup = strcmp(p[k].rule, p[i].rule) == 0;
		}
		if (dup) {
			continue;
		}
		/* the severity stored is the rule's own */
		rc = db_prepare(cx->db,
				"INSERT INTO quality_issue(membership_id, rule_code, severity,"
				" detail) SELECT ?, code, severity, ? FROM quality_rule"
				" WHERE code = ? RETURNING rule_code",
				&st, e);
		if (rc == 0) {
			db_bind_int64(st, 1, membership_id);
			db_bind_text(st, 2, p[i].detail);
			db_bind_text(st, 3, p[i].rule);
			rc = db_step(st, e);
			if (rc == DB_DONE) {
				rc = err_set(e, ERR_INTERNAL, "rule", "no quality rule %s", p[i].rule);
			} else if (rc == DB_ROW) {
				rc = 0;
			}
			db_finalize(st);
		}
	}
	if (!own) {
		return rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc < 0 ? rc : -ERR_INTERNAL;
}

/* ---- figures over a subtree ---- */

#define IN_CHUNK 64	 /* unit ids per IN (…) list */
#define IN_MAX_UNITS 2048 /* past this, one scan filtered in memory */
#define BY_UNIT_DEPTH 3	 /* levels below the unit listed in by_unit */

typedef int (*row_fn)(struct db_stmt *st, int node, void *ctx, struct err *e);

/* Run head [AND m.unit_id IN (…)] tail over the memberships still counted,
 * calling fn for each row whose unit (column 0) lies in the subtree
 * [lo, hi) of t.  head ends inside the WHERE clause; its parameters are
 * the n_fixed texts, then m.ended (bound to the open end). */
static int subtree_query(struct cx *cx, const struct org_tree *t, int lo, int hi,
			 const char *head, const char *tail,
			 const char *const *fixed, int n_fixed, row_fn fn,
			 void *ctx, struct err *e)
{
	char sql[2048], list[IN_CHUNK * 3 + 32];
	int filtered = hi - lo <= IN_MAX_UNITS, rc = 0;
	size_t w = 0;
	struct db_stmt *st;
	w += (size_t)snprintf(list, sizeof list, " AND m.unit_id IN (");
	for (int i = 0; i < IN_CHUNK; i++) {
		w += (size_t)snprintf(list + w, sizeof list - w, i ? ",?" : "?");
	}
	snprintf(list + w, sizeof list - w, ")");
	snprintf(sql, sizeof sql, "%s%s%s", head, filtered ? list : "", tail);
	for (int at = lo; rc == 0 && at < hi; at += filtered ? IN_CHUNK : hi - lo) {
		if ((rc = db_prepare(cx->db, sql, &st, e))) {
			break;
		}
		for (int i = 0; i < n_fixed; i++) {
			db_bind_text(st, 1 + i, fixed[i]);
		}
		db_bind_text(st, 1 + n_fixed, DATE_OPEN);
		for (int i = 0; filtered && i < IN_CHUNK; i++) {
			db_bind_int64(st, 2 + n_fixed + i, at + i < hi ? t->nodes[at + i].id : 0);
		}
		while ((rc = db_step(st, e)) == DB_ROW) {
			int node = org_tree_find(t, db_col_int64(st, 0));
			rc = 0;
			if (node >= lo && node < hi && (rc = fn(st, node, ctx, e))) {
				break;
			}
		}
		db_finalize(st);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

struct figures {
	int lo, hi;
	int64_t *records, *clean; /* per node of [lo, hi): its whole subtree */
};

static int add_counts(struct db_stmt *st, int node, void *ctx, struct err *e)
{
	struct figures *f = ctx;
	(void)e;
	f->records[node - f->lo] += db_col_int64(st, 1);
	f->clean[node - f->lo] += db_col_int64(st, 2);
	return 0;
}

/* Count the memberships of every unit of the subtree, then add each
 * unit's figures to its ancestors' (pre-order: children come after). */
static int figures_load(struct cx *cx, const struct org_tree *t, int lo,
			struct figures *f, struct err *e)
{
	static const char *const sev[] = {"error"};
	int rc;
	f->lo = lo;
	f->hi = t->nodes[lo].end;
	f->records = calloc((size_t)(f->hi - lo), sizeof *f->records);
	f->clean = calloc((size_t)(f->hi - lo), sizeof *f->clean);
	if (!f->records || !f->clean) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	rc = subtree_query(cx, t, lo, f->hi,
			   "SELECT m.unit_id, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1"
			   " FROM quality_issue q JOIN quality_rule r ON r.code ="
			   " q.rule_code WHERE q.membership_id = m.id AND r.severity = ?"
			   " AND r.enabled <> 0) THEN 0 ELSE 1 END) FROM membership m"
			   " WHERE m.ended = ?",
			   " GROUP BY m.unit_id", sev, 1, add_counts, f, e);
	for (int i = f->hi - 1; rc == 0 && i > lo; i--) {
		int p = t->nodes[i].parent;
		if (p >= lo) {
			f->records[p - lo] += f->records[i - lo];
			f->clean[p - lo] += f->clean[i - lo];
		}
	}
	return rc;
}

static void figures_free(struct figures *f)
{
	free(f->records);
	free(f->clean);
}

static json_t *pct(int64_t clean, int64_t records)
{
	if (records <= 0) {
		return json_null();
	}
	return json_real(round(10000.0 * (double)clean / (double)records) / 100.0);
}

/* Today (from the request's clock), the tree of today, the unit's node. */
static int open_subtree(struct cx *cx, int64_t unit_id, char today[11],
			struct org_tree **t, int *node, struct err *e)
{
	int rc;
	*t = NULL;
	if ((rc = auth_may(cx, ACT_READ, unit_id, e))) {
		return rc;
	}
	date_format(date_from_days(cx->now_ms / 86400000), today);
	if ((rc = org_tree_get(cx, today, t, e))) {
		return rc;
	}
	*node = org_tree_find(*t, unit_id);
	if (*node < 0) {
		org_tree_release(*t);
		*t = NULL;
		return err_set(e, ERR_NOT_FOUND, "unit", "no unit with id %lld today",
			       (long long)unit_id);
	}
	return 0;
}

struct rule_count {
	const char *code; /* points into the rules */
	int64_t n;
};

struct by_rule_ctx {
	const struct quality_rules *q;
	struct rule_count *c;
	int n;
};

static int add_rule(struct db_stmt *st, int node, void *ctx, struct err *e)
{
	struct by_rule_ctx *b = ctx;
	const char *code = quality_rule_info(b->q, db_col_text(st, 1), NULL, NULL);
	(void)node;
	(void)e;
	if (!code) {
		return 0;
	}
	for (int i = 0; i < b->n; i++) {
		if (b->c[i].code == code) {
			b->c[i].n += db_col_int64(st, 2);
			return 0;
		}
	}
	b->c[b->n].code = code;
	b->c[b->n++].n = db_col_int64(st, 2);
	return 0;
}

static int cmp_count(const void *a, const void *b)
{
	const struct rule_count *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->code, y->code);
}

static json_t *unit_json(const struct org_tree *t, int i, const struct figures *f)
{
	return json_pack("{sI ss ss sI sI so}", "unit_id", (json_int_t)t->nodes[i].id,
			 "code", t->nodes[i].code, "name", t->nodes[i].name, "records",
			 (json_int_t)f->records[i - f->lo], "clean",
			 (json_int_t)f->clean[i - f->lo], "quality_pct",
			 pct(f->clean[i - f->lo], f->records[i - f->lo]));
}

int quality_unit(struct cx *cx, int64_t unit_id, json_t **out, struct err *e)
{
	struct org_tree *t;
	struct quality_rules *q = NULL;
	struct figures f = {0, 0, NULL, NULL};
	struct by_rule_ctx br = {NULL, NULL, 0};
	char today[11];
	int node, rc;
	json_t *o, *rules, *units;
	*out = NULL;
	if ((rc = open_subtree(cx, unit_id, today, &t, &node, e))) {
		return rc;
	}
	rc = figures_load(cx, t, node, &f, e);
	if (rc == 0) {
		rc = quality_rules_load(cx->db, &q, e);
	}
	if (rc == 0) {
		br.q = q;
		br.c = calloc((size_t)quality_rule_count(q) + 1, sizeof *br.c);
		rc = br.c ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (rc == 0) {
		rc = subtree_query(cx, t, node, f.hi,
				   "SELECT m.unit_id, q.rule_code, COUNT(*) FROM quality_issue q"
				   " JOIN quality_rule r ON r.code = q.rule_code AND r.enabled <> 0"
				   " JOIN membership m ON m.id = q.membership_id WHERE m.ended = ?",
				   " GROUP BY m.unit_id, q.rule_code", NULL, 0, add_rule, &br, e);
	}
	if (rc == 0) {
		o = unit_json(t, node, &f);
		json_object_set_new(o, "as_of", json_string(today));
		qsort(br.c, (size_t)br.n, sizeof *br.c, cmp_count);
		rules = json_array();
		for (int i = 0; i < br.n; i++) {
			const char *field = "";
			int is_error = 0;
			quality_rule_info(q, br.c[i].code, &field, &is_error);
			json_array_append_new(rules, json_pack("{ss ss ss ss sI}", "rule",
				br.c[i].code, "field", field, "severity",
				is_error ? "error" : "warning", "message",
				quality_message(q, br.c[i].code, cx->lang), "count",
				(json_int_t)br.c[i].n));
		}
		json_object_set_new(o, "by_rule", rules);
		units = json_array();
		for (int i = node; i < f.hi; i++) {
			if (f.records[i - node] > 0 &&
			    t->nodes[i].depth - t->nodes[node].depth <= BY_UNIT_DEPTH) {
				json_t *u = unit_json(t, i, &f);
				json_object_set_new(u, "depth", json_integer(t->nodes[i].depth -
									   t->nodes[node].depth));
				json_array_append_new(units, u);
			}
		}
		json_object_set_new(o, "by_unit", units);
		*out = o;
	}
	free(br.c);
	quality_rules_free(q);
	figures_free(&f);
	org_tree_release(t);
	return rc;
}

struct problems_ctx {
	const struct org_tree *t;
	const struct quality_rules *q;
	const char *lang;
	int64_t total;
	int limit, offset;
	json_t *items;
};

static int add_problem(struct db_stmt *st, int node, void *ctx, struct err *e)
{
	struct problems_ctx *p = ctx;
	const char *field = "";
	(void)e;
	p->total++;
	if (p->total <= p->offset || p->total > (int64_t)p->offset + p->limit) {
		return 0;
	}
	quality_rule_info(p->q, db_col_text(st, 2), &field, NULL);
	json_array_append_new(p->items, json_pack(
		"{sI sI ss ss ss sI ss ss ss ss ss ss ss ss}",
		"membership_id", (json_int_t)db_col_int64(st, 1),
		"person_id", (json_int_t)db_col_int64(st, 7),
		"full_name", db_col_text(st, 8), "citizen_id", db_col_text(st, 9),
		"org", db_col_text(st, 5), "unit_id", (json_int_t)p->t->nodes[node].id,
		"unit_code", p->t->nodes[node].code, "unit_name", p->t->nodes[node].name,
		"number", db_col_text(st, 6), "rule", db_col_text(st, 2),
		"field", field, "severity", db_col_text(st, 3),
		"message", quality_message(p->q, db_col_text(st, 2), p->lang),
		"detail", db_col_text(st, 4)));
	return 0;
}

int quality_problems(struct cx *cx, int64_t unit_id, int limit, int offset,
		     json_t **out, struct err *e)
{
	struct org_tree *t;
	struct quality_rules *q = NULL;
	struct problems_ctx p;
	char today[11];
	int node, rc;
	*out = NULL;
	if ((rc = open_subtree(cx, unit_id, today, &t, &node, e))) {
		return rc;
	}
	memset(&p, 0, sizeof p);
	p.t = t;
	p.lang = cx->lang;
	p.limit = limit <= 0 ? 100 : limit > 100000 ? 100000 : limit;
	p.offset = offset < 0 ? 0 : offset;
	p.items = json_array();
	rc = quality_rules_load(cx->db, &q, e);
	if (rc == 0) {
		p.q = q;
		rc = subtree_query(cx, t, node, t->nodes[node].end,
				   "SELECT m.unit_id, q.membership_id, q.rule_code, r.severity,"
				   " q.detail, m.org, m.number, m.person_id, p.full_name,"
				   " p.citizen_id FROM quality_issue q JOIN quality_rule r ON"
				   " r.code = q.rule_code AND r.enabled <> 0 JOIN membership m ON"
				   " m.id = q.membership_id JOIN person p ON p.id = m.person_id"
				   " WHERE m.ended = ?",
				   " ORDER BY m.unit_id, q.membership_id, q.rule_code", NULL, 0,
				   add_problem, &p, e);
	}
	if (rc == 0) {
		*out = json_pack("{sI sI si si so}", "unit_id", (json_int_t)unit_id, "total",
				 (json_int_t)p.total, "limit", p.limit, "offset", p.offset,
				 "items", p.items);
	} else {
		json_decref(p.items);
	}
	quality_rules_free(q);
	org_tree_release(t);
	return rc;
}

int quality_history(struct cx *cx, int64_t unit_id, json_t **out, struct err *e)
{
	struct org_tree *t;
	struct figures f = {0, 0, NULL, NULL};
	struct db_stmt *st;
	char today[11];
	int node, rc;
	json_t *series;
	*out = NULL;
	if ((rc = open_subtree(cx, unit_id, today, &t, &node, e))) {
		return rc;
	}
	if ((rc = figures_load(cx, t, node, &f, e)) == 0) {
		rc = db_begin(cx->db, e);
	}
	for (int i = node; rc == 0 && i < f.hi; i++) {
		if (i != node && f.records[i - node] == 0) {
			continue;
		}
		rc = db_prepare(cx->db,
				"INSERT INTO quality_history(unit_id, day, records, clean)"
				" VALUES (?, ?, ?, ?) ON CONFLICT (unit_id, day) DO UPDATE"
				" SET records = excluded.records, clean = excluded.clean",
				&st, e);
		if (rc == 0) {
			db_bind_int64(st, 1, t->nodes[i].id);
			db_bind_text(st, 2, today);
			db_bind_int64(st, 3, f.records[i - node]);
			db_bind_int64(st, 4, f.clean[i - node]);
			rc = db_step(st, e);
			rc = rc < 0 ? rc : 0;
			db_finalize(st);
		}
		if (rc) {
			db_rollback(cx->db);
		}
	}
	if (rc == 0 && f.hi > 0) {
		rc = db_commit(cx->db, e);
	}
	figures_free(&f);
	org_tree_release(t);
	if (rc) {
		return rc < 0 ? rc : -ERR_INTERNAL;
	}
	rc = db_prepare(cx->db,
			"SELECT day, records, clean FROM quality_history WHERE unit_id = ?"
			" ORDER BY day",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	series = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t n = db_col_int64(st, 1), c = db_col_int64(st, 2);
		json_array_append_new(series, json_pack("{ss sI sI so}", "day",
							db_col_text(st, 0), "records", (json_int_t)n,
							"clean", (json_int_t)c, "quality_pct", pct(c, n)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(series);
		return rc;
	}
	*out = series;
	return 0;
}
