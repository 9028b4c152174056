/*
 * test_import.c — unit tests of the member import on both drivers: counts,
 * idempotent re-import, updates, all or nothing versus --skip-invalid with
 * the reject file, duplicate and ragged rows, files in Windows-1258 and
 * UTF-16 refused with nothing written, an XLSX file, a person already in
 * another unit, and an import killed with SIGKILL half-way (database
 * unchanged and intact).
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domain/audit.h"
#include "domain/import.h"
#include "report/table_write.h"
#include "test.h"
#include "test_member.h"

#define HEADER "Họ và tên,Số CCCD,Giới tính,Ngày sinh,Dân tộc,Mã đơn vị,Ngày vào Đảng,Số điện thoại\n"

static char *tmp_path(const char *name)
{
	static char buf[8][600];
	static int k;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *p = buf[k++ % 8];
	snprintf(p, 600, "%s/cadre-import-%d-%s", tmp, (int)getpid(), name);
	return p;
}

static const char *write_file(const char *name, const void *data, size_t n)
{
	const char *p = tmp_path(name);
	FILE *f = fopen(p, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK(fwrite(data, 1, n, f) == n);
		fclose(f);
	}
	return p;
}

static const char *write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}


static int run(struct mfix *f, const char *path, int skip, const char *rejects,
	       struct import_result *r, struct err *e)
{
	struct import_opts o;
	memset(&o, 0, sizeof o);
	o.path = path;
	o.name = "members.csv";
	o.org = "party";
	o.skip_invalid = skip;
	o.reject_path = rejects;
	return import_members(&f->cx, &o, r, NULL, e);
}

static const char good[] = HEADER
	"Nguyễn Văn An,001080000201,Nam,12/05/1980,Kinh,C1,01/02/2010,0912345678\n"
	"Trần Thị Bình,001185000202,Nữ,1985-04-03,Tày,C1,2012-06-05,\n"
	"Lê Văn Cường,008090000203,nam,1990-01-01,Kinh,C3,2015-01-01,0987 654 321\n";

DB_TEST(import_counts_and_reimport_changes_nothing)
{
	struct mfix f;
	struct import_result r;
	struct err e = ERR_INIT;
	const char *p;
	int64_t audits;
	mfix_setup(db, &f);
	p = write_text("good.csv", good);
	CHECK(run(&f, p, 0, NULL, &r, &e) == 0);
	CHECK(r.rows == 3 && r.valid == 3 && r.rejected == 0 && r.inserted == 3);
	CHECK(r.committed && r.job_id > 0 && r.quality_pct == 100.0);
	CHECK(strlen(r.sha256) == 64);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 3);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership", NULL) == 3);
	audits = mfix_scalar(db, "SELECT COUNT(*) FROM audit", NULL);
	/* Again: nothing changes but the job and its one audit entry. */
	CHECK(run(&f, p, 0, NULL, &r, &e) == 0);
	CHECK(r.rows == 3 && r.unchanged == 3 && r.inserted == 0 && r.updated == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 3);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM audit", NULL) == audits + 1);
	/* A changed phone is an update. */
	p = write_text("changed.csv", HEADER
		       "Nguyễn Văn An,001080000201,Nam,12/05/1980,Kinh,C1,01/02/2010,0912000000\n");
	CHECK(run(&f, p, 0, NULL, &r, &e) == 0);
	CHECK(r.updated == 1 && r.unchanged == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person WHERE phone = '0912000000'", NULL) == 1);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM import_job WHERE status = 'done'", NULL) == 3);
}

static const char mixed[] = HEADER
	"Nguyễn Văn An,001080000201,Nam,12/05/1980,Kinh,C1,01/02/2010,\n"
	"Sai Số,12345,Nam,1980-01-01,Kinh,C1,2010-01-01,\n"
	"Thiếu Cột,001080000209,Nam,1980-01-01,Kinh,C1\n"
	"Trùng Số,001080000201,Nam,1980-05-12,Kinh,C1,2010-02-01,\n"
	"Không Đơn Vị,001080000210,Nam,1980-01-01,Kinh,NOPE,2010-02-01,\n"
	"Trần Thị Bình,001185000202,Nữ,1985-04-03,Tày,C1,2012-06-05,\n";

