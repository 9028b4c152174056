/*
 * ca.c — the organization's certificate authority inside cadre: creating a
 * unit's CA (a self-signed root), issuing signer certificates to users
 * (with the key pair made here and sealed by keystore.c), storing signer
 * certificates (shared with the PKCS#12 import).  Owns the rows of sign_ca
 * (kind 'own') and sign_cert.  Must never return, log or store a private
 * key in the clear, and never issue to a user whose role may not sign.
 */
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"

#define CA_DAYS_DEFAULT 3650
#define CERT_DAYS_DEFAULT 730
#define DAYS_MAX 36500

int sign_role_may_sign(const char *role)
{
	return auth_role_may(role, ACT_SIGN);
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int sign_user_load(struct cx *cx, int64_t user_id, struct sign_user *u,
		   struct err *e)
{
	json_t *j = NULL;
	int rc = user_get(cx, user_id, &j, e);
	memset(u, 0, sizeof *u);
	if (rc) {
		return rc;
	}
	u->id = user_id;
	u->unit_id = (int64_t)json_integer_value(json_object_get(j, "unit_id"));
	u->disabled = json_is_true(json_object_get(j, "disabled"));
	snprintf(u->login, sizeof u->login, "%s", jstr(j, "login"));
	snprintf(u->role, sizeof u->role, "%s", jstr(j, "role"));
	snprintf(u->name, sizeof u->name, "%s", jstr(j, "display_name"));
	snprintf(u->unit_name, sizeof u->unit_name, "%s", jstr(j, "unit_name"));
	json_decref(j);
	return 0;
}

json_t *sign_cert_row_json(struct db_stmt *st, int col)
{
	char nb[26], na[26], rv[26] = "";
	int revoked = !db_col_is_null(st, col + 10);
	sign_time_vn(db_col_int64(st, col + 7), nb);
	sign_time_vn(db_col_int64(st, col + 8), na);
	if (revoked) {
		sign_time_vn(db_col_int64(st, col + 10), rv);
	}
	return json_pack("{sI sI ss ss ss ss ss ss ss ss sb s:s? s:s?}", "id",
			 (json_int_t)db_col_int64(st, col), "user_id",
			 (json_int_t)db_col_int64(st, col + 1), "login",
			 db_col_text(st, col + 2), "source",
			 db_col_text(st, col + 3), "serial",
			 db_col_text(st, col + 4), "subject",
			 db_col_text(st, col + 5), "issuer",
			 db_col_text(st, col + 6), "not_before", nb,
			 "not_after", na, "sha256", db_col_text(st, col + 9),
			 "revoked", revoked, "revoked_at",
			 revoked ? rv : NULL, "reason",
			 revoked ? db_col_text(st, col + 11) : NULL);
}

/* CN=cn, O=org (when not empty), C=VN. */
static X509_NAME *make_name(const char *cn, const char *org)
{
	X509_NAME *n = X509_NAME_new();
	if (!n ||
	    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
				       (const unsigned char *)"VN", -1, -1, 0) != 1 ||
	    (org && *org &&
	     X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
					(const unsigned char *)org, -1, -1,
					0) != 1) ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				       (const unsigned char *)cn, -1, -1, 0) != 1) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

static int add_ext(X509 *issuer, X509 *subject, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;
	int ok;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, subject, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ex) {
		return -1;
	}
	ok = X509_add_ext(subject, ex, -1);
	X509_EXTENSION_free(ex);
	return ok == 1 ? 0 : -1;
}

