/*
 * member_index.c — the member index's life cycle and cache (member_index.h):
 * one index per database, cached; midx_get brings it to the database's
 * generation — by catching up from the change log (member_index_catchup.c)
 * when it can, else by building it again from the tables
 * (member_index_build.c), all inside one read snapshot together with the
 * generation it shows.  Reads the member tables only (through SQL owned by
 * the member index files and member_log.h); never writes.  The cache is the
 * module's only mutable process state.
 */
#include "domain/member_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/member_index_internal.h"
#include "domain/member_log.h"

#define CACHE 4
/* Overlay entries (or logged rows to apply) beyond which a rebuild from
 * the tables is cheaper for the questions than carrying them. */
#define OVL_MAX 200000

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct midx *cache[CACHE];
static int cache_next;
static long n_builds, n_catch_ups;

/* ---- life cycle ---- */

void midx_map_release(struct midx_map *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(m->node);
		free(m);
	}
}

/* Forget every part: the index is empty (built = 0). */
static void midx_clear(struct midx *x)
{
	void *arrays[] = {x->units, x->umark, x->s_off, x->starts, x->ends, x->j_off,
			  x->l_off, x->joins, x->leaves, x->d_off, x->d_start, x->d_end,
			  x->d_attr, x->eth, x->ps, x->pt, x->po};
	for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
		free(arrays[i]);
	}
	midx_ovl_free(&x->oc);
	midx_ovl_free(&x->oj);
	midx_ovl_free(&x->ol);
	midx_ovl_free(&x->od);
	for (int i = 0; i < MIDX_MAPS; i++) {
		midx_map_release(x->maps[i]);
	}
	memset(x->org, 0, sizeof x->org);
	x->units = NULL;
	x->umark = NULL;
	x->s_off = x->j_off = x->l_off = x->d_off = x->d_attr = x->pt = NULL;
	x->starts = x->ends = x->joins = x->leaves = x->d_start = x->d_end = NULL;
	x->eth = NULL;
	x->ps = x->po = NULL;
	memset(x->maps, 0, sizeof x->maps);
	x->built = x->have = x->n_orgs = x->b_orgs = x->n_eth = x->next_map = 0;
	x->units_dirty = 0;
	x->stride = x->n_units = x->ucap = x->map_n = 0;
	x->n_ps = x->n_pt = x->n_po = 0;
	x->gen = -1;
}

static struct midx *midx_new(const char *url)
{
	struct midx *x = calloc(1, sizeof *x);
	if (!x) {
		return NULL;
	}
	pthread_mutex_init(&x->lock, NULL);
	pthread_rwlock_init(&x->rw, NULL);
	x->refs = 1;
	x->gen = -1;
	snprintf(x->url, sizeof x->url, "%s", url);
	return x;
}

