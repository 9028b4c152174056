/*
 * client.c — the API suite's HTTP client on libcurl: one request function
 * (fresh easy handle per request, so threads may call it concurrently with
 * their own struct resp), a cookie/CSRF "jar" per struct client, JSON
 * parsing with jansson, JSON path helpers and fixture helpers (unit lookup
 * by code, dates for reorganization events, user creation).  It only
 * speaks HTTP to the server under test; it never opens the database.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "api.h"

char api_kind[64];

struct sink {
	char *z;
	size_t n, cap;
};

static int sink_add(struct sink *s, const char *p, size_t n)
{
	if (s->n + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		char *z;
		while (cap < s->n + n + 1) {
			cap *= 2;
		}
		z = realloc(s->z, cap);
		if (!z) {
			return -1;
		}
		s->z = z;
		s->cap = cap;
	}
	memcpy(s->z + s->n, p, n);
	s->n += n;
	s->z[s->n] = '\0';
	return 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	return sink_add(ud, p, size * nmemb) ? 0 : size * nmemb;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	return sink_add(ud, p, size * nmemb) ? 0 : size * nmemb;
}

/* Find "Set-Cookie: cadre_session=VALUE;" in raw headers; copy
 * "cadre_session=VALUE" into out.  1 when found. */
static int find_session_cookie(const char *h, char *out, size_t cap)
{
	const char *p = h;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n > 11 && strncasecmp(p, "set-cookie:", 11) == 0) {
			const char *v = p + 11, *end;
			while (*v == ' ') {
				v++;
			}
			if (strncmp(v, "cadre_session=", 14) == 0) {
				end = v;
				while (end < p + n && *end != ';' && *end != '\r') {
					end++;
				}
				snprintf(out, cap, "%.*s", (int)(end - v), v);
				return 1;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

long api_request(struct client *c, const char *method, const char *path,
		 const char *body, size_t len, int flags, struct resp *r)
{
	struct sink b = {0}, h = {0};
	struct curl_slist *hd = NULL;
	char url[8192], line[512];
	int mutating = strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
	CURL *cu;

	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "%s%s%s", api.url,
		 (flags & REQ_RAW_PATH) ? "" : "/api/v1", path);
	cu = curl_easy_init();
	if (!cu) {
		r->body = strdup("");
		r->headers = strdup("");
		r->curl_rc = -1;
		return 0;
	}
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(cu, CURLOPT_HEADERDATA, &h);
	if (flags & REQ_RAW_PATH) {
		curl_easy_setopt(cu, CURLOPT_PATH_AS_IS, 1L);
	}
	if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
	}
	if (body) {
		curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		hd = curl_slist_append(hd, "Content-Type: application/json");
	}
	if (!(flags & REQ_EXPECT)) {
		hd = curl_slist_append(hd, "Expect:");
	}
	if (c && !(flags & REQ_NO_AUTH)) {
		if (c->cookie[0]) {
			snprintf(line, sizeof line, "Cookie: %s", c->cookie);
			hd = curl_slist_append(hd, line);
		}
		if (c->bearer[0]) {
			snprintf(line, sizeof line, "Authorization: Bearer %s",
				 c->bearer);
			hd = curl_slist_append(hd, line);
		}
		if (mutating && (flags & REQ_BAD_CSRF)) {
			hd = curl_slist_append(
				hd, "X-CSRF-Token: "
				    "0000000000000000000000000000000000000000000"
				    "000000000000000000000");
		} else if (mutating && c->csrf[0] && !(flags & REQ_NO_CSRF)) {
			snprintf(line, sizeof line, "X-CSRF-Token: %s", c->csrf);
			hd = curl_slist_append(hd, line);
		}
	}
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hd);
	r->curl_rc = (int)curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(cu);
	curl_slist_free_all(hd);
	r->body = b.z ? b.z : strdup("");
	r->len = b.n;
	r->headers = h.z ? h.z : strdup("");
	if (r->len > 0) {
		r->json = json_loadb(r->body, r->len, JSON_DECODE_ANY, NULL);
	}
	if (c && !(flags & REQ_NO_JAR)) {
		char ck[sizeof c->cookie];
		if (find_session_cookie(r->headers, ck, sizeof ck)) {
			snprintf(c->cookie, sizeof c->cookie, "%s", ck);
		}
	}
	return r->status;
}

