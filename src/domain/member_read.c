/*
 * member_read.c — lists of members: the diacritic-blind search (by name,
 * citizen ID prefix or card number), today or as of a date, and the export
 * rows.  Reads person, membership, membership_stint and membership_event
 * (owned by member.c / member_event.c); never writes.  Results are limited
 * to the actor's scope, through history: a unit merged into one in scope
 * is in scope.  As of a date, a membership is listed in the unit of its
 * stint that day, with its status that day (suspended when its last
 * suspend/reinstate event up to that day is a suspension).  A list
 * restricted to a subtree (the actor's scope or a unit) asks the database
 * for the units it may show only (member_scope.h), so the membership_unit
 * index finds its rows instead of every membership being read and
 * filtered here; the rows are still checked here with the same verdicts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/auth.h"
#include "domain/member_internal.h"
#include "domain/member_scope.h"

#define SEARCH_LIMIT_MAX 500
#define SEARCH_LIMIT_DEFAULT 50

/* A small map unit id → verdict (1 in, 0 out), its code and name, so
 * that a list checks each distinct unit once.  tree (may be NULL): the
 * snapshot of the list's date, whose names are used when it has the
 * unit (else the unit's latest name). */
struct unit_memo {
	size_t n, cap;
	struct org_tree *tree;
	const struct member_scope *scope; /* verdicts known (may be NULL) */
	struct memo_slot {
		int64_t id;
		int in;
		char code[ORG_CODE_MAX + 1];
		char *name;
	} *slot;
};

static void memo_free(struct unit_memo *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slot[i].name);
	}
	free(m->slot);
	org_tree_release(m->tree);
	memset(m, 0, sizeof *m);
}

static struct memo_slot *memo_find(struct unit_memo *m, int64_t id)
{
	size_t h;
	if (m->n * 2 >= m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		struct memo_slot *ns = calloc(ncap, sizeof *ns);
		if (!ns) {
			return NULL;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (m->slot[i].id) {
				h = (size_t)m->slot[i].id * 0x9E3779B97F4A7C15ull % ncap;
				while (ns[h].id) {
					h = (h + 1) % ncap;
				}
				ns[h] = m->slot[i];
			}
		}
		free(m->slot);
		m->slot = ns;
		m->cap = ncap;
	}
	h = (size_t)id * 0x9E3779B97F4A7C15ull % m->cap;
	while (m->slot[h].id && m->slot[h].id != id) {
		h = (h + 1) % m->cap;
	}
	return &m->slot[h];
}

/* Is unit in the requested subtree (0 = any) and in the actor's scope?
 * 1 / 0 / <0.  Fills *code and *name (name may be NULL). */
static int unit_visible(struct cx *cx, struct unit_memo *memo, int64_t root,
			int64_t unit, const char **code, const char **name,
			struct err *e)
{
	struct memo_slot *s = memo_find(memo, unit);
	int in = 1;
	if (!s) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (s->id == unit) {
		*code = s->code;
		if (name) {
			*name = s->name ? s->name : "";
		}
		return s->in;
	}
	if (memo->scope && member_scope_has(memo->scope, unit) >= 0) {
		in = member_scope_has(memo->scope, unit); /* same rule, done */
	} else {
		if (root) {
			in = org_in_scope(cx, root, unit, e);
		}
		if (in == 1 && !cx->actor.system && cx->actor.unit_id) {
			in = org_in_scope(cx, cx->actor.unit_id, unit, e);
		}
	}
	if (in < 0) {
		return in;
	}
	s->id = unit;
	s->in = in;
	s->code[0] = '\0';
	{
		char label[ORG_NAME_MAX * 4 + 1] = "";
		int node = memo->tree ? org_tree_find(memo->tree, unit) : -1;
		org_unit_label(cx, unit, s->code, label, e);
		err_clear(e);
		s->name = strdup(node >= 0 ? memo->tree->nodes[node].name : label);
	}
	memo->n++;
	*code = s->code;
	if (name) {
		*name = s->name ? s->name : "";
	}
	return in;
}

