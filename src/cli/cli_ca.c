/*
 * cli_ca.c — `cadre ca init|issue|revoke|export|import|crl|list`: the
 * organization's certificate authority and signer certificates from the
 * terminal.  The rules (who may, which CA, key storage) live in src/sign;
 * this file parses, calls one function and prints.  Never prints or
 * writes a private key; the PKCS#12 password comes from stdin only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/user.h"
#include "sign/sign.h"
#include "sign/sign_cli.h"

static const char *const ca_fields[] = {
	"unit_id", "--unit",
	"p12", "--p12",
	"password", "the PKCS#12 password on stdin",
	"display_name", NULL,
	"master_key", NULL,
	NULL,
};

/* The user id of a login (as the acting user may see it). */
static int user_id_of(struct cli_ctx *c, const char *login, int64_t *id)
{
	struct err e = ERR_INIT;
	json_t *u = NULL;
	if (user_get_by_login(&c->cx, login, &u, &e) < 0) {
		return cli_errorf(CLI_FAIL, "--login: %s", e.msg);
	}
	*id = cli_jint(u, "id");
	json_decref(u);
	return CLI_OK;
}

static void print_cert(const char *what, json_t *c)
{
	printf("%s %s\n  subject  %s\n  issuer   %s\n  serial   %s\n"
	       "  valid    %s … %s\n  sha256   %s\n",
	       what, cli_jstr(c, "login"), cli_jstr(c, "subject"),
	       cli_jstr(c, "issuer"), cli_jstr(c, "serial"),
	       cli_jstr(c, "not_before"), cli_jstr(c, "not_after"),
	       cli_jstr(c, "sha256"));
}

