/*
 * org_tree.c — in-memory views of the organization: the snapshot of the
 * tree as of a date (pre-order array with subtree ends) and the history
 * graph behind scope checks (every parent a unit ever had, every successor).
 * Both are built from the org tables with one scan and cached per
 * (database, org_gen), shared between threads by reference counts.  The
 * caches are the module's only mutable process state; they never hold data
 * that the database does not.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "domain/auth.h"
#include "domain/org_internal.h"

int org_gen_get(struct db *db, int64_t *gen, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT value FROM meta WHERE key = 'org_gen'", &st, e);
	if (rc) {
		return rc;
	}
	rc = db_step(st, e);
	*gen = rc == DB_ROW ? strtoll(db_col_text(st, 0), NULL, 10) : 0;
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int org_gen_bump(struct db *db, struct err *e)
{
	struct db_stmt *st;
	int64_t gen;
	char v[24];
	int rc = org_gen_get(db, &gen, e);
	if (rc) {
		return rc;
	}
	snprintf(v, sizeof v, "%lld", (long long)gen + 1);
	if ((rc = db_prepare(db, "UPDATE meta SET value = ? WHERE key = 'org_gen'", &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, v);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- the snapshot ---- */

struct row {
	int64_t id, parent_id, rev;
	int level;
	size_t code, kind, name, fold, from, to; /* offsets into the arena */
};

struct sort_ctx {
	const struct row *rows;
	const char *arena;
};

static int cmp_by_code(const void *a, const void *b, void *ctx)
{
	const struct sort_ctx *c = ctx;
	const struct row *ra = &c->rows[*(const int *)a];
	const struct row *rb = &c->rows[*(const int *)b];
	return strcmp(c->arena + ra->code, c->arena + rb->code);
}

void org_tree_release(struct org_tree *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	free(t->nodes);
	free(t->index_of_id);
	free(t->strings);
	free(t);
}

int org_tree_find(const struct org_tree *t, int64_t id)
{
	if (id <= 0 || id > t->max_id) {
		return -1;
	}
	return t->index_of_id[id];
}

int org_tree_build(struct db *db, const char *as_of, struct org_tree **out,
		   struct err *e)
{
	struct db_stmt *st;
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0;
	struct buf arena = BUF_INIT;
	struct org_tree *t = NULL;
	int *order = NULL, *first = NULL, *count = NULL, *stack = NULL, *row_index = NULL;
	int64_t max_id = 0;
	int rc;
	char today[11];
	*out = NULL;
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = date_check(as_of, "as_of", e))) {
		return rc;
	}
	rc = db_prepare(db,
			"SELECT v.unit_id, v.parent_id, u.code, u.kind, v.name,"
			" v.name_fold, v.level, u.rev, v.valid_from, v.valid_to"
			" FROM unit_version v JOIN unit u ON u.id = v.unit_id"
			" WHERE v.valid_from <= ? AND v.valid_to > ?",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, as_of);
	db_bind_text(st, 2, as_of);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct row *r;
		if (nrows == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct row *nr = realloc(rows, ncap * sizeof *rows);
			if (!nr) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			rows = nr;
			cap = ncap;
		}
		r = &rows[nrows++];
		r->id = db_col_int64(st, 0);
		r->parent_id = db_col_is_null(st, 1) ? 0 : db_col_int64(st, 1);
		r->level = (int)db_col_int64(st, 6);
		r->rev = db_col_int64(st, 7);
#define KEEP(field, col)                                                       \
	do {                                                                   \
		const char *s_ = db_col_text(st, col);                         \
		r->field = arena.n;                                            \
		buf_append(&arena, s_, strlen(s_) + 1);                        \
	} while (0)
		KEEP(code, 2);
		KEEP(kind, 3);
		KEEP(name, 4);
		KEEP(fold, 5);
		KEEP(from, 8);
		KEEP(to, 9);