/* "0791" → "0792", "0799" → "080", "999" → "" (no upper bound). */
static void digits_after(const char *p, char *out, size_t cap)
{
	size_t n = strlen(p);
	snprintf(out, cap, "%s", p);
	while (n > 0 && out[n - 1] == '9') {
		out[--n] = '\0';
	}
	if (n > 0) {
		out[n - 1]++;
	}
}

static int all_digits(const char *s)
{
	if (!*s) {
		return 0;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return 0;
		}
	}
	return 1;
}

/* LIKE pattern for a folded text: %text% with % _ \ escaped. */
static char *like_pattern(const char *fold)
{
	size_t n = strlen(fold);
	char *p = malloc(n * 2 + 3), *w = p;
	if (!p) {
		return NULL;
	}
	*w++ = '%';
	for (; *fold; fold++) {
		if (*fold == '%' || *fold == '_' || *fold == '\\') {
			*w++ = '\\';
		}
		*w++ = *fold;
	}
	*w++ = '%';
	*w = '\0';
	return p;
}

#define SEARCH_COLS                                                            \
	"SELECT p.id, p.full_name, p.citizen_id, p.gender, p.birth_date, m.id,"  \
	" m.org, m.number, m.status, m.unit_id, m.joined, m.official, m.ended,"  \
	" p.holder_unit_id"
#define SEARCH_SELECT                                                          \
	SEARCH_COLS " FROM person p LEFT JOIN membership m ON m.person_id = p.id" \
	" WHERE "
#define SEARCH_WHERE                                                           \
	" AND (CAST(? AS TEXT) IS NULL OR m.org = CAST(? AS TEXT))"             \
	" AND (CAST(? AS TEXT) IS NULL OR m.status = CAST(? AS TEXT))"
#define SEARCH_ORDER " ORDER BY p.name_fold, p.id, m.org"
#define SEARCH_FILTERS SEARCH_WHERE SEARCH_ORDER
/* As of a date (its 6 parameters first): the memberships counting that
 * day (y.mid), the unit of their stint that day, their status that day. */
#define ASOF_Y                                                                 \
	"(SELECT x.mid, x.unit_id, CASE WHEN (SELECT e.kind FROM"                \
	" membership_event e WHERE e.membership_id = x.mid AND e.kind IN"        \
	" ('suspend', 'reinstate') AND e.date <= CAST(? AS TEXT) ORDER BY"       \
	" e.date DESC, e.id DESC LIMIT 1) = 'suspend' THEN 'suspended' ELSE"     \
	" 'active' END AS st FROM (SELECT id AS mid, unit_id FROM membership"    \
	" WHERE unit_from <= CAST(? AS TEXT) AND ended > CAST(? AS TEXT)"        \
	" UNION ALL SELECT s.membership_id AS mid, s.unit_id FROM"               \
	" membership_stint s JOIN membership m2 ON m2.id = s.membership_id"     \
	" WHERE s.valid_from <= CAST(? AS TEXT) AND s.valid_to > CAST(? AS TEXT)" \
	" AND m2.ended > CAST(? AS TEXT)) x) y"
#define ASOF_SELECT                                                            \
	"SELECT p.id, p.full_name, p.citizen_id, p.gender, p.birth_date, m.id,"  \
	" m.org, m.number, y.st, y.unit_id, m.joined, m.official, m.ended FROM " \
	ASOF_Y " JOIN membership m ON m.id = y.mid"                             \
	" JOIN person p ON p.id = m.person_id WHERE "
#define ASOF_FILTERS                                                           \
	" AND (CAST(? AS TEXT) IS NULL OR m.org = CAST(? AS TEXT))"             \
	" AND (CAST(? AS TEXT) IS NULL OR y.st = CAST(? AS TEXT))"              \
	" ORDER BY p.name_fold, p.id, m.org"