static int ca_init_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *unit = NULL, *name = NULL, *alg = NULL;
	int days = 0, json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"unit", CLI_STR, &unit, "CODE", "the unit whose CA this is (its name "
		 "becomes O=)", 1},
		{"name", CLI_STR, &name, "TEXT", "the CA's name (CN=)", 1},
		{"algorithm", CLI_STR, &alg, "ALG", "ecdsa-p256 (default) or rsa-3072", 0},
		{"days", CLI_INT, &days, "N", "validity in days (default 3650)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca init",
		"cadre ca init --db PATH --unit CODE --name TEXT [--algorithm ALG] "
		"[--days N] [--json] [--as LOGIN]",
		"Create the certificate authority of a unit: a self-signed root "
		"whose private key\nis stored encrypted under the master key "
		"(CADRE_MASTER_KEY, or <db>.key next to\nan SQLite database, "
		"created on first use with mode 0600).",
		opts, 0, 0, ca_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t unit_id;
	json_t *out = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if ((rc = cli_unit_id(&c, unit, "unit", &unit_id)) == CLI_OK) {
		if (sign_ca_init(&c.cx, unit_id, name, alg, days, &out, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else if (json) {
			cli_json_print(out);
		} else {
			printf("CA created for unit %s\n  subject  %s\n  valid    %s … %s\n"
			       "  sha256   %s\n",
			       unit, cli_jstr(out, "subject"), cli_jstr(out, "not_before"),
			       cli_jstr(out, "not_after"), cli_jstr(out, "sha256"));
		}
	}
	json_decref(out);
	cli_close(&c);
	return rc;
}

static int ca_issue_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL, *alg = NULL;
	int days = 0, json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "USER", "the signer (role signer or admin)", 1},
		{"algorithm", CLI_STR, &alg, "ALG", "ecdsa-p256 (default) or rsa-3072", 0},
		{"days", CLI_INT, &days, "N", "validity in days (default 730)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca issue",
		"cadre ca issue --db PATH --login USER [--algorithm ALG] [--days N] "
		"[--json] [--as LOGIN]",
		"Issue a signer certificate to a user, by the CA of the user's unit "
		"or of the\nnearest unit above it: CN = the user's name, O = the "
		"unit's name.",
		opts, 0, 0, ca_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t uid;
	json_t *out = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if ((rc = user_id_of(&c, login, &uid)) == CLI_OK) {
		if (sign_ca_issue(&c.cx, uid, alg, days, &out, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else if (json) {
			cli_json_print(out);
		} else {
			print_cert("certificate issued to", out);
		}
	}
	json_decref(out);
	cli_close(&c);
	return rc;
}

static int ca_revoke_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL, *serial = NULL,
		   *reason = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "USER", "revoke every certificate of this user", 0},
		{"serial", CLI_STR, &serial, "HEX", "revoke the certificate with this serial", 0},
		{"reason", CLI_STR, &reason, "REASON",
		 "keyCompromise, affiliationChanged, superseded, cessationOfOperation, "
		 "privilegeWithdrawn (default unspecified)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca revoke",
		"cadre ca revoke --db PATH (--login USER | --serial HEX) [--reason R] "
		"[--json] [--as LOGIN]",
		"Revoke signer certificates; the CA's CRL is signed again at once.",
		opts, 0, 0, ca_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t uid = 0;
	json_t *out = NULL, *it;
	size_t i;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if (!login == !serial) {
		return cli_errorf(CLI_USAGE, "ca revoke: give --login or --serial");
	}
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if (login) {
		rc = user_id_of(&c, login, &uid);
	}
	if (rc == CLI_OK) {
		if (sign_ca_revoke(&c.cx, uid, serial, reason, &out, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else if (json) {
			cli_json_print(out);
		} else {
			json_array_foreach(json_object_get(out, "revoked"), i, it) {
				print_cert("revoked: certificate of", it);
			}
		}
	}
	json_decref(out);
	cli_close(&c);
	return rc;
}

static int ca_export_cmd(int argc, char **argv)
{
	const char *url = NULL, *unit = NULL, *path = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"out", CLI_STR, &path, "CA.pem", "where to write the PEM (- = stdout)", 1},
		{"unit", CLI_STR, &unit, "CODE", "only the CA of this unit (default: "
		 "every trusted CA)", 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca export", "cadre ca export --db PATH --out CA.pem [--unit CODE]",
		"Write the trusted CA certificates (PEM) for readers and verifiers: "
		"import it into\nAdobe Reader, an NSS database (pdfsig) or give it to "
		"'openssl cms -verify -CAfile'.",
		opts, 0, 0, ca_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t unit_id = 0;
	char *pem = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, NULL, 0)) != CLI_OK) {
		return rc;
	}
	if (unit) {
		rc = cli_unit_id(&c, unit, "unit", &unit_id);
	}
	if (rc == CLI_OK) {
		if (sign_ca_export(c.db, unit_id, &pem, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			rc = sign_cli_write_file(path, pem, strlen(pem));
		}
	}
	free(pem);
	cli_close(&c);
	return rc;
}

static int ca_crl_cmd(int argc, char **argv)
{
	const char *url = NULL, *unit = NULL, *path = NULL;
	int der = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"out", CLI_STR, &path, "FILE", "where to write the CRL (- = stdout)", 1},
		{"unit", CLI_STR, &unit, "CODE", "the unit whose CA (default: the only one)", 0},
		{"der", CLI_BOOL, &der, NULL, "DER instead of PEM", 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca crl", "cadre ca crl --db PATH --out FILE [--unit CODE] [--der]",
		"Sign a fresh certificate revocation list (valid 7 days) and write it.",
		opts, 0, 0, ca_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t unit_id = 0;
	unsigned char *crl = NULL;
	size_t n = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, NULL, 0)) != CLI_OK) {
		return rc;
	}
	if (unit) {
		rc = cli_unit_id(&c, unit, "unit", &unit_id);
	}
	if (rc == CLI_OK) {
		if (sign_ca_crl(c.db, unit_id, der, 1, &crl, &n, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			rc = sign_cli_write_file(path, crl, n);
		}
	}
	free(crl);
	cli_close(&c);
	return rc;
}