#undef KEEP
		if (r->id > max_id) {
			max_id = r->id;
		}
	}
	db_finalize(st);
	if (rc < 0) {
		goto fail;
	}
	if (arena.err) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto fail;
	}
	t = calloc(1, sizeof *t);
	row_index = malloc((size_t)(max_id + 1) * sizeof *row_index);
	order = malloc((nrows + 1) * sizeof *order);
	first = calloc(nrows + 2, sizeof *first);
	count = calloc(nrows + 1, sizeof *count);
	stack = malloc((nrows + 1) * sizeof *stack);
	if (!t || !row_index || !order || !first || !count || !stack) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto fail;
	}
	for (int64_t i = 0; i <= max_id; i++) {
		row_index[i] = -1;
	}
	for (size_t i = 0; i < nrows; i++) {
		row_index[rows[i].id] = (int)i;
	}
	/* Children grouped by parent row (slot nrows = roots), each group in
	 * code order: sort all rows by code, then bucket them stably. */
	for (size_t i = 0; i < nrows; i++) {
		order[i] = (int)i;
	}
	{
		struct sort_ctx sc = {rows, arena.z};
		qsort_r(order, nrows, sizeof *order, cmp_by_code, &sc);
	}
	for (size_t i = 0; i < nrows; i++) {
		int64_t p = rows[i].parent_id;
		int pr = p > 0 && p <= max_id ? row_index[p] : -1;
		count[pr < 0 ? (int)nrows : pr]++;
	}
	{
		int *kids = malloc((nrows + 1) * sizeof *kids), *fill = calloc(nrows + 1, sizeof *fill);
		int top = 0, out_i = 0;
		if (!kids || !fill) {
			free(kids);
			free(fill);
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
			goto fail;
		}
		for (size_t i = 0; i <= nrows; i++) {
			first[i + 1] = first[i] + count[i];
		}
		for (size_t k = 0; k < nrows; k++) {
			int i = order[k];
			int64_t p = rows[i].parent_id;
			int pr = p > 0 && p <= max_id ? row_index[p] : -1;
			int slot = pr < 0 ? (int)nrows : pr;
			kids[first[slot] + fill[slot]++] = i;
		}
		free(fill);
		t->nodes = calloc(nrows ? nrows : 1, sizeof *t->nodes);
		t->index_of_id = row_index;
		row_index = NULL;
		if (!t->nodes) {
			free(kids);
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
			goto fail;
		}
		/* Iterative pre-order: push roots in reverse so they pop in
		 * order; a node's end is fixed when its subtree is done. */
		for (int k = first[nrows + 1] - 1; k >= first[nrows]; k--) {
			stack[top++] = kids[k] + 1; /* +1: entering; -(idx+1): leaving */
		}
		while (top > 0) {
			int v = stack[--top];
			if (v < 0) {
				int ni = -v - 1;
				t->nodes[ni].end = out_i;
				continue;
			}
			{
				int ri = v - 1, ni = out_i++;
				struct org_node *nd = &t->nodes[ni];
				struct row *r = &rows[ri];
				nd->id = r->id;
				nd->parent_id = r->parent_id;
				nd->level = r->level;
				nd->rev = r->rev;
				nd->n_children = count[ri];
				nd->code = (const char *)(uintptr_t)r->code;
				nd->kind = (const char *)(uintptr_t)r->kind;
				nd->name = (const char *)(uintptr_t)r->name;
				nd->name_fold = (const char *)(uintptr_t)r->fold;
				nd->valid_from = (const char *)(uintptr_t)r->from;
				nd->valid_to = (const char *)(uintptr_t)r->to;
				t->index_of_id[r->id] = ni;
				stack[top++] = -(ni + 1);
				for (int k = first[ri + 1] - 1; k >= first[ri]; k--) {
					stack[top++] = kids[k] + 1;
				}
			}
		}
		free(kids);
		t->n = out_i;
	}
	t->max_id = max_id;
	/* Parents and depths in one forward pass (parents come first). */
	for (int i = 0; i < t->n; i++) {
		struct org_node *nd = &t->nodes[i];
		int p = nd->parent_id ? org_tree_find(t, nd->parent_id) : -1;
		nd->parent = p;
		nd->depth = p < 0 ? 0 : t->nodes[p].depth + 1;
	}
	t->strings = buf_detach(&arena, NULL);
	for (int i = 0; i < t->n; i++) {
		struct org_node *nd = &t->nodes[i];
		nd->code = t->strings + (uintptr_t)nd->code;
		nd->kind = t->strings + (uintptr_t)nd->kind;
		nd->name = t->strings + (uintptr_t)nd->name;
		nd->name_fold = t->strings + (uintptr_t)nd->name_fold;
		nd->valid_from = t->strings + (uintptr_t)nd->valid_from;
		nd->valid_to = t->strings + (uintptr_t)nd->valid_to;
	}
	snprintf(t->as_of, sizeof t->as_of, "%s", as_of);
	t->max_id = max_id;
	t->refs = 1;
	free(rows);
	free(order);
	free(first);
	free(count);
	free(stack);
	*out = t;
	return 0;