/* 127 random bits, never zero. */
static int random_serial(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn = NULL;
	int ok = 0;
	do {
		if (RAND_bytes(b, sizeof b) != 1) {
			return -1;
		}
		b[0] &= 0x7f;
		BN_free(bn);
		bn = BN_bin2bn(b, sizeof b, NULL);
	} while (bn && BN_is_zero(bn));
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

/* A certificate for `key` named `name`, issued by (issuer, ikey), or
 * self-signed when issuer is NULL, valid from now - 5 min for `days`. */
static X509 *make_cert(X509_NAME *name, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *ikey, int64_t now_ms, int days, int ca,
		       struct err *e)
{
	X509 *x = X509_new();
	time_t now = (time_t)(now_ms / 1000);
	int bad = !x || X509_set_version(x, 2) != 1 || random_serial(x) != 0 ||
		  X509_set_subject_name(x, name) != 1 ||
		  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
						 : name) != 1 ||
		  !X509_time_adj_ex(X509_getm_notBefore(x), 0, -300, &now) ||
		  !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) ||
		  X509_set_pubkey(x, key) != 1;
	X509 *iss = issuer ? issuer : x;
	if (!bad && issuer &&
	    ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(issuer)) > 0) {
		bad = X509_set1_notAfter(x, X509_get0_notAfter(issuer)) != 1;
	}
	if (!bad && ca) {
		bad = add_ext(iss, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
		      add_ext(iss, x, NID_key_usage, "critical,keyCertSign,cRLSign") ||
		      add_ext(iss, x, NID_subject_key_identifier, "hash") ||
		      add_ext(iss, x, NID_authority_key_identifier, "keyid:always");
	} else if (!bad) {
		bad = add_ext(iss, x, NID_basic_constraints, "critical,CA:FALSE") ||
		      add_ext(iss, x, NID_key_usage,
			      "critical,digitalSignature,nonRepudiation") ||
		      add_ext(iss, x, NID_ext_key_usage,
			      "emailProtection,1.3.6.1.5.5.7.3.36,"
			      "1.3.6.1.4.1.311.10.3.12") ||
		      add_ext(iss, x, NID_subject_key_identifier, "hash") ||
		      add_ext(iss, x, NID_authority_key_identifier, "keyid:always");
	}
	if (bad || X509_sign(x, ikey, EVP_sha256()) <= 0) {
		sign_ossl_err(e, ERR_INTERNAL, "certificate",
			      "cannot make the certificate");
		X509_free(x);
		return NULL;
	}
	return x;
}

static int check_days(int days, int def, struct err *e)
{
	if (days == 0) {
		return def;
	}
	if (days < 1 || days > DAYS_MAX) {
		return err_set(e, ERR_INVALID, "days",
			       "the validity must be 1..%d days", DAYS_MAX);
	}
	return days;
}

static json_t *ca_json(int64_t id, const char *kind, int64_t unit_id,
		       const char *name, X509 *c)
{
	json_t *j = sign_cert_json(c);
	json_object_set_new(j, "id", json_integer((json_int_t)id));
	json_object_set_new(j, "kind", json_string(kind));
	json_object_set_new(j, "unit_id",
			    unit_id ? json_integer((json_int_t)unit_id) : json_null());
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "active", json_true());
	return j;
}