#define ASOF_PARAMS 6

#define TEXT_WHERE "p.name_fold LIKE ? ESCAPE '\\'"
#define DIGITS_WHERE                                                           \
	"(p.id IN (SELECT person_id FROM person_key WHERE citizen_id >= ? AND "  \
	"(CAST(? AS TEXT) IS NULL OR citizen_id < CAST(? AS TEXT))) OR p.id IN " \
	"(SELECT person_id FROM membership WHERE number = ?))"

/* [as of a date][any / name / digits] */
static const char *const search_sql[2][3] = {
	{SEARCH_SELECT "1 = 1" SEARCH_FILTERS, SEARCH_SELECT TEXT_WHERE SEARCH_FILTERS,
	 SEARCH_SELECT DIGITS_WHERE SEARCH_FILTERS},
	{ASOF_SELECT "1 = 1" ASOF_FILTERS, ASOF_SELECT TEXT_WHERE ASOF_FILTERS,
	 ASOF_SELECT DIGITS_WHERE ASOF_FILTERS},
};

/* ---- a list restricted to a subtree: the visible units in the SQL ---- */

/* Most unit ids put into one statement (SQLite takes 32,766 parameters,
 * PostgreSQL 65,535); a larger set keeps the unrestricted statement. */
#define SCOPE_IN_MAX 30000

static const char *const kind_where[3] = {"1 = 1", TEXT_WHERE, DIGITS_WHERE};

/* Parameters a kind's condition takes (kind_where). */
static const int kind_params[3] = {0, 1, 4};

/* "?,?,…" for n parameters, or "?k,?k+1,…" from number `from` on when
 * from > 0 (the same values bound once, named again); w has room. */
static char *param_list(char *w, size_t n, size_t from)
{
	for (size_t i = 0; i < n; i++) {
		if (i) {
			*w++ = ',';
		}
		*w++ = '?';
		if (from) {
			w += sprintf(w, "%zu", from + i);
		}
	}
	*w = '\0';
	return w;
}

/* The list of today or as of a date (kind: any / name / digits) limited
 * to n units: m.unit_id IN (?,…) (as of a date: y.unit_id, the unit of
 * that day's stint), so the membership_unit index finds the rows.
 * Parameters: [as of: 6 dates], the kind's, the n unit ids, org ×2,
 * status ×2, [unlinked: the kind's again].  unlinked (today only): and
 * the people without any membership whose record one of the n units
 * holds (the same parameters, named again; the partial index
 * person_holder finds them), in a second branch; the order is the
 * unrestricted statement's (name_fold, person id, org: columns 15, 1, 7). */
static char *scoped_sql(int as_of, int kind, size_t n, int unlinked)
{
	size_t cap = 4096 + 16 * n, len;
	size_t first = (size_t)(as_of ? ASOF_PARAMS : 0) + (size_t)kind_params[kind] + 1;
	char *sql = malloc(cap), *w;
	if (!sql) {
		return NULL;
	}
	if (as_of) {
		len = (size_t)snprintf(sql, cap, "%s%s AND y.unit_id IN (", ASOF_SELECT,
				       kind_where[kind]);
	} else {
		len = (size_t)snprintf(sql, cap,
				       "%s, p.name_fold FROM membership m JOIN person p ON"
				       " p.id = m.person_id WHERE %s AND m.unit_id IN (",
				       SEARCH_COLS, kind_where[kind]);
	}
	w = param_list(sql + len, n, 0);
	*w++ = ')';
	*w = '\0';
	len = (size_t)(w - sql);
	if (as_of) {
		snprintf(w, cap - len, "%s", ASOF_FILTERS);
	} else if (unlinked) {
		len += (size_t)snprintf(w, cap - len,
					"%s UNION ALL %s, p.name_fold FROM person p LEFT JOIN"
					" membership m ON m.person_id = p.id WHERE %s AND m.id IS"
					" NULL AND p.holder_unit_id IS NOT NULL AND"
					" p.holder_unit_id IN (",
					SEARCH_WHERE, SEARCH_COLS, kind_where[kind]);
		w = param_list(sql + len, n, first);
		snprintf(w, cap - (size_t)(w - sql), ") ORDER BY 15, 1, 7");
	} else {
		snprintf(w, cap - len, "%s ORDER BY 15, 1, 7", SEARCH_WHERE);
	}
	return sql;
}

