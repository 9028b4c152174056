/*
 * import_read.c — the reading side of an import, on its own thread: opens
 * the file as XLSX (zip magic) or CSV, maps the header, and turns each row
 * into an imp_row — normalized values, the quality rules' findings, the
 * checks only the file can answer (ragged rows, a citizen ID seen twice,
 * an unknown unit) — queued to the writer in batches.  It never touches
 * the database (the writer owns the connection) and allocates per batch,
 * not per row, except the name's search key when it takes utf8_fold.
 * Per row it works from the cells' lengths (no strlen), checks the common
 * text in one pass (member_columns.c's fast paths) and prefetches the
 * citizen ID's slot in the set of IDs seen.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/date.h"
#include "base/utf8.h"
#include "base/xlsx_read.h"
#include "domain/import_internal.h"
#include "domain/member_columns.h"

#define MAX_ROW_ERRORS 8

/* ---- the queue ---- */

static struct imp_batch *batch_new(void)
{
	struct imp_batch *b = calloc(1, sizeof *b);
	if (b) {
		b->cap = 1 << 20;
		b->arena = malloc(b->cap);
		if (!b->arena) {
			free(b);
			return NULL;
		}
	}
	return b;
}

static void batch_free(struct imp_batch *b)
{
	if (b) {
		free(b->arena);
		free(b->probs);
		free(b);
	}
}

static void batch_reset(struct imp_batch *b)
{
	b->n = 0;
	b->arena[0] = '\0';
	b->used = 1; /* offset 0 is "" */
	b->n_probs = 0;
	b->last = 0;
	b->failed = 0;
	err_clear(&b->err);
}

int imp_queue_init(struct imp_reader *r)
{
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->can_fill, NULL);
	pthread_cond_init(&r->can_take, NULL);
	r->head = r->count = r->n_free = 0;
	for (int i = 0; i < IMP_QUEUE; i++) { /* never more than the queue holds */
		struct imp_batch *b = batch_new();
		if (!b) {
			return -1;
		}
		r->free_list[r->n_free++] = b;
	}
	return 0;
}

void imp_queue_release(struct imp_reader *r)
{
	for (int i = 0; i < r->n_free; i++) {
		batch_free(r->free_list[i]);
	}
	for (int i = 0; i < r->count; i++) {
		batch_free(r->slot[(r->head + i) % IMP_QUEUE]);
	}
	r->n_free = r->count = 0;
	pthread_cond_destroy(&r->can_fill);
	pthread_cond_destroy(&r->can_take);
	pthread_mutex_destroy(&r->mu);
}

/* A free batch for the reader, or NULL when the writer stopped. */
static struct imp_batch *take_free(struct imp_reader *r)
{
	struct imp_batch *b = NULL;
	pthread_mutex_lock(&r->mu);
	while (!r->stop && r->n_free == 0) {
		pthread_cond_wait(&r->can_fill, &r->mu);
	}
	if (!r->stop) {
		b = r->free_list[--r->n_free];
	}
	pthread_mutex_unlock(&r->mu);
	if (b) {
		batch_reset(b);
	}
	return b;
}

static void put_full(struct imp_reader *r, struct imp_batch *b)
{
	pthread_mutex_lock(&r->mu);
	r->slot[(r->head + r->count) % IMP_QUEUE] = b;
	r->count++;
	r->rows_read += b->n;
	pthread_cond_signal(&r->can_take);
	pthread_mutex_unlock(&r->mu);
}

struct imp_batch *imp_take(struct imp_reader *r)
{
	struct imp_batch *b;
	pthread_mutex_lock(&r->mu);
	while (r->count == 0) {
		pthread_cond_wait(&r->can_take, &r->mu);
	}
	b = r->slot[r->head];
	r->head = (r->head + 1) % IMP_QUEUE;
	r->count--;
	pthread_mutex_unlock(&r->mu);
	return b;
}

