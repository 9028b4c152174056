/*
 * import.c — bulk import of member records (import.h), the writing side:
 * after the set-up (import_setup.c) starts the reader thread
 * (import_read.c) and the hashing thread, then on the calling thread
 * writes each checked row (person, membership, their
 * quality findings) in ONE transaction with statements prepared once,
 * records the import_job row and one audit entry, and commits — or rolls
 * everything back.  Owns the table import_job and the in-process progress
 * registry.  It never writes a row that failed a check, never writes one
 * audit entry per row, and never leaves a partial import behind.
 */
#include "domain/import.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/sha256.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/import_internal.h"
#include "domain/member_log.h"
#include "report/table_write.h"

#define MAX_MESSAGES_DEFAULT 20
#define PROGRESS_EVERY 8 /* batches */
#define INSERT_ROWS 64     /* rows per multi-row INSERT */
#define ID_BLOCK 1024      /* ids taken from a sequence at once */
#define TEXT_OF(x) TEXT_OF_(x)
#define TEXT_OF_(x) #x

/* ---- the writer ---- */

struct writer {
	struct cx *cx;
	const struct import_opts *o;
	struct import_result *r;
	const char *name;
	struct imp_reader rd;
	int fresh;   /* no person had a citizen ID: no look-ups needed */
	int log;     /* changes go to the member log (member_log.h); a large
		      * import logs nothing, so the totals' index rebuilds */
	int aborted; /* all or nothing and a row failed: write no more */
	/* ids are the writer's: on SQLite counted up from the largest stored
	 * (the writer holds the write lock), on PostgreSQL taken from the
	 * tables' sequences a block at a time (other sessions may insert) */
	struct id_block {
		int64_t next;	    /* SQLite */
		int64_t v[ID_BLOCK]; /* PostgreSQL: taken, v[used..n) unused */
		int n, used;
	} ids[2]; /* person, membership */
	struct imp_bulk *bulk; /* SQLite bulk mode: indexes rebuilt at the end */
	struct imp_keys keys;  /* citizen IDs of new people, written sorted */
	struct imp_known known; /* bulk load: the stored citizen IDs, in memory */
	struct match *match;    /* the stored state of the row being matched */
	struct db_stmt *sel_person, *ins_person, *upd_person;
	struct db_stmt *sel_member, *ins_member, *upd_member;
	/* SQLite with own ids and no member log: new rows wait here and go
	 * INSERT_ROWS to a statement (the per-statement cost of a step is
	 * most of a small row's); flushed when full and at the end of each
	 * batch, while the batch's strings they point to are still held. */
	int multi;
	struct db_stmt *ins_person_n, *ins_member_n;
	struct pending_row {
		const struct imp_batch *b;
		const struct imp_row *ir;
		int64_t id, person;
	} pend_person[INSERT_ROWS], pend_member[INSERT_ROWS];
	int n_pend_person, n_pend_member;
	struct table_writer *rej;
	json_t *errors;
	int n_messages, max_messages;
	int end_cols[2], end_cols_ready; /* import_ended.c */
	struct err first;
	const struct quality_rules *rules;
};

/* The writer's statements, in the order of struct writer's fields.  The
 * inserts name their ids (see struct writer's ids): RETURNING would cost
 * SQLite an ephemeral table per row, half the insert time, and a known
 * id lets rows go several to a statement. */
enum { SEL_PERSON, INS_PERSON, UPD_PERSON, SEL_MEMBER, INS_MEMBER, UPD_MEMBER };
static const char *const writer_sql[6] = {
	[SEL_PERSON] = "SELECT p.id, p.full_name, p.gender, p.birth_date, p.ethnicity, p.religion,"
		       " p.hometown, p.hometown_new, p.residence, p.phone, p.email FROM person_key k"
		       " JOIN person p ON p.id = k.person_id WHERE k.citizen_id = ?",
	[INS_PERSON] = "INSERT INTO person(id, citizen_id, full_name, gender, birth_date, ethnicity,"
		       " religion, hometown, hometown_new, residence, phone, email, name_fold,"
		       " created_ms, updated_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[UPD_PERSON] = "UPDATE person SET full_name = ?, gender = ?, birth_date = ?, ethnicity = ?,"
		       " religion = ?, hometown = ?, hometown_new = ?, residence = ?, phone = ?,"
		       " email = ?, name_fold = ?, updated_ms = ?, rev = rev + 1 WHERE id = ?",
	[SEL_MEMBER] = "SELECT id, unit_id, joined, official, number, status, ended FROM membership"
		       " WHERE person_id = ? AND org = ?",
	[INS_MEMBER] = "INSERT INTO membership(id, person_id, org, number, joined, official, status,"
		       " unit_id, unit_from) VALUES (?,?,?,?,?,?,'active',?,?)",
	[UPD_MEMBER] = "UPDATE membership SET number = ?, official = ?, rev = rev + 1 WHERE id = ?",
};

