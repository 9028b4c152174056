/*
 * cli_sign.c — `cadre doc sign` (a PAdES signature on a PDF by a user who
 * proves it with their password on stdin) and `cadre verify FILE.pdf`
 * (exit 0 only when every signature is valid and the last covers the
 * whole file), plus the file helpers the signature commands share.  The
 * rules live in src/sign; this file reads files, calls one function and
 * prints.  Never writes a partial output file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "sign/sign.h"
#include "sign/sign_cli.h"

#define PDF_MAX SIGN_PDF_MAX
#define PNG_MAX ((size_t)8 * 1024 * 1024)

int sign_cli_read_file(const char *path, size_t max, unsigned char **out,
		       size_t *n)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	unsigned char *b = NULL;
	size_t len = 0, cap = 0, r;
	*out = NULL;
	*n = 0;
	if (!f) {
		return cli_errorf(CLI_FAIL, "%s: %s", path, strerror(errno));
	}
	do {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			unsigned char *nb = ncap > max + 1 ? NULL : realloc(b, ncap);
			if (!nb && ncap > max + 1 && cap < max + 1) {
				nb = realloc(b, max + 1);
				ncap = max + 1;
			}
			if (!nb) {
				free(b);
				if (f != stdin) {
					fclose(f);
				}
				return cli_errorf(CLI_FAIL, "%s: larger than %zu bytes", path, max);
			}
			b = nb;
			cap = ncap;
		}
		r = fread(b + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	if (ferror(f)) {
		free(b);
		if (f != stdin) {
			fclose(f);
		}
		return cli_errorf(CLI_FAIL, "%s: read error", path);
	}
	if (f != stdin) {
		fclose(f);
	}
	if (len > max) {
		free(b);
		return cli_errorf(CLI_FAIL, "%s: larger than %zu bytes", path, max);
	}
	if (len == cap) { /* room for the NUL that text callers rely on */
		unsigned char *nb = realloc(b, len + 1);
		if (!nb) {
			free(b);
			return cli_errorf(CLI_FAIL, "%s: out of memory", path);
		}
		b = nb;
	}
	b[len] = 0;
	*out = b;
	*n = len;
	return CLI_OK;
}

int sign_cli_write_file(const char *path, const void *p, size_t n)
{
	char tmp[4096];
	int fd;
	if (strcmp(path, "-") == 0) {
		return fwrite(p, 1, n, stdout) == n && fflush(stdout) == 0
			       ? CLI_OK
			       : cli_errorf(CLI_FAIL, "cannot write to standard output");
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= sizeof tmp) {
		return cli_errorf(CLI_FAIL, "%s: path too long", path);
	}
	if ((fd = mkstemp(tmp)) < 0) {
		return cli_errorf(CLI_FAIL, "%s: %s", path, strerror(errno));
	}
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return cli_errorf(CLI_FAIL, "%s: %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, path) != 0) {
		int err = errno;
		unlink(tmp);
		return cli_errorf(CLI_FAIL, "%s: %s", path, strerror(err));
	}
	return CLI_OK;
}

/* "X,Y,W,H" in points. */
static int parse_rect(const char *s, struct sign_appearance *ap)
{
	char end;
	if (sscanf(s, "%lf,%lf,%lf,%lf%c", &ap->x, &ap->y, &ap->w, &ap->h, &end) != 4 ||
	    ap->w <= 0 || ap->h <= 0) {
		return cli_errorf(CLI_USAGE, "--rect: give X,Y,W,H in points, e.g. "
					     "350,40,210,100");
	}
	return CLI_OK;
}

static const char *const sign_fields[] = {
	"file", "--in",
	"signature_png", "--signature-image",
	"seal_png", "--seal-image",
	"password", "the password on stdin",
	"master_key", NULL,
	NULL,
};