DB_TEST(import_is_all_or_nothing_unless_skip_invalid)
{
	struct mfix f;
	struct import_result r;
	struct err e = ERR_INIT;
	const char *p, *rej = tmp_path("rejects.csv");
	char buf[4096];
	size_t n;
	FILE *fp;
	mfix_setup(db, &f);
	p = write_text("mixed.csv", mixed);
	CHECK(run(&f, p, 0, NULL, &r, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "file") == 0);
	CHECK(strstr(e.msg, "members.csv") && strstr(e.msg, "4 of 6"));
	CHECK(r.rows == 6 && r.rejected == 4 && !r.committed);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM import_job WHERE status = 'failed'", NULL) == 1);
	/* --skip-invalid: the two clean rows, the others in the reject file. */
	CHECK(run(&f, p, 1, rej, &r, &e) == 0);
	CHECK(r.inserted == 2 && r.rejected == 4 && r.committed);
	CHECK(r.quality_pct > 33.3 && r.quality_pct < 33.4);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 2);
	fp = fopen(rej, "rb");
	CHECK(fp != NULL);
	n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
	buf[n] = '\0';
	if (fp) {
		fclose(fp);
	}
	CHECK(strstr(buf, "line,errors,Họ và tên") != NULL);
	CHECK(strstr(buf, "\r\n3,citizen_id:") != NULL);
	CHECK(strstr(buf, "citizen_id.format") != NULL);
	CHECK(strstr(buf, "\r\n4,row: 6 fields where the header has 8") != NULL);
	CHECK(strstr(buf, "citizen_id.duplicate") && strstr(buf, "line 2"));
	CHECK(strstr(buf, "\r\n6,unit_code: no unit NOPE") != NULL);
	CHECK(strstr(buf, "Trùng Số,001080000201") != NULL); /* the original cells */
}

DB_TEST(import_refuses_other_encodings_and_writes_nothing)
{
	struct mfix f;
	struct import_result r;
	struct err e = ERR_INIT;
	/* "Nguyễn" in Windows-1258: N g u y ê(0xEA) + combining tilde(0xDE) n */
	static const char cp1258[] = "Ho va ten,So CCCD,Gioi tinh,Ngay sinh,Ma don vi,Ngay vao Dang\n"
				     "Nguy\xea\xden V\xe3n An,001080000201,Nam,1980-01-01,C1,2010-01-01\n";
	static const char utf16[] = "\xff\xfeH\0o\0,\0";
	const char *p;
	mfix_setup(db, &f);
	p = write_file("cp1258.csv", cp1258, sizeof cp1258 - 1);
	CHECK(run(&f, p, 1, NULL, &r, &e) < 0);
	CHECK(strstr(e.msg, "members.csv:2") && strstr(e.msg, "UTF-8"));
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 0);
	p = write_file("utf16.csv", utf16, sizeof utf16 - 1);
	CHECK(run(&f, p, 1, NULL, &r, &e) < 0);
	CHECK(strstr(e.msg, "UTF-16") != NULL);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership", NULL) == 0);
	p = write_text("noid.csv", "Họ và tên,Giới tính,Ngày sinh,Mã đơn vị,Ngày vào Đảng\n");
	CHECK(run(&f, p, 1, NULL, &r, &e) < 0);
	CHECK(strstr(e.msg, "citizen ID") != NULL);
}

DB_TEST(import_refuses_a_second_unit_and_reads_xlsx)
{
	struct mfix f;
	struct import_result r;
	struct err e = ERR_INIT;
	struct table_writer *w = NULL;
	static const char *const head[] = {"Họ và tên", "Số CCCD", "Giới tính", "Ngày sinh",
					   "Mã đơn vị", "Ngày vào Đảng"};
	static const char *const row1[] = {"Phạm Văn Dũng", "001080000301", "Nam", "1980-01-01",
					   "C1", "2010-01-01"};
	static const char *const row2[] = {"Hồ Thị Én", "001185000302", "Nữ", "1985-01-01",
					   "C3", "2011-01-01"};
	const char *x = tmp_path("members.xlsx"), *p;
	mfix_setup(db, &f);
	CHECK(table_writer_open(x, NULL, TABLE_XLSX, "DS", &w, &e) == 0);
	CHECK(table_writer_header(w, 6, head, &e) == 0);
	CHECK(table_writer_row(w, 6, row1, &e) == 0);
	CHECK(table_writer_row(w, 6, row2, &e) == 0);
	CHECK(table_writer_close(w, &e) == 0);
	CHECK(run(&f, x, 0, NULL, &r, &e) == 0);
	CHECK(r.rows == 2 && r.inserted == 2);
	/* The same person in another cell of the party: a transfer, not an import. */
	p = write_text("moved.csv", HEADER
		       "Phạm Văn Dũng,001080000301,Nam,1980-01-01,Kinh,C2,2010-01-01,\n");
	CHECK(run(&f, p, 0, NULL, &r, &e) < 0);
	CHECK(r.rejected == 1);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership WHERE unit_id IN"
			" (SELECT id FROM unit WHERE code = 'C2')", NULL) == 0);
}

/* ---- killed half-way ---- */