/* "INSERT … VALUES (row),(row),…" with n copies of the first form's row. */
static int prepare_multi(struct writer *w, const char *one, int n, struct db_stmt **st,
			 struct err *e)
{
	const char *row = strstr(one, "VALUES (");
	size_t head = (size_t)(row - one) + 7, len = strlen(row + 7);
	char *sql = malloc(head + (size_t)n * (len + 1) + 1), *p;
	int rc;
	if (!sql) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	memcpy(sql, one, head);
	p = sql + head;
	for (int i = 0; i < n; i++) {
		if (i) {
			*p++ = ',';
		}
		memcpy(p, row + 7, len);
		p += len;
	}
	*p = '\0';
	rc = db_prepare(w->cx->db, sql, st, e);
	free(sql);
	return rc;
}

static int prepare_all(struct writer *w, struct err *e)
{
	struct db_stmt **st[6] = {
		[SEL_PERSON] = &w->sel_person, [INS_PERSON] = &w->ins_person,
		[UPD_PERSON] = &w->upd_person, [SEL_MEMBER] = &w->sel_member,
		[INS_MEMBER] = &w->ins_member, [UPD_MEMBER] = &w->upd_member,
	};
	int rc;
	for (int i = 0; i < 6; i++) {
		if ((rc = db_prepare(w->cx->db, writer_sql[i], st[i], e))) {
			return rc;
		}
	}
	w->multi = !w->log;
	if (w->multi &&
	    ((rc = prepare_multi(w, writer_sql[INS_PERSON], INSERT_ROWS, &w->ins_person_n, e)) ||
	     (rc = prepare_multi(w, writer_sql[INS_MEMBER], INSERT_ROWS, &w->ins_member_n, e)))) {
		return rc;
	}
	return 0;
}

static void finalize_all(struct writer *w)
{
	db_finalize(w->sel_person);
	db_finalize(w->ins_person);
	db_finalize(w->upd_person);
	db_finalize(w->sel_member);
	db_finalize(w->ins_member);
	db_finalize(w->upd_member);
	db_finalize(w->ins_person_n);
	db_finalize(w->ins_member_n);
	w->ins_person_n = w->ins_member_n = NULL;
	w->sel_person = w->ins_person = w->upd_person = NULL;
	w->sel_member = w->ins_member = w->upd_member = NULL;
}

/* A refused row: count it, report it, write it to the reject file. */
static int reject(struct writer *w, const struct imp_batch *b, const struct imp_row *ir,
		  const char *reasons, struct err *e)
{
	w->r->rejected++;
	if (!w->o->skip_invalid) {
		w->aborted = 1;
	}
	if (w->n_messages < w->max_messages) {
		char msg[2600];
		snprintf(msg, sizeof msg, "%s:%ld: %s", w->name, ir->line, reasons);
		if (w->n_messages == 0) {
			err_set(&w->first, ERR_INVALID, "file", "%.500s", msg);
		}
		if (w->o->on_message) {
			w->o->on_message(w->o->arg, msg);
		}
		json_array_append_new(w->errors, json_pack("{sI ss}", "line", (json_int_t)ir->line,
							   "message", reasons));
		w->n_messages++;
	}
	if (w->rej) {
		const char *cells[CSV_MAX_FIELDS + 2];
		char line[24];
		const char *p = ir->n_raw ? imp_str(b, ir->raw) : "";
		snprintf(line, sizeof line, "%ld", ir->line);
		cells[0] = line;
		cells[1] = reasons;
		for (int i = 0; i < ir->n_raw && i < CSV_MAX_FIELDS; i++) {
			cells[2 + i] = p;
			p += strlen(p) + 1;
		}
		return table_writer_row(w->rej, 2 + (ir->n_raw < CSV_MAX_FIELDS ? ir->n_raw
										 : CSV_MAX_FIELDS),
					cells, e);
	}
	return 0;
}

static const char *val(const struct imp_batch *b, const struct imp_row *ir, int f)
{
	return imp_str(b, ir->v[f]);
}

