/*
 * member_columns.h — from a spreadsheet's header row to member fields, and
 * from a cell's text to the field's canonical form.
 *
 * Headers are recognised in Vietnamese (with or without diacritics, any
 * case: "Họ và tên", "Số CCCD", "Ngày vào Đảng"…), in English ("Full name",
 * "Citizen ID"…) and as the stable field names (member_field_names).
 * Punctuation is ignored and a trailing note in parentheses is dropped
 * ("Ngày sinh (dd/mm/yyyy)" = "Ngày sinh").
 *
 * Values (member_value_normalize) are trimmed (ASCII blanks and no-break
 * spaces) and, per field:
 *  - gender: Nam/Nữ/male/female/M/F/nam giới/nữ giới (any case or
 *    diacritics) → "M"/"F";
 *  - dates: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd,
 *    yyyy/mm/dd → YYYY-MM-DD when the day exists; anything else is kept
 *    (trimmed) for the rules to flag;
 *  - citizen_id: blanks, dots and dashes between digits removed, a leading
 *    apostrophe dropped; 11 digits get back the leading 0 that Excel drops
 *    from numbers (every valid ID starts with 0);
 *  - phone: blanks, dots, dashes and parentheses removed; 9 digits get back
 *    their leading 0 (Excel numbers); 84xxxxxxxxx (11 digits) → +84…;
 *  - org: Đảng/Đoàn/Hội phụ nữ/Nông dân/Cựu chiến binh/Công đoàn or the
 *    English names → party, youth, women, farmers, veterans, labour;
 *  - full_name and the other free-text fields: NFC, whitespace runs → one
 *    space;
 *  - email, number, unit_code: trimmed only.
 */
#ifndef CADRE_MEMBER_COLUMNS_H
#define CADRE_MEMBER_COLUMNS_H

#include <stddef.h>

#include "base/csv.h"
#include "base/err.h"
#include "domain/member_record.h"

/* Bytes of one normalized value (longer values are passed through as-is:
 * the rules flag them). */
#define MEMBER_VALUE_MAX 1024

/* Map header cells to fields: map[field] = column index or -1.  Unknown
 * headers are ignored.  When two columns give one field, the more specific
 * name wins ("Mã đơn vị" over "Đơn vị"); two equally good → ERR_INVALID
 * naming the field.  A required column missing (member_column_required)
 * → ERR_INVALID naming the field, with the header names it would accept. */
int member_columns_map(const struct csv_row *header, int map[MF__COUNT],
		       struct err *e);

/* 1 for the fields a file must have a column for: full_name, gender,
 * birth_date, joined. */
int member_column_required(enum member_field f);

/* The canonical form of one cell for its field, written to buf[size]
 * (NUL-terminated) and returned; returns `in` itself when the result would
 * not fit in size bytes (size ≥ MEMBER_VALUE_MAX is enough for any
 * value up to MEMBER_VALUE_MAX - 1 bytes), and "" for NULL.  No allocation;
 * `in` must be valid UTF-8 (as csv_next and xlsx_next guarantee). */
const char *member_value_normalize(enum member_field f, const char *in,
				   char *buf, size_t size);

/* member_value_normalize of in[0..n) (n = strlen(in)), also giving the
 * result's length in *len. */
const char *member_value_normalize_n(enum member_field f, const char *in, size_t n,
				     char *buf, size_t size, size_t *len);

/* NFC of s[0..n) into out[size] (NUL-terminated) without allocating; the
 * length, or (size_t)-1 when s is not valid UTF-8, longer than
 * MEMBER_VALUE_MAX code points, or the result does not fit.  Text made of
 * precomposed Vietnamese letters takes a fast path. */
size_t member_nfc(const char *s, size_t n, char *out, size_t size);

/* Scratch space for one record's normalized values, and the byte length
 * of each value member_record_from_row put in the record (0 for NULL). */
struct member_norm {
	char v[MF__COUNT][MEMBER_VALUE_MAX];
	size_t len[MF__COUNT];
};

/* Fill rec from a data row with the map: each mapped cell normalized into
 * scratch (rec points into scratch or into row), a column missing from a
 * short row or unmapped → NULL.  Exception: full_name is left exactly as
 * in the file, so the quality rules can see and count its spacing and NFC
 * problems (full_name.spaces, full_name.nfc); store
 * member_value_normalize(MF_FULL_NAME, …) of it. */
void member_record_from_row(const struct csv_row *row, const int map[MF__COUNT],
			    struct member_record *rec, struct member_norm *scratch);
/* The same when the caller knows each cell's length: lens[i] =
 * strlen(row->f[i]) (NULL: measured here). */
void member_record_from_row_n(const struct csv_row *row, const size_t *lens,
			      const int map[MF__COUNT], struct member_record *rec,
			      struct member_norm *scratch);

#endif