int sign_ca_init(struct cx *cx, int64_t unit_id, const char *name,
		 const char *algorithm, int days, json_t **out, struct err *e)
{
	char code[ORG_CODE_MAX + 1], uname[ORG_NAME_MAX * 4 + 1], sha[65];
	char *pem = NULL, *subject = NULL;
	unsigned char *blob = NULL;
	size_t blob_n = 0;
	EVP_PKEY *key = NULL;
	X509_NAME *xn = NULL;
	X509 *x = NULL;
	struct db_stmt *st;
	int64_t id = 0;
	json_t *change;
	int rc;
	if (out) {
		*out = NULL;
	}
	if ((rc = auth_may(cx, ACT_USER_ADMIN, unit_id, e)) ||
	    (rc = org_unit_label(cx, unit_id, code, uname, e))) {
		return rc;
	}
	if (!name || !*name || strlen(name) > 200) {
		return err_set(e, ERR_INVALID, "name",
			       "the CA needs a name of 1..200 bytes");
	}
	if ((days = check_days(days, CA_DAYS_DEFAULT, e)) < 0) {
		return days;
	}
	if ((rc = sign_keygen(algorithm, &key, e))) {
		return rc;
	}
	rc = -ERR_INTERNAL;
	if (!(xn = make_name(name, uname))) {
		rc = sign_ossl_err(e, ERR_INVALID, "name", "bad CA name");
		goto done;
	}
	if (!(x = make_cert(xn, key, NULL, key, cx->now_ms, days, 1, e))) {
		goto done;
	}
	sign_cert_sha256(x, sha);
	pem = sign_cert_pem(x);
	subject = sign_name_text(X509_get_subject_name(x));
	if (!pem || (rc = sign_key_seal(cx->db, key, sha, &blob, &blob_n, e))) {
		rc = pem ? rc : err_set(e, ERR_INTERNAL, "", "out of memory");
		goto done;
	}
	if ((rc = db_begin(cx->db, e))) {
		goto done;
	}
	rc = db_prepare(cx->db,
			"SELECT id FROM sign_ca WHERE kind = 'own' AND active = 1"
			" AND unit_id = ?",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, unit_id);
		rc = db_step(st, e);
		db_finalize(st);
		if (rc == DB_ROW) {
			rc = err_set(e, ERR_CONFLICT, "unit",
				     "unit %s already has a CA", code);
		}
	}
	if (rc == 0 &&
	    (rc = db_prepare(cx->db,
			     "INSERT INTO sign_ca(kind, unit_id, name, subject,"
			     " cert_pem, cert_sha256, key_enc, created_ms)"
			     " VALUES ('own', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			     &st, e)) == 0) {
		db_bind_int64(st, 1, unit_id);
		db_bind_text(st, 2, name);
		db_bind_text(st, 3, subject);
		db_bind_text(st, 4, pem);
		db_bind_text(st, 5, sha);
		db_bind_blob(st, 6, blob, blob_n);
		db_bind_int64(st, 7, cx->now_ms);
		rc = db_step(st, e);
		id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		rc = rc == DB_ROW ? 0 : rc < 0 ? rc : -ERR_INTERNAL;
		db_finalize(st);
	}
	if (rc == 0) {
		char oid[24];
		snprintf(oid, sizeof oid, "%lld", (long long)id);
		change = json_pack("{ss ss ss ss}", "name", name, "subject",
				   subject, "sha256", sha, "algorithm",
				   algorithm ? algorithm : SIGN_ALG_DEFAULT);
		rc = audit_append(cx, "sign.ca_init", "sign_ca", oid, unit_id,
				  change, e);
		json_decref(change);
	}
	if (rc == 0 && (rc = db_commit(cx->db, e)) == 0 && out) {
		*out = ca_json(id, "own", unit_id, name, x);
	}
	if (rc) {
		db_rollback(cx->db);
	}
done:
	free(pem);
	free(subject);
	free(blob);
	X509_NAME_free(xn);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/* The own CA for a unit: the CA of the unit or of its nearest ancestor
 * (at any date, lineage included: org_in_scope).  Fills the row. */
struct ca_row {
	int64_t id, unit_id;
	char sha[65];
	char *pem;
	unsigned char *key;
	size_t key_n;
};

static void ca_row_free(struct ca_row *r)
{
	free(r->pem);
	free(r->key);
	memset(r, 0, sizeof *r);
}

static int ca_for_unit(struct cx *cx, int64_t unit_id, struct ca_row *best,
		       struct err *e)
{
	struct db_stmt *st;
	int64_t ids[64], units[64], best_id = 0, best_unit = 0;
	int n = 0, rc, in;
	memset(best, 0, sizeof *best);
	rc = db_prepare(cx->db,
			"SELECT id, unit_id FROM sign_ca WHERE kind = 'own'"
			" AND active = 1 ORDER BY id",
			&st, e);
	while (rc == 0 && (rc = db_step(st, e)) == DB_ROW) {
		rc = 0;
		if (n < 64) {
			ids[n] = db_col_int64(st, 0);
			units[n++] = db_col_int64(st, 1);
		}
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	for (int i = 0; i < n; i++) {
		/* The user's unit lies under this CA's unit… */
		if ((in = org_in_scope(cx, units[i], unit_id, e)) < 0) {
			return in;
		}
		/* …and this CA's unit lies under the best one found so far. */
		if (in && best_id &&
		    (in = org_in_scope(cx, best_unit, units[i], e)) < 0) {
			return in;
		}
		if (in) {
			best_id = ids[i];
			best_unit = units[i];
		}
	}
	if (!best_id) {
		return err_set(e, ERR_NOT_FOUND, "unit",
			       "no CA for this unit or any unit above it "
			       "(create one with 'cadre ca init')");
	}
	rc = db_prepare(cx->db,
			"SELECT cert_sha256, cert_pem, key_enc FROM sign_ca"
			" WHERE id = ?",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, best_id);
		if ((rc = db_step(st, e)) == DB_ROW) {
			const void *k = db_col_blob(st, 2, &best->key_n);
			best->id = best_id;
			best->unit_id = best_unit;
			snprintf(best->sha, sizeof best->sha, "%s",
				 db_col_text(st, 0));
			best->pem = strdup(db_col_text(st, 1));
			best->key = malloc(best->key_n ? best->key_n : 1);
			rc = best->pem && best->key ? 0
				: err_set(e, ERR_INTERNAL, "", "out of memory");
			if (best->key) {
				memcpy(best->key, k, best->key_n);
			}
		} else {
			rc = rc < 0 ? rc : err_set(e, ERR_INTERNAL, "", "CA vanished");
		}
		db_finalize(st);
	}
	if (rc) {
		ca_row_free(best);
	}
	return rc;
}

int sign_cert_store(struct cx *cx, const struct sign_user *u, int64_t ca_id,
		    const char *source, X509 *cert, const char *chain_pem,
		    EVP_PKEY *key, const char *action, json_t **out,
		    struct err *e)
{
	char sha[65], serial[128], oid[24];
	char *pem = sign_cert_pem(cert);
	char *subject = sign_name_text(X509_get_subject_name(cert));
	char *issuer = sign_name_text(X509_get_issuer_name(cert));
	unsigned char *blob = NULL;
	size_t blob_n = 0;
	struct db_stmt *st;
	int64_t id = 0;
	json_t *change;
	int rc;
	sign_cert_sha256(cert, sha);
	sign_cert_serial(cert, serial, sizeof serial);
	if (!pem) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
	} else {
		rc = sign_key_seal(cx->db, key, sha, &blob, &blob_n, e);
	}
	if (rc == 0 &&
	    (rc = db_prepare(cx->db,
			     "INSERT INTO sign_cert(user_id, ca_id, source, serial,"
			     " subject, issuer, not_before_ms, not_after_ms,"
			     " cert_pem, chain_pem, cert_sha256, key_enc,"
			     " created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			     " ?, ?, ?) RETURNING id",
			     &st, e)) == 0) {
		db_bind_int64(st, 1, u->id);
		if (ca_id) {
			db_bind_int64(st, 2, ca_id);
		} else {
			db_bind_null(st, 2);
		}
		db_bind_text(st, 3, source);
		db_bind_text(st, 4, serial);
		db_bind_text(st, 5, subject);
		db_bind_text(st, 6, issuer);
		db_bind_int64(st, 7, sign_asn1_ms(X509_get0_notBefore(cert)));
		db_bind_int64(st, 8, sign_asn1_ms(X509_get0_notAfter(cert)));
		db_bind_text(st, 9, pem);
		db_bind_text(st, 10, chain_pem ? chain_pem : "");
		db_bind_text(st, 11, sha);
		db_bind_blob(st, 12, blob, blob_n);
		db_bind_int64(st, 13, cx->now_ms);
		rc = db_step(st, e);
		id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		rc = rc == DB_ROW ? 0 : rc < 0 ? rc : -ERR_INTERNAL;
		db_finalize(st);
		if (rc == -ERR_CONFLICT) {
			err_set(e, ERR_CONFLICT, "certificate",
				"this certificate is already stored");
		}
	}
	if (rc == 0) {
		snprintf(oid, sizeof oid, "%lld", (long long)id);
		change = json_pack("{ss ss ss ss ss}", "login", u->login,
				   "serial", serial, "subject", subject,
				   "issuer", issuer, "sha256", sha);
		rc = audit_append(cx, action, "sign_cert", oid, u->unit_id,
				  change, e);
		json_decref(change);
	}
	if (rc == 0 && out) {
		rc = db_prepare(cx->db,
				"SELECT " SIGN_CERT_COLS SIGN_CERT_FROM
				" WHERE c.id = ?",
				&st, e);
		if (rc == 0) {
			db_bind_int64(st, 1, id);
			rc = db_step(st, e);
			*out = rc == DB_ROW ? sign_cert_row_json(st, 0) : NULL;
			rc = rc == DB_ROW ? 0 : rc < 0 ? rc : -ERR_INTERNAL;
			db_finalize(st);
		}
	}
	free(pem);
	free(subject);
	free(issuer);
	free(blob);
	return rc;
}