void imp_give_back(struct imp_reader *r, struct imp_batch *b)
{
	pthread_mutex_lock(&r->mu);
	r->free_list[r->n_free++] = b;
	pthread_cond_signal(&r->can_fill);
	pthread_mutex_unlock(&r->mu);
}

/* ---- units ---- */

size_t imp_unit_hash(const char *code)
{
	size_t h = 1469598103934665603ull;
	for (; *code; code++) {
		h = (h ^ (unsigned char)*code) * 1099511628211ull;
	}
	return h;
}

const struct imp_unit *imp_unit_find(const struct imp_unit *units,
				     size_t n_slots, const char *code)
{
	size_t h = imp_unit_hash(code) & (n_slots - 1);
	while (units[h].code) {
		if (strcmp(units[h].code, code) == 0) {
			return &units[h];
		}
		h = (h + 1) & (n_slots - 1);
	}
	return NULL;
}

/* ---- citizen IDs seen in the file ---- */

/* An open-addressing set of the 12-digit IDs as integers, each with the
 * line it was first seen on (one 16-byte slot: one cache line per probe).
 * A million IDs make a table far larger than the caches, so each row's
 * slot is computed and prefetched early (seen_slot) and probed late
 * (seen_probe), after the row's other work hid the memory latency; the
 * table asks for huge pages, which spares a page walk per row. */
struct seen_slot {
	uint64_t key; /* id + 1 (0 = empty) */
	long line;
};

struct seen {
	struct seen_slot *t;
	size_t n, cap;
	int shift; /* 64 - log2(cap) */
};

#define HUGE_PAGE ((size_t)2 << 20)

/* n zeroed slots; tables of 2 MB or more are aligned to 2 MB and asked
 * for huge pages, so that a probe costs no page walk. */
static struct seen_slot *slots_new(size_t n)
{
	size_t bytes = n * sizeof(struct seen_slot), lead;
	char *p;
	if (bytes < HUGE_PAGE) {
		return calloc(n, sizeof(struct seen_slot));
	}
	p = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		return NULL;
	}
	lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	if (lead) {
		munmap(p, lead);
	}
	if (HUGE_PAGE - lead) {
		munmap(p + lead + bytes, HUGE_PAGE - lead);
	}
	madvise(p + lead, bytes, MADV_HUGEPAGE); /* a hint: no huge pages is fine */
	return (struct seen_slot *)(p + lead);
}

static void slots_free(struct seen_slot *t, size_t n)
{
	if (t && n * sizeof *t < HUGE_PAGE) {
		free(t);
	} else if (t) {
		munmap(t, n * sizeof *t);
	}
}

static size_t seen_hash(int shift, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> shift);
}

/* Room for one more ID; -1 when there is no memory (then detection stops
 * for the row, never failing it). */
static int seen_reserve(struct seen *s)
{
	size_t ncap;
	struct seen_slot *nt;
	int nshift;
	if (s->n * 2 < s->cap) {
		return 0;
	}
	ncap = s->cap ? s->cap * 2 : 1 << 16;
	nshift = s->cap ? s->shift - 1 : 64 - 16;
	if (!(nt = slots_new(ncap))) {
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->t[i].key) {
			size_t h = seen_hash(nshift, s->t[i].key);
			while (nt[h].key) {
				h = (h + 1) & (ncap - 1);
			}
			nt[h] = s->t[i];
		}
	}
	slots_free(s->t, s->cap);
	s->t = nt;
	s->cap = ncap;
	s->shift = nshift;
	return 0;
}

/* The home slot of id (after seen_reserve), its cache line requested. */
static size_t seen_slot(const struct seen *s, uint64_t id)
{
	size_t h = seen_hash(s->shift, id + 1);
	__builtin_prefetch(&s->t[h], 1);
	return h;
}

/* The line where id was first seen, or 0 after recording it now. */
static long seen_probe(struct seen *s, uint64_t id, size_t h, long line)
{
	id++;
	while (s->t[h].key) {
		if (s->t[h].key == id) {
			return s->t[h].line;
		}
		h = (h + 1) & (s->cap - 1);
	}
	s->t[h].key = id;
	s->t[h].line = line;
	s->n++;
	return 0;
}