#define BIG_ROWS 60000

static const char *big_file(void)
{
	const char *p = tmp_path("big.csv");
	FILE *f = fopen(p, "wb");
	CHECK(f != NULL);
	if (!f) {
		return p;
	}
	fputs(HEADER, f);
	for (int i = 0; i < BIG_ROWS; i++) {
		fprintf(f, "Người Thử Số %c%c,0010%02d%06d,%s,19%02d-03-04,Kinh,C%d,2010-01-%02d,\n",
			'A' + i % 26, 'a' + i / 26 % 26, 60 + i % 30, i, "Nam", 60 + i % 30,
			1 + i % 3, 1 + i % 28);
	}
	fclose(f);
	return p;
}

static int kill_fd = -1;

static void child_progress(void *arg, long rows)
{
	(void)arg;
	(void)rows;
	if (kill_fd >= 0 && write(kill_fd, "!", 1) == 1) {
		kill_fd = -1;
		usleep(300000); /* stay mid-way while the parent kills */
	}
}

static void child_import(const char *path, int fd)
{
	struct db *cdb;
	struct cx cx;
	struct import_opts o;
	struct import_result r;
	struct err e = ERR_INIT;
	if (db_open(test_db_url(), &cdb, &e) < 0) {
		_exit(3);
	}
	cx_init_system(&cx, cdb);
	memset(&o, 0, sizeof o);
	o.path = path;
	o.org = "party";
	o.on_progress = child_progress;
	kill_fd = fd;
	import_members(&cx, &o, &r, NULL, &e);
	_exit(4); /* not reached when killed */
}

DB_TEST(import_killed_halfway_leaves_the_database_unchanged)
{
	struct mfix f;
	struct err e = ERR_INIT;
	struct pollfd pfd;
	const char *p;
	int pipefd[2], status = 0;
	int64_t persons, jobs, audits, rows = 0, bad = 0;
	char c;
	pid_t pid;
	mfix_setup(db, &f);
	CHECK(mfix_admit(&f.cx, mfix_person(&f.cx, "Người Có Trước", "001080999999", "M",
					     "1980-01-01"),
			 "party", f.c1, "2010-01-01", &e) > 0);
	p = big_file();
	persons = mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL);
	jobs = mfix_scalar(db, "SELECT COUNT(*) FROM import_job", NULL);
	audits = mfix_scalar(db, "SELECT COUNT(*) FROM audit", NULL);
	CHECK(pipe(pipefd) == 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		child_import(p, pipefd[1]);
	}
	close(pipefd[1]);
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 60000) == 1);
	CHECK(read(pipefd[0], &c, 1) == 1); /* the child is mid-way */
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(pipefd[0]);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == persons);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership", NULL) == persons);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM import_job", NULL) == jobs);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM audit", NULL) == audits);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
	if (db_kind(db) == DB_SQLITE) {
		struct db_stmt *st;
		CHECK(db_prepare(db, "PRAGMA integrity_check", &st, &e) == 0);
		CHECK(db_step(st, &e) == DB_ROW);
		CHECK_STR(db_col_text(st, 0), "ok");
		db_finalize(st);
	}
	/* And the same file imports completely afterwards. */
	{
		struct import_result r;
		CHECK(run(&f, p, 0, NULL, &r, &e) == 0);
		CHECK(r.inserted == BIG_ROWS);
		if (r.inserted != BIG_ROWS) {
			printf("    %s\n", e.msg);
		}
	}
}

/* A row naming a person registered without any membership admits them:
 * the membership's unit decides who sees them from then on, the unit that
 * held the record no longer does. */
DB_TEST(import_of_a_registered_person_ends_the_holding_unit)
{
	struct mfix f;
	struct import_result r;
	struct member_record rec;
	struct err e = ERR_INIT;
	int64_t pid = 0;
	mfix_setup(db, &f);
	memset(&rec, 0, sizeof rec);
	rec.f[MF_FULL_NAME] = "Lê Văn Cường";
	rec.f[MF_CITIZEN_ID] = "008090000203";
	CHECK(member_person_create(&f.cx, &rec, f.c3, &pid, NULL, &e) == 0);
	CHECK(mfix_scalar(db, "SELECT holder_unit_id FROM person WHERE citizen_id = ?",
			  "008090000203") == f.c3);
	CHECK(run(&f, write_text("good.csv", good), 0, NULL, &r, &e) == 0);
	CHECK(r.inserted == 3 && r.rejected == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person WHERE holder_unit_id IS NOT NULL", NULL) ==
	      0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership WHERE person_id IN (SELECT id FROM"
			      " person WHERE citizen_id = ?)",
			  "008090000203") == 1);
}
