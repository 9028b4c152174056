/*
 * ref/ref_old.h — the import's reading path as it was before the fast
 * paths (commit 7872203), kept as the reference the fast code must agree
 * with byte for byte: frozen copies of src/base/utf8.c, csv.c,
 * src/domain/member_columns.c, quality.c and import_read.c (the *.inc
 * files here, never edited), compiled once in import_ref_old.c with every
 * external name prefixed ref_.  utf8proc does the Unicode work there, as
 * it did.  Only tests/unit/test_import_fast.c uses them.
 */
#ifndef CADRE_TEST_REF_OLD_H
#define CADRE_TEST_REF_OLD_H

#include <stddef.h>

#include "base/csv.h"
#include "domain/import_internal.h"
#include "domain/member_columns.h"
#include "domain/quality.h"

int ref_utf8_valid(const char *s, size_t n);
char *ref_utf8_fold(const char *s);
size_t ref_member_nfc(const char *s, size_t n, char *out, size_t size);
const char *ref_member_value_normalize(enum member_field f, const char *in, char *buf,
				       size_t size);
void ref_member_record_from_row(const struct csv_row *row, const int map[MF__COUNT],
				struct member_record *rec, struct member_norm *scratch);
/* Works on rules loaded by quality_rules_load (the layout is unchanged). */
int ref_quality_check_record(const struct quality_rules *q, const struct member_record *r,
			     const char *today, struct quality_problem *out, int max,
			     int *errors);
struct ref_csv_reader;
int ref_csv_open(const char *path, struct ref_csv_reader **out, struct err *e);
int ref_csv_open_mem(const char *name, const void *data, size_t n,
		     struct ref_csv_reader **out, struct err *e);
int ref_csv_next(struct ref_csv_reader *r, struct csv_row *row, struct err *e);
void ref_csv_close(struct ref_csv_reader *r);
/* The old reader thread and its queue (same structures as today's). */
void *ref_imp_reader_run(void *arg);
struct imp_batch *ref_imp_take(struct imp_reader *r);
void ref_imp_give_back(struct imp_reader *r, struct imp_batch *b);
int ref_imp_queue_init(struct imp_reader *r);
void ref_imp_queue_release(struct imp_reader *r);

#endif
