/*
 * user.c — user accounts.  Owns the table app_user (sessions and tokens
 * belong to auth.c).  Every mutation checks auth_may and appends to the
 * audit chain in the same transaction.
 */
#include "domain/user.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"

#define USER_COLS                                                              \
	"id, login, display_name, role, unit_id, must_change, disabled, created_ms"

static int login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 3 || n > 40) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-')) {
			return 0;
		}
	}
	return 1;
}

static json_t *user_json(struct cx *cx, struct db_stmt *st)
{
	char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
	char created[25];
	struct err ignored = ERR_INIT;
	int64_t unit_id = db_col_int64(st, 4);
	org_unit_label(cx, unit_id, code, name, &ignored);
	time_format_ms(db_col_int64(st, 7), created);
	return json_pack("{sI ss ss ss sI ss ss sb sb ss}", "id",
			 (json_int_t)db_col_int64(st, 0), "login",
			 db_col_text(st, 1), "display_name", db_col_text(st, 2),
			 "role", db_col_text(st, 3), "unit_id",
			 (json_int_t)unit_id, "unit_code", code, "unit_name", name,
			 "must_change_password", (int)db_col_int64(st, 5),
			 "disabled", (int)db_col_int64(st, 6), "created_at",
			 created);
}

/* Load one user's row by id or login into JSON; checks ACT_READ. */
static int user_load(struct cx *cx, int64_t id, const char *login,
		     json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	rc = db_prepare(cx->db,
			login ? "SELECT " USER_COLS " FROM app_user WHERE login = ?"
			      : "SELECT " USER_COLS " FROM app_user WHERE id = ?",
			&st, e);
	if (rc) {
		return rc;
	}
	if (login) {
		db_bind_text(st, 1, login);
	} else {
		db_bind_int64(st, 1, id);
	}
	rc = db_step(st, e);
	if (rc == DB_DONE) {
		db_finalize(st);
		return err_set(e, ERR_NOT_FOUND, login ? "login" : "id", "no such user");
	}
	if (rc < 0) {
		db_finalize(st);
		return rc;
	}
	/* Users may always see themselves. */
	if (db_col_int64(st, 0) != cx->actor.user_id &&
	    (rc = auth_may(cx, ACT_READ, db_col_int64(st, 4), e))) {
		db_finalize(st);
		return rc;
	}
	*out = user_json(cx, st);
	db_finalize(st);
	return 0;
}

int user_get(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	return user_load(cx, id, NULL, out, e);
}

int user_get_by_login(struct cx *cx, const char *login, json_t **out,
		      struct err *e)
{
	return user_load(cx, 0, login, out, e);
}

int user_add(struct cx *cx, const struct user_new *u, json_t **out,
	     struct err *e)
{
	char hash[128], *display = NULL;
	struct db_stmt *st;
	int64_t id = 0;
	json_t *change;
	int rc;
	if (out) {
		*out = NULL;
	}
	if (!login_valid(u->login)) {
		return err_set(e, ERR_INVALID, "login",
			       "login must be 3 to 40 characters of a-z, 0-9, '.', '_' or '-'");
	}
	if (!auth_role_valid(u->role)) {
		return err_set(e, ERR_INVALID, "role",
			       "role must be one of viewer, clerk, manager, signer, admin");
	}
	if (u->unit_id <= 0) {
		return err_set(e, ERR_INVALID, "unit_id", "a unit is required");
	}
	{
		char code[ORG_CODE_MAX + 1], name[ORG_NAME_MAX * 4 + 1];
		if (org_unit_label(cx, u->unit_id, code, name, e)) {
			return err_set(e, ERR_INVALID, "unit_id", "no unit with id %lld",
				       (long long)u->unit_id);
		}
	}
	if ((rc = auth_may(cx, ACT_USER_ADMIN, u->unit_id, e))) {
		return rc;
	}
	if ((rc = auth_password_check_rules(u->password, "password", e))) {
		return rc;
	}
	display = utf8_clean_name(u->display_name && *u->display_name ? u->display_name : u->login,
				  ORG_NAME_MAX, "display_name", e);
	if (!display) {
		return -(int)e->code;
	}
	if ((rc = auth_password_hash(u->password, hash, e))) {
		free(display);
		return rc;
	}
	if ((rc = db_begin(cx->db, e))) {
		free(display);
		return rc;
	}
	if (rc == 0) {
		rc = db_prepare(cx->db,
				"INSERT INTO app_user(login, display_name, role, unit_id,"
				" pw_hash, must_change, created_ms) VALUES (?,?,?,?,?,?,?)"
				" RETURNING id",
				&st, e);
	}
	if (rc == 0) {
		db_bind_text(st, 1, u->login);
		db_bind_text(st, 2, display);
		db_bind_text(st, 3, u->role);
		db_bind_int64(st, 4, u->unit_id);
		db_bind_text(st, 5, hash);
		db_bind_int64(st, 6, u->must_change ? 1 : 0);
		db_bind_int64(st, 7, cx->now_ms);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			id = db_col_int64(st, 0);
			rc = 0;
		} else if (rc < 0 && e->code == ERR_CONFLICT) {
			rc = err_set(e, ERR_CONFLICT, "login", "the login %s is taken", u->login);
		} else if (rc >= 0) {
			rc = err_set(e, ERR_INTERNAL, "", "insert returned no id");
		}
		db_finalize(st);
	}
	if (rc == 0) {
		change = json_pack("{ss ss ss sI}", "login", u->login, "display_name",
				   display, "role", u->role, "unit_id",
				   (json_int_t)u->unit_id);
		rc = audit_append(cx, "user.create", "user", u->login, u->unit_id, change, e);
		json_decref(change);
	}
	free(display);
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	if (rc == 0 && out) {
		struct cx sys = *cx;
		sys.actor.system = 1;
		rc = user_get(&sys, id, out, e);
	}
	return rc;
}

