/*
 * import_setup.c — what an import needs before its first row: the options
 * checked (file, organization, default unit and the actor's right to
 * write there), the table of today's units by code for the reader, and
 * the hashing thread (SHA-256 of the file for the job row, and its line
 * count for the progress estimate).  Writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/sha256.h"
#include "domain/auth.h"
#include "domain/import_internal.h"

void *imp_hash_run(void *arg)
{
	struct imp_hasher *h = arg;
	struct sha256 st = {NULL};
	size_t n;
	char *buf = malloc(1 << 20);
	FILE *f = buf && sha256_begin(&st) == 0 ? fopen(h->path, "rb") : NULL;
	if (!f) {
		h->failed = 1;
	}
	while (f && (n = fread(buf, 1, 1 << 20, f)) > 0) {
		sha256_add(&st, buf, n);
		for (const char *p = buf; (p = memchr(p, '\n', n - (size_t)(p - buf))); p++) {
			h->lines++;
		}
	}
	if (f) {
		h->failed = ferror(f);
		fclose(f);
	}
	free(buf);
	if (sha256_end(&st, h->hex)) {
		h->failed = 1;
	}
	__atomic_store_n(&h->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}


/* Units as of today, by code, with their organization and whether the
 * actor may write there.  *tree is held until the import ends. */
int imp_unit_table(struct cx *cx, const char *today, struct org_tree **tree,
		   struct imp_unit **out, size_t *n_slots, struct err *e)
{
	json_t *kinds = NULL;
	struct org_tree *t;
	int rc, lo = 0, hi = 0, all = cx->actor.system || cx->actor.unit_id == 0;
	size_t cap = 16;
	struct imp_unit *u;
	*out = NULL;
	if ((rc = org_tree_get(cx, today, &t, e))) {
		return rc;
	}
	if ((rc = org_kinds(cx, &kinds, e))) {
		org_tree_release(t);
		return rc;
	}
	if (!all) {
		int i = org_tree_find(t, cx->actor.unit_id);
		lo = i < 0 ? 0 : i;
		hi = i < 0 ? 0 : t->nodes[i].end;
	}
	while (cap < (size_t)t->n * 2) {
		cap *= 2;
	}
	u = calloc(cap, sizeof *u);
	if (!u) {
		json_decref(kinds);
		org_tree_release(t);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (int i = 0; i < t->n; i++) {
		size_t h = imp_unit_hash(t->nodes[i].code) & (cap - 1);
		json_t *k;
		size_t j;
		while (u[h].code) {
			h = (h + 1) & (cap - 1);
		}
		u[h].code = t->nodes[i].code;
		u[h].id = t->nodes[i].id;
		u[h].writable = all || (i >= lo && i < hi);
		json_array_foreach(kinds, j, k) {
			const char *code = json_string_value(json_object_get(k, "code"));
			if (code && strcmp(code, t->nodes[i].kind) == 0) {
				snprintf(u[h].org, sizeof u[h].org, "%s",
					 json_string_value(json_object_get(k, "org")));
			}
		}
	}
	json_decref(kinds);
	*tree = t;
	*out = u;
	*n_slots = cap;
	return 0;
}

int imp_check_opts(struct cx *cx, const struct import_opts *o, const char *today,
		   struct err *e)
{
	struct member_unit u;
	int rc;
	if (!o->path || !o->path[0]) {
		return err_set(e, ERR_INVALID, "file", "no file to import");
	}
	if (!member_org_valid(cx, o->org)) {
		return err_set(e, ERR_INVALID, "org", "\"%.40s\" is not an organization with members "
			       "(party, youth, women, farmers, veterans, labour)",
			       o->org ? o->org : "");
	}
	if ((rc = member_may_write(cx, 0, e))) {
		return rc;
	}
	if (!o->unit_id) {
		return 0;
	}
	if ((rc = member_unit_load(cx, o->unit_id, "unit_id", &u, e)) ||
	    (rc = member_may_write(cx, o->unit_id, e))) {
		return rc;
	}
	if (strcmp(u.org, o->org) != 0) {
		return err_set(e, ERR_INVALID, "unit_id", "unit %s belongs to the %s organization, "
			       "not %s", u.code, u.org, o->org);
	}
	if (!member_unit_exists_on(&u, today)) {
		return err_set(e, ERR_INVALID, "unit_id", "unit %s does not exist as of %s", u.code,
			       today);
	}
	return 0;
}

/* Rows to expect from the file's size (a member row takes 100–200 bytes
 * of CSV; XLSX compresses about as much again). */
int64_t imp_file_rows(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int64_t)sb.st_size / 100 : 0;
}
