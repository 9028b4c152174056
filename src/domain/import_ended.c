/*
 * import_ended.c — rows that describe a membership that has ended, as the
 * member export writes them (columns "status" and "ended", import_internal.h
 * imp_end_*): so that an exported list, leavers included, imports back.  The
 * import matches such a row against the stored membership: the same end
 * (status and date) is an unchanged row; anything else is refused with a
 * reason (an import never ends nor re-opens a membership: those are events).
 * Reads only the row's raw cells and the header; no database access.
 */
#include <string.h>
#include <strings.h>

#include "domain/import_internal.h"
#include "domain/member_columns.h"

/* Header names of the two columns: the export's, and Vietnamese ones. */
static const char *const status_names[] = {"status", "trạng thái", "Trạng thái",
					   "TRẠNG THÁI", NULL};
static const char *const ended_names[] = {"ended", "end date", "ngày kết thúc",
					  "Ngày kết thúc", "NGÀY KẾT THÚC", NULL};

static int named(const char *h, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		if (strcasecmp(h, names[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

void imp_end_columns(const struct imp_reader *rd, int cols[2])
{
	cols[0] = cols[1] = -1;
	for (int i = 0; rd->header && i < rd->n_header; i++) {
		if (cols[0] < 0 && named(rd->header[i], status_names)) {
			cols[0] = i;
		} else if (cols[1] < 0 && named(rd->header[i], ended_names)) {
			cols[1] = i;
		}
	}
}

/* The raw cell k of a row ("" when absent). */
static const char *cell(const struct imp_batch *b, const struct imp_row *ir, int k)
{
	const char *p = ir->n_raw ? imp_str(b, ir->raw) : "";
	if (k < 0 || k >= ir->n_raw) {
		return "";
	}
	for (int i = 0; i < k; i++) {
		p += strlen(p) + 1;
	}
	return p;
}

int imp_end_of_row(const int cols[2], const struct imp_batch *b, const struct imp_row *ir,
		   char status[16], char ended[11])
{
	static const char *const ending[] = {"left", "expelled", "dead", NULL};
	char buf[MEMBER_VALUE_MAX];
	const char *s, *d;
	int ends = 0;
	status[0] = ended[0] = '\0';
	if (cols[0] < 0 && cols[1] < 0) {
		return 0;
	}
	s = cols[0] >= 0 ? member_value_normalize(MF_NUMBER, cell(b, ir, cols[0]), buf, sizeof buf)
			 : "";
	for (int i = 0; ending[i]; i++) {
		if (strcasecmp(s, ending[i]) == 0) {
			snprintf(status, 16, "%s", ending[i]);
			ends = 1;
		}
	}
	d = cols[1] >= 0 ? member_value_normalize(MF_JOINED, cell(b, ir, cols[1]), buf, sizeof buf)
			 : "";
	if (d[0] && strcmp(d, "9999-12-31") != 0) {
		snprintf(ended, 11, "%s", d);
		ends = 1;
	}
	return ends;
}
