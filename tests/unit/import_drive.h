/*
 * import_drive.h — driving an import reader thread (domain/import_internal.h)
 * as the import's writer would, without writing: every batch is taken,
 * folded into a digest of everything the writer could use (values, search
 * keys, problems, reasons, units) and given straight back.  Shared by
 * tests/unit/test_import_fast.c (today's reader against the reference one)
 * and bench/import_read.c (the reader's speed, and its output's digest so
 * that two builds can be compared).  Header-only, static inline: the bench
 * is built from its one source file.
 */
#ifndef CADRE_TEST_IMPORT_DRIVE_H
#define CADRE_TEST_IMPORT_DRIVE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/import_internal.h"
#include "domain/quality.h"

#define IMP_DIGEST_SEED 1469598103934665603ull /* FNV-1a's offset basis */

/* h with the n bytes at p folded in (FNV-1a). */
static inline uint64_t imp_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ s[i]) * 1099511628211ull;
	}
	return h;
}

/* h with the string s and its NUL folded in. */
static inline uint64_t imp_mix_str(uint64_t h, const char *s)
{
	return imp_mix(h, s, strlen(s) + 1);
}

/* h with everything the writer could use of batch b folded in. */
static inline uint64_t imp_digest_batch(uint64_t h, const struct imp_batch *b)
{
	for (int i = 0; i < b->n; i++) {
		const struct imp_row *ir = &b->rows[i];
		const char *raw = imp_str(b, ir->raw);
		h = imp_mix(h, &ir->line, sizeof ir->line);
		h = imp_mix(h, &ir->n_raw, sizeof ir->n_raw);
		for (int k = 0; k < ir->n_raw; k++) {
			h = imp_mix_str(h, raw);
			raw += strlen(raw) + 1;
		}
		for (int f = 0; f < MF__COUNT; f++) {
			h = imp_mix_str(h, imp_str(b, ir->v[f]));
			h = imp_mix(h, &ir->present[f], sizeof ir->present[f]);
		}
		h = imp_mix_str(h, imp_str(b, ir->fold));
		h = imp_mix(h, &ir->unit_id, sizeof ir->unit_id);
		h = imp_mix(h, &ir->errors, sizeof ir->errors);
		h = imp_mix_str(h, ir->errors ? imp_str(b, ir->reasons) : "");
		for (int k = 0; k < ir->n_prob; k++) {
			const struct quality_problem *p = &b->probs[ir->first_prob + k];
			h = imp_mix_str(h, p->rule);
			h = imp_mix(h, &p->field, sizeof p->field);
			h = imp_mix(h, &p->is_error, sizeof p->is_error);
			h = imp_mix_str(h, p->detail);
		}
	}
	return h;
}

/* How batches are taken from a reader's queue and given back: today's
 * imp_take / imp_give_back, or those of another implementation of it. */
struct imp_drive_queue {
	struct imp_batch *(*take)(struct imp_reader *);
	void (*give_back)(struct imp_reader *, struct imp_batch *);
};

/* What the batches of one read held. */
struct imp_drive {
	uint64_t digest;	/* IMP_DIGEST_SEED with every batch folded in */
	long rows, error_rows;	/* rows, rows with an error */
	long warnings;		/* quality problems found */
	long duplicates;	/* rows rejected as a repeated citizen ID */
	int failed;		/* a batch carried the error the reader stopped on: */
	char failure[sizeof ((struct err *)0)->msg]; /* its message, else "" */
};

/* Start thread(arg), which must run the reader rd (its queue initialised);
 * take every batch of rd through q up to the last, fold each into *d and
 * give it back; join the thread.  -1 when the thread cannot start. */
static inline int imp_drive(struct imp_reader *rd, const struct imp_drive_queue *q,
			    void *(*thread)(void *), void *arg, struct imp_drive *d)
{
	struct imp_batch *b;
	pthread_t th;
	int done = 0;
	memset(d, 0, sizeof *d);
	d->digest = IMP_DIGEST_SEED;
	if (pthread_create(&th, NULL, thread, arg)) {
		return -1;
	}
	while (!done && (b = q->take(rd))) {
		d->digest = imp_digest_batch(d->digest, b);
		d->rows += b->n;
		for (int i = 0; i < b->n; i++) {
			const struct imp_row *ir = &b->rows[i];
			d->error_rows += ir->errors != 0;
			d->warnings += ir->n_prob;
			d->duplicates += ir->errors &&
					 strstr(imp_str(b, ir->reasons), "citizen_id.duplicate");
		}
		done = b->last;
		if (b->failed) {
			d->failed = 1;
			snprintf(d->failure, sizeof d->failure, "%s", b->err.msg);
		}
		q->give_back(rd, b);
	}
	pthread_join(th, NULL);
	return 0;
}

#endif
