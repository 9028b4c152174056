/*
 * auth.c — who may do what.  Owns the tables user_session, api_token and
 * login_attempt, the role → action table, Argon2id hashing and the CSPRNG
 * secrets.  auth_may() is the one permission check of cadre: the HTTP and
 * CLI faces never decide permissions themselves.
 */
#include "domain/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/org.h"

#define A(x) (1u << (x))

static const struct {
	const char *role;
	unsigned actions;
} role_table[] = {
	{"viewer", A(ACT_READ)},
	{"clerk", A(ACT_READ) | A(ACT_MEMBER_WRITE) | A(ACT_DOC_WRITE)},
	{"signer", A(ACT_READ) | A(ACT_DOC_WRITE) | A(ACT_SIGN)},
	{"manager", A(ACT_READ) | A(ACT_REORG) | A(ACT_AUDIT_READ) | A(ACT_MEMBER_WRITE) |
			    A(ACT_DOC_WRITE)},
	{"admin", A(ACT_READ) | A(ACT_REORG) | A(ACT_USER_ADMIN) | A(ACT_AUDIT_READ) |
			  A(ACT_MEMBER_WRITE) | A(ACT_DOC_WRITE) | A(ACT_SIGN)},
};

static const char *const action_names[ACT__COUNT] = {
	[ACT_READ] = "read",
	[ACT_REORG] = "reorganize units",
	[ACT_USER_ADMIN] = "manage users",
	[ACT_AUDIT_READ] = "read the audit log",
	[ACT_MEMBER_WRITE] = "change member records",
	[ACT_DOC_WRITE] = "write documents",
	[ACT_SIGN] = "sign documents",
};

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static void sodium_start(void)
{
	if (sodium_init() < 0) {
		/* Without a CSPRNG nothing here is safe; randombytes aborts. */
		fprintf(stderr, "cadre: libsodium failed to initialize\n");
	}
}

/* A real Argon2id hash of a random secret: verifying an unknown login
 * against it costs what a wrong password costs. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void dummy_start(void)
{
	char secret[AUTH_TOKEN_HEX];
	auth_random_hex(secret);
	if (crypto_pwhash_str(dummy_hash, secret, strlen(secret),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		dummy_hash[0] = 0;
	}
}

static int role_index(const char *role)
{
	for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++) {
		if (strcmp(role_table[i].role, role) == 0) {
			return (int)i;
		}
	}
	return -1;
}

int auth_role_valid(const char *role)
{
	return role && role_index(role) >= 0;
}

int auth_role_may(const char *role, enum action act)
{
	int r = role ? role_index(role) : -1;
	return r >= 0 && (role_table[r].actions & A(act)) != 0;
}

int auth_may(struct cx *cx, enum action act, int64_t unit_id, struct err *e)
{
	int r, in;
	if (cx->actor.system) {
		return 0;
	}
	if (cx->actor.must_change) {
		return err_set(e, ERR_FORBIDDEN, "password",
			       "change your one-time password before anything else");
	}
	r = role_index(cx->actor.role);
	if (r < 0 || !(role_table[r].actions & A(act))) {
		return err_set(e, ERR_FORBIDDEN, "",
			       "the role %s may not %s", cx->actor.role,
			       action_names[act]);
	}
	if (unit_id == 0 || cx->actor.unit_id == 0) {
		return 0;
	}
	in = org_in_scope(cx, cx->actor.unit_id, unit_id, e);
	if (in < 0) {
		return in;
	}
	if (!in) {
		return err_set(e, ERR_FORBIDDEN, "unit",
			       "this unit is outside your unit's scope");
	}
	return 0;
}

void auth_random_hex(char out[AUTH_TOKEN_HEX])
{
	unsigned char raw[32];
	pthread_once(&sodium_once, sodium_start);
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

int auth_password_check_rules(const char *password, const char *field,
			      struct err *e)
{
	size_t n;
	if (!password) {
		return err_set(e, ERR_INVALID, field, "a password is required");
	}
	n = strlen(password);
	if (!utf8_valid(password, n)) {
		return err_set(e, ERR_BAD_REQUEST, field, "the password is not valid UTF-8");
	}
	if (utf8_len(password) < 10) {
		return err_set(e, ERR_INVALID, field,
			       "the password must have at least 10 characters");
	}
	if (n > 256) {
		return err_set(e, ERR_INVALID, field,
			       "the password must have at most 256 bytes");
	}
	return 0;
}

int auth_password_hash(const char *password, char out[128], struct err *e)
{
	pthread_once(&sodium_once, sodium_start);
	if (crypto_pwhash_str(out, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		return err_set(e, ERR_INTERNAL, "password", "out of memory hashing the password");
	}
	return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
	pthread_once(&sodium_once, sodium_start);
	if (!hash || !password) {
		return -1;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}

int auth_csrf_check(const char *expected, const char *presented,
		    struct err *e)
{
	size_t n = strlen(expected);
	if (!presented || !*presented) {
		return err_set(e, ERR_CSRF, "X-CSRF-Token",
			       "this request needs the X-CSRF-Token header");
	}
	if (strlen(presented) != n || sodium_memcmp(expected, presented, n) != 0) {
		return err_set(e, ERR_CSRF, "X-CSRF-Token", "the CSRF token is wrong");
	}
	return 0;
}

/* Actor columns: u.id, u.login, u.role, u.unit_id, u.must_change. */
#define ACTOR_COLS "u.id, u.login, u.role, u.unit_id, u.must_change"
static void actor_from_row(struct db_stmt *st, int col, struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->user_id = db_col_int64(st, col);
	snprintf(a->login, sizeof a->login, "%s", db_col_text(st, col + 1));
	snprintf(a->role, sizeof a->role, "%s", db_col_text(st, col + 2));
	a->unit_id = db_col_int64(st, col + 3);
	a->must_change = (int)db_col_int64(st, col + 4);
}