void resp_release(struct resp *r)
{
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

struct resp api_get(struct client *c, const char *fmt, ...)
{
	struct resp r;
	char path[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	api_request(c, "GET", path, NULL, 0, 0, &r);
	return r;
}

struct resp api_send(struct client *c, const char *method, const char *path,
		     json_t *body, int flags)
{
	struct resp r;
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	api_request(c, method, path, s, s ? strlen(s) : 0, flags, &r);
	free(s);
	json_decref(body);
	return r;
}

int resp_check(struct resp *r, long status, const char *code,
	       const char *field, const char *file, int line)
{
	int bad = 0;
	char expr[160];
	if (r->status != status) {
		bad = 1;
	}
	if (code && !bad) {
		const char *got = jps(r->json, "error.code");
		if (!got || strcmp(got, code) != 0) {
			bad = 1;
		}
		if (!json_is_string(jp(r->json, "error.message"))) {
			bad = 1;
		}
	}
	if (field && !bad) {
		const char *got = jps(r->json, "error.field");
		if (!got || strcmp(got, field) != 0) {
			bad = 1;
		}
	}
	if (!bad) {
		return 0;
	}
	if (code) {
		snprintf(expr, sizeof expr, "status %ld, error.code \"%s\"%s%s%s",
			 status, code, field ? ", error.field \"" : "",
			 field ? field : "", field ? "\"" : "");
	} else {
		snprintf(expr, sizeof expr, "status %ld", status);
	}
	api_test_fail(file, line, expr);
	api_test_note("got %ld (curl %d): %.300s%s", r->status, r->curl_rc,
		      r->body ? r->body : "",
		      r->body && strlen(r->body) > 300 ? "…" : "");
	return -1;
}

int resp_check_any(struct resp *r, long a, long b, const char *file, int line)
{
	char expr[64];
	if (r->status == a || r->status == b) {
		return 0;
	}
	snprintf(expr, sizeof expr, "status %ld or %ld", a, b);
	api_test_fail(file, line, expr);
	api_test_note("got %ld (curl %d): %.300s", r->status, r->curl_rc,
		      r->body ? r->body : "");
	return -1;
}

void client_release(struct client *c)
{
	json_decref(c->user);
	memset(c, 0, sizeof *c);
}

long api_login(struct client *c, const char *login, const char *password)
{
	struct resp r;
	long st;
	client_release(c);
	r = api_send(c, "POST", "/session",
		     json_pack("{s:s,s:s}", "login", login, "password",
			       password),
		     0);
	st = r.status;
	if (st == 200) {
		const char *csrf = jps(r.json, "csrf_token");
		snprintf(c->csrf, sizeof c->csrf, "%s", csrf ? csrf : "");
		c->user = json_incref(jp(r.json, "user"));
	} else {
		c->cookie[0] = '\0';
	}
	resp_release(&r);
	return st;
}

json_t *jp(json_t *root, const char *path)
{
	const char *p = path;
	json_t *cur = root;
	char key[128];
	while (cur && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, p);
		if (json_is_array(cur)) {
			char *end;
			long i = strtol(key, &end, 10);
			cur = (*end || end == key) ? NULL
						   : json_array_get(cur, (size_t)i);
		} else if (json_is_object(cur)) {
			cur = json_object_get(cur, key);
		} else {
			cur = NULL;
		}
		p += n;
		if (*p == '.') {
			p++;
		}
	}
	return cur;
}

const char *jps(json_t *root, const char *path)
{
	json_t *v = jp(root, path);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long long jpi(json_t *root, const char *path)
{
	json_t *v = jp(root, path);
	return json_is_integer(v) ? (long long)json_integer_value(v) : LLONG_MIN;
}

size_t jpn(json_t *root, const char *path)
{
	json_t *v = *path ? jp(root, path) : root;
	return json_is_array(v) ? json_array_size(v) : 0;
}

json_t *jfind(json_t *root, const char *path, const char *key,
	      const char *val)
{
	json_t *a = *path ? jp(root, path) : root, *it;
	size_t i;
	if (!json_is_array(a)) {
		return NULL;
	}
	json_array_foreach(a, i, it)
	{
		const char *s = jps(it, key);
		if (s && strcmp(s, val) == 0) {
			return it;
		}
	}
	return NULL;
}

/* Percent-encode s for a query string. */
static void url_enc(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (; *s && o + 4 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '~') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

long long api_unit_id(struct client *c, const char *code, const char *as_of)
{
	char q[256];
	url_enc(code, q, sizeof q);
	for (int offset = 0; offset < 200000; offset += 500) {
		struct resp r;
		json_t *hit;
		long long id = -1, total;
		if (as_of) {
			r = api_get(c, "/units?q=%s&as_of=%s&limit=500&offset=%d",
				    q, as_of, offset);
		} else {
			r = api_get(c, "/units?q=%s&limit=500&offset=%d", q,
				    offset);
		}
		if (r.status != 200) {
			api_test_note("GET /units?q=%s: %ld %.200s", code,
				      r.status, r.body);
			resp_release(&r);
			return -1;
		}
		hit = jfind(r.json, "items", "code", code);
		if (hit) {
			id = jpi(hit, "id");
		}
		total = jpi(r.json, "total");
		resp_release(&r);
		if (hit) {
			return id;
		}
		if (total <= offset + 500) {
			break;
		}
	}
	return -1;
}

long long api_unit_rev(struct client *c, long long id, const char *as_of)
{
	struct resp r = api_get(c, "/units/%lld?as_of=%s", id, as_of);
	long long rev = r.status == 200 ? jpi(r.json, "rev") : -1;
	resp_release(&r);
	return rev == LLONG_MIN ? -1 : rev;
}

/* Howard Hinnant's civil_from_days. */
void api_date_from_days(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		y = 0;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

const char *api_next_date(char out[11])
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int day;
	pthread_mutex_lock(&lock);
	day = ++api.next_day;
	pthread_mutex_unlock(&lock);
	/* 2030-01-01 is day 21915 since the epoch. */
	api_date_from_days(21915L + day, out);
	return out;
}

long long api_user_create(const char *login, const char *role,
			  long long unit_id, const char *password)
{
	struct resp r = api_post(&api.admin, "/users",
				 json_pack("{s:s,s:s,s:s,s:s,s:I}", "login",
					   login, "display_name", login,
					   "password", password, "role", role,
					   "unit_id", (json_int_t)unit_id));
	long long id = r.status == 201 ? jpi(r.json, "id") : -1;
	if (r.status != 201) {
		api_test_note("POST /users %s: %ld %.200s", login, r.status,
			      r.body);
	}
	resp_release(&r);
	return id == LLONG_MIN ? -1 : id;
}

/* The kind of unit the suite creates: "commune" when the catalogue has it,
 * else the first kind of a level below provinces. */
static const char *suite_kind(void)
{
	struct resp r;
	json_t *it;
	size_t i;
	if (api_kind[0]) {
		return api_kind;
	}
	r = api_get(&api.admin, "/kinds");
	if (jfind(r.json, "", "code", "commune")) {
		snprintf(api_kind, sizeof api_kind, "commune");
	} else if (json_is_array(r.json)) {
		json_array_foreach(r.json, i, it)
		{
			if (jpi(it, "level") >= 2 && jps(it, "code")) {
				snprintf(api_kind, sizeof api_kind, "%s",
					 jps(it, "code"));
				break;
			}
		}
	}
	if (!api_kind[0]) {
		snprintf(api_kind, sizeof api_kind, "commune");
	}
	resp_release(&r);
	return api_kind;
}

struct resp reorg_create(struct client *c, const char *code,
			 const char *name, long long parent, const char *date)
{
	const char *kind = suite_kind();
	/* docs/api.md lists the fields of a create as code, name, kind,
	 * parent; "kind" being the event's kind, the unit's kind is sent as
	 * unit_kind (as the server's parser expects). */
	return api_post(c, "/reorg",
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "kind",
				  "create", "date", date, "decision",
				  "01/2030/QĐ-TEST", "code", code, "name", name,
				  "unit_kind", kind, "parent",
				  (json_int_t)parent));
}

struct resp reorg_rename(struct client *c, long long unit, const char *name,
			 long long rev, const char *date)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:I,s:s}", "kind", "rename",
			      "date", date, "decision", "02/2030/QĐ-TEST",
			      "unit", (json_int_t)unit, "name", name);
	if (rev > 0) {
		json_object_set_new(b, "rev", json_integer(rev));
	}
	return api_post(c, "/reorg", b);
}

struct resp reorg_move(struct client *c, long long unit, long long parent,
		       long long rev, const char *date)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:I,s:I}", "kind", "move", "date",
			      date, "decision", "03/2030/QĐ-TEST", "unit",
			      (json_int_t)unit, "parent", (json_int_t)parent);
	if (rev > 0) {
		json_object_set_new(b, "rev", json_integer(rev));
	}
	return api_post(c, "/reorg", b);
}

long long reorg_created_id(struct resp *r, const char *code)
{
	json_t *u;
	size_t i;
	json_t *units = jp(r->json, "event.units");
	if (r->status != 201 || !json_is_array(units)) {
		return -1;
	}
	json_array_foreach(units, i, u)
	{
		const char *s = jps(u, "code");
		if (s && strcmp(s, code) == 0) {
			return jpi(u, "id");
		}
	}
	return -1;
}
