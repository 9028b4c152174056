/*
 * ca_revoke.c — the public side of the CA: revoking certificates, signing
 * and serving the CRL, exporting the trusted CA certificates, listing CAs
 * and certificates.  Owns sign_revocation and the CRL columns of sign_ca.
 * Must never decide trust for verification (verify.c does) nor touch a
 * signer's private key (only the CA key, to sign CRLs).
 */
#include <ctype.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"

#define CRL_DAYS 7
#define DAY_MS (24LL * 3600 * 1000)

static const struct {
	const char *name;
	int code;
} reasons[] = {
	{"unspecified", 0},	     {"keyCompromise", 1},
	{"cACompromise", 2},	     {"affiliationChanged", 3},
	{"superseded", 4},	     {"cessationOfOperation", 5},
	{"privilegeWithdrawn", 9},
};

static int reason_code(const char *name)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		if (strcasecmp(reasons[i].name, name) == 0) {
			return reasons[i].code;
		}
	}
	return -1;
}

/* ---- CRL ---- */

struct ca_key_row {
	int64_t id;
	char sha[65];
	char *pem;
	unsigned char *key;
	size_t key_n;
};

/* Build, sign and store a new CRL for own CA `ca_id` (in a transaction). */
static int crl_refresh(struct db *db, int64_t ca_id, int64_t now_ms,
		       struct err *e)
{
	struct db_stmt *st;
	struct ca_key_row ca = {0};
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	X509_CRL *crl = NULL;
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *num = NULL;
	unsigned char *der = NULL;
	time_t now = (time_t)(now_ms / 1000);
	int rc, der_n = 0;
	int64_t number = 0;
	if ((rc = db_begin(db, e))) {
		return rc;
	}
	rc = db_prepare(db, "UPDATE sign_ca SET crl_number = crl_number + 1"
			    " WHERE id = ? AND kind = 'own'",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, ca_id);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0 &&
	    (rc = db_prepare(db, "SELECT crl_number, cert_sha256, cert_pem,"
				 " key_enc FROM sign_ca WHERE id = ?",
			     &st, e)) == 0) {
		db_bind_int64(st, 1, ca_id);
		if ((rc = db_step(st, e)) == DB_ROW) {
			const void *k = db_col_blob(st, 3, &ca.key_n);
			number = db_col_int64(st, 0);
			snprintf(ca.sha, sizeof ca.sha, "%s", db_col_text(st, 1));
			ca.pem = strdup(db_col_text(st, 2));
			ca.key = malloc(ca.key_n ? ca.key_n : 1);
			if (ca.key) {
				memcpy(ca.key, k, ca.key_n);
			}
			rc = ca.pem && ca.key ? 0
				: err_set(e, ERR_INTERNAL, "", "out of memory");
		} else {
			rc = rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "", "no such CA");
		}
		db_finalize(st);
	}
	if (rc == 0 && (rc = sign_key_open(db, ca.key, ca.key_n, ca.sha, &key, e)) == 0 &&
	    !(cert = sign_cert_from_pem(ca.pem))) {
		rc = sign_ossl_err(e, ERR_INTERNAL, "", "unreadable CA certificate");
	}
	if (rc == 0) {
		crl = X509_CRL_new();
		t = ASN1_TIME_new();
		num = ASN1_INTEGER_new();
		if (!crl || !t || !num || X509_CRL_set_version(crl, 1) != 1 ||
		    X509_CRL_set_issuer_name(crl, X509_get_subject_name(cert)) != 1 ||
		    !X509_time_adj_ex(t, 0, 0, &now) ||
		    X509_CRL_set1_lastUpdate(crl, t) != 1 ||
		    !X509_time_adj_ex(t, CRL_DAYS, 0, &now) ||
		    X509_CRL_set1_nextUpdate(crl, t) != 1 ||
		    ASN1_INTEGER_set_int64(num, number) != 1 ||
		    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1) {
			rc = sign_ossl_err(e, ERR_INTERNAL, "", "cannot build the CRL");
		}
	}
	if (rc == 0 &&
	    (rc = db_prepare(db, "SELECT c.serial, r.revoked_ms, r.reason_code"
				 " FROM sign_revocation r JOIN sign_cert c"
				 " ON c.id = r.cert_id WHERE c.ca_id = ?"
				 " ORDER BY r.id",
			     &st, e)) == 0) {
		db_bind_int64(st, 1, ca_id);
		while ((rc = db_step(st, e)) == DB_ROW) {
			X509_REVOKED *r = X509_REVOKED_new();
			BIGNUM *bn = NULL;
			ASN1_INTEGER *serial = NULL;
			ASN1_ENUMERATED *why = ASN1_ENUMERATED_new();
			time_t when = (time_t)(db_col_int64(st, 1) / 1000);
			int ok = r && why && BN_hex2bn(&bn, db_col_text(st, 0)) > 0 &&
				 (serial = BN_to_ASN1_INTEGER(bn, NULL)) &&
				 X509_REVOKED_set_serialNumber(r, serial) == 1 &&
				 X509_time_adj_ex(t, 0, 0, &when) &&
				 X509_REVOKED_set_revocationDate(r, t) == 1 &&
				 ASN1_ENUMERATED_set(why, (long)db_col_int64(st, 2)) == 1 &&
				 X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, why, 0, 0) == 1 &&
				 X509_CRL_add0_revoked(crl, r) == 1;
			BN_free(bn);
			ASN1_INTEGER_free(serial);
			ASN1_ENUMERATED_free(why);
			if (!ok) {
				X509_REVOKED_free(r);
				rc = sign_ossl_err(e, ERR_INTERNAL, "", "cannot list a revocation");
				break;
			}
		}
		rc = rc == DB_DONE ? 0 : rc;
		db_finalize(st);
	}
	if (rc == 0) {
		X509V3_CTX ctx;
		X509_EXTENSION *ex;
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, cert, NULL, NULL, crl, 0);
		ex = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
					 "keyid:always");
		if (!ex || X509_CRL_add_ext(crl, ex, -1) != 1 || X509_CRL_sort(crl) != 1 ||
		    X509_CRL_sign(crl, key, EVP_sha256()) <= 0 ||
		    (der_n = i2d_X509_CRL(crl, &der)) <= 0) {
			rc = sign_ossl_err(e, ERR_INTERNAL, "", "cannot sign the CRL");
		}
		X509_EXTENSION_free(ex);
	}
	if (rc == 0 &&
	    (rc = db_prepare(db, "UPDATE sign_ca SET crl_der = ?, crl_next_ms = ?"
				 " WHERE id = ?",
			     &st, e)) == 0) {
		db_bind_blob(st, 1, der, (size_t)der_n);
		db_bind_int64(st, 2, now_ms + CRL_DAYS * DAY_MS);
		db_bind_int64(st, 3, ca_id);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0) {
		rc = db_commit(db, e);
	} else {
		db_rollback(db);
	}
	OPENSSL_free(der);
	X509_CRL_free(crl);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(num);
	X509_free(cert);
	EVP_PKEY_free(key);
	free(ca.pem);
	free(ca.key);
	return rc;
}

