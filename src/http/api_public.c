/*
 * api_public.c — the public verification API (docs/api.md "Public
 * verification"): the route table routes_public, WITHOUT authentication,
 * and its thin handlers — the public view of an issued document by its
 * short code, and the check of a dropped PDF.  Each calls one function of
 * domain/doc_public.h, which alone decides what an anonymous reader sees.
 *
 * Both routes are rate-limited per client address in memory (a token
 * bucket per hashed address, shared by the server's threads under one
 * mutex): the one piece of mutable state of the HTTP face besides the
 * sessions, kept because these routes answer anybody.  Behind a reverse
 * proxy every client has the proxy's address: the limit then applies to
 * all of them together (no X-Forwarded-For is trusted).
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "domain/doc_public.h"
#include "http/route.h"

/* --- the rate limit --- */

#define RL_SLOTS 4096

/* A bucket holds at most `burst` requests and refills one every
 * `every_ms`. */
struct rl_rule {
	double burst;
	int64_t every_ms;
};

static const struct rl_rule rl_view = {60, 1000};    /* 60 a minute */
static const struct rl_rule rl_verify = {20, 6000};  /* 10 a minute */

struct rl_slot {
	uint64_t key;
	double tokens;
	int64_t t_ms;
};

static pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rl_slot rl_slots[2][RL_SLOTS];

/* FNV-1a 64 of the client's address: IPv4 whole, IPv6 its /64 (one host
 * gets a whole /64, so finer keys would not limit anybody). */
static uint64_t rl_key(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const unsigned char *p = NULL;
	uint64_t h = 14695981039346656037ULL;
	size_t n = 0;
	if (sa && sa->sa_family == AF_INET) {
		p = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)
			    ->sin_addr;
		n = 4;
	} else if (sa && sa->sa_family == AF_INET6) {
		p = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)sa)
			    ->sin6_addr;
		n = 8;
	}
	for (size_t i = 0; i < n; i++) {
		h = (h ^ p[i]) * 1099511628211ULL;
	}
	return h | 1; /* 0 marks an empty slot */
}

/* Take one request from the client's bucket of table `which`: 0, or
 * ERR_THROTTLED when it is empty.  Two addresses whose keys fall into one
 * slot share its bucket, until it has been idle for a whole refill: then
 * the newcomer takes the slot over with a full bucket. */
static int rl_take(struct http_req *r, int which, const struct rl_rule *rule,
		   struct err *e)
{
	uint64_t key = rl_key(r->conn);
	struct rl_slot *s = &rl_slots[which][key % RL_SLOTS];
	int64_t now = r->cx.now_ms, idle;
	int ok;
	pthread_mutex_lock(&rl_lock);
	idle = now - s->t_ms;
	if (s->key != key || idle < 0) {
		if (s->key == 0 || idle < 0 ||
		    idle >= (int64_t)rule->burst * rule->every_ms) {
			s->key = key;
			s->tokens = rule->burst;
			s->t_ms = now;
			idle = 0;
		}
	}
	s->tokens += (double)idle / (double)rule->every_ms;
	if (s->tokens > rule->burst) {
		s->tokens = rule->burst;
	}
	s->t_ms = now;
	ok = s->tokens >= 1.0;
	if (ok) {
		s->tokens -= 1.0;
	}
	pthread_mutex_unlock(&rl_lock);
	return ok ? 0
		  : err_set(e, ERR_THROTTLED, "",
			    "too many requests from your address: wait a minute "
			    "and try again");
}

/* --- handlers --- */

/* GET /public/documents/{code} */
static int h_view(struct http_req *r, struct err *e)
{
	char code[24];
	if (rl_take(r, 0, &rl_view, e)) {
		return -1;
	}
	snprintf(code, sizeof code, "%lld", (long long)r->id);
	return doc_public_get(&r->cx, code, &r->out, e);
}

/* POST /public/verify — the body is the file's bytes. */
static int h_verify(struct http_req *r, struct err *e)
{
	if (rl_take(r, 1, &rl_verify, e)) {
		return -1;
	}
	return doc_public_verify(&r->cx, r->raw, r->raw_len, &r->out, e);
}

/* The code is the route's numeric path parameter (doc_public.h). */
const struct route routes_public[] = {
	{.method = "GET", .path = "/public/documents/{id}", .fn = h_view},
	{.method = "POST", .path = "/public/verify", .fn = h_verify, .flags = RF_RAW},
};
const size_t routes_public_n = sizeof routes_public / sizeof routes_public[0];
