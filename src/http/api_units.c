/*
 * api_units.c — handlers of the read side of the organization apparatus:
 * GET /units, /units/{id}, /units/{id}/tree, /units/{id}/lineage and
 * /kinds.  Thin: parameters arrive parsed by the dispatcher; each handler
 * calls one org_* read model (which checks ACT_READ and scope) and returns
 * its JSON as-is.
 */
#include "domain/org.h"
#include "http/route.h"

int api_units_list(struct http_req *r, struct err *e)
{
	struct org_list_query q = {
		.as_of = req_q_str(r, "as_of"),
		.kind = req_q_str(r, "kind"),
		.q = req_q_str(r, "q"),
		.parent = req_q_int(r, "parent"),
		.limit = (int)req_q_int(r, "limit"),
		.offset = (int)req_q_int(r, "offset"),
	};
	return org_unit_list(&r->cx, &q, &r->out, e);
}

int api_units_get(struct http_req *r, struct err *e)
{
	return org_unit_get(&r->cx, r->id, req_q_str(r, "as_of"), &r->out, e);
}

int api_units_tree(struct http_req *r, struct err *e)
{
	return org_unit_tree(&r->cx, r->id, req_q_str(r, "as_of"),
			     (int)req_q_int(r, "depth"), &r->out, e);
}

int api_units_lineage(struct http_req *r, struct err *e)
{
	return org_unit_lineage(&r->cx, r->id, &r->out, e);
}

int api_units_kinds(struct http_req *r, struct err *e)
{
	return org_kinds(&r->cx, &r->out, e);
}
