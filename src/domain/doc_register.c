/*
 * doc_register.c — the registers of a unit (doc_search.h): the outgoing
 * register (numbered documents it issued, by series and number) and the
 * incoming register (documents it received, by incoming number) for a
 * year, as JSON rows or written as CSV/XLSX through report/table_write.h
 * (BOM, formula injection neutralized).  Reads only; must never change a
 * document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/auth.h"
#include "domain/doc_internal.h"
#include "domain/doc_search.h"
#include "domain/org.h"
#include "report/table_write.h"

#define REG_COLS 11

static const char *const head_out[REG_COLS] = {
	"Số", "Ký hiệu", "Ngày", "Loại", "Trích yếu", "Người ký", "Nơi nhận",
	"Độ mật", "Độ khẩn", "Trạng thái", "Mã"};
static const char *const head_in[REG_COLS] = {
	"Số đến", "Ngày đến", "Số, ký hiệu", "Ngày văn bản", "Cơ quan ban hành",
	"Loại", "Trích yếu", "Hạn trả lời", "Độ mật", "Độ khẩn", "Mã"};
static const char *const keys_out[REG_COLS] = {
	"number", "symbol", "date", "type", "subject", "signers", "recipients",
	"secrecy", "urgency", "status", "id"};
static const char *const keys_in[REG_COLS] = {
	"incoming_number", "received_date", "symbol", "date", "issuer", "type",
	"subject", "reply_due", "secrecy", "urgency", "id"};

/* Labels joined by "; " of the ids a one-column query on doc_id returns:
 * user display names (users) or unit codes (units). */
static void joined(struct cx *cx, const char *sql, int64_t id, int users,
		   struct buf *b)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	buf_reset(b);
	if (db_prepare(cx->db, sql, &st, &e)) {
		return;
	}
	db_bind_int64(st, 1, id);
	while (db_step(st, &e) == DB_ROW) {
		int64_t k = db_col_int64(st, 0);
		char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
		struct doc_user u;
		struct err ig = ERR_INIT;
		if (users) {
			doc_user_get(cx, k, &u, &ig);
			buf_printf(b, "%s%s", b->n ? "; " : "", u.name);
		} else {
			org_unit_label(cx, k, code, name, &ig);
			buf_printf(b, "%s%s", b->n ? "; " : "", code);
		}
	}
	db_finalize(st);
}

static json_t *row_out(struct cx *cx, struct db_stmt *st, struct buf *tmp)
{
	int64_t id = db_col_int64(st, 0);
	json_t *o = json_object();
	char n[24];
	snprintf(n, sizeof n, "%lld", (long long)db_col_int64(st, 1));
	json_object_set_new(o, "number", json_string(n));
	json_object_set_new(o, "symbol", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "date", json_string(db_col_text(st, 3)));
	json_object_set_new(o, "type", json_string(db_col_text(st, 4)));
	json_object_set_new(o, "subject", json_string(db_col_text(st, 5)));
	joined(cx, "SELECT user_id FROM doc_signer WHERE doc_id = ? ORDER BY seq",
	       id, 1, tmp);
	json_object_set_new(o, "signers", json_string(tmp->z));
	joined(cx, "SELECT unit_id FROM doc_recipient WHERE doc_id = ? ORDER BY unit_id",
	       id, 0, tmp);
	json_object_set_new(o, "recipients", json_string(tmp->z));
	json_object_set_new(o, "secrecy", json_string(db_col_text(st, 6)));
	json_object_set_new(o, "urgency", json_string(db_col_text(st, 7)));
	json_object_set_new(o, "status", json_string(db_col_text(st, 8)));
	snprintf(n, sizeof n, "%lld", (long long)id);
	json_object_set_new(o, "id", json_string(n));
	return o;
}

static json_t *row_in(struct cx *cx, struct db_stmt *st)
{
	char n[24], code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
	json_t *o = json_object();
	struct err ig = ERR_INIT;
	int64_t issuer = db_col_int64(st, 5);
	snprintf(n, sizeof n, "%lld", (long long)db_col_int64(st, 1));
	json_object_set_new(o, "incoming_number", json_string(n));
	json_object_set_new(o, "received_date", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "symbol", json_string(db_col_text(st, 3)));
	json_object_set_new(o, "date", json_string(db_col_text(st, 4)));
	if (issuer > 0) {
		org_unit_label(cx, issuer, code, name, &ig);
	}
	json_object_set_new(o, "issuer", json_string(issuer > 0 ? name : db_col_text(st, 6)));
	json_object_set_new(o, "type", json_string(db_col_text(st, 7)));
	json_object_set_new(o, "subject", json_string(db_col_text(st, 8)));
	json_object_set_new(o, "reply_due", json_string(db_col_text(st, 9)));
	json_object_set_new(o, "secrecy", json_string(db_col_text(st, 10)));
	json_object_set_new(o, "urgency", json_string(db_col_text(st, 11)));
	snprintf(n, sizeof n, "%lld", (long long)db_col_int64(st, 0));
	json_object_set_new(o, "id", json_string(n));
	return o;
}

