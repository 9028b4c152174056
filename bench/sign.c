/*
 * bench/sign.c — how fast cadre signs a PDF in-process (sign_pdf: PAdES
 * in an incremental update with a visible appearance, the key decrypted,
 * the audit entry committed), against `openssl cms -sign` signing the same
 * bytes from the command line, in the same run (issue 4's floor: cadre
 * must be faster).
 *
 *   bench_sign --key K.pem --cert C.pem --ca CA.pem [--pdf FILE | --kb N]
 *              [--runs N] [--algorithm ecdsa-p256|rsa-3072] [--openssl PATH]
 *
 * Without --pdf a PDF of N KB (default 1024) is drawn with cairo (an image
 * of noise, so it does not compress) into $TMPDIR.  cadre works on a fresh
 * SQLite database in $TMPDIR with its own CA and a signer holding a
 * certificate of the same algorithm as K.pem (made by bench/sign.sh with
 * openssl).  Each tool signs the PDF `runs` times, alternately (cadre,
 * openssl, cadre, …) so both meet the same load; the first cadre run
 * (fonts found and loaded, the database warmed) is shown apart and left
 * out of the median, as is the first openssl run.  Prints best and median
 * of each and the ratio; exits 1 when cadre's median is not below
 * openssl's.  The signed output is verified once (sign_verify_pdf).
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "db/db.h"
#include "db/migrate.h"
#include "domain/auth.h"
#include "domain/cx.h"
#include "domain/org.h"
#include "domain/user.h"
#include "sign/sign.h"

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static cairo_status_t to_buf(void *closure, const unsigned char *d, unsigned int n)
{
	buf_append(closure, d, n);
	return CAIRO_STATUS_SUCCESS;
}

/* A one-page PDF of about kb KB: a title and an image of noise. */
static int make_pdf(long kb, const char *path)
{
	struct buf b = BUF_INIT;
	int w = 800, h = (int)(kb * 1024 / (800 * 3)) + 1;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, &b, 595.276, 841.89);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(s);
	unsigned seed = 2024;
	unsigned char *d;
	int stride = cairo_image_surface_get_stride(img);
	FILE *f;
	cairo_surface_flush(img);
	d = cairo_image_surface_get_data(img);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			seed = seed * 1103515245u + 12345u;
			d[y * stride + 4 * x] = (unsigned char)(seed >> 16);
			d[y * stride + 4 * x + 1] = (unsigned char)(seed >> 8);
			d[y * stride + 4 * x + 2] = (unsigned char)(seed >> 24);
		}
	}
	cairo_surface_mark_dirty(img);
	cairo_select_font_face(cr, "Noto Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 16);
	cairo_move_to(cr, 72, 60);
	cairo_show_text(cr, "BÁO CÁO tổng hợp (bản thử nghiệm hiệu năng ký số)");
	cairo_save(cr);
	cairo_translate(cr, 72, 90);
	cairo_scale(cr, 450.0 / w, 650.0 / h);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	cairo_surface_destroy(img);
	f = fopen(path, "wb");
	if (!f || fwrite(b.z, 1, b.n, f) != b.n || fclose(f) != 0) {
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	return 0;
}

static unsigned char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t r;
	if (!f) {
		return NULL;
	}
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_append(&b, chunk, r);
	}
	fclose(f);
	return (unsigned char *)buf_detach(&b, n);
}