/* A citizen ID as member_citizen_id_check accepts it: 12 digits. */
static int cid_ok(const char *s, size_t n, uint64_t *id)
{
	uint64_t v = 0;
	if (n != MEMBER_CITIZEN_ID_LEN) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d > 9) {
			return 0;
		}
		v = v * 10 + d;
	}
	*id = v;
	return 1;
}

/* ---- one row ---- */

/* Append s (n bytes) and a NUL to the arena; offset or 0 on no memory. */
static uint32_t arena_put(struct imp_batch *b, const char *s, size_t n)
{
	uint32_t at;
	if (b->used + n + 1 > b->cap) {
		size_t ncap = b->cap;
		char *na;
		while (b->used + n + 1 > ncap) {
			ncap *= 2;
		}
		if (ncap > UINT32_MAX || !(na = realloc(b->arena, ncap))) {
			return 0;
		}
		b->arena = na;
		b->cap = ncap;
	}
	at = (uint32_t)b->used;
	memcpy(b->arena + b->used, s, n);
	b->arena[b->used + n] = '\0';
	b->used += n + 1;
	return at;
}

/* The row's problems of severity error, gathered for its reasons. */
struct row_errors {
	int n;
	char text[2048];
	size_t len;
};

static void add_error(struct row_errors *re, const char *field, const char *rule,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add_error(struct row_errors *re, const char *field, const char *rule,
		      const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	int w;
	re->n++;
	if (re->n > MAX_ROW_ERRORS || re->len >= sizeof re->text - 1) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Entries are "field: message [rule]", separated by "; ". */
	w = snprintf(re->text + re->len, sizeof re->text - re->len, "%s%s: %s [%s]",
		     re->len ? "; " : "", field, msg, rule);
	if (w > 0) {
		re->len += (size_t)w;
		if (re->len >= sizeof re->text) {
			re->len = sizeof re->text - 1;
		}
	}
}

/* Code points in s[0..len), or -1 when it holds a control character
 * (below U+0020, or DEL).  Eight bytes at a time: a byte is a control
 * when it is below 0x20 or 0x7F; continuation bytes (10xxxxxx) are not
 * code points. */
static long text_len(const char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	const unsigned char *p = (const unsigned char *)s;
	long cont = 0;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w, del;
		memcpy(&w, p + i, 8);
		del = w ^ (ones * 0x7F);
		/* (w & 0x7F..) + 0x60.. sets the high bit of lanes >= 0x20 */
		if (((((w & ~high) + ones * 0x60) | w) & high) != high ||
		    ((del - ones) & ~del & high)) {
			return -1;
		}
		/* one bit (bit 7) per continuation lane, summed by a multiply */
		cont += (long)((((w & ~(w << 1) & high) >> 7) * ones) >> 56);
	}
	for (; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7F) {
			return -1;
		}
		cont += (p[i] & 0xC0) == 0x80;
	}
	return (long)len - cont;
}

/* Check and store the values of a row whose cells mapped into rec
 * (scratch->len: their lengths). */
