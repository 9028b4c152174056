/*
 * import_bulk.c — how an import writes fast.  Engine-specific tuning kept
 * here because it serves this one writer; it owns no table.
 *
 * - Whether rows need looking up at all (imp_is_fresh: no citizen ID is
 *   registered yet) and, for a load larger than what is stored, the
 *   stored citizen IDs as a sorted array (imp_known_*), so that a new
 *   person costs no query.
 * - The citizen IDs of new people, written to the register (person_key)
 *   once before the commit, radix-sorted: appends at the B-tree's right
 *   edge instead of random inserts or SQLite's sorter (imp_keys_*).
 * - On SQLite, where the writer holds the write lock for the whole
 *   import: a 512 MB page cache for the run when the import has the
 *   database to itself (64 MB beside a server, whose memory stays
 *   bounded), foreign-key look-ups off (the ids written are the
 *   writer's own and units come from the snapshot),
 *   and, when the file holds more rows than the tables (imp_bulk_worth),
 *   the membership indexes dropped inside the transaction and rebuilt once
 *   from their stored definitions before the commit (a sort instead of a
 *   million random B-tree inserts).  A rollback or a crash restores
 *   everything, indexes included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import_internal.h"

int imp_is_fresh(struct cx *cx, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "SELECT 1 FROM person_key LIMIT 1",
			    &st, e);
	if (rc) {
		return rc;
	}
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_DONE;
}

int imp_bulk_worth(struct cx *cx, int64_t rows_expected, struct err *e)
{
	int64_t have;
	if (db_kind(cx->db) != DB_SQLITE) {
		return 0;
	}
	have = imp_scalar(cx->db, "SELECT COUNT(*) FROM membership", -1, e);
	return have >= 0 && have < rows_expected / 2;
}

#define BULK_MAX_INDEXES 16
#define IMPORT_CACHE_KB 524288	   /* alone with the database (the CLI) */
#define IMPORT_CACHE_SHARED_KB 65536 /* beside others (the server): memory stays bounded */

struct imp_bulk {
	int n;
	char *name[BULK_MAX_INDEXES], *sql[BULK_MAX_INDEXES];
};

int64_t imp_scalar(struct db *db, const char *sql, int64_t dflt, struct err *e)
{
	struct db_stmt *st;
	int64_t v = dflt;
	if (db_prepare(db, sql, &st, e) == 0) {
		if (db_step(st, e) == DB_ROW) {
			v = db_col_int64(st, 0);
		}
		db_finalize(st);
	}
	return v;
}

void imp_bulk_free(struct imp_bulk *b)
{
	for (int i = 0; b && i < b->n; i++) {
		free(b->name[i]);
		free(b->sql[i]);
	}
	free(b);
}