/* as_of: the state that day (not yet ended; official only if by then). */
static json_t *search_item(struct db_stmt *st, json_t *unit, const char *as_of)
{
	int has_m = !db_col_is_null(st, 5);
	const char *ended = as_of ? DATE_OPEN : db_col_text(st, 12);
	const char *official = has_m ? db_col_text(st, 11) : "";
	if (as_of && strcmp(official, as_of) > 0) {
		official = "";
	}
	return json_pack("{sI ss ss ss ss so so so so so ss ss so}", "person_id",
			 (json_int_t)db_col_int64(st, 0), "full_name", db_col_text(st, 1),
			 "citizen_id", db_col_text(st, 2), "gender", db_col_text(st, 3),
			 "birth_date", db_col_text(st, 4), "membership_id",
			 has_m ? json_integer(db_col_int64(st, 5)) : json_null(), "org",
			 has_m ? json_string(db_col_text(st, 6)) : json_null(), "number",
			 has_m ? json_string(db_col_text(st, 7)) : json_null(), "status",
			 has_m ? json_string(db_col_text(st, 8)) : json_null(), "unit", unit,
			 "joined", has_m ? db_col_text(st, 10) : "", "official", official,
			 "ended",
			 has_m && strcmp(ended, DATE_OPEN) ? json_string(ended) : json_null());
}

/* Bind the kind's parameters (name pattern or citizen ID range and card
 * number) from *p on. */
static void bind_kind(struct db_stmt *st, int *p, int kind, const char *pattern,
		      const char *fold, const char *upper)
{
	if (kind == 1) {
		db_bind_text(st, (*p)++, pattern);
	} else if (kind == 2) {
		db_bind_text(st, (*p)++, fold);
		db_bind_text(st, (*p)++, upper[0] ? upper : NULL);
		db_bind_text(st, (*p)++, upper[0] ? upper : NULL);
		db_bind_text(st, (*p)++, fold);
	}
}