static void row_values(struct imp_reader *r, struct imp_batch *b, struct imp_row *ir,
		       const struct member_record *rec, const struct member_norm *scratch,
		       struct row_errors *re)
{
	char name[MEMBER_VALUE_MAX];
	for (int f = 0; f < MF__COUNT; f++) {
		const char *v = rec->f[f] ? rec->f[f] : "";
		size_t n = rec->f[f] ? scratch->len[f] : 0;
		const char *fname = member_field_names[f];
		if (f == MF_FULL_NAME) {
			v = member_value_normalize_n(MF_FULL_NAME, v, n, name, sizeof name, &n);
		}
		ir->present[f] = r->map[f] >= 0 && v[0];
		if (f == MF_ORG || f == MF_UNIT_CODE) {
			continue;
		}
		long len = text_len(v, n);
		if (len < 0) {
			add_error(re, fname, "import.text", "contains a control character");
		} else if (len > MEMBER_TEXT_MAX) {
			add_error(re, fname, "import.text", "longer than %d characters",
				  MEMBER_TEXT_MAX);
		} else if ((f == MF_BIRTH_DATE || f == MF_JOINED || f == MF_OFFICIAL) && v[0] &&
			   !date_iso(v, n, NULL)) {
			add_error(re, fname, "import.date", "not a real date: \"%.40s\"", v);
		} else if (f == MF_GENDER && !(n == 1 && (v[0] == 'M' || v[0] == 'F'))) {
			const char *g = member_gender_norm(v);
			if (!g) {
				add_error(re, fname, "import.gender", "M or F (Nam / Nữ), not \"%.40s\"",
					  v);
			} else {
				v = g;
				n = strlen(g);
			}
		}
		ir->v[f] = v[0] ? arena_put(b, v, n) : 0;
	}
	if (rec->f[MF_FULL_NAME]) {
		char key[MEMBER_VALUE_MAX * 2];
		const char *stored = imp_str(b, ir->v[MF_FULL_NAME]);
		size_t n = utf8_fold_quick(stored, strlen(stored), key, sizeof key);
		if (n == (size_t)-1) {
			n = member_fold_buf(stored, key, sizeof key);
		}
		if (n) {
			ir->fold = arena_put(b, key, n);
		} else {
			char *fold = utf8_fold(stored);
			if (fold) {
				ir->fold = arena_put(b, fold, strlen(fold));
				free(fold);
			}
		}
	}
}

static void row_unit(struct imp_reader *r, struct imp_row *ir, const char *code,
		     struct row_errors *re)
{
	const struct imp_unit *u;
	if (!code || !code[0]) {
		ir->unit_id = r->default_unit;
		if (!ir->unit_id) {
			add_error(re, "unit_code", "import.unit",
				  "no unit: give a unit code column or a default unit");
		}
		return;
	}
	u = imp_unit_find(r->units, r->n_slots, code);
	if (!u) {
		add_error(re, "unit_code", "import.unit", "no unit %.40s as of %s", code, r->today);
	} else if (!u->writable) {
		add_error(re, "unit_code", "import.scope", "unit %.40s is outside your unit's scope",
			  code);
	} else if (strcmp(u->org, r->org) != 0) {
		add_error(re, "unit_code", "import.unit", "unit %.40s belongs to the %s "
			  "organization, not %s", code, u->org, r->org);
	} else {
		ir->unit_id = u->id;
	}
}

/* lens: the cells' lengths when the reader knows them (CSV: the cells
 * then lie one after the other, each with its NUL), else NULL. */
