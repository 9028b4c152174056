/*
 * api_members.c — the members API (docs/api.md "Members"): people,
 * memberships and their events, member statistics, the data-quality
 * figures, and the module's route table routes_members.  Files in and out
 * (imports, their preview and progress, exports) are in api_members_io.c.
 * Thin: each handler reads its parsed input and calls one domain function
 * of member.h / member_stats.h / quality.h, which checks every right and
 * every rule; no SQL and no permission decision here.
 */
#include "domain/member.h"
#include "domain/member_stats.h"
#include "domain/quality.h"
#include "http/route.h"

/* api_members_io.c */
int api_imports_post(struct http_req *r, struct err *e);
int api_imports_preview(struct http_req *r, struct err *e);
int api_imports_progress(struct http_req *r, struct err *e);
int api_imports_list(struct http_req *r, struct err *e);
int api_imports_get(struct http_req *r, struct err *e);
int api_members_export(struct http_req *r, struct err *e);
int api_quality_problems_file(struct http_req *r, int64_t unit,
			      struct err *e);

#define Q_STR(name, max) {name, P_STR, 0, max, 0}
#define Q_UNIT {"unit", P_ID, 0, 0, 0}
#define Q_FLAG(name, dflt) {name, P_INT, 0, 1, dflt}
#define ORG_MAX 40
#define STATUS_MAX 16

/* "rev" of a body: absent or null = 0 (any revision). */
static int body_rev(const struct http_req *r, int64_t *rev, struct err *e)
{
	json_t *v = json_object_get(r->body, "rev");
	*rev = 0;
	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		return err_set(e, ERR_BAD_REQUEST, "rev",
			       "rev must be a non-negative integer");
	}
	*rev = json_integer_value(v);
	return 0;
}

/* The unit of a ?unit= parameter, or the caller's own unit. */
static int unit_param(const struct http_req *r, int64_t *unit, struct err *e)
{
	*unit = req_q_int(r, "unit");
	if (!*unit) {
		*unit = r->cx.actor.unit_id;
	}
	if (!*unit) {
		return err_set(e, ERR_INVALID, "unit", "unit is required");
	}
	return 0;
}

/* ---- people ---- */

static int h_people_list(struct http_req *r, struct err *e)
{
	struct member_query q = {
		.q = req_q_str(r, "q"),
		.org = req_q_str(r, "org"),
		.unit_id = req_q_int(r, "unit"),
		.status = req_q_str(r, "status"),
		.as_of = req_q_str(r, "as_of"),
		.limit = (int)req_q_int(r, "limit"),
		.offset = (int)req_q_int(r, "offset"),
	};
	return member_search(&r->cx, &q, &r->out, e);
}

/* The optional "unit_id" of a new person: the unit holding the record
 * until the person is admitted somewhere (0: the caller's own). */
static int holder_param(json_t *body, int64_t *unit, struct err *e)
{
	json_t *v = json_object_get(body, "unit_id");
	*unit = 0;
	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		return err_set(e, ERR_BAD_REQUEST, "unit_id", "unit_id must be a unit's id");
	}
	*unit = json_integer_value(v);
	return 0;
}

static int h_people_create(struct http_req *r, struct err *e)
{
	struct member_record rec;
	int64_t holder;
	if (member_record_from_json(r->body, &rec, e) || holder_param(r->body, &holder, e) ||
	    member_person_create(&r->cx, &rec, holder, NULL, &r->out, e)) {
		return -1;
	}
	r->status = 201;
	return 0;
}

static int h_people_get(struct http_req *r, struct err *e)
{
	return member_person_get(&r->cx, r->id, &r->out, e);
}

static int h_people_quality(struct http_req *r, struct err *e)
{
	return quality_person(&r->cx, r->id, &r->out, e);
}

static int h_people_update(struct http_req *r, struct err *e)
{
	struct member_record rec;
	int64_t rev;
	if (member_record_from_json(r->body, &rec, e) || body_rev(r, &rev, e)) {
		return -1;
	}
	if (json_object_get(r->body, "unit_id")) {
		return err_set(e, ERR_BAD_REQUEST, "unit_id",
			       "unit_id is given when the person is created; a membership "
			       "(admission, transfer) moves a person between units");
	}
	return member_person_update(&r->cx, r->id, rev, &rec, &r->out, e);
}

/* ---- memberships ---- */

static int h_admit(struct http_req *r, struct err *e)
{
	struct member_admit a;
	if (member_admit_from_json(r->body, &a, e) ||
	    member_admit(&r->cx, &a, NULL, &r->out, e)) {
		return -1;
	}
	r->status = 201;
	return 0;
}

static int h_membership_get(struct http_req *r, struct err *e)
{
	return member_membership_get(&r->cx, r->id, &r->out, e);
}

static int h_membership_update(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"number", "rev", NULL};
	const char *number;
	int64_t rev;
	if (req_body_keys(r, keys, e) ||
	    req_body_str(r, "number", 1, MEMBER_TEXT_MAX * 4, &number, e) ||
	    body_rev(r, &rev, e)) {
		return -1;
	}
	return member_membership_update(&r->cx, r->id, rev, number, &r->out, e);
}

static int h_membership_delete(struct http_req *r, struct err *e)
{
	return member_membership_delete(&r->cx, r->id, req_q_int(r, "rev"), e);
}

static int h_event(struct http_req *r, struct err *e)
{
	struct member_event_req ev;
	if (member_event_from_json(r->body, &ev, e)) {
		return -1;
	}
	ev.membership_id = r->id;
	return member_event(&r->cx, &ev, &r->out, e);
}