int sign_ca_issue(struct cx *cx, int64_t user_id, const char *algorithm,
		  int days, json_t **out, struct err *e)
{
	struct sign_user u;
	struct ca_row ca;
	EVP_PKEY *key = NULL, *ca_key = NULL;
	X509 *ca_cert = NULL, *x = NULL;
	X509_NAME *xn = NULL;
	int rc;
	if (out) {
		*out = NULL;
	}
	if ((rc = sign_user_load(cx, user_id, &u, e)) ||
	    (rc = auth_may(cx, ACT_USER_ADMIN, u.unit_id, e))) {
		return rc;
	}
	if (u.disabled || !sign_role_may_sign(u.role)) {
		return err_set(e, ERR_FORBIDDEN, "login",
			       "%s has the role %s: only signers and admins "
			       "get signer certificates",
			       u.login, u.disabled ? "(disabled)" : u.role);
	}
	if ((days = check_days(days, CERT_DAYS_DEFAULT, e)) < 0) {
		return days;
	}
	if ((rc = ca_for_unit(cx, u.unit_id, &ca, e))) {
		return rc;
	}
	if (!(ca_cert = sign_cert_from_pem(ca.pem))) {
		rc = sign_ossl_err(e, ERR_INTERNAL, "", "the stored CA "
				   "certificate is unreadable");
		goto done;
	}
	if ((rc = sign_key_open(cx->db, ca.key, ca.key_n, ca.sha, &ca_key, e)) ||
	    (rc = sign_keygen(algorithm, &key, e))) {
		goto done;
	}
	if (!(xn = make_name(u.name, u.unit_name))) {
		rc = sign_ossl_err(e, ERR_INVALID, "display_name",
				   "the user's name cannot be a certificate name");
		goto done;
	}
	if (!(x = make_cert(xn, key, ca_cert, ca_key, cx->now_ms, days, 0, e))) {
		rc = -ERR_INTERNAL;
		goto done;
	}
	if ((rc = db_begin(cx->db, e)) == 0) {
		rc = sign_cert_store(cx, &u, ca.id, "issued", x, ca.pem, key,
				     "sign.issue", out, e);
		if (rc == 0) {
			rc = db_commit(cx->db, e);
		} else {
			db_rollback(cx->db);
		}
	}
	if (rc && out && *out) {
		json_decref(*out);
		*out = NULL;
	}
done:
	ca_row_free(&ca);
	X509_NAME_free(xn);
	X509_free(x);
	X509_free(ca_cert);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return rc;
}