int imp_bulk_drop(struct cx *cx, struct imp_bulk **out, struct err *e)
{
	struct db_stmt *st = NULL;
	struct imp_bulk *b = calloc(1, sizeof *b);
	int rc;
	if (!b) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	*out = NULL;
	rc = db_prepare(cx->db,
			"SELECT name, sql FROM sqlite_master WHERE type = 'index'"
			" AND sql IS NOT NULL AND tbl_name IN ('person', 'membership')"
			/* its entries arrive in key order (person ids grow):
			 * cheaper kept than rebuilt */
			" AND name <> 'membership_person_org'",
			&st, e);
	while (rc == 0 && (rc = db_step(st, e)) == DB_ROW) {
		if (b->n < BULK_MAX_INDEXES) {
			b->name[b->n] = strdup(db_col_text(st, 0));
			b->sql[b->n] = strdup(db_col_text(st, 1));
			b->n++;
		}
		rc = 0;
	}
	if (st) {
		db_finalize(st);
	}
	for (int i = 0; rc >= 0 && i < b->n; i++) {
		char sql[160];
		if (!b->name[i] || !b->sql[i] || strspn(b->name[i], "abcdefghijklmnopqrstuvwxyz_") !=
							 strlen(b->name[i])) {
			rc = err_set(e, ERR_INTERNAL, "", "unexpected index definition");
			break;
		}
		snprintf(sql, sizeof sql, "DROP INDEX %s", b->name[i]);
		rc = db_exec(cx->db, sql, e);
	}
	if (rc < 0) {
		imp_bulk_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int imp_bulk_rebuild(struct cx *cx, const struct imp_bulk *b, struct err *e)
{
	for (int i = 0; b && i < b->n; i++) {
		int rc = db_exec(cx->db, b->sql[i], e);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

void imp_sqlite_settings(struct cx *cx, int on, int alone, int64_t *cache)
{
	struct err e2 = ERR_INIT;
	char sql[64];
	if (db_kind(cx->db) != DB_SQLITE) {
		return;
	}
	if (on) {
		*cache = imp_scalar(cx->db, "PRAGMA cache_size", -2000, &e2);
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d",
			 alone ? IMPORT_CACHE_KB : IMPORT_CACHE_SHARED_KB);
		db_exec(cx->db, sql, &e2);
		db_exec(cx->db, "PRAGMA threads = 2", &e2);
		/* the writer's ids are its own, units come from the snapshot */
		db_exec(cx->db, "PRAGMA foreign_keys = OFF", &e2);
		return;
	}
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)*cache);
	db_exec(cx->db, sql, &e2);
	db_exec(cx->db, "PRAGMA threads = 0", &e2);
	db_exec(cx->db, "PRAGMA foreign_keys = ON", &e2);
}


/* ---- the citizen-ID register, written in key order ---- */

/* A citizen ID is 12 decimal digits: as a number below 10^12 < 2^40, its
 * numeric order is the text order of the fixed-width key. */
static int cid_value(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int i;
	for (i = 0; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return s[12] == '\0' ? 0 : -1;
}

int imp_keys_add(struct imp_keys *k, const char *cid, int64_t person, struct err *e)
{
	uint64_t v;
	if (!cid || !cid[0]) {
		return 0;
	}
	if (cid_value(cid, &v)) {
		return err_set(e, ERR_INTERNAL, "citizen_id", "citizen ID not checked: %.20s", cid);
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct imp_key *p = realloc(k->v, cap * sizeof *p);
		if (!p) {
			return err_set(e, ERR_INTERNAL, "", "out of memory");
		}
		k->v = p;
		k->cap = cap;
	}
	k->v[k->n].cid = v;
	k->v[k->n].person = person;
	k->n++;
	return 0;
}

/* LSD radix sort by the 40-bit key, 8 bits a pass. */
static int keys_sort(struct imp_keys *k)
{
	struct imp_key *tmp = malloc(k->n * sizeof *tmp), *src = k->v, *dst = tmp;
	if (!tmp) {
		return -1;
	}
	for (int shift = 0; shift < 40; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < k->n; i++) {
			count[((src[i].cid >> shift) & 0xFF) + 1]++;
		}
		for (int b = 0; b < 256; b++) {
			count[b + 1] += count[b];
		}
		for (size_t i = 0; i < k->n; i++) {
			dst[count[(src[i].cid >> shift) & 0xFF]++] = src[i];
		}
		struct imp_key *t = src;
		src = dst;
		dst = t;
	}
	if (src != k->v) {
		free(k->v);
		k->v = src;
		k->cap = k->n;
	} else {
		free(tmp);
	}
	return 0;
}

#define KEY_ROWS 64 /* keys per multi-row INSERT */

/* The 12 digits of key v into cid[13]. */
static void key_text(uint64_t v, char cid[13])
{
	for (int d = 11; d >= 0; d--, v /= 10) {
		cid[d] = (char)('0' + v % 10);
	}
	cid[12] = '\0';
}

/* The stored keys and k's, merged in key order into *out (the two sets
 * are disjoint: a stored ID never reaches the inserts). */
static int keys_merge(const struct imp_keys *k, const struct imp_known *known,
		      struct imp_keys *out)
{
	size_t i = 0, j = 0, n = 0;
	out->v = malloc((k->n + known->n) * sizeof *out->v);
	if (!out->v) {
		return -1;
	}
	while (i < k->n || j < known->n) {
		if (j == known->n || (i < k->n && k->v[i].cid < known->v[j])) {
			out->v[n++] = k->v[i++];
		} else {
			out->v[n].cid = known->v[j];
			out->v[n++].person = known->person[j++];
		}
	}
	out->n = out->cap = n;
	return 0;
}

/* Append keys v[0..n) to the register. */
static int keys_append(struct cx *cx, const struct imp_key *v, size_t n, struct err *e)
{
	static const char one[] = "INSERT INTO person_key(citizen_id, person_id) VALUES (?, ?)";
	char sql[sizeof one + KEY_ROWS * 8], cid[KEY_ROWS][13];
	struct db_stmt *st[2] = {NULL, NULL};
	size_t i = 0, len = strlen(one);
	int rc;
	/* whole statements of KEY_ROWS keys (a step's own cost is most of a
	 * key's), the rest one by one */
	memcpy(sql, one, len + 1);
	for (int r = 1; r < KEY_ROWS; r++) {
		memcpy(sql + len, ",(?,?)", 7);
		len += 6;
	}
	if ((rc = db_prepare(cx->db, sql, &st[0], e)) == 0) {
		rc = db_prepare(cx->db, one, &st[1], e);
	}
	while (rc == 0 && i < n) {
		int rows = n - i >= KEY_ROWS ? KEY_ROWS : 1;
		struct db_stmt *s = st[rows == 1];
		for (int r = 0; r < rows; r++, i++) {
			key_text(v[i].cid, cid[r]);
			db_bind_text_ref(s, 2 * r + 1, cid[r], 12);
			db_bind_int64(s, 2 * r + 2, v[i].person);
		}
		rc = db_step(s, e);
		db_reset(s);
		rc = rc < 0 ? rc : 0;
	}
	db_finalize(st[0]);
	db_finalize(st[1]);
	return rc;
}

int imp_keys_write(struct cx *cx, struct imp_keys *k, const struct imp_known *known,
		   struct err *e)
{
	struct imp_keys all = {0};
	int rc;
	if (k->n == 0) {
		return 0;
	}
	if (keys_sort(k)) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (!known || !known->loaded || known->n == 0) {
		return keys_append(cx, k->v, k->n, e);
	}
	if (keys_merge(k, known, &all)) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if ((rc = db_exec(cx->db, "DELETE FROM person_key", e)) == 0) {
		rc = keys_append(cx, all.v, all.n, e);
	}
	imp_keys_free(&all);
	return rc;
}

void imp_keys_free(struct imp_keys *k)
{
	free(k->v);
	memset(k, 0, sizeof *k);
}

/* ---- the stored citizen IDs, for a bulk load ---- */

int imp_known_load(struct cx *cx, struct imp_known *k, struct err *e)
{
	struct db_stmt *st;
	size_t cap = 1024;
	int rc;
	memset(k, 0, sizeof *k);
	k->v = malloc(cap * sizeof *k->v);
	k->person = malloc(cap * sizeof *k->person);
	if (!k->v || !k->person) {
		imp_known_free(k);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	/* the register's primary key: already in order */
	if ((rc = db_prepare(cx->db, "SELECT citizen_id, person_id FROM person_key"
			     " ORDER BY citizen_id", &st, e))) {
		imp_known_free(k);
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		uint64_t v;
		if (cid_value(db_col_text(st, 0), &v)) {
			imp_known_free(k); /* not an ID this code wrote: look every row up */
			break;
		}
		if (k->n == cap) {
			uint64_t *p = realloc(k->v, cap * 2 * sizeof *p);
			int64_t *q = p ? realloc(k->person, cap * 2 * sizeof *q) : NULL;
			if (p) {
				k->v = p;
			}
			if (!q) {
				db_finalize(st);
				imp_known_free(k);
				return err_set(e, ERR_INTERNAL, "", "out of memory");
			}
			k->person = q;
			cap *= 2;
		}
		k->person[k->n] = db_col_int64(st, 1);
		k->v[k->n++] = v;
	}
	db_finalize(st);
	if (rc < 0) {
		imp_known_free(k);
		return rc;
	}
	k->loaded = k->v != NULL;
	return 0;
}

int imp_known_lacks(const struct imp_known *k, const char *cid)
{
	uint64_t v;
	size_t lo = 0, hi;
	if (!k->loaded) {
		return 0;
	}
	if (!cid[0]) {
		return 1;
	}
	if (cid_value(cid, &v)) {
		return 0;
	}
	hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->v[mid] < v) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo == k->n || k->v[lo] != v;
}

void imp_known_free(struct imp_known *k)
{
	free(k->v);
	free(k->person);
	memset(k, 0, sizeof *k);
}
