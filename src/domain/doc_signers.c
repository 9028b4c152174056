/*
 * doc_signers.c — who may sign (doc_signers.h): the enabled users whose role
 * has ACT_SIGN, in units the actor can see.  Reads only; the scope is
 * decided by auth_may per user's unit, the role by auth_role_may, so the
 * list follows the same rules as signing itself.
 */
#include "domain/doc_signers.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "domain/auth.h"
#include "domain/org.h"

int doc_signers(struct cx *cx, int64_t unit, const char *q, int limit,
		json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *items;
	char *fq = NULL;
	int64_t total = 0;
	int rc;
	*out = NULL;
	limit = limit > 0 && limit <= DOC_SIGNERS_MAX ? limit : 50;
	if ((rc = auth_may(cx, ACT_READ, unit, e))) {
		return rc;
	}
	if (q && *q) {
		if (!utf8_valid(q, strlen(q)) || utf8_len(q) > 100) {
			return err_set(e, ERR_INVALID, "q", "a name to find is at most 100 characters");
		}
		if (!(fq = utf8_fold(q))) {
			return err_set(e, ERR_INTERNAL, "", "cannot fold the query");
		}
	}
	if ((rc = db_prepare(cx->db,
			     "SELECT u.id, u.login, u.display_name, u.role, u.unit_id,"
			     " (SELECT COUNT(*) FROM sign_cert c WHERE c.user_id = u.id"
			     " AND c.not_before_ms <= ? AND c.not_after_ms > ? AND NOT"
			     " EXISTS (SELECT 1 FROM sign_revocation r WHERE r.cert_id ="
			     " c.id)) FROM app_user u WHERE u.disabled = 0"
			     " ORDER BY u.display_name, u.id",
			     &st, e))) {
		free(fq);
		return rc;
	}
	db_bind_int64(st, 1, cx->now_ms);
	db_bind_int64(st, 2, cx->now_ms);
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct err ig = ERR_INIT;
		const char *role = db_col_text(st, 3);
		int64_t u = db_col_int64(st, 4);
		char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
		int in;
		if (!auth_role_may(role, ACT_SIGN) || auth_may(cx, ACT_READ, u, &ig)) {
			continue;
		}
		if (unit > 0) {
			if ((in = org_in_scope(cx, unit, u, e)) < 0) {
				rc = in;
				break;
			}
			if (!in) {
				continue;
			}
		}
		if (fq) {
			char *fl = utf8_fold(db_col_text(st, 1)), *fn = utf8_fold(db_col_text(st, 2));
			int hit = (fl && strstr(fl, fq)) || (fn && strstr(fn, fq));
			free(fl);
			free(fn);
			if (!hit) {
				continue;
			}
		}
		if (total++ >= limit) {
			continue;
		}
		org_unit_label(cx, u, code, name, &ig);
		json_array_append_new(
			items, json_pack("{sI ss ss ss sI ss ss sb}", "id",
					 (json_int_t)db_col_int64(st, 0), "login",
					 db_col_text(st, 1), "display_name", db_col_text(st, 2),
					 "role", role, "unit_id", (json_int_t)u, "unit_code", code,
					 "unit_name", name, "certificate", db_col_int64(st, 5) > 0));
	}
	db_finalize(st);
	free(fq);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI si}", "items", items, "total", (json_int_t)total, "limit",
			 limit);
	return 0;
}