static void row_process(struct imp_reader *r, struct imp_batch *b, const struct csv_row *row,
			const size_t *lens, int xlsx, struct seen *seen,
			struct member_norm *scratch)
{
	struct imp_row *ir = &b->rows[b->n++];
	struct member_record rec;
	struct quality_problem probs[24];
	struct row_errors re;
	const char *cid;
	size_t cid_len, slot = 0;
	uint64_t id = 0;
	int n, cid_valid, probe = 0;
	memset(ir, 0, sizeof *ir);
	re.n = 0;
	re.len = 0;
	re.text[0] = '\0';
	ir->line = row->line;
	ir->n_raw = row->n;
	if (lens) {
		size_t total = 0;
		for (int i = 0; i < row->n; i++) {
			total += lens[i] + 1;
		}
		ir->raw = arena_put(b, row->f[0], total - 1);
	} else {
		for (int i = 0; i < row->n; i++) {
			uint32_t at = arena_put(b, row->f[i], strlen(row->f[i]));
			if (i == 0) {
				ir->raw = at;
			}
		}
	}
	if ((!xlsx && row->n != r->n_header) || row->n > r->n_header) {
		add_error(&re, "row", "import.ragged", "%d fields where the header has %d",
			  row->n, r->n_header);
		goto done;
	}
	member_record_from_row_n(row, lens, r->map, &rec, scratch);
	cid = rec.f[MF_CITIZEN_ID] ? rec.f[MF_CITIZEN_ID] : "";
	cid_len = rec.f[MF_CITIZEN_ID] ? scratch->len[MF_CITIZEN_ID] : 0;
	cid_valid = cid_ok(cid, cid_len, &id);
	if (cid_valid && seen_reserve(seen) == 0) {
		slot = seen_slot(seen, id); /* probed below, once it is in cache */
		probe = 1;
	}
	if (rec.f[MF_ORG] && rec.f[MF_ORG][0] && strcmp(rec.f[MF_ORG], r->org) != 0) {
		add_error(&re, "org", "import.org", "the row is for %.40s, the import for %s",
			  rec.f[MF_ORG], r->org);
	}
	rec.f[MF_ORG] = r->org;
	n = quality_check_record(r->rules, &rec, r->today, probs, 24, NULL);
	for (int k = 0; k < n && k < 24; k++) {
		const char *msg = quality_message(r->rules, probs[k].rule, r->lang);
		if (probs[k].is_error) {
			add_error(&re, member_field_names[probs[k].field], probs[k].rule, "%s%s%s%s",
				  msg, probs[k].detail[0] ? " (" : "", probs[k].detail,
				  probs[k].detail[0] ? ")" : "");
			continue;
		}
		if (b->n_probs == b->cap_probs) {
			int ncap = b->cap_probs ? b->cap_probs * 2 : 256;
			struct quality_problem *np = realloc(b->probs, (size_t)ncap * sizeof *np);
			if (!np) {
				continue;
			}
			b->probs = np;
			b->cap_probs = ncap;
		}
		if (ir->n_prob == 0) {
			ir->first_prob = b->n_probs;
		}
		b->probs[b->n_probs++] = probs[k];
		ir->n_prob++;
	}
	if (!cid[0]) {
		add_error(&re, "citizen_id", "import.citizen_id",
			  "required to import: rows are matched by citizen ID");
	} else if (cid_valid) {
		long first = probe ? seen_probe(seen, id, slot, row->line) : 0;
		if (first) {
			add_error(&re, "citizen_id", QR_DUPLICATE_CITIZEN_ID, "%s (%s, line %ld)",
				  quality_message(r->rules, QR_DUPLICATE_CITIZEN_ID, r->lang), cid,
				  first);
		}
	} else if (!re.n) {
		add_error(&re, "citizen_id", "import.citizen_id", "a citizen ID has 12 digits");
	}
	row_unit(r, ir, rec.f[MF_UNIT_CODE], &re);
	row_values(r, b, ir, &rec, scratch, &re);
done:
	ir->errors = re.n;
	if (re.n) {
		if (re.n > MAX_ROW_ERRORS) {
			char more[64];
			snprintf(more, sizeof more, "; … %d more", re.n - MAX_ROW_ERRORS);
			if (re.len + strlen(more) < sizeof re.text) {
				memcpy(re.text + re.len, more, strlen(more) + 1);
				re.len += strlen(more);
			}
		}
		ir->reasons = arena_put(b, re.text, re.len);
		ir->n_prob = 0;
	}
}

/* ---- the thread ---- */

struct source {
	struct csv_reader *csv;
	struct xlsx_reader *xlsx;
};

static int source_next(struct source *s, struct csv_row *row, struct err *e)
{
	return s->xlsx ? xlsx_next(s->xlsx, row, e) : csv_next(s->csv, row, e);
}

static int source_open(struct imp_reader *r, struct source *s, struct err *e)
{
	unsigned char magic[4] = {0};
	FILE *f = fopen(r->path, "rb");
	memset(s, 0, sizeof *s);
	if (!f) {
		return err_set(e, ERR_NOT_FOUND, "file", "%s: cannot open: %s", r->name,
			       "no such file or not readable");
	}
	if (fread(magic, 1, 4, f) < 4) {
		magic[0] = 0;
	}
	fclose(f);
	if (memcmp(magic, "PK\x03\x04", 4) == 0) {
		return xlsx_open(r->path, &s->xlsx, e);
	}
	return csv_open(r->path, &s->csv, e);
}