int doc_register(struct cx *cx, int64_t unit_id, const char *kind, int year,
		 json_t **out, struct err *e)
{
	struct db_stmt *st;
	struct buf tmp;
	char y[8];
	json_t *items;
	int in, rc;
	*out = NULL;
	if (!kind || (strcmp(kind, "out") && strcmp(kind, "in"))) {
		return err_set(e, ERR_INVALID, "kind", "a register is out or in");
	}
	if (year < 1900 || year > 9999) {
		return err_set(e, ERR_INVALID, "year", "the year is required");
	}
	in = strcmp(kind, "in") == 0;
	if (unit_id <= 0) {
		return err_set(e, ERR_INVALID, "unit", "the unit is required");
	}
	if ((rc = doc_may(cx, DOC_READ, unit_id, e)) ||
	    (rc = db_prepare(cx->db,
			     in ? "SELECT d.id, d.in_number, d.received_date, d.symbol,"
				  " d.doc_date, d.issuer_id, d.issuer_name, t.code,"
				  " d.subject, d.reply_due, d.secrecy, d.urgency FROM doc d"
				  " JOIN doc_type t ON t.id = d.type_id JOIN doc_series s"
				  " ON s.id = d.in_series_id WHERE d.owner_id = ? AND"
				  " d.direction = 'in' AND s.period = ?"
				  " ORDER BY s.secret, d.in_number"
				: "SELECT d.id, d.number, d.symbol, d.doc_date, t.code,"
				  " d.subject, d.secrecy, d.urgency, d.status FROM doc d"
				  " JOIN doc_type t ON t.id = d.type_id JOIN doc_series s"
				  " ON s.id = d.series_id WHERE d.owner_id = ? AND"
				  " d.direction = 'out' AND substr(d.doc_date, 1, 4) = ?"
				  " ORDER BY s.series, s.secret, d.number",
			     &st, e))) {
		return rc;
	}
	snprintf(y, sizeof y, "%d", year);
	db_bind_int64(st, 1, unit_id);
	db_bind_text(st, 2, y);
	items = json_array();
	buf_init(&tmp, 0);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_array_append_new(items, in ? row_in(cx, st) : row_out(cx, st, &tmp));
	}
	db_finalize(st);
	buf_free(&tmp);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so ss si so}", "unit", doc_unit_json(cx, unit_id), "kind",
			 kind, "year", year, "items", items);
	return 0;
}

int doc_register_export(struct cx *cx, int64_t unit_id, const char *kind,
			int year, const char *format, FILE *fp,
			struct err *e)
{
	static const enum table_col types_out[] = {TABLE_NUMBER, TABLE_TEXT, TABLE_DATE};
	static const enum table_col types_in[] = {TABLE_NUMBER, TABLE_DATE, TABLE_TEXT,
						  TABLE_DATE};
	enum table_format fmt;
	struct table_writer *w = NULL;
	json_t *reg = NULL, *row;
	size_t i;
	int in = kind && strcmp(kind, "in") == 0, rc;
	if ((rc = table_format_parse(format, &fmt, "format", e)) ||
	    (rc = doc_register(cx, unit_id, kind, year, &reg, e)) ||
	    (rc = table_writer_open(NULL, fp, fmt, in ? "So den" : "So di", &w, e))) {
		json_decref(reg);
		return rc;
	}
	rc = table_writer_columns(w, in ? 4 : 3, in ? types_in : types_out, e);
	if (rc == 0) {
		rc = table_writer_header(w, REG_COLS, in ? head_in : head_out, e);
	}
	json_array_foreach(json_object_get(reg, "items"), i, row) {
		const char *cells[REG_COLS];
		if (rc) {
			break;
		}
		for (int k = 0; k < REG_COLS; k++) {
			cells[k] = json_string_value(json_object_get(row, (in ? keys_in
									    : keys_out)[k]));
		}
		rc = table_writer_row(w, REG_COLS, cells, e);
	}
	json_decref(reg);
	if (rc) {
		table_writer_abort(w);
		return rc;
	}
	return table_writer_close(w, e);
}
