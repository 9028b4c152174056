/*
 * import_internal.h — what import.c (the writer, on the calling thread)
 * and import_read.c (the reader, on its own thread) share: the batches of
 * parsed rows passed between them through a small bounded queue.
 */
#ifndef CADRE_IMPORT_INTERNAL_H
#define CADRE_IMPORT_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "base/csv.h"
#include "domain/import.h"
#include "domain/member_internal.h"

#define IMP_BATCH 1024 /* rows per batch */
#define IMP_QUEUE 4    /* batches in flight */

/* One data row after parsing and checking.  Strings are offsets into the
 * batch's arena (0 = ""). */
struct imp_row {
	long line;
	uint32_t raw;		/* the row's cells, NUL-separated */
	int n_raw;
	uint32_t v[MF__COUNT];	/* values as stored */
	int present[MF__COUNT]; /* the file has the column and a value */
	uint32_t fold;		/* search key of the name */
	int64_t unit_id;
	int errors;		/* problems of severity error */
	uint32_t reasons;	/* "field: message; …" when errors */
	int first_prob, n_prob; /* warnings (to store): batch->probs[…] */
};

struct imp_batch {
	int n;
	struct imp_row rows[IMP_BATCH];
	char *arena;
	size_t used, cap;
	struct quality_problem *probs;
	int n_probs, cap_probs;
	int last;	   /* no batch follows */
	int failed;	   /* the reader stopped on err */
	struct err err;
};

/* One problem found while reading, for messages and the result. */
struct imp_problem {
	long line;
	char field[32];
	char rule[48];
	char message[400];
};

/* The unit catalogue the reader needs: code → (id, organization). */
struct imp_unit {
	const char *code; /* borrowed from the snapshot */
	int64_t id;
	char org[MEMBER_ORG_MAX];
	int writable; /* the actor may write member records there */
};

/* The reader's side: set up by import.c, run by imp_reader(). */
struct imp_reader {
	/* inputs */
	const char *path, *name, *org, *today, *lang;
	int64_t default_unit;
	const struct quality_rules *rules;
	const struct imp_unit *units; /* open-addressing table by code */
	size_t n_slots;
	/* the header, once read (owned copies) */
	char **header;
	int n_header;
	int map[MF__COUNT];
	int header_ready; /* set before the first batch is queued */
	/* the queue */
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_take;
	struct imp_batch *slot[IMP_QUEUE];
	int head, count;
	struct imp_batch *free_list[IMP_QUEUE];
	int n_free;
	int stop; /* the writer gave up: the reader ends */
	/* progress */
	long rows_read;
};

/* Thread body: reads the file into batches until the end, an error, or
 * stop. */
void *imp_reader_run(void *arg);
/* Free the header copied by the reader (after the reader has ended). */
void imp_reader_free_header(struct imp_reader *r);
/* The writer takes the next full batch (NULL after the last one was
 * taken) and gives it back when done. */
struct imp_batch *imp_take(struct imp_reader *r);
void imp_give_back(struct imp_reader *r, struct imp_batch *b);
/* Initialize/release the queue and its batches. */
int imp_queue_init(struct imp_reader *r);
void imp_queue_release(struct imp_reader *r);
/* import_job.c: the job row (inside the caller's transaction) and the
 * progress registry. */
int imp_job_insert(struct cx *cx, const char *name, const char *org, const char *sha256,
		   const char *status, int64_t *id, struct err *e);
/* Status, counts and result (borrowed) on job r->job_id, and the audit
 * entry (the result without its error list). */
int imp_job_finish(struct cx *cx, const char *status, const struct import_result *r,
		   json_t *result, int64_t unit_id, struct err *e);
void imp_progress_set(int64_t job, long rows, long estimate, int done);
/* The import that ran as job `running` (0 = it never started one) has
 * ended with rc (e: its error): its progress slot says done, with the
 * final counts of r and the state (done, dry_run, failed) or the error —
 * so that nobody waits on it.  Also marks r->job_id when it differs (the
 * job row recording a failure). */
void imp_progress_end(int64_t running, const struct import_result *r, int rc,
		      const struct err *e);
/* After a rollback: nothing was written, so no row counts as inserted,
 * updated or unchanged (rows, valid and rejected stay: the file's). */
void imp_result_rolled_back(struct import_result *r);

/* import_ended.c: rows of ended memberships (the export's "status" and
 * "ended" columns).  imp_end_columns finds the two columns in the header
 * (-1 = absent); imp_end_of_row is 1 when the row says the membership
 * ended (status left, expelled or dead, or an end date), with the status
 * ("" when not given) and the end date as YYYY-MM-DD ("" when not given). */