/* ---- statistics and quality ---- */

static int h_stats(struct http_req *r, struct err *e)
{
	struct member_stats_query q = {
		.unit_id = r->id,
		.as_of = req_q_str(r, "as_of"),
		.structure_as_of = req_q_str(r, "structure_as_of"),
		.from = req_q_str(r, "from"),
		.to = req_q_str(r, "to"),
		.org = req_q_str(r, "org"),
		.top = (int)req_q_int(r, "top"),
		.breakdowns = (int)req_q_int(r, "breakdowns"),
		.children = (int)req_q_int(r, "children"),
	};
	return member_stats(&r->cx, &q, &r->out, e);
}

static int h_quality(struct http_req *r, struct err *e)
{
	int64_t unit;
	if (unit_param(r, &unit, e)) {
		return -1;
	}
	return quality_unit(&r->cx, unit, &r->out, e);
}

static int h_quality_problems(struct http_req *r, struct err *e)
{
	int64_t unit;
	if (unit_param(r, &unit, e)) {
		return -1;
	}
	if (req_q_str(r, "format")) {
		return api_quality_problems_file(r, unit, e);
	}
	return quality_problems(&r->cx, unit, (int)req_q_int(r, "limit"),
				(int)req_q_int(r, "offset"), &r->out, e);
}

static int h_quality_history(struct http_req *r, struct err *e)
{
	json_t *series;
	int64_t unit;
	if (unit_param(r, &unit, e) ||
	    quality_history(&r->cx, unit, &series, e)) {
		return -1;
	}
	r->out = json_pack("{sI so}", "unit_id", (json_int_t)unit, "items", series);
	return r->out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

/* ---- the route table ---- */

#define A RF_AUTH
#define AB (RF_AUTH | RF_BODY)
#define AR (RF_AUTH | RF_RAW)

const struct route routes_members[] = {
	{.method = "GET", .path = "/people", .fn = h_people_list, .flags = A,
	 .params = {Q_STR("q", 200), Q_STR("org", ORG_MAX), Q_UNIT,
		    Q_STR("status", STATUS_MAX), Q_AS_OF, Q_LIMIT, Q_OFFSET}},
	{.method = "POST", .path = "/people", .fn = h_people_create, .flags = AB},
	{.method = "GET", .path = "/people/{id}", .fn = h_people_get, .flags = A},
	{.method = "GET", .path = "/people/{id}/quality", .fn = h_people_quality,
	 .flags = A},
	{.method = "PATCH", .path = "/people/{id}", .fn = h_people_update,
	 .flags = AB},
	{.method = "POST", .path = "/memberships", .fn = h_admit, .flags = AB},
	{.method = "GET", .path = "/memberships/{id}", .fn = h_membership_get,
	 .flags = A},
	{.method = "PATCH", .path = "/memberships/{id}",
	 .fn = h_membership_update, .flags = AB},
	{.method = "DELETE", .path = "/memberships/{id}",
	 .fn = h_membership_delete, .flags = A,
	 .params = {{"rev", P_INT, 0, INT64_MAX, 0}}},
	{.method = "POST", .path = "/memberships/{id}/events", .fn = h_event,
	 .flags = AB},
	{.method = "GET", .path = "/units/{id}/stats", .fn = h_stats, .flags = A,
	 .params = {Q_AS_OF, {"structure_as_of", P_DATE, 0, 0, 0},
		    {"from", P_DATE, 0, 0, 0}, {"to", P_DATE, 0, 0, 0},
		    Q_STR("org", ORG_MAX), {"top", P_INT, 0, 50, 0},
		    Q_FLAG("breakdowns", 1), Q_FLAG("children", 1)}},
	{.method = "GET", .path = "/quality", .fn = h_quality, .flags = A,
	 .params = {Q_UNIT}},
	{.method = "GET", .path = "/quality/problems", .fn = h_quality_problems,
	 .flags = A, .params = {Q_UNIT, Q_LIMIT, Q_OFFSET, Q_STR("format", 8)}},
	{.method = "GET", .path = "/quality/history", .fn = h_quality_history,
	 .flags = A, .params = {Q_UNIT}},
	{.method = "POST", .path = "/imports", .fn = api_imports_post,
	 .flags = AR,
	 .params = {Q_STR("org", ORG_MAX), Q_UNIT, Q_FLAG("skip_invalid", 0),
		    Q_FLAG("dry_run", 0), Q_STR("file_name", 200),
		    Q_STR("ticket", 64)}},
	{.method = "GET", .path = "/imports", .fn = api_imports_list, .flags = A,
	 .params = {Q_LIMIT, Q_OFFSET}},
	/* before /imports/{id}, which would take "preview" for an id */
	{.method = "POST", .path = "/imports/preview", .fn = api_imports_preview,
	 .flags = AR,
	 .params = {Q_STR("file_name", 200), {"rows", P_INT, 1, 50, 10}}},
	{.method = "GET", .path = "/imports/progress", .fn = api_imports_progress,
	 .flags = A, .params = {Q_STR("ticket", 64)}},
	{.method = "GET", .path = "/imports/{id}", .fn = api_imports_get,
	 .flags = A},
	{.method = "GET", .path = "/members/export", .fn = api_members_export,
	 .flags = A,
	 .params = {Q_STR("format", 8), Q_UNIT, Q_STR("org", ORG_MAX),
		    Q_STR("status", STATUS_MAX), Q_AS_OF}},
};

const size_t routes_members_n = sizeof routes_members / sizeof routes_members[0];