/* The own CA of unit_id, or the only one when unit_id is 0. */
static int own_ca_id(struct db *db, int64_t unit_id, int64_t *id,
		     struct err *e)
{
	struct db_stmt *st;
	int rc, n = 0;
	rc = db_prepare(db, unit_id ? "SELECT id FROM sign_ca WHERE kind = 'own'"
				      " AND active = 1 AND unit_id = ?"
				    : "SELECT id FROM sign_ca WHERE kind = 'own'"
				      " AND active = 1",
			&st, e);
	if (rc) {
		return rc;
	}
	if (unit_id) {
		db_bind_int64(st, 1, unit_id);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		*id = db_col_int64(st, 0);
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	if (n == 0) {
		return err_set(e, ERR_NOT_FOUND, "unit", "no CA%s; create one with "
			       "'cadre ca init'", unit_id ? " for this unit" : "");
	}
	if (n > 1) {
		return err_set(e, ERR_INVALID, "unit",
			       "there are %d CAs: name the unit", n);
	}
	return 0;
}

int sign_ca_crl(struct db *db, int64_t unit_id, int der, int fresh,
		unsigned char **out, size_t *n, struct err *e)
{
	struct db_stmt *st;
	int64_t ca_id = 0, now = time_now_ms();
	unsigned char *copy = NULL;
	size_t len = 0;
	int rc, tries;
	*out = NULL;
	*n = 0;
	if ((rc = own_ca_id(db, unit_id, &ca_id, e))) {
		return rc;
	}
	for (tries = 0; tries < 2 && !copy; tries++) {
		if ((rc = db_prepare(db, "SELECT crl_der, crl_next_ms FROM sign_ca"
					 " WHERE id = ?", &st, e))) {
			return rc;
		}
		db_bind_int64(st, 1, ca_id);
		if ((rc = db_step(st, e)) == DB_ROW) {
			const void *p = db_col_blob(st, 0, &len);
			rc = 0;
			if (len && !(fresh && tries == 0) &&
			    db_col_int64(st, 1) - now > DAY_MS) {
				copy = malloc(len);
				if (copy) {
					memcpy(copy, p, len);
				}
			}
		}
		db_finalize(st);
		if (rc < 0) {
			return rc;
		}
		if (!copy && tries == 0 && (rc = crl_refresh(db, ca_id, now, e))) {
			return rc;
		}
	}
	if (!copy) {
		return err_set(e, ERR_INTERNAL, "", "the CRL could not be made");
	}
	if (der) {
		*out = copy;
		*n = len;
		return 0;
	} else {
		const unsigned char *p = copy;
		X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
		BIO *b = BIO_new(BIO_s_mem());
		char *data;
		long dn;
		free(copy);
		if (!crl || !b || PEM_write_bio_X509_CRL(b, crl) != 1 ||
		    (dn = BIO_get_mem_data(b, &data)) <= 0 ||
		    !(*out = malloc((size_t)dn))) {
			rc = sign_ossl_err(e, ERR_INTERNAL, "", "cannot write the CRL");
		} else {
			memcpy(*out, data, (size_t)dn);
			*n = (size_t)dn;
		}
		X509_CRL_free(crl);
		BIO_free(b);
		return rc;
	}
}

/* ---- revocation ---- */

int sign_ca_revoke(struct cx *cx, int64_t user_id, const char *serial,
		   const char *reason, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int64_t ids[256], cas[256], units[256];
	json_t *list = json_array(), *change;
	int n = 0, rc, code = reason ? reason_code(reason) : 0;
	char oid[24];
	if (out) {
		*out = NULL;
	}
	if (code < 0) {
		json_decref(list);
		return err_set(e, ERR_INVALID, "reason",
			       "unknown reason %s (keyCompromise, "
			       "affiliationChanged, superseded, "
			       "cessationOfOperation, privilegeWithdrawn, "
			       "unspecified)", reason);
	}
	if ((rc = db_begin(cx->db, e))) {
		json_decref(list);
		return rc;
	}
	rc = db_prepare(cx->db,
			serial ? "SELECT c.id, COALESCE(c.ca_id, 0), u.unit_id"
				 " FROM sign_cert c JOIN app_user u ON u.id = c.user_id"
				 " LEFT JOIN sign_revocation r ON r.cert_id = c.id"
				 " WHERE r.id IS NULL AND c.serial = ?"
			       : "SELECT c.id, COALESCE(c.ca_id, 0), u.unit_id"
				 " FROM sign_cert c JOIN app_user u ON u.id = c.user_id"
				 " LEFT JOIN sign_revocation r ON r.cert_id = c.id"
				 " WHERE r.id IS NULL AND c.user_id = ?",
			&st, e);
	if (rc == 0) {
		if (serial) {
			/* Stored upper case, without leading zeros. */
			char up[128];
			size_t k = 0;
			while (serial[0] == '0' && serial[1]) {
				serial++;
			}
			for (; serial[k] && k + 1 < sizeof up; k++) {
				up[k] = (char)toupper((unsigned char)serial[k]);
			}
			up[k] = 0;
			db_bind_text(st, 1, up);
		} else {
			db_bind_int64(st, 1, user_id);
		}
		while ((rc = db_step(st, e)) == DB_ROW && n < 256) {
			ids[n] = db_col_int64(st, 0);
			cas[n] = db_col_int64(st, 1);
			units[n++] = db_col_int64(st, 2);
		}
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	if (rc == 0 && n == 0) {
		rc = err_set(e, ERR_NOT_FOUND, serial ? "serial" : "login",
			     "no unrevoked certificate %s%s",
			     serial ? "with serial " : "of this user",
			     serial ? serial : "");
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		/* Admins of the unit, or the holder (e.g. a lost key). */
		if (!(serial == NULL && user_id == cx->actor.user_id && user_id)) {
			rc = auth_may(cx, ACT_USER_ADMIN, units[i], e);
		}
		if (rc == 0 &&
		    (rc = db_prepare(cx->db,
				     "INSERT INTO sign_revocation(cert_id, revoked_ms,"
				     " reason_code, reason, actor_id)"
				     " VALUES (?, ?, ?, ?, ?)",
				     &st, e)) == 0) {
			db_bind_int64(st, 1, ids[i]);
			db_bind_int64(st, 2, cx->now_ms);
			db_bind_int64(st, 3, code);
			db_bind_text(st, 4, reason ? reason : "unspecified");
			if (cx->actor.user_id) {
				db_bind_int64(st, 5, cx->actor.user_id);
			} else {
				db_bind_null(st, 5);
			}
			rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
			db_finalize(st);
		}
		if (rc == 0 &&
		    (rc = db_prepare(cx->db, "SELECT " SIGN_CERT_COLS SIGN_CERT_FROM
					     " WHERE c.id = ?", &st, e)) == 0) {
			db_bind_int64(st, 1, ids[i]);
			if ((rc = db_step(st, e)) == DB_ROW) {
				json_array_append_new(list, sign_cert_row_json(st, 0));
				rc = 0;
			}
			db_finalize(st);
		}
		if (rc == 0) {
			json_t *c = json_array_get(list, json_array_size(list) - 1);
			snprintf(oid, sizeof oid, "%lld", (long long)ids[i]);
			change = json_pack("{sO sO ss}", "serial",
					   json_object_get(c, "serial"), "subject",
					   json_object_get(c, "subject"), "reason",
					   reason ? reason : "unspecified");
			rc = audit_append(cx, "sign.revoke", "sign_cert", oid,
					  units[i], change, e);
			json_decref(change);
		}
	}
	/* A fresh CRL for every own CA concerned, in the same transaction. */
	for (int i = 0; rc == 0 && i < n; i++) {
		int seen = 0;
		for (int k = 0; k < i; k++) {
			seen |= cas[k] == cas[i];
		}
		if (cas[i] && !seen) {
			struct db_stmt *q;
			int own = 0;
			if ((rc = db_prepare(cx->db, "SELECT kind FROM sign_ca WHERE id = ?",
					     &q, e)) == 0) {
				db_bind_int64(q, 1, cas[i]);
				own = db_step(q, e) == DB_ROW &&
				      strcmp(db_col_text(q, 0), "own") == 0;
				db_finalize(q);
			}
			if (rc == 0 && own) {
				rc = crl_refresh(cx->db, cas[i], cx->now_ms, e);
			}
		}
	}
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	if (rc == 0 && out) {
		*out = json_pack("{so}", "revoked", list);
	} else {
		json_decref(list);
	}
	return rc;
}

/* ---- export and listing ---- */

int sign_ca_export(struct db *db, int64_t unit_id, char **pem, struct err *e)
{
	struct db_stmt *st;
	struct buf b = BUF_INIT;
	int rc, n = 0;
	*pem = NULL;
	rc = db_prepare(db, unit_id ? "SELECT cert_pem FROM sign_ca WHERE active = 1"
				      " AND kind = 'own' AND unit_id = ? ORDER BY id"
				    : "SELECT cert_pem FROM sign_ca WHERE active = 1"
				      " ORDER BY id",
			&st, e);
	if (rc) {
		return rc;
	}
	if (unit_id) {
		db_bind_int64(st, 1, unit_id);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		buf_puts(&b, db_col_text(st, 0));
		n++;
	}
	db_finalize(st);
	if (rc < 0 || b.err) {
		buf_free(&b);
		return rc < 0 ? rc : err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (n == 0) {
		buf_free(&b);
		return err_set(e, ERR_NOT_FOUND, "unit", "no CA%s; create one with "
			       "'cadre ca init'", unit_id ? " for this unit" : "");
	}
	*pem = buf_detach(&b, NULL);
	return 0;
}

int sign_list(struct cx *cx, int64_t user_id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *cas = json_array(), *certs = json_array();
	int self = user_id && user_id == cx->actor.user_id;
	int rc = self ? 0 : auth_may(cx, ACT_USER_ADMIN, 0, e);
	*out = NULL;
	if (rc == 0 &&
	    (rc = db_prepare(cx->db, "SELECT id, kind, COALESCE(unit_id, 0), name,"
				     " cert_pem FROM sign_ca WHERE active = 1"
				     " ORDER BY id", &st, e)) == 0) {
		while ((rc = db_step(st, e)) == DB_ROW) {
			X509 *c = sign_cert_from_pem(db_col_text(st, 4));
			json_t *j = c ? sign_cert_json(c) : json_object();
			int64_t unit = db_col_int64(st, 2);
			json_object_set_new(j, "id", json_integer(db_col_int64(st, 0)));
			json_object_set_new(j, "kind", json_string(db_col_text(st, 1)));
			json_object_set_new(j, "unit_id", unit ? json_integer(unit) : json_null());
			json_object_set_new(j, "name", json_string(db_col_text(st, 3)));
			json_array_append_new(cas, j);
			X509_free(c);
		}
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	if (rc == 0 &&
	    (rc = db_prepare(cx->db, user_id ? "SELECT " SIGN_CERT_COLS ", u.unit_id"
					       SIGN_CERT_FROM " WHERE c.user_id = ?"
					       " ORDER BY c.id"
					     : "SELECT " SIGN_CERT_COLS ", u.unit_id"
					       SIGN_CERT_FROM " ORDER BY c.id",
			     &st, e)) == 0) {
		if (user_id) {
			db_bind_int64(st, 1, user_id);
		}
		while ((rc = db_step(st, e)) == DB_ROW) {
			int in = self || cx->actor.system || !cx->actor.unit_id ||
				 org_in_scope(cx, cx->actor.unit_id, db_col_int64(st, 12), e) > 0;
			if (in) {
				json_array_append_new(certs, sign_cert_row_json(st, 0));
			}
		}
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	if (rc) {
		json_decref(cas);
		json_decref(certs);
		return rc;
	}
	*out = json_pack("{so so}", "cas", cas, "certificates", certs);
	return 0;
}