int user_list(struct cx *cx, int64_t unit_id, int limit, int offset,
	      json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *items;
	int64_t total = 0, skipped = 0;
	int rc;
	*out = NULL;
	if (limit <= 0) {
		limit = 50;
	}
	if (limit > 500) {
		return err_set(e, ERR_INVALID, "limit", "limit must be at most 500");
	}
	if (offset < 0) {
		return err_set(e, ERR_INVALID, "offset", "offset must not be negative");
	}
	if ((rc = auth_may(cx, ACT_USER_ADMIN, unit_id, e))) {
		return rc;
	}
	if ((rc = db_prepare(cx->db, "SELECT " USER_COLS " FROM app_user ORDER BY login",
			     &st, e))) {
		return rc;
	}
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t uid = db_col_int64(st, 4);
		int in = 1;
		if (unit_id) {
			in = org_in_scope(cx, unit_id, uid, e);
		}
		if (in > 0 && !cx->actor.system && cx->actor.unit_id) {
			in = org_in_scope(cx, cx->actor.unit_id, uid, e);
		}
		if (in < 0) {
			rc = in;
			break;
		}
		if (!in) {
			continue;
		}
		total++;
		if (skipped < offset) {
			skipped++;
		} else if ((int)json_array_size(items) < limit) {
			json_array_append_new(items, user_json(cx, st));
		}
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI si si}", "items", items, "total", (json_int_t)total,
			 "limit", limit, "offset", offset);
	return 0;
}

int user_set_password(struct cx *cx, const char *login,
		      const char *old_password, const char *new_password,
		      int must_change, struct err *e)
{
	struct db_stmt *st;
	struct actor target;
	char hash[128];
	int rc, self;
	if ((rc = auth_actor_by_login(cx->db, login, &target, e))) {
		return rc;
	}
	self = !cx->actor.system && target.user_id == cx->actor.user_id;
	if (self && old_password) {
		rc = db_prepare(cx->db, "SELECT pw_hash FROM app_user WHERE id = ?", &st, e);
		if (rc) {
			return rc;
		}
		db_bind_int64(st, 1, target.user_id);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			rc = auth_password_verify(db_col_text(st, 0), old_password);
		}
		db_finalize(st);
		if (rc != 0) {
			return err_set(e, ERR_INVALID, "old_password", "the current password is wrong");
		}
	} else if ((rc = auth_may(cx, ACT_USER_ADMIN, target.unit_id, e))) {
		return rc;
	}
	if ((rc = auth_password_check_rules(new_password, "new_password", e))) {
		return rc;
	}
	if ((rc = auth_password_hash(new_password, hash, e))) {
		return rc;
	}
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = db_prepare(cx->db, "UPDATE app_user SET pw_hash = ?, must_change = ? WHERE id = ?",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, hash);
		db_bind_int64(st, 2, must_change ? 1 : 0);
		db_bind_int64(st, 3, target.user_id);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0) {
		json_t *change = json_pack("{sb sb}", "one_time", must_change, "by_self", self);
		rc = audit_append(cx, "user.password", "user", login, target.unit_id, change, e);
		json_decref(change);
	}
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc;
}
