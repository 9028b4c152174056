/*
 * test_csv.c — unit tests of the CSV reader (base/csv.c): BOM, delimiter
 * detection, quoting, CRLF, ragged rows, and every refusal with its line:
 * an unterminated quote, UTF-16, Windows-1258 bytes, NUL bytes, a line over
 * CSV_MAX_LINE (from a temp file and from an endless pipe).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/csv.h"
#include "test.h"

static struct csv_reader *mem(const char *s, size_t n)
{
	struct csv_reader *r = NULL;
	struct err e = ERR_INIT;
	CHECK(csv_open_mem("t.csv", s, n, &r, &e) == 0);
	return r;
}

TEST(csv_bom_comma_and_crlf)
{
	static const char s[] = "\xEF\xBB\xBFH\xE1\xBB\x8D t\xC3\xAAn,Ng\xC3\xA0y sinh\r\n"
				"Nguy\xE1\xBB\x85n V\xC4\x83n A,01/02/1990\r\n";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_delimiter(r) == ',');
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(row.n == 2 && row.line == 1);
	CHECK_STR(row.f[0], "Họ tên"); /* the BOM is not part of the header */
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(row.n == 2 && row.line == 2);
	CHECK_STR(row.f[0], "Nguyễn Văn A");
	CHECK_STR(row.f[1], "01/02/1990");
	CHECK(csv_next(r, &row, &e) == 0);
	CHECK(csv_next(r, &row, &e) == 0);
	csv_close(r);
}

TEST(csv_semicolon_detected_without_bom)
{
	static const char s[] = "a;b;\"c,d\"\n1;2;3\n";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_delimiter(r) == ';');
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 3);
	CHECK_STR(row.f[2], "c,d");
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 3);
	CHECK_STR(row.f[1], "2");
	csv_close(r);
}

TEST(csv_quotes_doubled_quotes_and_newlines)
{
	static const char s[] = "name,note\n"
				"\"Tr\xE1\xBA\xA7n \"\"B\"\"\",\"line one\nline two\"\n"
				"\"x\" ,\"\"\n"
				"last,\"a\r\nb\"";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(row.line == 2 && row.n == 2);
	CHECK_STR(row.f[0], "Trần \"B\"");
	CHECK_STR(row.f[1], "line one\nline two");
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(row.line == 4); /* the embedded newline counted */
	CHECK_STR(row.f[0], "x");
	CHECK_STR(row.f[1], "");
	CHECK(csv_next(r, &row, &e) == 1); /* no final newline */
	CHECK(row.line == 5);
	CHECK_STR(row.f[1], "a\r\nb");
	CHECK(csv_next(r, &row, &e) == 0);
	csv_close(r);
}

TEST(csv_ragged_rows_and_blank_lines)
{
	static const char s[] = "a,b,c\n\n1\n1,2,3,4\n\r\n,,\n";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 3);
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 1 && row.line == 3);
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 4 && row.line == 4);
	CHECK_STR(row.f[3], "4");
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 3 && row.line == 6);
	CHECK_STR(row.f[2], "");
	CHECK(csv_next(r, &row, &e) == 0);
	csv_close(r);
}

TEST(csv_unterminated_quote_names_its_line)
{
	static const char s[] = "a,b\n1,2\n3,\"open\nstill open\n";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(e.code == ERR_BAD_REQUEST);
	CHECK_STR(e.field, "file");
	CHECK(strstr(e.msg, "t.csv:3:") != NULL);
	CHECK(strstr(e.msg, "never closed") != NULL);
	CHECK(csv_next(r, &row, &e) < 0); /* sticky */
	csv_close(r);
}

TEST(csv_text_after_closing_quote_is_an_error)
{
	static const char s[] = "\"ab\"c,d\n";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(strstr(e.msg, "t.csv:1:") != NULL);
	csv_close(r);
}

TEST(csv_utf16_is_refused_with_advice)
{
	static const char s[] = "\xFF\xFEH\0o\0,\0x\0\n\0";
	struct csv_reader *r = NULL;
	struct err e = ERR_INIT;
	CHECK(csv_open_mem("u16.csv", s, sizeof s - 1, &r, &e) < 0);
	CHECK(r == NULL);
	CHECK(strstr(e.msg, "UTF-16") != NULL);
	CHECK(strstr(e.msg, "UTF-8") != NULL);
	CHECK(strstr(e.msg, "u16.csv:1:") != NULL);
	/* without a BOM: the NUL bytes give it away */
	{
		static const char t[] = "a,b\nH\0o\0\n";
		struct csv_row row;
		CHECK(csv_open_mem("nul.csv", t, sizeof t - 1, &r, &e) == 0);
		CHECK(csv_next(r, &row, &e) == 1);
		CHECK(csv_next(r, &row, &e) < 0);
		CHECK(strstr(e.msg, "nul.csv:2:") != NULL);
		CHECK(strstr(e.msg, "NUL") != NULL);
		csv_close(r);
	}
}

