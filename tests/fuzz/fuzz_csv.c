/*
 * fuzz_csv.c — libFuzzer target for the CSV reader (base/csv.c) and the
 * value normalizer (domain/member_columns.c).  Checks the reader's promises
 * on any input: no crash, every field valid UTF-8, at most CSV_MAX_FIELDS
 * fields, lines increasing; and that normalizing any field for any member
 * field gives valid UTF-8.  Built and run by tests/fuzz/build.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/utf8.h"
#include "domain/member_columns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[MEMBER_VALUE_MAX];
	struct csv_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	long last = 0;
	int first = 1, map[MF__COUNT], rc;
	if (csv_open_mem("fuzz.csv", data, size, &r, &e)) {
		return 0;
	}
	while ((rc = csv_next(r, &row, &e)) == 1) {
		if (row.n < 1 || row.n > CSV_MAX_FIELDS || row.line <= last) {
			abort();
		}
		last = row.line;
		if (first) {
			member_columns_map(&row, map, &e);
			first = 0;
		}
		for (int i = 0; i < row.n; i++) {
			if (!utf8_valid(row.f[i], strlen(row.f[i]))) {
				abort();
			}
			for (int f = 0; f < MF__COUNT; f++) {
				const char *v = member_value_normalize((enum member_field)f, row.f[i],
								       buf, sizeof buf);
				if (!utf8_valid(v, strlen(v))) {
					abort();
				}
			}
		}
	}
	if (rc < 0 && (strncmp(e.msg, "fuzz.csv:", 9) != 0 || csv_next(r, &row, &e) >= 0)) {
		abort(); /* errors name the file and are sticky */
	}
	csv_close(r);
	return 0;
}