static int ca_import_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL, *p12 = NULL, *ca = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "USER", "the signer the certificate belongs to", 1},
		{"p12", CLI_STR, &p12, "FILE", "the PKCS#12 file (.p12/.pfx)", 1},
		{"ca", CLI_STR, &ca, "CA.pem", "the issuing CA's certificate, when the "
		 "PKCS#12 file lacks it", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca import",
		"cadre ca import --db PATH --login USER --p12 FILE [--ca CA.pem] "
		"[--json] [--as LOGIN] < password",
		"Import a signer certificate and key issued by an external CA.  "
		"The PKCS#12\npassword is the first line of standard input (empty "
		"for none).  The CA\ncertificates become trusted for verification.",
		opts, 0, 0, ca_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	unsigned char *der = NULL, *ca_pem = NULL;
	size_t n = 0, ca_n = 0;
	char *pw = NULL;
	size_t cap = 0;
	ssize_t len;
	int64_t uid;
	json_t *out = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = sign_cli_read_file(p12, 1024 * 1024, &der, &n)) != CLI_OK ||
	    (ca && (rc = sign_cli_read_file(ca, 1024 * 1024, &ca_pem, &ca_n)) != CLI_OK)) {
		free(der);
		return rc;
	}
	len = getline(&pw, &cap, stdin);
	while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r')) {
		pw[--len] = 0;
	}
	if ((rc = cli_open(&c, url, as, 0)) == CLI_OK) {
		if ((rc = user_id_of(&c, login, &uid)) == CLI_OK) {
			if (sign_import_p12(&c.cx, uid, der, n, len > 0 ? pw : "",
					    (const char *)ca_pem, &out, &e) < 0) {
				rc = cli_fail(&spec, &e);
			} else if (json) {
				cli_json_print(out);
			} else {
				print_cert("certificate imported for", out);
			}
		}
		cli_close(&c);
	}
	if (pw) {
		explicit_bzero(pw, cap);
		free(pw);
	}
	json_decref(out);
	free(der);
	free(ca_pem);
	return rc;
}

static int ca_list_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "USER", "only this user's certificates", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"ca list", "cadre ca list --db PATH [--login USER] [--json] [--as LOGIN]",
		"List the trusted CAs and the signer certificates in scope.",
		opts, 0, 0, ca_fields,
	};
	static const char *const head[] = {"LOGIN", "SERIAL", "SUBJECT", "VALID UNTIL",
					   "STATUS"};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct cli_table t;
	int64_t uid = 0;
	json_t *out = NULL, *it;
	size_t i;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if (login) {
		rc = user_id_of(&c, login, &uid);
	}
	if (rc == CLI_OK && sign_list(&c.cx, uid, &out, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (rc == CLI_OK && json) {
		cli_json_print(out);
	} else if (rc == CLI_OK) {
		json_array_foreach(json_object_get(out, "cas"), i, it) {
			printf("CA (%s) %s, until %s\n", cli_jstr(it, "kind"),
			       cli_jstr(it, "subject"), cli_jstr(it, "not_after"));
		}
		cli_table_init(&t, 5, head);
		json_array_foreach(json_object_get(out, "certificates"), i, it) {
			const char *row[5] = {cli_jstr(it, "login"), cli_jstr(it, "serial"),
					      cli_jstr(it, "subject"), cli_jstr(it, "not_after"),
					      json_is_true(json_object_get(it, "revoked"))
						      ? "revoked" : "valid"};
			cli_table_add(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_free(&t);
	}
	json_decref(out);
	cli_close(&c);
	return rc;
}

static const struct cli_cmd ca_cmds[] = {
	{"init", ca_init_cmd, "create a unit's certificate authority"},
	{"issue", ca_issue_cmd, "issue a signer certificate to a user"},
	{"revoke", ca_revoke_cmd, "revoke a user's certificates (or one serial)"},
	{"export", ca_export_cmd, "write the trusted CA certificates (PEM)"},
	{"crl", ca_crl_cmd, "sign and write the certificate revocation list"},
	{"import", ca_import_cmd, "import a signer's PKCS#12 from an external CA"},
	{"list", ca_list_cmd, "list CAs and signer certificates"},
	{NULL, NULL, NULL},
};

int cmd_ca(int argc, char **argv)
{
	return cli_group("ca", ca_cmds, argc, argv);
}