fail:
	free(rows);
	free(order);
	free(first);
	free(count);
	free(stack);
	free(row_index);
	buf_free(&arena);
	if (t) {
		free(t->nodes);
		free(t->index_of_id);
		free(t);
	}
	return rc < 0 ? rc : -ERR_INTERNAL;
}

/* ---- caches ---- */

#define TREE_CACHE 8

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char url[512];
	struct org_tree *tree;
	uint64_t used;
} tree_cache[TREE_CACHE];
static uint64_t cache_clock;

int org_tree_get(struct cx *cx, const char *as_of, struct org_tree **out,
		 struct err *e)
{
	int64_t gen;
	char today[11];
	struct org_tree *t;
	int rc, victim = 0;
	*out = NULL;
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = date_check(as_of, "as_of", e))) {
		return rc;
	}
	if ((rc = org_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	/* Inside a transaction the caller may see uncommitted structure:
	 * never share such a snapshot. */
	if (cx->db->tx_depth > 0) {
		rc = org_tree_build(cx->db, as_of, out, e);
		if (rc == 0) {
			(*out)->gen = -1;
		}
		return rc;
	}
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < TREE_CACHE; i++) {
		t = tree_cache[i].tree;
		if (t && t->gen == gen && strcmp(t->as_of, as_of) == 0 &&
		    strcmp(tree_cache[i].url, cx->db->url) == 0) {
			__atomic_add_fetch(&t->refs, 1, __ATOMIC_ACQ_REL);
			tree_cache[i].used = ++cache_clock;
			pthread_mutex_unlock(&cache_lock);
			*out = t;
			return 0;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if ((rc = org_tree_build(cx->db, as_of, &t, e))) {
		return rc;
	}
	t->gen = gen;
	t->refs = 2; /* the caller's and the cache's */
	pthread_mutex_lock(&cache_lock);
	for (int i = 1; i < TREE_CACHE; i++) {
		if (!tree_cache[i].tree) {
			victim = i;
			break;
		}
		if (tree_cache[i].used < tree_cache[victim].used) {
			victim = i;
		}
	}
	if (tree_cache[0].tree == NULL) {
		victim = 0;
	}
	org_tree_release(tree_cache[victim].tree);
	tree_cache[victim].tree = t;
	tree_cache[victim].used = ++cache_clock;
	snprintf(tree_cache[victim].url, sizeof tree_cache[victim].url, "%s", cx->db->url);
	pthread_mutex_unlock(&cache_lock);
	*out = t;
	return 0;
}

/* The history graph: for every unit id, the parents it ever had and the
 * units it ever flowed into (lineage), as compressed adjacency lists. */
struct org_graph {
	char url[512];
	int64_t gen;
	int refs;
	int64_t max_id;
	int *start; /* [max_id + 2]: edges of id are up[start[id] .. start[id+1]) */
	int64_t *up;
};

static struct org_graph *graph_cache;

static void graph_release(struct org_graph *g)
{
	if (!g || __atomic_sub_fetch(&g->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	free(g->start);
	free(g->up);
	free(g);
}

struct edge {
	int64_t from, to;
};

static int graph_build(struct db *db, struct org_graph **out, struct err *e)
{
	struct db_stmt *st;
	struct edge *edges = NULL;
	size_t n = 0, cap = 0;
	int64_t max_id = 0;
	struct org_graph *g;
	int rc;
	static const char *const sql[] = {
		"SELECT DISTINCT unit_id, parent_id FROM unit_version WHERE parent_id IS NOT NULL",
		"SELECT from_unit, to_unit FROM reorg_link",
	};
	*out = NULL;
	for (int q = 0; q < 2; q++) {
		if ((rc = db_prepare(db, sql[q], &st, e))) {
			free(edges);
			return rc;
		}
		while ((rc = db_step(st, e)) == DB_ROW) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 4096;
				struct edge *ne = realloc(edges, ncap * sizeof *ne);
				if (!ne) {
					rc = err_set(e, ERR_INTERNAL, "", "out of memory");
					break;
				}
				edges = ne;
				cap = ncap;
			}
			edges[n].from = db_col_int64(st, 0);
			edges[n].to = db_col_int64(st, 1);
			if (edges[n].from > max_id) {
				max_id = edges[n].from;
			}
			if (edges[n].to > max_id) {
				max_id = edges[n].to;
			}
			n++;
		}
		db_finalize(st);
		if (rc < 0) {
			free(edges);
			return rc;
		}
	}
	g = calloc(1, sizeof *g);
	if (g) {
		g->start = calloc((size_t)max_id + 2, sizeof *g->start);
		g->up = malloc((n ? n : 1) * sizeof *g->up);
	}
	if (!g || !g->start || !g->up) {
		if (g) {
			free(g->start);
			free(g->up);
		}
		free(g);
		free(edges);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		g->start[edges[i].from + 1]++;
	}
	for (int64_t i = 0; i <= max_id; i++) {
		g->start[i + 1] += g->start[i];
	}
	{
		int *fill = calloc((size_t)max_id + 1, sizeof *fill);
		if (!fill) {
			graph_release(g);
			free(edges);
			return err_set(e, ERR_INTERNAL, "", "out of memory");
		}
		g->refs = 1;
		for (size_t i = 0; i < n; i++) {
			int64_t f = edges[i].from;
			g->up[g->start[f] + fill[f]++] = edges[i].to;
		}
		free(fill);
	}
	free(edges);
	g->max_id = max_id;
	g->refs = 1;
	*out = g;
	return 0;
}

static int graph_get(struct cx *cx, struct org_graph **out, struct err *e)
{
	int64_t gen;
	struct org_graph *g;
	int rc;
	if ((rc = org_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	if (cx->db->tx_depth == 0) {
		pthread_mutex_lock(&cache_lock);
		g = graph_cache;
		if (g && g->gen == gen && strcmp(g->url, cx->db->url) == 0) {
			__atomic_add_fetch(&g->refs, 1, __ATOMIC_ACQ_REL);
			pthread_mutex_unlock(&cache_lock);
			*out = g;
			return 0;
		}
		pthread_mutex_unlock(&cache_lock);
	}
	if ((rc = graph_build(cx->db, &g, e))) {
		return rc;
	}
	g->gen = gen;
	snprintf(g->url, sizeof g->url, "%s", cx->db->url);
	if (cx->db->tx_depth == 0) {
		g->refs = 2;
		pthread_mutex_lock(&cache_lock);
		graph_release(graph_cache);
		graph_cache = g;
		pthread_mutex_unlock(&cache_lock);
	}
	*out = g;
	return 0;
}

#define SCOPE_MAX_VISIT 4096

int org_in_scope(struct cx *cx, int64_t scope_id, int64_t unit_id,
		 struct err *e)
{
	struct org_graph *g;
	int64_t small[64], *seen = small, *stack_ids;
	int64_t stack_small[64];
	size_t n_seen = 0, cap = 64, top = 0, stack_cap = 64;
	int rc, found = 0;
	if (scope_id == unit_id) {
		return 1;
	}
	if ((rc = graph_get(cx, &g, e))) {
		return rc;
	}
	stack_ids = stack_small;
	stack_ids[top++] = unit_id;
	while (top > 0 && !found) {
		int64_t u = stack_ids[--top];
		int dup = 0;
		for (size_t i = 0; i < n_seen; i++) {
			if (seen[i] == u) {
				dup = 1;
				break;
			}
		}
		if (dup) {
			continue;
		}
		if (n_seen == SCOPE_MAX_VISIT) {
			break;
		}
		if (n_seen == cap) {
			int64_t *ns = malloc(cap * 2 * sizeof *ns);
			if (!ns) {
				break;
			}
			memcpy(ns, seen, n_seen * sizeof *ns);
			if (seen != small) {
				free(seen);
			}
			seen = ns;
			cap *= 2;
		}
		seen[n_seen++] = u;
		if (u <= 0 || u > g->max_id) {
			continue;
		}
		for (int k = g->start[u]; k < g->start[u + 1]; k++) {
			int64_t v = g->up[k];
			if (v == scope_id) {
				found = 1;
				break;
			}
			if (top == stack_cap) {
				int64_t *ns = malloc(stack_cap * 2 * sizeof *ns);
				if (!ns) {
					break;
				}
				memcpy(ns, stack_ids, top * sizeof *ns);
				if (stack_ids != stack_small) {
					free(stack_ids);
				}
				stack_ids = ns;
				stack_cap *= 2;
			}
			stack_ids[top++] = v;
		}
	}
	if (seen != small) {
		free(seen);
	}
	if (stack_ids != stack_small) {
		free(stack_ids);
	}
	graph_release(g);
	return found;
}