static void source_close(struct source *s)
{
	if (s->xlsx) {
		xlsx_close(s->xlsx);
	}
	if (s->csv) {
		csv_close(s->csv);
	}
}

/* Read the header row and map it; fills r->header and r->map. */
static int read_header(struct imp_reader *r, struct source *s, struct err *e)
{
	struct csv_row row;
	int rc = source_next(s, &row, e);
	if (rc < 0) {
		return rc;
	}
	if (rc == 0) {
		return err_set(e, ERR_INVALID, "file", "%s: the file is empty", r->name);
	}
	r->header = calloc((size_t)row.n, sizeof *r->header);
	if (!r->header) {
		return err_set(e, ERR_INTERNAL, "file", "out of memory");
	}
	r->n_header = row.n;
	for (int i = 0; i < row.n; i++) {
		r->header[i] = strdup(row.f[i]);
		if (!r->header[i]) {
			return err_set(e, ERR_INTERNAL, "file", "out of memory");
		}
	}
	if ((rc = member_columns_map(&row, r->map, e))) {
		return err_set(e, ERR_INVALID, "file", "%s:%ld: %s", r->name, row.line, e->msg);
	}
	if (r->map[MF_CITIZEN_ID] < 0) {
		return err_set(e, ERR_INVALID, "file", "%s:%ld: the header has no citizen ID "
			       "column (\"Số CCCD\", \"Citizen ID\"): rows are matched by it",
			       r->name, row.line);
	}
	if (r->map[MF_UNIT_CODE] < 0 && !r->default_unit) {
		return err_set(e, ERR_INVALID, "file", "%s:%ld: the header has no unit column "
			       "(\"Mã đơn vị\", \"Unit code\") and no default unit was given",
			       r->name, row.line);
	}
	return 0;
}

/* Pass a reader error on in a last batch. */
static void fail_batch(struct imp_reader *r, struct imp_batch *b, const struct err *e)
{
	b->failed = 1;
	b->last = 1;
	b->err = *e;
	put_full(r, b);
}

void *imp_reader_run(void *arg)
{
	struct imp_reader *r = arg;
	struct source src = {NULL, NULL};
	struct seen seen = {NULL, 0, 0, 0};
	size_t *lens = malloc(CSV_MAX_FIELDS * sizeof *lens);
	struct member_norm *scratch = malloc(sizeof *scratch);
	struct err e = ERR_INIT;
	struct imp_batch *b = take_free(r);
	int rc = scratch && lens ? source_open(r, &src, &e)
			 : err_set(&e, ERR_INTERNAL, "file", "out of memory");
	if (!b) {
		free(scratch);
		free(lens);
		source_close(&src);
		return NULL;
	}
	if (rc == 0) {
		rc = read_header(r, &src, &e);
	}
	pthread_mutex_lock(&r->mu);
	r->header_ready = 1;
	pthread_mutex_unlock(&r->mu);
	while (rc == 0 && b) {
		struct csv_row row;
		rc = source_next(&src, &row, &e);
		if (rc < 0) {
			break;
		}
		if (rc == 0) {
			b->last = 1;
			put_full(r, b);
			b = NULL;
			break;
		}
		rc = 0;
		if (src.csv) {
			csv_lengths(src.csv, lens);
		}
		row_process(r, b, &row, src.csv ? lens : NULL, src.xlsx != NULL, &seen, scratch);
		if (b->n == IMP_BATCH) {
			put_full(r, b);
			b = take_free(r);
		}
	}
	if (rc < 0 && b) {
		fail_batch(r, b, &e);
	}
	source_close(&src);
	free(scratch);
	free(lens);
	slots_free(seen.t, seen.cap);
	return NULL;
}

/* The header the reader copied (owned), freed. */
void imp_reader_free_header(struct imp_reader *rd)
{
	for (int i = 0; rd->header && i < rd->n_header; i++) {
		free(rd->header[i]);
	}
	free(rd->header);
	rd->header = NULL;
}