TEST(csv_windows_1258_is_invalid_utf8_with_line)
{
	/* "Đặng" in Windows-1258: 0xD0 (Đ) 0xE3 (ă) 0xF2 (combining dot) */
	static const char s[] = "name,x\nok,1\n\"multi\nline\",2\nabc,\xD0\xE3\xF2ng\n";
	struct csv_reader *r = mem(s, sizeof s - 1);
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(e.code == ERR_BAD_REQUEST);
	CHECK(strstr(e.msg, "t.csv:5:") != NULL);
	CHECK(strstr(e.msg, "UTF-8") != NULL);
	CHECK(strstr(e.msg, "column 2") != NULL);
	csv_close(r);
}

TEST(csv_xlsx_given_as_csv_is_refused)
{
	static const char s[] = "PK\x03\x04rest";
	struct csv_reader *r = NULL;
	struct err e = ERR_INIT;
	CHECK(csv_open_mem("x.csv", s, sizeof s - 1, &r, &e) < 0);
	CHECK(strstr(e.msg, "XLSX") != NULL);
}

TEST(csv_too_many_fields)
{
	char s[CSV_MAX_FIELDS * 2 + 8];
	struct csv_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	size_t n = 0;
	for (int i = 0; i < CSV_MAX_FIELDS; i++) {
		s[n++] = 'x';
		s[n++] = ',';
	}
	s[n++] = 'y';
	s[n++] = '\n';
	r = mem(s, n);
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(strstr(e.msg, "columns") != NULL);
	csv_close(r);
	/* exactly the limit is fine */
	r = mem(s + 2, n - 2);
	CHECK(csv_next(r, &row, &e) == 1 && row.n == CSV_MAX_FIELDS);
	csv_close(r);
}

TEST(csv_long_line_from_file_is_refused)
{
	char path[256];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	FILE *fp;
	struct csv_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	snprintf(path, sizeof path, "%s/cadre-csv-long-%d.csv", tmp, (int)getpid());
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp) {
		return;
	}
	fputs("a,b\n1,2\n", fp);
	for (int i = 0; i < 2 * 1024 * 1024 / 64; i++) {
		fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,", fp);
	}
	fputs("\n", fp);
	fclose(fp);
	CHECK(csv_open(path, &r, &e) == 0);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(e.code == ERR_TOO_LARGE || strstr(e.msg, "columns") != NULL);
	CHECK(strstr(e.msg, ":3:") != NULL);
	csv_close(r);
	/* one field, no delimiters: the byte cap */
	fp = fopen(path, "wb");
	fputs("a\n", fp);
	for (int i = 0; i < 2 * 1024 * 1024 / 8; i++) {
		fputs("yyyyyyyy", fp);
	}
	fclose(fp);
	CHECK(csv_open(path, &r, &e) == 0);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(e.code == ERR_TOO_LARGE);
	CHECK(strstr(e.msg, ":2:") != NULL);
	csv_close(r);
	unlink(path);
}

TEST(csv_endless_line_from_a_pipe_stops_at_the_cap)
{
	int fds[2];
	pid_t pid;
	char path[64];
	struct csv_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		char chunk[65536];
		signal(SIGPIPE, SIG_DFL);
		close(fds[0]);
		memset(chunk, 'z', sizeof chunk);
		if (write(fds[1], "h\n", 2) != 2) {
			_exit(1);
		}
		for (;;) { /* a "2 GB line" that never ends */
			if (write(fds[1], chunk, sizeof chunk) < 0) {
				_exit(0);
			}
		}
	}
	close(fds[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	CHECK(csv_open(path, &r, &e) == 0);
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK(csv_next(r, &row, &e) < 0);
	CHECK(e.code == ERR_TOO_LARGE);
	CHECK(strstr(e.msg, ":2:") != NULL);
	csv_close(r);
	close(fds[0]);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

TEST(csv_stream_across_buffer_boundaries)
{
	/* many records through csv_open's 64 KiB buffer, quotes straddling it */
	char path[256];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	FILE *fp;
	struct csv_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	int n = 0, ok = 1;
	snprintf(path, sizeof path, "%s/cadre-csv-many-%d.csv", tmp, (int)getpid());
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp) {
		return;
	}
	for (int i = 0; i < 20000; i++) {
		fprintf(fp, "%d,\"L\xC3\xAA \"\"%d\"\"\r\nx\",Nguy\xE1\xBB\x85n\r\n", i, i);
	}
	fclose(fp);
	CHECK(csv_open(path, &r, &e) == 0);
	while (csv_next(r, &row, &e) == 1) {
		char want[64];
		snprintf(want, sizeof want, "Lê \"%d\"\r\nx", n);
		ok = ok && row.n == 3 && strcmp(row.f[1], want) == 0 &&
		     strcmp(row.f[2], "Nguyễn") == 0 && row.line == 2 * n + 1 &&
		     atoi(row.f[0]) == n;
		n++;
	}
	CHECK(ok);
	CHECK(n == 20000);
	csv_close(r);
	unlink(path);
}