int member_search(struct cx *cx, const struct member_query *q, json_t **out,
		  struct err *e)
{
	struct unit_memo memo = {0, 0, NULL, NULL, NULL};
	struct member_scope scope = {NULL, 0, NULL, 0};
	struct db_stmt *st;
	json_t *items;
	char *fold = NULL, *pattern = NULL, *sql = NULL, upper[32] = "";
	const char *text = q->q && q->q[0] ? q->q : NULL;
	const char *as_of = q->as_of && q->as_of[0] ? q->as_of : NULL;
	int limit = q->limit > 0 ? q->limit : SEARCH_LIMIT_DEFAULT, kind = 0, rc, p = 1;
	int filtered = (q->org && q->org[0]) || q->unit_id || (q->status && q->status[0]);
	int unlinked; /* people without memberships are listed */
	int64_t total = 0;
	*out = NULL;
	if (limit > SEARCH_LIMIT_MAX || q->offset < 0) {
		return err_set(e, ERR_INVALID, limit > SEARCH_LIMIT_MAX ? "limit" : "offset",
			       "limit is 1..%d and offset ≥ 0", SEARCH_LIMIT_MAX);
	}
	if (as_of && date_check(as_of, "as_of", e)) {
		return -ERR_INVALID;
	}
	if ((rc = auth_may(cx, ACT_READ, q->unit_id, e))) {
		return rc;
	}
	unlinked = !filtered;
	if (text) {
		fold = utf8_fold(text);
		if (!fold) {
			return err_set(e, ERR_BAD_REQUEST, "q", "q is not valid UTF-8");
		}
		if (strlen(fold) > 200) {
			free(fold);
			return err_set(e, ERR_INVALID, "q", "q is too long");
		}
		kind = all_digits(fold) ? 2 : 1;
		pattern = kind == 1 ? like_pattern(fold) : NULL;
		digits_after(fold, upper, sizeof upper);
	}
	/* Restricted to a subtree (the actor's or ?unit=): the units it may
	 * show, checked once each, go into the SQL; the rows are still
	 * checked below (the same verdicts, from the set). */
	if (q->unit_id || (!cx->actor.system && cx->actor.unit_id)) {
		if ((rc = member_scope_load(cx, q->unit_id, &scope, e))) {
			member_scope_free(&scope);
			free(fold);
			free(pattern);
			return rc;
		}
		memo.scope = &scope;
		if (scope.n > 0 && scope.n <= SCOPE_IN_MAX &&
		    !(sql = scoped_sql(as_of != NULL, kind, scope.n, unlinked))) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		}
	}
	/* unit names as of the list's date (today's for the current list) */
	if (!rc && org_tree_get(cx, as_of, &memo.tree, e)) {
		memo.tree = NULL;
		err_clear(e);
	}
	if (rc || (rc = db_prepare(cx->db, sql ? sql : search_sql[as_of != NULL][kind], &st,
				   e))) {
		free(sql);
		free(fold);
		free(pattern);
		memo_free(&memo);
		member_scope_free(&scope);
		return rc;
	}
	for (int k = 0; as_of && k < ASOF_PARAMS; k++) {
		db_bind_text(st, p++, as_of);
	}
	bind_kind(st, &p, kind, pattern, fold, upper);
	for (size_t k = 0; sql && k < scope.n; k++) {
		db_bind_int64(st, p++, scope.ids[k]);
	}
	for (int k = 0; k < 2; k++) {
		const char *v = k == 0 ? q->org : q->status;
		v = v && v[0] ? v : NULL;
		db_bind_text(st, p++, v);
		db_bind_text(st, p++, v);
	}
	if (sql && !as_of && unlinked) {
		bind_kind(st, &p, kind, pattern, fold, upper);
	}
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *code = "", *name = "";
		int64_t uid = 0;
		if (!db_col_is_null(st, 5)) {
			int in;
			uid = db_col_int64(st, 9);
			in = unit_visible(cx, &memo, q->unit_id, uid, &code, &name, e);
			if (in < 0) {
				rc = in;
				break;
			}
			if (!in) {
				continue;
			}
		} else {
			/* no membership: the unit holding the record decides */
			int64_t holder = db_col_is_null(st, 13) ? 0 : db_col_int64(st, 13);
			int in = 0;
			if (unlinked && holder) {
				in = unit_visible(cx, &memo, 0, holder, &code, &name, e);
			} else if (unlinked) {
				in = cx->actor.system || cx->actor.unit_id == 0;
			}
			if (in < 0) {
				rc = in;
				break;
			}
			if (!in) {
				continue;
			}
		}
		if (total >= q->offset && json_array_size(items) < (size_t)limit) {
			json_t *unit = uid ? json_pack("{sI ss ss}", "id", (json_int_t)uid, "code",
						       code, "name", name)
					   : json_null();
			json_array_append_new(items, search_item(st, unit, as_of));
		}
		total++;
	}
	db_finalize(st);
	free(sql);
	free(fold);
	free(pattern);
	memo_free(&memo);
	member_scope_free(&scope);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI si si so*}", "items", items, "total", (json_int_t)total,
			 "limit", limit, "offset", q->offset, "as_of",
			 as_of ? json_string(as_of) : NULL);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

/* ---- export ---- */

