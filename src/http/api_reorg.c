/*
 * api_reorg.c — the handler of POST /reorg: one reorganization event, all
 * or nothing.  The body is parsed by the domain's reorg_req_from_json (which
 * names unknown or mistyped fields) and applied by org_reorg (which checks
 * ACT_REORG and every rule).  Replies 201, or 200 for a dry run.
 */
#include "domain/org.h"
#include "http/route.h"

int api_reorg_post(struct http_req *r, struct err *e)
{
	struct reorg_req req;
	int dry_run = 0, rc;
	rc = reorg_req_from_json(r->body, &req, &dry_run, e);
	if (rc) {
		return rc;
	}
	rc = org_reorg(&r->cx, &req, dry_run, &r->out, NULL, e);
	reorg_req_release(&req);
	if (rc == 0) {
		r->status = dry_run ? 200 : 201;
	}
	return rc;
}