static void midx_unref(struct midx *x)
{
	if (!x || __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	midx_clear(x);
	pthread_rwlock_destroy(&x->rw);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

void midx_release(struct midx *x)
{
	if (x) {
		pthread_rwlock_unlock(&x->rw);
		midx_unref(x);
	}
}

/* ---- bringing an index up to date ---- */

/* A read snapshot, so that a build sees one generation of the tables (a
 * deferred transaction on SQLite's WAL; REPEATABLE READ on PostgreSQL).
 * Inside the caller's transaction: that one. */
static int snap_begin(struct db *db, struct err *e)
{
	if (db->tx_depth > 0) {
		return 0;
	}
	return db_exec(db,
		       db_kind(db) == DB_PG ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
					    : "BEGIN",
		       e);
}

static void snap_end(struct db *db)
{
	struct err e2 = ERR_INIT;
	if (db->tx_depth == 0) {
		db_exec(db, "ROLLBACK", &e2);
	}
}

static int read_gens(struct db *db, int64_t *gen, int64_t *base, int64_t *logged,
		     int64_t since, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
			    "SELECT key, value FROM meta WHERE key IN ('member_gen', 'member_base')",
			    &st, e);
	*gen = *base = 0;
	*logged = 0;
	if (rc) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t v = strtoll(db_col_text(st, 1), NULL, 10);
		*(strcmp(db_col_text(st, 0), "member_gen") == 0 ? gen : base) = v;
	}
	db_finalize(st);
	if (rc < 0 || since < 0 || *gen <= since) {
		return rc < 0 ? rc : 0;
	}
	if ((rc = db_prepare(db, "SELECT COUNT(*) FROM member_change WHERE gen > ? AND gen <= ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, since);
	db_bind_int64(st, 2, *gen);
	if ((rc = db_step(st, e)) == DB_ROW) {
		*logged = db_col_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* With the write lock (or a private index): bring x to the database's
 * generation with `parts` built — from the change log when it can, else
 * by building everything again. */
static int midx_sync(struct db *db, struct midx *x, int parts, struct err *e)
{
	int64_t gen, base, logged;
	int rc = snap_begin(db, e), rebuild;
	if (rc) {
		return rc;
	}
	rc = read_gens(db, &gen, &base, &logged, x->built ? x->gen : -1, e);
	rebuild = !x->built || base > x->gen || gen < x->gen ||
		  (size_t)logged + x->oc.n + x->n_po > OVL_MAX;
	if (rc == 0 && !rebuild && gen > x->gen) {
		rc = midx_catch_up(db, x, x->gen, gen, e);
		if (db->tx_depth == 0) {
			__atomic_add_fetch(&n_catch_ups, 1, __ATOMIC_RELAXED);
		}
	}
	if (rc == 0 && rebuild) {
		if (db->tx_depth == 0) {
			__atomic_add_fetch(&n_builds, 1, __ATOMIC_RELAXED);
		}
		parts |= x->have;
		midx_clear(x);
		if ((rc = midx_build_counts(db, x, e)) == 0) {
			x->built = 1;
		}
	}
	if (rc == 0 && (parts & MIDX_PERIOD) && !(x->have & MIDX_PERIOD) &&
	    (rc = midx_build_period(db, x, e)) == 0) {
		x->have |= MIDX_PERIOD;
	}
	if (rc == 0 && (parts & MIDX_DETAIL) && !(x->have & MIDX_DETAIL) &&
	    (rc = midx_build_detail(db, x, e)) == 0) {
		x->have |= MIDX_DETAIL;
	}
	if (rc == 0 && (parts & MIDX_PEOPLE) && !(x->have & MIDX_PEOPLE) &&
	    (rc = midx_build_people(db, x, e)) == 0) {
		x->have |= MIDX_PEOPLE;
	}
	if (rc == 0 && midx_units_commit(x)) {
		rc = MIDX_OOM(e);
	}
	snap_end(db);
	if (rc) {
		midx_clear(x);
		return rc;
	}
	x->gen = gen;
	return 0;
}

/* The cached index of url (an empty one when new), with a reference. */
static struct midx *cache_take(const char *url)
{
	struct midx *x;
	int slot = -1;
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE; i++) {
		if (cache[i] && strcmp(cache[i]->url, url) == 0) {
			x = cache[i];
			__atomic_add_fetch(&x->refs, 1, __ATOMIC_ACQ_REL);
			pthread_mutex_unlock(&cache_lock);
			return x;
		}
		if (!cache[i] && slot < 0) {
			slot = i;
		}
	}
	if ((x = midx_new(url))) {
		if (slot < 0) { /* full: the oldest entry goes */
			slot = cache_next;
			cache_next = (cache_next + 1) % CACHE;
			midx_unref(cache[slot]);
		}
		x->refs = 2;
		cache[slot] = x;
	}
	pthread_mutex_unlock(&cache_lock);
	return x;
}

int midx_get(struct cx *cx, int parts, struct midx **out, struct err *e)
{
	struct midx *x;
	int64_t gen;
	int rc;
	*out = NULL;
	if (cx->db->tx_depth > 0) { /* may see uncommitted rows: not shared */
		if (!(x = midx_new(cx->db->url))) {
			return MIDX_OOM(e);
		}
		if ((rc = midx_sync(cx->db, x, parts, e))) {
			midx_unref(x);
			return rc;
		}
		pthread_rwlock_rdlock(&x->rw);
		*out = x;
		return 0;
	}
	if ((rc = member_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	if (!(x = cache_take(cx->db->url))) {
		return MIDX_OOM(e);
	}
	for (int tries = 0;; tries++) {
		pthread_rwlock_rdlock(&x->rw);
		if (x->built && (x->have & parts) == parts &&
		    (x->gen == gen || (tries > 0 && x->gen > gen))) {
			*out = x;
			return 0;
		}
		pthread_rwlock_unlock(&x->rw);
		pthread_rwlock_wrlock(&x->rw);
		rc = midx_sync(cx->db, x, parts, e);
		gen = x->gen;
		pthread_rwlock_unlock(&x->rw);
		if (rc) {
			midx_unref(x);
			return rc;
		}
	}
}

void midx_counters(long *builds, long *catch_ups)
{
	*builds = __atomic_load_n(&n_builds, __ATOMIC_RELAXED);
	*catch_ups = __atomic_load_n(&n_catch_ups, __ATOMIC_RELAXED);
}

void midx_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE; i++) {
		midx_unref(cache[i]);
		cache[i] = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
}
