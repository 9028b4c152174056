/*
 * fuzz_xlsx.c — libFuzzer target for the XLSX reader (base/xlsx_read.c).
 * The first byte picks the mode: odd → the rest is the .xlsx file itself
 * (fuzzes libzip and everything after it); even → the rest is split at NUL
 * bytes into the XML of the sheet, the shared strings, the styles and the
 * workbook, which are stored in a fresh zip (fuzzes the XML handling
 * deeply, past the zip checksums).  Checks: no crash, every cell valid
 * UTF-8, at most CSV_MAX_FIELDS cells, errors sticky.  Built and run by
 * tests/fuzz/build.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/utf8.h"
#include "base/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const part_names[] = {
	"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
	"xl/workbook.xml",
};

/* Store the NUL-separated parts of data in a zip; malloc'd bytes. */
static void *zip_parts(const uint8_t *data, size_t size, size_t *out_n)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	void *buf = NULL;
	size_t start = 0;
	int part = 0;
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src) {
		return NULL;
	}
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!z) {
		zip_source_free(src);
		return NULL;
	}
	for (size_t i = 0; i <= size && part < 4; i++) {
		if (i == size || data[i] == 0) {
			zip_source_t *s = zip_source_buffer(z, data + start, i - start, 0);
			zip_int64_t idx = s ? zip_file_add(z, part_names[part], s, 0) : -1;
			if (idx >= 0) {
				zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
			} else if (s) {
				zip_source_free(s);
			}
			part++;
			start = i + 1;
		}
	}
	if (zip_close(z) != 0) {
		zip_discard(z);
		zip_source_free(src);
		return NULL;
	}
	if (zip_source_open(src) == 0) {
		zip_stat_t st;
		zip_stat_init(&st);
		if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
			buf = malloc(st.size ? st.size : 1);
			if (buf && zip_source_read(src, buf, st.size) == (zip_int64_t)st.size) {
				*out_n = st.size;
			} else {
				free(buf);
				buf = NULL;
			}
		}
		zip_source_close(src);
	}
	zip_source_free(src);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlsx_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	void *zipped = NULL;
	const void *file;
	size_t n;
	int rc;
	if (size < 1) {
		return 0;
	}
	if (data[0] & 1) {
		file = data + 1;
		n = size - 1;
	} else {
		zipped = zip_parts(data + 1, size - 1, &n);
		if (!zipped) {
			return 0;
		}
		file = zipped;
	}
	if (xlsx_open_mem("fuzz.xlsx", file, n, &r, &e) == 0) {
		while ((rc = xlsx_next(r, &row, &e)) == 1) {
			if (row.n < 1 || row.n > CSV_MAX_FIELDS) {
				abort();
			}
			for (int i = 0; i < row.n; i++) {
				if (!utf8_valid(row.f[i], strlen(row.f[i]))) {
					abort();
				}
			}
		}
		if (rc < 0 && xlsx_next(r, &row, &e) >= 0) {
			abort();
		}
		xlsx_close(r);
	}
	free(zipped);
	return 0;
}