void imp_end_columns(const struct imp_reader *rd, int cols[2]);
int imp_end_of_row(const int cols[2], const struct imp_batch *b, const struct imp_row *ir,
		   char status[16], char ended[11]);

/* import_bulk.c: is anything to match against (1 when no person has a
 * citizen ID yet); a value of one query; and SQLite's bulk mode: the
 * indexes of person and membership dropped (their definitions kept) and
 * rebuilt before the commit, and the connection's settings for the import
 * (on) and back (off).  No-ops on PostgreSQL. */
struct imp_bulk;
int imp_is_fresh(struct cx *cx, struct err *e);
int64_t imp_scalar(struct db *db, const char *sql, int64_t dflt, struct err *e);
/* 1 when rebuilding the member indexes beats updating them: SQLite, and
 * fewer memberships stored than half the rows expected. */
int imp_bulk_worth(struct cx *cx, int64_t rows_expected, struct err *e);
int imp_bulk_drop(struct cx *cx, struct imp_bulk **out, struct err *e);
int imp_bulk_rebuild(struct cx *cx, const struct imp_bulk *b, struct err *e);
void imp_bulk_free(struct imp_bulk *b);
/* alone: no other connection has the database (db_bulk took it): a
 * larger page cache. */
void imp_sqlite_settings(struct cx *cx, int on, int alone, int64_t *cache);

/* import_bulk.c: the citizen IDs of the people a writer created, kept in
 * memory and written to the citizen-ID register (person_key) sorted, once,
 * before the commit — appended at the B-tree's right edge instead of
 * inserted at random places.  Only for IDs no person holds yet (the
 * writer looked them up, the reader refused duplicates in the file). */
struct imp_key {
	uint64_t cid; /* the 12 digits as a number */
	int64_t person;
};
struct imp_keys {
	struct imp_key *v;
	size_t n, cap;
};
int imp_keys_add(struct imp_keys *k, const char *cid, int64_t person, struct err *e);
struct imp_known;
/* Write k's keys.  With known loaded (a bulk load: the register's whole
 * content is known plus k), the register is emptied and written again,
 * stored and new keys merged: appends only, where new keys falling between
 * stored ones would split pages in the middle of the tree. */
int imp_keys_write(struct cx *cx, struct imp_keys *k, const struct imp_known *known,
		   struct err *e);
void imp_keys_free(struct imp_keys *k);

/* import_bulk.c: for a bulk load into tables that hold fewer people than
 * the file, the stored citizen IDs (and their people) as sorted arrays, so
 * that a row whose ID is not among them goes straight to the inserts
 * without a query. */
struct imp_known {
	uint64_t *v;
	int64_t *person;
	size_t n;
	int loaded; /* 0: not loaded, every row is looked up */
};
int imp_known_load(struct cx *cx, struct imp_known *k, struct err *e);
/* 1 when k is loaded and cid is surely not stored (empty, or not among
 * the IDs); 0 when the row must be looked up. */
int imp_known_lacks(const struct imp_known *k, const char *cid);
void imp_known_free(struct imp_known *k);

/* A string of a batch. */
static inline const char *imp_str(const struct imp_batch *b, uint32_t off)
{
	return b->arena + off;
}
/* Lookup of a unit code in the reader's table, or NULL. */
const struct imp_unit *imp_unit_find(const struct imp_unit *units,
				     size_t n_slots, const char *code);
size_t imp_unit_hash(const char *code);

/* import_setup.c: before the first row.  The options checked against the
 * database and the actor; today's units by code (an open-addressing table
 * of *n_slots, its codes borrowed from *tree, held until the import ends);
 * the hashing thread's body: imp_hash_run(struct imp_hasher *) fills hex
 * and lines, then sets finished (failed on a read error). */
int imp_check_opts(struct cx *cx, const struct import_opts *o, const char *today,
		   struct err *e);
int imp_unit_table(struct cx *cx, const char *today, struct org_tree **tree,
		   struct imp_unit **out, size_t *n_slots, struct err *e);
struct imp_hasher {
	const char *path;
	char hex[65];
	long lines;
	volatile int finished;
	int failed;
};
void *imp_hash_run(void *arg);
/* Rows to expect from the file's size (a member row takes 100–200 bytes
 * of CSV; XLSX compresses about as much again). */
int64_t imp_file_rows(const char *path);

#endif