const char *const member_export_header[MEMBER_EXPORT_NCOL] = {
	"citizen_id", "full_name",    "gender",	   "birth_date", "ethnicity",
	"religion",   "hometown",     "hometown_new", "residence",  "phone",
	"email",      "org",	      "unit_code",    "number",	    "joined",
	"official",   "status",	      "ended",
};

#define EXPORT_COLS                                                            \
	"p.citizen_id, p.full_name, p.gender, p.birth_date, p.ethnicity,"      \
	" p.religion, p.hometown, p.hometown_new, p.residence, p.phone,"       \
	" p.email, m.org"
#define EXPORT_FILTERS                                                         \
	" m.org = ? AND (CAST(? AS TEXT) IS NULL OR m.status = CAST(? AS TEXT))"

static const char *const export_sql[2] = {
	"SELECT " EXPORT_COLS ", m.unit_id, m.number, m.joined, m.official, m.status,"
	" m.ended FROM membership m JOIN person p ON p.id = m.person_id WHERE"
	EXPORT_FILTERS " ORDER BY m.unit_id, p.name_fold, m.id",
	/* as of a date: the unit and status of that day (ASOF_Y binds first) */
	"SELECT " EXPORT_COLS ", y.unit_id, m.number, m.joined, m.official, y.st,"
	" m.ended FROM " ASOF_Y " JOIN membership m ON m.id = y.mid"
	" JOIN person p ON p.id = m.person_id WHERE m.org = ?"
	" AND (CAST(? AS TEXT) IS NULL OR y.st = CAST(? AS TEXT))"
	" ORDER BY y.unit_id, p.name_fold, m.id",
};

int member_export(struct cx *cx, const struct member_export_query *q,
		  member_row_fn fn, void *arg, long *rows, struct err *e)
{
	struct unit_memo memo = {0, 0, NULL, NULL, NULL};
	struct db_stmt *st;
	const char *status = q->status && q->status[0] ? q->status : NULL;
	int as_of = q->as_of && q->as_of[0], rc, p = 1;
	long n = 0;
	if (rows) {
		*rows = 0;
	}
	if (!q->org || !q->org[0]) {
		return err_set(e, ERR_INVALID, "org", "org is required");
	}
	if (as_of && date_check(q->as_of, "as_of", e)) {
		return -ERR_INVALID;
	}
	if ((rc = auth_may(cx, ACT_READ, q->unit_id, e)) ||
	    (rc = db_prepare(cx->db, export_sql[as_of], &st, e))) {
		return rc;
	}
	for (int k = 0; as_of && k < ASOF_PARAMS; k++) {
		db_bind_text(st, p++, q->as_of);
	}
	db_bind_text(st, p++, q->org);
	db_bind_text(st, p++, status);
	db_bind_text(st, p++, status);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *cells[MEMBER_EXPORT_NCOL], *code = "";
		int in = unit_visible(cx, &memo, q->unit_id, db_col_int64(st, 12), &code, NULL, e);
		if (in < 0) {
			rc = in;
			break;
		}
		if (!in) {
			continue;
		}
		for (int c = 0; c < MEMBER_EXPORT_NCOL; c++) {
			cells[c] = c == MF_UNIT_CODE ? code : db_col_text(st, c);
		}
		/* as of a date: the state that day (not ended yet; official
		 * only when it was by then) */
		if (strcmp(cells[MEMBER_EXPORT_NCOL - 1], DATE_OPEN) == 0 || as_of) {
			cells[MEMBER_EXPORT_NCOL - 1] = "";
		}
		if (as_of && strcmp(cells[MF_OFFICIAL], q->as_of) > 0) {
			cells[MF_OFFICIAL] = "";
		}
		if ((rc = fn(arg, cells, e)) < 0) {
			break;
		}
		n++;
	}
	db_finalize(st);
	memo_free(&memo);
	if (rows) {
		*rows = n;
	}
	return rc < 0 ? rc : 0;
}