/* A database with a CA and a signer with a certificate; *uid = the signer. */
static int setup(const char *url, const char *alg, struct db **db, int64_t *uid)
{
	struct err e = ERR_INIT;
	struct cx cx;
	struct user_new u = {"bench.signer", "Nguyễn Văn Thử", "bench-password-123", "signer", 0, 0};
	json_t *out = NULL;
	int64_t root;
	if (db_open(url, db, &e) || db_migrate(*db, NULL, &e)) {
		fprintf(stderr, "bench_sign: %s\n", e.msg);
		return -1;
	}
	cx_init_system(&cx, *db);
	if (org_bootstrap(&cx, "VN", "Tỉnh ủy Thử nghiệm", "1945-09-02", &root, &e) ||
	    (u.unit_id = root, user_add(&cx, &u, &out, &e)) ||
	    sign_ca_init(&cx, root, "CA thử nghiệm hiệu năng", alg, 0, NULL, &e)) {
		fprintf(stderr, "bench_sign: %s\n", e.msg);
		return -1;
	}
	*uid = (int64_t)json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	if (sign_ca_issue(&cx, *uid, alg, 0, NULL, &e)) {
		fprintf(stderr, "bench_sign: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int run_openssl(const char *openssl, char *const argv[])
{
	pid_t pid;
	int st;
	if (posix_spawnp(&pid, openssl, NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &st, 0) != pid) {
		return -1;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *pdf_path = NULL, *key = NULL, *cert = NULL, *ca = NULL;
	const char *alg = "ecdsa-p256", *openssl = "openssl";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char url[512], made[512], keyf[600];
	long kb = 1024;
	int runs = 20;
	struct db *db = NULL;
	struct cx cx;
	struct err e = ERR_INIT;
	struct sign_appearance ap;
	int64_t uid = 0;
	unsigned char *pdf, *out = NULL;
	size_t n = 0, out_n = 0;
	double *tc, *to, first_c = 0, first_o = 0, mc, mo;
	json_t *report = NULL;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "bench_sign: %s needs a value\n", argv[i]);
			return 2;
		}
		if (strcmp(argv[i], "--pdf") == 0) {
			pdf_path = v;
		} else if (strcmp(argv[i], "--kb") == 0) {
			kb = atol(v);
		} else if (strcmp(argv[i], "--runs") == 0) {
			runs = atoi(v);
		} else if (strcmp(argv[i], "--key") == 0) {
			key = v;
		} else if (strcmp(argv[i], "--cert") == 0) {
			cert = v;
		} else if (strcmp(argv[i], "--ca") == 0) {
			ca = v;
		} else if (strcmp(argv[i], "--algorithm") == 0) {
			alg = v;
		} else if (strcmp(argv[i], "--openssl") == 0) {
			openssl = v;
		} else {
			fprintf(stderr, "bench_sign: unknown flag %s\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (!key || !cert || !ca || runs < 3 || kb < 1) {
		fprintf(stderr, "usage: bench_sign --key K.pem --cert C.pem --ca CA.pem "
				"[--pdf FILE | --kb N] [--runs N≥3] [--algorithm ALG] "
				"[--openssl PATH]\n");
		return 2;
	}
	if (!getenv("CADRE_MASTER_KEY")) {
		setenv("CADRE_MASTER_KEY",
		       "63616472652062656e63686d61726b206d6173746572206b6579203132333435", 1);
	}
	snprintf(url, sizeof url, "%s/bench-sign-%d.db", tmp, (int)getpid());
	if (!pdf_path) {
		snprintf(made, sizeof made, "%s/bench-sign-%ldk.pdf", tmp, kb);
		if (make_pdf(kb, made)) {
			fprintf(stderr, "bench_sign: cannot write %s\n", made);
			return 1;
		}
		pdf_path = made;
	}
	if (!(pdf = read_all(pdf_path, &n)) || setup(url, alg, &db, &uid)) {
		return 1;
	}
	tc = calloc((size_t)runs, sizeof *tc);
	to = calloc((size_t)runs, sizeof *to);
	memset(&ap, 0, sizeof ap);
	ap.title = "Bí thư";
	printf("PDF: %s, %zu bytes; %d runs each; key %s\n", pdf_path, n, runs, alg);
	/* Alternate: cadre, then openssl, run after run, so that both meet
	 * the same load on a shared machine. */
	for (int i = 0; i < runs; i++) {
		char *const args[] = {(char *)openssl, "cms", "-sign", "-binary", "-in",
				      (char *)pdf_path, "-signer", (char *)cert, "-inkey",
				      (char *)key, "-certfile", (char *)ca, "-md", "sha256",
				      "-cades", "-nosmimecap", "-outform", "DER", "-out",
				      "/dev/null", NULL};
		double t0;
		cx_init_system(&cx, db);
		auth_actor_by_login(db, "bench.signer", &cx.actor, &e);
		free(out);
		out = NULL;
		t0 = now_ms();
		if (sign_pdf(&cx, uid, pdf, n, &ap, &out, &out_n, &e)) {
			fprintf(stderr, "bench_sign: sign_pdf: %s\n", e.msg);
			return 1;
		}
		tc[i] = now_ms() - t0;
		t0 = now_ms();
		if (run_openssl(openssl, args)) {
			fprintf(stderr, "bench_sign: %s cms -sign failed\n", openssl);
			return 1;
		}
		to[i] = now_ms() - t0;
	}
	{
		double t0 = now_ms();
		if (sign_verify_pdf(db, NULL, out, out_n, &report, &e) ||
		    !json_is_true(json_object_get(report, "valid"))) {
			fprintf(stderr, "bench_sign: the signed PDF does not verify\n");
			rc = 1;
		}
		printf("sign_verify_pdf of the signed file: %.2f ms\n", now_ms() - t0);
	}
	first_c = tc[0];
	first_o = to[0];
	mc = median(tc + 1, runs - 1);
	mo = median(to + 1, runs - 1);
	printf("cadre sign_pdf (in-process): first %.2f ms, best %.2f ms, median %.2f ms"
	       " (signed file %zu bytes, +%zu)\n",
	       first_c, tc[1], mc, out_n, out_n - n);
	printf("openssl cms -sign (command):  first %.2f ms, best %.2f ms, median %.2f ms\n",
	       first_o, to[1], mo);
	printf("ratio (medians): openssl / cadre = %.2f; floor cadre < openssl: %s\n", mo / mc,
	       mc < mo ? "ok" : "MISSED");
	if (mc >= mo) {
		rc = 1;
	}
	json_decref(report);
	free(out);
	free(pdf);
	free(tc);
	free(to);
	db_close(db);
	unlink(url);
	snprintf(keyf, sizeof keyf, "%s-wal", url);
	unlink(keyf);
	snprintf(keyf, sizeof keyf, "%s-shm", url);
	unlink(keyf);
	return rc;
}