int cli_doc_sign(int argc, char **argv)
{
	const char *url = NULL, *login = NULL, *in = NULL, *outp = NULL,
		   *title = NULL, *reason = NULL, *location = NULL, *sigimg = NULL,
		   *sealimg = NULL, *rect = NULL, *name = NULL, *org = NULL;
	int page = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "USER", "the signer (password on stdin)", 1},
		{"in", CLI_STR, &in, "IN.pdf", "the PDF to sign (- = stdin)", 1},
		{"out", CLI_STR, &outp, "OUT.pdf", "the signed PDF (- = stdout)", 1},
		{"title", CLI_STR, &title, "TEXT", "the signer's title, shown", 0},
		{"name", CLI_STR, &name, "TEXT", "the name shown (default: the user's)", 0},
		{"organization", CLI_STR, &org, "TEXT",
		 "the organization shown (default: the user's unit)", 0},
		{"reason", CLI_STR, &reason, "TEXT", "the reason recorded", 0},
		{"location", CLI_STR, &location, "TEXT", "the place recorded", 0},
		{"signature-image", CLI_STR, &sigimg, "PNG",
		 "the handwritten signature (transparent PNG, blue)", 0},
		{"seal-image", CLI_STR, &sealimg, "PNG", "the seal (transparent PNG, red)", 0},
		{"page", CLI_INT, &page, "N", "the page (1 = first; default the last)", 0},
		{"rect", CLI_STR, &rect, "X,Y,W,H",
		 "the box in points from the bottom left (default: bottom right)", 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc sign",
		"cadre doc sign --db PATH --login USER --in IN.pdf --out OUT.pdf "
		"[--title TEXT] [--signature-image PNG] [--seal-image PNG] [--page N] "
		"[--rect X,Y,W,H] [--reason TEXT] [--location TEXT] < password",
		"Sign a PDF (PAdES, in an incremental update, with a visible "
		"signature) with the\nuser's certificate.  The user's password is "
		"the first line of standard input.\nEarlier signatures stay valid; "
		"nothing is written when anything fails.",
		opts, 0, 0, sign_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct sign_appearance ap;
	unsigned char *pdf = NULL, *sig_png = NULL, *seal_png = NULL, *out = NULL;
	size_t n = 0, out_n = 0;
	char *pw = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	memset(&ap, 0, sizeof ap);
	if (rect && (rc = parse_rect(rect, &ap)) != CLI_OK) {
		return rc;
	}
	if (page < 0) {
		return cli_errorf(CLI_USAGE, "--page: pages count from 1");
	}
	if ((rc = cli_read_password(&pw)) != CLI_OK) {
		return rc;
	}
	if ((rc = sign_cli_read_file(in, PDF_MAX, &pdf, &n)) == CLI_OK &&
	    (!sigimg || (rc = sign_cli_read_file(sigimg, PNG_MAX, &sig_png,
						 &ap.signature_png_len)) == CLI_OK) &&
	    (!sealimg || (rc = sign_cli_read_file(sealimg, PNG_MAX, &seal_png,
						  &ap.seal_png_len)) == CLI_OK) &&
	    (rc = cli_open(&c, url, NULL, 0)) == CLI_OK) {
		ap.name = name;
		ap.title = title;
		ap.organization = org;
		ap.reason = reason;
		ap.location = location;
		ap.signature_png = sig_png;
		ap.seal_png = seal_png;
		ap.page = page;
		if (auth_check_password(&c.cx, login, pw, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			if (c.cx.actor.must_change) {
				rc = cli_errorf(CLI_FAIL, "%s holds a one-time password: "
						"set a new one first ('cadre user passwd')", login);
			} else if (sign_pdf(&c.cx, c.cx.actor.user_id, pdf, n, &ap, &out,
					    &out_n, &e) < 0) {
				rc = cli_fail(&spec, &e);
			} else if ((rc = sign_cli_write_file(outp, out, out_n)) == CLI_OK &&
				   strcmp(outp, "-") != 0) {
				printf("signed %s as %s: %s (%zu bytes, %zu added)\n", in, login,
				       outp, out_n, out_n - n);
			}
		}
		cli_close(&c);
	}
	cli_password_free(pw);
	free(pdf);
	free(sig_png);
	free(seal_png);
	free(out);
	return rc;
}

static void print_report(const char *file, json_t *r)
{
	json_t *sigs = json_object_get(r, "signatures"), *s;
	size_t i, n = json_array_size(sigs);
	printf("%s: %zu signature%s, sha256 %s\n", file, n, n == 1 ? "" : "s",
	       cli_jstr(r, "sha256"));
	json_array_foreach(sigs, i, s) {
		json_t *br = json_object_get(s, "byte_range");
		int valid = json_is_true(json_object_get(s, "valid"));
		printf("  %zu. %s", i + 1, valid ? "valid" : "INVALID");
		if (*cli_jstr(s, "signer")) {
			printf(" — %s", cli_jstr(s, "signer"));
			if (*cli_jstr(s, "organization")) {
				printf(", %s", cli_jstr(s, "organization"));
			}
		}
		if (*cli_jstr(s, "signed_at")) {
			printf(", signed %s", cli_jstr(s, "signed_at"));
		}
		printf("\n     serial %s; bytes 0–%lld and %lld–%lld%s\n",
		       cli_jstr(json_object_get(s, "certificate"), "serial"),
		       (long long)json_integer_value(json_array_get(br, 1)),
		       (long long)json_integer_value(json_array_get(br, 2)),
		       (long long)(json_integer_value(json_array_get(br, 2)) +
				   json_integer_value(json_array_get(br, 3))),
		       json_is_true(json_object_get(s, "covers_whole_file"))
			       ? " (the whole file)"
			       : " (a later revision follows)");
		if (json_is_true(json_object_get(s, "revoked"))) {
			printf("     certificate REVOKED on %s (%s)\n", cli_jstr(s, "revoked_at"),
			       cli_jstr(s, "revocation_reason"));
		}
		if (!valid) {
			printf("     problem: %s\n", cli_jstr(s, "problem"));
		}
	}
	if (json_is_true(json_object_get(r, "valid"))) {
		printf("valid: every signature verifies and the last one covers the "
		       "whole file\n");
	} else {
		printf("NOT valid: %s\n", cli_jstr(r, "problem"));
	}
}

int cmd_verify(int argc, char **argv)
{
	const char *url = NULL, *ca = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		{"db", CLI_STR, &url, "PATH",
		 "trust the database's CAs and report its revocations", 0},
		{"ca", CLI_STR, &ca, "CA.pem", "trust the CA certificates in this file", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"verify", "cadre verify FILE.pdf [--db PATH] [--ca CA.pem] [--json]",
		"Verify every signature of a PDF: byte ranges, digests, signature "
		"values, the\nchain to a trusted CA (from --db and/or --ca), "
		"revocations (--db).  Exit 0 only\nwhen every signature is valid "
		"and the last one covers the whole file; 1 otherwise.",
		opts, 1, 1, NULL,
	};
	struct cli_list pos = {NULL, 0};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL, *ca_pem = NULL;
	size_t n = 0, ca_n = 0;
	json_t *report = NULL;
	int rc, opened = 0;
	CLI_PARSE(&spec, argc, argv, &pos);
	memset(&c, 0, sizeof c);
	if ((rc = sign_cli_read_file(pos.v[0], PDF_MAX, &pdf, &n)) == CLI_OK &&
	    (!ca || (rc = sign_cli_read_file(ca, 1024 * 1024, &ca_pem, &ca_n)) == CLI_OK) &&
	    (!url || (rc = cli_open(&c, url, NULL, 0)) == CLI_OK)) {
		opened = url != NULL;
		if (sign_verify_pdf(c.db, (const char *)ca_pem, pdf, n, &report, &e) < 0) {
			rc = cli_errorf(CLI_FAIL, "%s: %s", pos.v[0], e.msg);
		} else {
			if (json) {
				cli_json_print(report);
			} else {
				print_report(pos.v[0], report);
			}
			rc = json_is_true(json_object_get(report, "valid")) ? CLI_OK : CLI_FAIL;
		}
	}
	if (opened) {
		cli_close(&c);
	}
	json_decref(report);
	free(pdf);
	free(ca_pem);
	cli_list_free(&pos);
	return rc;
}
