/*
 * doc_series.c — the number series of documents (doc_internal.h): the
 * period a date falls in under the issuer's policy (calendar year,
 * committee term, or none), and the taking of the next number of a series
 * with one UPDATE … RETURNING on its counter row inside the issuing
 * transaction — so no two transactions get the same number and a rolled
 * back one leaves no gap.  Owns doc_series.  Must never number a document
 * outside the caller's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "domain/doc_internal.h"
#include "domain/org.h"

/* The period of a series for a date: "YYYY", "term:<id>" or "". */
static int series_period(struct cx *cx, const struct doc_issuer_row *is,
			 const char *date, char period[32], char *label,
			 struct err *e)
{
	struct db_stmt *st;
	int rc;
	if (strcmp(is->reset, "year") == 0) {
		snprintf(period, 32, "%.4s", date);
		if (label) {
			snprintf(label, 32, "%.4s", date);
		}
		return 0;
	}
	if (strcmp(is->reset, "never") == 0) {
		period[0] = 0;
		if (label) {
			label[0] = 0;
		}
		return 0;
	}
	if ((rc = db_prepare(cx->db,
			     "SELECT id, name FROM doc_term WHERE unit_id = ? AND"
			     " start_date <= ? ORDER BY start_date DESC LIMIT 1",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, is->term_unit_id);
	db_bind_text(st, 2, date);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(period, 32, "term:%lld", (long long)db_col_int64(st, 0));
		if (label) {
			snprintf(label, 32, "%.31s", db_col_text(st, 1));
		}
		rc = 0;
	} else if (rc == DB_DONE) {
		char code[ORG_CODE_MAX + 1] = "?", name[ORG_NAME_MAX * 4 + 1];
		struct err ignored = ERR_INIT;
		org_unit_label(cx, is->term_unit_id, code, name, &ignored);
		rc = err_set(e, ERR_INVALID, "date",
			     "no committee term of %s covers %s: numbers restart each "
			     "term (cadre doc term add --unit %s --start DATE)",
			     code, date, code);
	}
	db_finalize(st);
	return rc;
}

/* Take next_no of one series row (created on first use). */
static int series_take(struct cx *cx, int64_t issuer, const char *series,
		       const char *period, int secret, int64_t *series_id,
		       int64_t *number, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if (cx->db->tx_depth == 0) {
		return err_set(e, ERR_INTERNAL, "", "a number is taken inside a transaction");
	}
	if ((rc = db_prepare(cx->db,
			     "INSERT INTO doc_series(issuer_id, series, period, secret,"
			     " next_no) VALUES (?,?,?,?,1) ON CONFLICT"
			     " (issuer_id, series, period, secret) DO NOTHING",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, issuer);
	db_bind_text(st, 2, series);
	db_bind_text(st, 3, period);
	db_bind_int64(st, 4, secret);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	if ((rc = db_prepare(cx->db,
			     "UPDATE doc_series SET next_no = next_no + 1 WHERE"
			     " issuer_id = ? AND series = ? AND period = ? AND secret = ?"
			     " RETURNING id, next_no - 1",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, issuer);
	db_bind_text(st, 2, series);
	db_bind_text(st, 3, period);
	db_bind_int64(st, 4, secret);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*series_id = db_col_int64(st, 0);
		*number = db_col_int64(st, 1);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_INTERNAL, "", "the number series vanished");
	}
	db_finalize(st);
	return rc;
}

int doc_number_take(struct cx *cx, const struct doc_issuer_row *is,
		    const struct doc_type_row *t, const char *date, int secret,
		    int64_t *series_id, int64_t *number, char symbol[DOCNUM_MAX],
		    char *series_label, struct err *e)
{
	char period[32], plabel[32];
	const char *series = t->series_group[0] ? t->series_group : t->code;
	int rc;
	secret = secret && is->secret_series ? 1 : 0;
	if ((rc = date_check(date, "date", e)) ||
	    (rc = series_period(cx, is, date, period, plabel, e)) ||
	    (rc = series_take(cx, is->unit_id, series, period, secret, series_id,
			      number, e))) {
		return rc;
	}
	if (series_label) {
		snprintf(series_label, 64, "%.20s%s%.31s%s", series,
			 plabel[0] ? " " : "", plabel, secret ? " (mật)" : "");
	}
	return docnum_format(is->style, is->pad, *number, t->symbol_code,
			     is->symbol, symbol, e);
}

int doc_in_number_take(struct cx *cx, int64_t unit_id, const char *date,
		       int secret, int64_t *series_id, int64_t *number,
		       struct err *e)
{
	char period[8];
	int rc;
	if ((rc = date_check(date, "received", e))) {
		return rc;
	}
	snprintf(period, sizeof period, "%.4s", date);
	return series_take(cx, unit_id, DOC_SERIES_IN, period, secret ? 1 : 0,
			   series_id, number, e);
}