/* The batch's strings live until the batch is given back, after the row's
 * statements ran and were reset: bound without a copy. */
static void bind_val(struct db_stmt *st, int idx, const char *s)
{
	db_bind_text_ref(st, idx, s, strlen(s));
}

/* Step a write statement, then reset it. */
static int run(struct db_stmt *st, struct err *e)
{
	int rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* A membership row's values from parameter first + 1 on: its id when the
 * writer numbers rows, then person, org, number, joined, official, unit
 * and the stint's start.  Returns the last parameter bound. */
static int bind_member(const struct writer *w, struct db_stmt *st, int first,
		       const struct pending_row *m)
{
	int k = first;
	db_bind_int64(st, ++k, m->id);
	db_bind_int64(st, ++k, m->person);
	bind_val(st, ++k, w->o->org);
	bind_val(st, ++k, val(m->b, m->ir, MF_NUMBER));
	bind_val(st, ++k, val(m->b, m->ir, MF_JOINED));
	bind_val(st, ++k, val(m->b, m->ir, MF_OFFICIAL));
	db_bind_int64(st, ++k, m->ir->unit_id);
	bind_val(st, ++k, val(m->b, m->ir, MF_JOINED));
	return k;
}

/* A person row's values from parameter first + 1 on: its id when the
 * writer numbers rows, the fields, the name's fold, created and updated. */
static int bind_person(const struct writer *w, struct db_stmt *st, int first,
		       const struct pending_row *p)
{
	int k = first;
	db_bind_int64(st, ++k, p->id);
	for (int f = 0; f <= MF_PERSON_LAST; f++) {
		bind_val(st, ++k, val(p->b, p->ir, f));
	}
	bind_val(st, ++k, imp_str(p->b, p->ir->fold));
	db_bind_int64(st, ++k, w->cx->now_ms);
	db_bind_int64(st, ++k, w->cx->now_ms);
	return k;
}

typedef int (*bind_fn)(const struct writer *, struct db_stmt *, int, const struct pending_row *);

/* Write n waiting rows: whole statements of INSERT_ROWS, the rest one by
 * one. */
static int flush_rows(struct writer *w, struct db_stmt *many, struct db_stmt *one,
		      bind_fn bind, const struct pending_row *v, int n, struct err *e)
{
	int rc = 0;
	if (n == INSERT_ROWS) {
		for (int i = 0, k = 0; i < n; i++) {
			k = bind(w, many, k, &v[i]);
		}
		return run(many, e);
	}
	for (int i = 0; i < n && rc == 0; i++) {
		bind(w, one, 0, &v[i]);
		rc = run(one, e);
	}
	return rc;
}

/* Write every waiting row (people first: memberships point to them). */
static int flush_pending(struct writer *w, struct err *e)
{
	int rc = flush_rows(w, w->ins_person_n, w->ins_person, bind_person, w->pend_person,
			    w->n_pend_person, e);
	if (rc == 0) {
		rc = flush_rows(w, w->ins_member_n, w->ins_member, bind_member, w->pend_member,
				w->n_pend_member, e);
	}
	w->n_pend_person = w->n_pend_member = 0;
	return rc;
}

/* The next id for a person (member 0) or a membership (1). */
static int next_id(struct writer *w, int member, int64_t *id, struct err *e)
{
	static const char *const take[2] = {
		"SELECT nextval(pg_get_serial_sequence('person', 'id'))"
		" FROM generate_series(1, " TEXT_OF(ID_BLOCK) ")",
		"SELECT nextval(pg_get_serial_sequence('membership', 'id'))"
		" FROM generate_series(1, " TEXT_OF(ID_BLOCK) ")",
	};
	struct id_block *b = &w->ids[member];
	struct db_stmt *st;
	int rc;
	if (db_kind(w->cx->db) == DB_SQLITE) {
		*id = b->next++;
		return 0;
	}
	if (b->used == b->n) {
		if ((rc = db_prepare(w->cx->db, take[member], &st, e))) {
			return rc;
		}
		b->n = b->used = 0;
		while ((rc = db_step(st, e)) == DB_ROW && b->n < ID_BLOCK) {
			b->v[b->n++] = db_col_int64(st, 0);
		}
		db_finalize(st);
		if (rc < 0 || b->n == 0) {
			return rc < 0 ? rc : err_set(e, ERR_INTERNAL, "", "no ids from the sequence");
		}
	}
	*id = b->v[b->used++];
	return 0;
}

/* Queue a row (multi) or write it now; *id is its new id. */
static int insert_row(struct writer *w, int member, struct pending_row *r, int64_t *id,
		      struct err *e)
{
	struct pending_row *q = member ? w->pend_member : w->pend_person;
	int *n = member ? &w->n_pend_member : &w->n_pend_person;
	struct db_stmt *st = member ? w->ins_member : w->ins_person;
	int rc = next_id(w, member, &r->id, e);
	if (rc) {
		return rc;
	}
	*id = r->id;
	if (w->multi) {
		q[(*n)++] = *r;
		if (*n < INSERT_ROWS) {
			return 0;
		}
		if (member) {
			return flush_pending(w, e); /* people first: memberships point to them */
		}
		*n = 0;
		return flush_rows(w, w->ins_person_n, st, bind_person, q, INSERT_ROWS, e);
	}
	(member ? bind_member : bind_person)(w, st, 0, r);
	return run(st, e);
}

/* A new membership's warnings.  Where foreign keys are checked as rows
 * are written (PostgreSQL; SQLite's are off for the import), the waiting
 * rows go first. */
static int store_problems(struct writer *w, int64_t mid, const struct imp_batch *b,
			  const struct imp_row *ir, struct err *e)
{
	int rc = 0;
	if (w->multi && db_kind(w->cx->db) != DB_SQLITE) {
		rc = flush_pending(w, e);
	}
	return rc ? rc : quality_store(w->cx, mid, &b->probs[ir->first_prob], ir->n_prob, e);
}

static int insert_membership(struct writer *w, const struct imp_batch *b,
			     const struct imp_row *ir, int64_t person, int64_t *mid,
			     struct err *e)
{
	struct pending_row m = {b, ir, 0, person};
	int rc = insert_row(w, 1, &m, mid, e);
	return rc || !w->log ? rc : member_log_new(w->cx->db, *mid, e);
}

static int insert_new(struct writer *w, const struct imp_batch *b, const struct imp_row *ir,
		      struct err *e)
{
	struct pending_row p = {b, ir, 0, 0};
	int64_t pid = 0, mid = 0;
	int rc;
	if ((rc = insert_row(w, 0, &p, &pid, e)) ||
	    (rc = imp_keys_add(&w->keys, val(b, ir, MF_CITIZEN_ID), pid, e)) ||
	    (rc = insert_membership(w, b, ir, pid, &mid, e))) {
		return rc;
	}
	w->r->inserted++;
	if (ir->n_prob) {
		rc = store_problems(w, mid, b, ir, e);
	}
	return rc;
}

/* The stored state of a matched person and membership. */
struct match {
	int64_t person, member, unit;
	char pf[MF_PERSON_LAST + 1][MEMBER_TEXT_MAX * 4 + 1];
	char joined[11], official[11], number[MEMBER_TEXT_MAX * 4 + 1];
	char status[16], ended[11];
};

/* s into out[cap], cut at cap - 1 bytes (what snprintf "%s" did, without
 * its format machinery: this runs a dozen times per row of a re-import). */
static void copy_text(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap) {
		n = cap - 1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

static int find_match(struct writer *w, const char *cid, struct match *m, struct err *e)
{
	struct db_stmt *st = w->sel_person;
	int rc;
	m->person = m->member = 0;
	db_bind_text(st, 1, cid);
	if ((rc = db_step(st, e)) == DB_ROW) {
		m->person = db_col_int64(st, 0);
		copy_text(m->pf[MF_CITIZEN_ID], sizeof m->pf[0], cid);
		for (int f = 1; f <= MF_PERSON_LAST; f++) {
			copy_text(m->pf[f], sizeof m->pf[f], db_col_text(st, f));
		}
	}
	db_reset(st);
	if (rc < 0 || !m->person) {
		return rc < 0 ? rc : 0;
	}
	st = w->sel_member;
	db_bind_int64(st, 1, m->person);
	db_bind_text(st, 2, w->o->org);
	if ((rc = db_step(st, e)) == DB_ROW) {
		m->member = db_col_int64(st, 0);
		m->unit = db_col_int64(st, 1);
		copy_text(m->joined, sizeof m->joined, db_col_text(st, 2));
		copy_text(m->official, sizeof m->official, db_col_text(st, 3));
		copy_text(m->number, sizeof m->number, db_col_text(st, 4));
		copy_text(m->status, sizeof m->status, db_col_text(st, 5));
		copy_text(m->ended, sizeof m->ended, db_col_text(st, 6));
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* A row whose citizen ID is known: update what differs, or refuse. */
static int apply_existing(struct writer *w, const struct imp_batch *b,
			  const struct imp_row *ir, struct match *m, struct err *e)
{
	char why[600];
	int person_diff = 0, member_diff = 0, rc;
	const char *num = ir->present[MF_NUMBER] ? val(b, ir, MF_NUMBER) : m->number;
	const char *off = ir->present[MF_OFFICIAL] ? val(b, ir, MF_OFFICIAL) : m->official;
	if (m->member) {
		if (strcmp(m->ended, DATE_OPEN) != 0) {
			snprintf(why, sizeof why, "org: the %s membership of this person ended on %s "
				 "(%s); re-admission is an event, not an import [import.ended]",
				 w->o->org, m->ended, m->status);
			return reject(w, b, ir, why, e);
		}
		if (m->unit != ir->unit_id) {
			snprintf(why, sizeof why, "unit_code: %s (membership #%lld is in another unit; "
				 "record a transfer instead) [%s]",
				 quality_message(w->rules, QR_TWO_UNITS, w->cx->lang),
				 (long long)m->member, QR_TWO_UNITS);
			return reject(w, b, ir, why, e);
		}
		if (strcmp(m->joined, val(b, ir, MF_JOINED)) != 0) {
			snprintf(why, sizeof why, "joined: the record says %s; correct it through the "
				 "membership's history [import.joined]", m->joined);
			return reject(w, b, ir, why, e);
		}
		if (m->official[0] && strcmp(off, m->official) != 0) {
			snprintf(why, sizeof why, "official: the record says %s [import.official]",
				 m->official);
			return reject(w, b, ir, why, e);
		}
		member_diff = strcmp(num, m->number) != 0 || strcmp(off, m->official) != 0;
	}
	if (w->aborted) {
		return 0; /* the file fails anyway: checked and counted, not written */
	}
	for (int f = 1; f <= MF_PERSON_LAST; f++) {
		if (ir->present[f] && strcmp(val(b, ir, f), m->pf[f]) != 0) {
			copy_text(m->pf[f], sizeof m->pf[f], val(b, ir, f));
			person_diff = 1;
		}
	}
	if (person_diff) {
		struct db_stmt *st = w->upd_person;
		for (int f = 1; f <= MF_PERSON_LAST; f++) {
			db_bind_text(st, f, m->pf[f]);
		}
		db_bind_text(st, 11, imp_str(b, ir->fold));
		db_bind_int64(st, 12, w->cx->now_ms);
		db_bind_int64(st, 13, m->person);
		if ((w->log && (rc = member_log_person(w->cx->db, m->person, e))) ||
		    (rc = run(st, e))) {
			return rc;
		}
	}
	if (!m->member) {
		int64_t mid = 0;
		if ((rc = member_holder_clear(w->cx->db, m->person, e)) ||
		    (rc = insert_membership(w, b, ir, m->person, &mid, e))) {
			return rc;
		}
		w->r->inserted++;
		return ir->n_prob ? store_problems(w, mid, b, ir, e) : 0;
	}
	if (member_diff) {
		db_bind_text(w->upd_member, 1, num);
		db_bind_text(w->upd_member, 2, off);
		db_bind_int64(w->upd_member, 3, m->member);
		if ((w->log && (rc = member_log_membership(w->cx->db, m->member, e))) ||
		    (rc = run(w->upd_member, e))) {
			return rc;
		}
	}
	if (!person_diff && !member_diff) {
		w->r->unchanged++;
		return 0;
	}
	w->r->updated++;
	return member_quality_refresh(w->cx, m->member, w->rules, e);
}

/* A row of an ended membership (an exported leaver, import_ended.c):
 * unchanged when the stored membership ended the same way, refused with
 * the reason otherwise (ending or re-opening a membership is an event).
 * 1 = not such a row. */
static int ended_row(struct writer *w, const struct imp_batch *b, const struct imp_row *ir,
		     struct err *e)
{
	char status[16], ended[11], why[600];
	struct match *m;
	int rc = 0;
	if (!w->end_cols_ready) {
		imp_end_columns(&w->rd, w->end_cols);
		w->end_cols_ready = 1;
	}
	if (!imp_end_of_row(w->end_cols, b, ir, status, ended)) {
		return 1;
	}
	if (!(m = calloc(1, sizeof *m))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (!w->fresh) {
		rc = find_match(w, val(b, ir, MF_CITIZEN_ID), m, e);
	}
	if (rc == 0 && m->member && strcmp(m->ended, DATE_OPEN) != 0 &&
	    (!status[0] || strcmp(status, m->status) == 0) &&
	    (!ended[0] || strcmp(ended, m->ended) == 0)) {
		w->r->unchanged++; /* the same leaver as stored */
	} else if (rc == 0) {
		if (m->member && strcmp(m->ended, DATE_OPEN) != 0) {
			snprintf(why, sizeof why, "status: the file says %s %s, but the %s membership "
				 "ended on %s (%s) [import.leaver]", status[0] ? status : "ended",
				 ended, w->o->org, m->ended, m->status);
		} else {
			snprintf(why, sizeof why, "status: a former member (%s%s%s): an import loads "
				 "current members only; record the end as an event of the membership "
				 "[import.leaver]", status[0] ? status : "ended", ended[0] ? " on " : "",
				 ended);
		}
		rc = reject(w, b, ir, why, e);
	}
	free(m);
	return rc;
}

static int apply_row(struct writer *w, const struct imp_batch *b, const struct imp_row *ir,
		     struct err *e)
{
	struct match *m;
	int rc;
	if (ir->errors) {
		return reject(w, b, ir, imp_str(b, ir->reasons), e);
	}
	if ((rc = ended_row(w, b, ir, e)) <= 0) {
		return rc; /* an ended membership's row: matched or refused */
	}
	if (w->aborted && w->fresh) {
		return 0; /* the file fails anyway: only count */
	}
	if (w->fresh || imp_known_lacks(&w->known, val(b, ir, MF_CITIZEN_ID))) {
		return w->aborted ? 0 : insert_new(w, b, ir, e);
	}
	if (!w->match && !(w->match = malloc(sizeof *w->match))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	m = w->match;
	rc = find_match(w, val(b, ir, MF_CITIZEN_ID), m, e);
	if (rc == 0) {
		/* after a refusal, rows are still checked against the database
		 * (so that every refused row is counted) but no longer written */
		rc = m->person ? apply_existing(w, b, ir, m, e)
		     : w->aborted ? 0
				  : insert_new(w, b, ir, e);
	}
	return rc;
}

/* ---- the job row ---- */

static int job_insert(struct writer *w, const char *status, int64_t *id, struct err *e)
{
	return imp_job_insert(w->cx, w->name, w->o->org, w->r->sha256, status, id, e);
}

static json_t *result_json(const struct writer *w)
{
	const struct import_result *r = w->r;
	return json_pack("{sI ss ss ss sI sI sI sI sI sI sf sb sb sO sI}", "job_id",
			 (json_int_t)r->job_id, "file", w->name, "sha256", r->sha256, "org",
			 w->o->org, "rows", (json_int_t)r->rows, "valid", (json_int_t)r->valid,
			 "rejected", (json_int_t)r->rejected, "inserted", (json_int_t)r->inserted,
			 "updated", (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged,
			 "quality_pct", r->quality_pct, "dry_run", w->o->dry_run, "committed",
			 r->committed, "errors", w->errors, "errors_more",
			 (json_int_t)(r->rejected - (long)json_array_size(w->errors)));
}

/* Counts, status and result on the job row, and the one audit entry. */
static int job_finish(struct writer *w, const char *status, struct err *e)
{
	json_t *res = result_json(w);
	int rc = imp_job_finish(w->cx, status, w->r, res, w->o->unit_id, e);
	json_decref(res);
	return rc;
}

/* After a rollback: record the failed attempt in its own transaction. */
static void job_record_failure(struct writer *w)
{
	struct err e2 = ERR_INIT;
	if (w->o->dry_run || db_begin(w->cx->db, &e2)) {
		return;
	}
	if (job_insert(w, "failed", &w->r->job_id, &e2) == 0 && job_finish(w, "failed", &e2) == 0 &&
	    db_commit(w->cx->db, &e2) == 0) {
		return;
	}
	db_rollback(w->cx->db);
	w->r->job_id = 0;
}

/* ---- the run ---- */

/* Reader messages name the path; show the file's name instead. */
static void rename_in_msg(struct err *e, const char *path, const char *name)
{
	size_t n = strlen(path);
	if (strcmp(path, name) != 0 && strncmp(e->msg, path, n) == 0) {
		char rest[sizeof e->msg];
		snprintf(rest, sizeof rest, "%s", e->msg + n);
		snprintf(e->msg, sizeof e->msg, "%s%s", name, rest);
	}
}

static int open_rejects(struct writer *w, struct err *e)
{
	const char *head[CSV_MAX_FIELDS + 2];
	int n = w->rd.n_header < CSV_MAX_FIELDS ? w->rd.n_header : CSV_MAX_FIELDS, rc;
	if (!w->o->reject_path || w->rej) {
		return 0;
	}
	if ((rc = table_writer_open(w->o->reject_path, NULL, TABLE_CSV, NULL, &w->rej, e))) {
		return rc;
	}
	head[0] = "line";
	head[1] = "errors";
	for (int i = 0; i < n; i++) {
		head[2 + i] = w->rd.header[i];
	}
	return table_writer_header(w->rej, 2 + n, head, e);
}

/* Take batches until the last one, writing each row.  Returns <0 on a
 * database or reader failure (e filled). */
static int write_rows(struct writer *w, struct imp_hasher *h, struct err *e)
{
	int batches = 0, rc = 0;
	for (;;) {
		struct imp_batch *b = imp_take(&w->rd);
		int last = b->last;
		if (batches == 0 && w->rd.header) {
			rc = open_rejects(w, e);
		}
		for (int i = 0; rc == 0 && i < b->n; i++) {
			w->r->rows++;
			rc = apply_row(w, b, &b->rows[i], e);
		}
		if (rc == 0 && w->multi) {
			rc = flush_pending(w, e); /* before the batch's strings go */
		}
		if (rc == 0 && b->failed) {
			*e = b->err;
			rc = -(int)(e->code ? e->code : ERR_INTERNAL);
		}
		imp_give_back(&w->rd, b);
		if (rc || last) {
			return rc;
		}
		if (++batches % PROGRESS_EVERY == 0) {
			long est = __atomic_load_n(&h->finished, __ATOMIC_ACQUIRE) ? h->lines - 1 : 0;
			imp_progress_set(w->r->job_id, w->r->rows, est, 0);
			if (w->o->on_progress) {
				w->o->on_progress(w->o->arg, w->r->rows);
			}
		}
	}
}

static void stop_reader(struct writer *w, pthread_t t)
{
	pthread_mutex_lock(&w->rd.mu);
	w->rd.stop = 1;
	pthread_cond_broadcast(&w->rd.can_fill);
	pthread_mutex_unlock(&w->rd.mu);
	pthread_join(t, NULL);
}

/* Everything between BEGIN and the end of the rows. */
static int run_in_tx(struct writer *w, struct imp_hasher *h, struct err *e)
{
	pthread_t reader;
	int rc = imp_is_fresh(w->cx, e);
	if (rc < 0) {
		return rc;
	}
	w->fresh = rc;
	if (db_kind(w->cx->db) == DB_SQLITE) {
		w->ids[0].next = imp_scalar(w->cx->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM person", 1,
					    e);
		w->ids[1].next = imp_scalar(w->cx->db,
					    "SELECT COALESCE(MAX(id), 0) + 1 FROM membership", 1, e);
		if (imp_bulk_worth(w->cx, imp_file_rows(w->o->path), e) == 1 &&
		    (rc = imp_bulk_drop(w->cx, &w->bulk, e))) {
			return rc;
		}
	}
	if (w->bulk && !w->fresh && (rc = imp_known_load(w->cx, &w->known, e))) {
		return rc;
	}
	/* Logging costs a row per change: for a first load, a bulk load or
	 * more rows than the log keeps, rebuilding the index is cheaper. */
	w->log = !w->fresh && !w->bulk && imp_file_rows(w->o->path) <= MEMBER_LOG_MAX_ROWS;
	if ((rc = job_insert(w, "running", &w->r->job_id, e)) || (rc = prepare_all(w, e))) {
		return rc;
	}
	if (w->o->on_start) {
		w->o->on_start(w->o->arg, w->r->job_id);
	}
	imp_progress_set(w->r->job_id, 0, 0, 0);
	if (imp_queue_init(&w->rd)) {
		imp_queue_release(&w->rd);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (pthread_create(&reader, NULL, imp_reader_run, &w->rd)) {
		imp_queue_release(&w->rd);
		return err_set(e, ERR_INTERNAL, "", "cannot start the reader thread");
	}
	rc = write_rows(w, h, e);
	stop_reader(w, reader);
	imp_queue_release(&w->rd);
	return rc;
}

/* Commit (or roll back a dry run) after the job row and audit entry; or
 * roll back a failed import and record the failure. */
static int conclude(struct writer *w, int rc, struct err *e)
{
	struct import_result *r = w->r;
	r->valid = r->rows - r->rejected;
	r->quality_pct = r->rows ? 100.0 * (double)r->valid / (double)r->rows : 100.0;
	if (rc == 0 && r->rejected && !w->o->skip_invalid) {
		*e = w->first;
		rc = err_set(e, ERR_INVALID, "file", "%s: %ld of %ld rows refused; nothing was "
			     "imported (--skip-invalid loads the others)",
			     w->name, r->rejected, r->rows);
	}
	finalize_all(w);
	if (rc == 0 && !w->o->dry_run) {
		rc = imp_keys_write(w->cx, &w->keys, &w->known, e);
	}
	if (rc == 0 && w->bulk) {
		rc = imp_bulk_rebuild(w->cx, w->bulk, e);
	}
	if (rc == 0 && (rc = job_finish(w, "done", e)) == 0 && (r->inserted || r->updated)) {
		rc = member_gen_bump(w->cx->db, e);
	}
	if (rc == 0 && !w->o->dry_run) {
		if ((rc = db_commit(w->cx->db, e)) == 0) {
			r->committed = 1;
			return 0;
		}
	}
	db_rollback(w->cx->db);
	if (rc == 0) { /* a dry run */
		r->job_id = 0;
		return 0;
	}
	r->job_id = 0;
	imp_result_rolled_back(r);
	job_record_failure(w);
	return rc;
}

int import_members(struct cx *cx, const struct import_opts *o,
		   struct import_result *r, json_t **out, struct err *e)
{
	struct writer w;
	struct imp_hasher h;
	struct org_tree *tree = NULL;
	struct imp_unit *units = NULL;
	struct quality_rules *rules = NULL;
	pthread_t hasher;
	char today[11];
	int64_t cache = -2000, running = 0;
	int rc, hashing = 0, bulk_journal = 0;
	memset(r, 0, sizeof *r);
	memset(&w, 0, sizeof w);
	memset(&h, 0, sizeof h);
	if (out) {
		*out = NULL;
	}
	member_today(cx, today);
	w.cx = cx;
	w.o = o;
	w.r = r;
	w.name = o->name ? o->name : o->path;
	w.max_messages = o->max_messages > 0 ? o->max_messages : MAX_MESSAGES_DEFAULT;
	w.errors = json_array();
	if ((rc = imp_check_opts(cx, o, today, e)) ||
	    (rc = imp_unit_table(cx, today, &tree, &units, &w.rd.n_slots, e)) ||
	    (rc = quality_rules_load(cx->db, &rules, e))) {
		goto out;
	}
	w.rules = rules;
	w.rd.path = o->path;
	w.rd.name = w.name;
	w.rd.org = o->org;
	w.rd.today = today;
	w.rd.lang = cx->lang;
	w.rd.default_unit = o->unit_id;
	w.rd.rules = rules;
	w.rd.units = units;
	h.path = o->path;
	if (pthread_create(&hasher, NULL, imp_hash_run, &h)) {
		rc = err_set(e, ERR_INTERNAL, "", "cannot start the hashing thread");
		goto out;
	}
	hashing = 1;
	bulk_journal = !o->dry_run && db_bulk(cx->db, 1);
	imp_sqlite_settings(cx, 1, bulk_journal, &cache);
	if ((rc = db_begin(cx->db, e)) == 0) {
		rc = run_in_tx(&w, &h, e);
		running = r->job_id;
		pthread_join(hasher, NULL);
		hashing = 0;
		snprintf(r->sha256, sizeof r->sha256, "%s", h.hex);
		if (rc) {
			rename_in_msg(e, o->path, w.name);
		}
		rc = conclude(&w, rc, e);
	}
	imp_sqlite_settings(cx, 0, bulk_journal, &cache);
	if (bulk_journal) {
		db_bulk(cx->db, 0);
	}
out:
	if (hashing) {
		pthread_join(hasher, NULL);
		snprintf(r->sha256, sizeof r->sha256, "%s", h.hex);
	}
	if (w.rej) {
		struct err e2 = ERR_INIT;
		table_writer_close(w.rej, &e2);
	}
	if (out) {
		*out = result_json(&w);
	}
	imp_progress_end(running, r, rc, e);
	json_decref(w.errors);
	imp_bulk_free(w.bulk);
	imp_keys_free(&w.keys);
	imp_known_free(&w.known);
	free(w.match);
	imp_reader_free_header(&w.rd);
	free(units);
	org_tree_release(tree);
	quality_rules_free(rules);
	return rc;
}