int auth_actor_by_login(struct db *db, const char *login, struct actor *out,
			struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
			    "SELECT " ACTOR_COLS " FROM app_user u"
			    " WHERE u.login = ? AND u.disabled = 0",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, login);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		actor_from_row(st, 0, out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "login", "no active user %s", login);
	}
	db_finalize(st);
	return rc;
}

/* Throttling: returns ERR_THROTTLED while the login is locked. */
static int throttle_check(struct cx *cx, const char *login, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT locked_until_ms FROM login_attempt WHERE login = ?",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, login);
	rc = db_step(st, e);
	if (rc == DB_ROW && db_col_int64(st, 0) > cx->now_ms) {
		int64_t wait_s = (db_col_int64(st, 0) - cx->now_ms + 999) / 1000;
		db_finalize(st);
		return err_set(e, ERR_THROTTLED, "login",
			       "too many failed attempts; try again in %d minutes",
			       (int)((wait_s + 59) / 60));
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Record a failure (committed on its own), locking after the limit. */
static void throttle_fail(struct cx *cx, const char *login)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	int64_t failures = 0, last = 0;
	if (db_begin(cx->db, &e)) {
		return;
	}
	if (db_prepare(cx->db, "SELECT failures, last_ms FROM login_attempt WHERE login = ?",
		       &st, &e) == 0) {
		db_bind_text(st, 1, login);
		if (db_step(st, &e) == DB_ROW) {
			failures = db_col_int64(st, 0);
			last = db_col_int64(st, 1);
		}
		db_finalize(st);
	}
	if (cx->now_ms - last > AUTH_LOCK_MS) {
		failures = 0;
	}
	failures++;
	if (db_prepare(cx->db,
		       "INSERT INTO login_attempt(login, failures, last_ms, locked_until_ms)"
		       " VALUES (?, ?, ?, ?) ON CONFLICT(login) DO UPDATE SET"
		       " failures = excluded.failures, last_ms = excluded.last_ms,"
		       " locked_until_ms = excluded.locked_until_ms",
		       &st, &e) == 0) {
		db_bind_text(st, 1, login);
		db_bind_int64(st, 2, failures);
		db_bind_int64(st, 3, cx->now_ms);
		db_bind_int64(st, 4, failures >= AUTH_MAX_FAILURES ? cx->now_ms + AUTH_LOCK_MS : 0);
		db_step(st, &e);
		db_finalize(st);
	}
	if (db_commit(cx->db, &e)) {
		db_rollback(cx->db);
	}
}

/* The password check of a login, without a session: throttling, the
 * account (enabled), Argon2id verification (timed alike for an unknown
 * login).  Fills *a on success. */
static int password_check(struct cx *cx, const char *login, const char *password,
			  struct actor *a, struct err *e)
{
	struct db_stmt *st;
	char pw_hash[256] = "";
	int rc, found = 0, ok;
	pthread_once(&sodium_once, sodium_start);
	pthread_once(&dummy_once, dummy_start);
	if (!login || !*login || strlen(login) > 64 || !password || strlen(password) > 256) {
		return err_set(e, ERR_UNAUTHENTICATED, "login", "wrong login or password");
	}
	if ((rc = throttle_check(cx, login, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"SELECT " ACTOR_COLS ", u.pw_hash FROM app_user u"
			" WHERE u.login = ? AND u.disabled = 0",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, login);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		actor_from_row(st, 0, a);
		snprintf(pw_hash, sizeof pw_hash, "%s", db_col_text(st, 5));
		found = 1;
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	/* Verify even for an unknown login so both take the same time. */
	ok = crypto_pwhash_str_verify(found ? pw_hash : dummy_hash, password,
				      strlen(password)) == 0;
	if (!found || !ok) {
		throttle_fail(cx, login);
		return err_set(e, ERR_UNAUTHENTICATED, "password", "wrong login or password");
	}
	return 0;
}

int auth_check_password(struct cx *cx, const char *login, const char *password,
			struct err *e)
{
	struct db_stmt *st;
	struct actor a;
	int rc = password_check(cx, login, password, &a, e);
	if (rc) {
		return rc;
	}
	cx->actor = a;
	/* A success forgets earlier failures, as a login does. */
	if (db_prepare(cx->db, "DELETE FROM login_attempt WHERE login = ?", &st, e) == 0) {
		db_bind_text(st, 1, login);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	return rc;
}

int auth_login(struct cx *cx, const char *login, const char *password,
	       char token[AUTH_TOKEN_HEX], char csrf[AUTH_TOKEN_HEX],
	       struct err *e)
{
	struct db_stmt *st;
	char token_hash[65];
	struct actor a;
	int rc;
	if ((rc = password_check(cx, login, password, &a, e))) {
		return rc;
	}
	auth_random_hex(token);
	auth_random_hex(csrf);
	sha256_hex(token, token_hash);
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"INSERT INTO user_session(token_hash, user_id, csrf,"
			" created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, token_hash);
		db_bind_int64(st, 2, a.user_id);
		db_bind_text(st, 3, csrf);
		db_bind_int64(st, 4, cx->now_ms);
		db_bind_int64(st, 5, cx->now_ms + AUTH_SESSION_MS);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0 && db_prepare(cx->db, "DELETE FROM login_attempt WHERE login = ?", &st, e) == 0) {
		db_bind_text(st, 1, login);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0 && db_prepare(cx->db, "DELETE FROM user_session WHERE expires_ms < ?", &st, e) == 0) {
		db_bind_int64(st, 1, cx->now_ms);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	cx->actor = a;
	if (rc == 0) {
		rc = audit_append(cx, "session.login", "user", login, a.unit_id, NULL, e);
	}
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	return rc;
}

int auth_session_get(struct db *db, const char *token, struct actor *out,
		     char csrf[AUTH_TOKEN_HEX], struct err *e)
{
	struct db_stmt *st;
	char token_hash[65];
	int rc;
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1) {
		return err_set(e, ERR_UNAUTHENTICATED, "", "please log in");
	}
	sha256_hex(token, token_hash);
	rc = db_prepare(db,
			"SELECT " ACTOR_COLS ", s.csrf, s.expires_ms"
			" FROM user_session s JOIN app_user u ON u.id = s.user_id"
			" WHERE s.token_hash = ? AND u.disabled = 0",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, token_hash);
	rc = db_step(st, e);
	if (rc == DB_ROW && db_col_int64(st, 6) > time_now_ms()) {
		actor_from_row(st, 0, out);
		if (csrf) {
			snprintf(csrf, AUTH_TOKEN_HEX, "%s", db_col_text(st, 5));
		}
		rc = 0;
	} else if (rc >= 0) {
		rc = err_set(e, ERR_UNAUTHENTICATED, "", "your session has ended; please log in");
	}
	db_finalize(st);
	return rc;
}

int auth_logout(struct cx *cx, const char *token, struct err *e)
{
	struct db_stmt *st;
	char token_hash[65];
	int rc;
	sha256_hex(token ? token : "", token_hash);
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = db_prepare(cx->db, "DELETE FROM user_session WHERE token_hash = ?", &st, e);
	if (rc == 0) {
		db_bind_text(st, 1, token_hash);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0) {
		rc = audit_append(cx, "session.logout", "user", cx->actor.login,
				  cx->actor.unit_id, NULL, e);
	}
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc;
}

int auth_token_create(struct cx *cx, const char *login, const char *name,
		      char token[AUTH_TOKEN_HEX], struct err *e)
{
	struct actor owner;
	struct db_stmt *st;
	char token_hash[65];
	json_t *change;
	int rc;
	if ((rc = auth_actor_by_login(cx->db, login, &owner, e))) {
		return rc;
	}
	if ((rc = auth_may(cx, ACT_USER_ADMIN, owner.unit_id, e))) {
		return rc;
	}
	if (!name || !*name) {
		name = "api";
	}
	if (strlen(name) > 100 || !utf8_valid(name, strlen(name))) {
		return err_set(e, ERR_INVALID, "name", "token name must be valid UTF-8, at most 100 bytes");
	}
	auth_random_hex(token);
	sha256_hex(token, token_hash);
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"INSERT INTO api_token(token_hash, user_id, name, created_ms)"
			" VALUES (?, ?, ?, ?)",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, token_hash);
		db_bind_int64(st, 2, owner.user_id);
		db_bind_text(st, 3, name);
		db_bind_int64(st, 4, cx->now_ms);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0) {
		change = json_pack("{ss}", "name", name);
		rc = audit_append(cx, "token.create", "user", login, owner.unit_id, change, e);
		json_decref(change);
	}
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc;
}

int auth_token_get(struct db *db, const char *token, struct actor *out,
		   struct err *e)
{
	struct db_stmt *st;
	char token_hash[65];
	int rc;
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1) {
		return err_set(e, ERR_UNAUTHENTICATED, "Authorization", "unknown API token");
	}
	sha256_hex(token, token_hash);
	rc = db_prepare(db,
			"SELECT " ACTOR_COLS " FROM api_token t"
			" JOIN app_user u ON u.id = t.user_id"
			" WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, token_hash);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		actor_from_row(st, 0, out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_UNAUTHENTICATED, "Authorization", "unknown API token");
	}
	db_finalize(st);
	return rc;
}
