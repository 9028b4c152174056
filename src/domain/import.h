/*
 * import.h — bulk import of member records from a CSV or XLSX file (chosen
 * by content: a zip archive is XLSX, anything else is read as CSV), with
 * headers in Vietnamese or English (member_columns_map), every row
 * normalized and checked by the quality rules.  Owns the table import_job.
 *
 * A file is one transaction: by default all or nothing (any row with an
 * error-severity problem → nothing is written), or with skip_invalid the
 * clean rows are loaded and the others written, with their line numbers
 * and reasons, to a reject file.  Rows are matched by citizen ID (one is
 * required to import a row): re-importing a file changes nothing (the
 * fields are compared; such rows count as unchanged).  A citizen ID seen
 * twice in the file is a citizen_id.duplicate problem on the later row; a
 * person already in another unit of the organization is
 * membership.two_units (a transfer is an event, not an import).  A row
 * of an ended membership (the export's "status"/"ended" columns,
 * import_ended.c) is unchanged when the stored membership ended the same
 * way and refused otherwise (import.leaver).  After a first refusal in
 * all-or-nothing mode every row is still checked, so the counts cover the
 * whole file; a run that wrote nothing reports inserted/updated/unchanged
 * 0.  A crash
 * or kill in the middle leaves the database as before.  One audit entry
 * per import (the file's SHA-256 and the counts), not one per row.
 *
 * The file is parsed and checked on a second thread while the calling
 * thread writes, and hashed on a third.
 */
#ifndef CADRE_IMPORT_H
#define CADRE_IMPORT_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"

struct import_opts {
	const char *path;	 /* the file to read */
	const char *name;	 /* its name in messages and the job (NULL = path) */
	const char *org;	 /* organization of every row (required) */
	int64_t unit_id;	 /* unit of rows that name none (0 = none) */
	int dry_run;		 /* do everything, then roll back */
	int skip_invalid;	 /* load the clean rows, reject the others */
	const char *reject_path; /* CSV of rejected rows (NULL = none) */
	int max_messages;	 /* problems passed to on_message (0 = 20) */
	/* Optional callbacks (the calling thread): each of the first
	 * max_messages problems as "NAME:LINE: field: message"; the job id
	 * once known; the rows read so far, every few thousand rows. */
	void (*on_message)(void *arg, const char *msg);
	void (*on_start)(void *arg, int64_t job_id);
	void (*on_progress)(void *arg, long rows);
	void *arg;
};

struct import_result {
	int64_t job_id;	   /* 0 for a dry run or a failure before the job */
	long rows;	   /* data rows read */
	long valid;	   /* rows without an error */
	long rejected;	   /* rows with one */
	long inserted;	   /* new memberships */
	long updated;	   /* existing ones whose fields changed */
	long unchanged;	   /* existing ones the row matched exactly */
	double quality_pct;/* valid / rows × 100 (100 for an empty file) */
	char sha256[65];   /* of the file */
	int committed;	   /* the rows were written */
};

/* Import one file (needs a writer's role and the unit in scope for every
 * row's unit: member_may_write).  Returns 0 when the import committed (or
 * a dry run found nothing wrong); -ERR_INVALID when rows were refused in
 * all-or-nothing mode (e: the first problem, "NAME:LINE: field: message",
 * field "file"; r counts them) — then nothing was written but a failed job
 * row recording the attempt; other errors (unreadable file, UTF-16 or
 * Windows-1258 content, a line over the limit, the header lacking a column,
 * a database failure) leave the database unchanged but for that failed job
 * row.  *out (may be NULL): the result JSON {"job_id","file","sha256",
 * "org","rows","valid","rejected","inserted","updated","unchanged",
 * "quality_pct","dry_run","committed","errors":[{"line","message"}] (the
 * first max_messages rows refused; message lists "field: text [rule]"
 * separated by "; ")}. */
int import_members(struct cx *cx, const struct import_opts *o,
		   struct import_result *r, json_t **out, struct err *e);

/* Progress of a running import in this process (for a progress bar):
 * rows read, an estimate of the rows in the file, done when finished
 * (kept a while after the end) — whatever the end: committed, a dry run,
 * refused rows or a failure.  Once done, state and the final counts (as
 * in struct import_result: rejected counts every refused row of the
 * file; inserted/updated/unchanged are 0 when a failure rolled the rows
 * back) and, for a failure, the error.  0, or -ERR_NOT_FOUND for an
 * unknown job. */
struct import_progress {
	long rows;
	long rows_estimate;
	int done;
	/* once done: */
	const char *state;  /* "running", "done", "dry_run" or "failed" */
	long valid, rejected, inserted, updated, unchanged;
	int committed;
	int64_t failed_job; /* the job row recording a failure (0 = none) */
	char err_code[24], err_field[64], err_message[512]; /* failed only */
};
int import_progress(int64_t job_id, struct import_progress *p);

/* A finished job: its row as JSON ({"id","kind","file","sha256","org",
 * "status","rows","valid","rejected","inserted","updated","unchanged",
 * "quality_pct","actor","started_at","finished_at","result"}).  The actor
 * needs ACT_READ (0 = role only). */
int import_job_get(struct cx *cx, int64_t id, json_t **out, struct err *e);
/* Jobs newest first: {"items","total","limit","offset"}. */
int import_job_list(struct cx *cx, int limit, int offset, json_t **out,
		    struct err *e);

#endif
