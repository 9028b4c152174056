/*
 * org_json.c — the input side of the org module: parsing a reorganization
 * request from JSON (strictly: unknown fields and wrong types are refused,
 * naming the field), and bootstrapping a database with the kind catalogue
 * and the root unit.
 */
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/audit.h"
#include "domain/org_internal.h"

static int want_int(json_t *v, const char *field, int64_t *out, struct err *e)
{
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		return err_set(e, ERR_BAD_REQUEST, field, "%s must be a positive integer id", field);
	}
	*out = json_integer_value(v);
	return 0;
}

static int want_str(json_t *v, const char *field, const char **out,
		    struct err *e)
{
	if (!json_is_string(v)) {
		return err_set(e, ERR_BAD_REQUEST, field, "%s must be a string", field);
	}
	*out = json_string_value(v);
	return 0;
}

static int parse_new_unit(json_t *o, const char *field, struct reorg_new_unit *nu,
			  int allow_share, struct err *e)
{
	const char *k;
	json_t *v;
	int rc = 0;
	nu->share = -1;
	if (!json_is_object(o)) {
		return err_set(e, ERR_BAD_REQUEST, field, "%s must be an object", field);
	}
	json_object_foreach(o, k, v) {
		if (strcmp(k, "code") == 0) {
			rc = want_str(v, "code", &nu->code, e);
		} else if (strcmp(k, "name") == 0) {
			rc = want_str(v, "name", &nu->name, e);
		} else if (strcmp(k, "kind") == 0) {
			rc = want_str(v, "kind", &nu->kind, e);
		} else if (strcmp(k, "parent") == 0) {
			rc = json_is_null(v) ? 0 : want_int(v, "parent", &nu->parent, e);
		} else if (allow_share && strcmp(k, "share") == 0) {
			if (json_is_null(v)) {
				continue;
			}
			if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
				return err_set(e, ERR_INVALID, field, "share must be a number from 0 to 1");
			}
			nu->share = json_number_value(v);
		} else {
			return err_set(e, ERR_BAD_REQUEST, field, "unknown field %.40s in %s", k, field);
		}
		if (rc) {
			snprintf(e->field, sizeof e->field, "%s.%s", field, k);
			return rc;
		}
	}
	return 0;
}

void reorg_req_release(struct reorg_req *r)
{
	free((void *)r->sources);
	free((void *)r->source_revs);
	free((void *)r->parts);
	free((void *)r->assign_child);
	free((void *)r->assign_part);
	memset(r, 0, sizeof *r);
}

static int parse_ids(json_t *v, const char *field, int64_t **out, int *n,
		     struct err *e)
{
	size_t i;
	json_t *x;
	if (!json_is_array(v) || json_array_size(v) > 1000) {
		return err_set(e, ERR_BAD_REQUEST, field, "%s must be an array of ids (at most 1000)", field);
	}
	*n = (int)json_array_size(v);
	*out = calloc(*n ? (size_t)*n : 1, sizeof **out);
	if (!*out) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	json_array_foreach(v, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0) {
			return err_set(e, ERR_BAD_REQUEST, field, "%s must contain integers", field);
		}
		(*out)[i] = json_integer_value(x);
	}
	return 0;
}

int reorg_req_from_json(json_t *body, struct reorg_req *r, int *dry_run,
			struct err *e)
{
	const char *k;
	json_t *v;
	int rc = 0, n_revs = -1;
	memset(r, 0, sizeof *r);
	r->created.share = -1;
	*dry_run = 0;
	if (!json_is_object(body)) {
		return err_set(e, ERR_BAD_REQUEST, "", "the body must be a JSON object");
	}
	v = json_object_get(body, "kind");
	if (!v) {
		return err_set(e, ERR_INVALID, "kind", "kind is required");
	}
	if (!json_is_string(v)) {
		return err_set(e, ERR_BAD_REQUEST, "kind", "kind must be a string");
	}
	if ((rc = reorg_kind_parse(json_string_value(v), &r->kind, e))) {
		return rc;
	}
	json_object_foreach(body, k, v) {
		if (strcmp(k, "kind") == 0) {
			continue;
		} else if (strcmp(k, "date") == 0) {
			rc = want_str(v, k, &r->date, e);
		} else if (strcmp(k, "decision") == 0) {
			rc = want_str(v, k, &r->decision, e);
		} else if (strcmp(k, "note") == 0) {
			rc = json_is_null(v) ? 0 : want_str(v, k, &r->note, e);
		} else if (strcmp(k, "unit") == 0) {
			rc = want_int(v, k, &r->unit, e);
		} else if (strcmp(k, "rev") == 0) {
			rc = json_is_null(v) ? 0 : want_int(v, k, &r->rev, e);
		} else if (strcmp(k, "name") == 0) {
			rc = want_str(v, k, r->kind == REORG_CREATE ? &r->created.name : &r->name, e);
		} else if (strcmp(k, "code") == 0 && r->kind == REORG_CREATE) {
			rc = want_str(v, k, &r->created.code, e);
		} else if (strcmp(k, "unit_kind") == 0 && r->kind == REORG_CREATE) {
			rc = want_str(v, k, &r->created.kind, e);
		} else if (strcmp(k, "parent") == 0) {
			rc = want_int(v, k, &r->parent, e);
			r->created.parent = r->parent;
		} else if (strcmp(k, "sources") == 0) {
			rc = parse_ids(v, k, (int64_t **)&r->sources, &r->n_sources, e);
		} else if (strcmp(k, "revs") == 0) {
			rc = parse_ids(v, k, (int64_t **)&r->source_revs, &n_revs, e);
		} else if (strcmp(k, "into") == 0) {
			rc = json_is_integer(v) ? want_int(v, k, &r->into, e)
						: parse_new_unit(v, "into", &r->created, 0, e);
		} else if (strcmp(k, "parts") == 0) {
			struct reorg_new_unit *parts;
			size_t i;
			json_t *p;
			if (!json_is_array(v) || json_array_size(v) > 100) {
				rc = err_set(e, ERR_BAD_REQUEST, k, "parts must be an array (at most 100)");
				break;
			}
			r->n_parts = (int)json_array_size(v);
			parts = calloc(r->n_parts ? (size_t)r->n_parts : 1, sizeof *parts);
			r->parts = parts;
			if (!parts) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			json_array_foreach(v, i, p) {
				char field[32];
				snprintf(field, sizeof field, "parts[%zu]", i);
				if ((rc = parse_new_unit(p, field, &parts[i], 1, e))) {
					break;
				}
			}
		} else if (strcmp(k, "assign") == 0) {
			const char *ck;
			json_t *cv;
			int64_t *child;
			int *part, i = 0;
			if (!json_is_object(v) || json_object_size(v) > 10000) {
				rc = err_set(e, ERR_BAD_REQUEST, k, "assign must be an object {child id: part index}");
				break;
			}
			r->n_assign = (int)json_object_size(v);
			child = calloc((size_t)r->n_assign + 1, sizeof *child);
			part = calloc((size_t)r->n_assign + 1, sizeof *part);
			r->assign_child = child;
			r->assign_part = part;
			if (!child || !part) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			json_object_foreach(v, ck, cv) {
				char *end;
				child[i] = strtoll(ck, &end, 10);
				if (*end || child[i] <= 0 || !json_is_integer(cv)) {
					rc = err_set(e, ERR_BAD_REQUEST, k,
						     "assign maps child ids to part indexes");
					break;
				}
				part[i++] = (int)json_integer_value(cv);
			}
		} else if (strcmp(k, "dry_run") == 0) {
			if (!json_is_boolean(v)) {
				rc = err_set(e, ERR_BAD_REQUEST, k, "dry_run must be true or false");
			} else {
				*dry_run = json_is_true(v);
			}
		} else {
			rc = err_set(e, ERR_BAD_REQUEST, k, "unknown field %.40s for a %s", k,
				     json_string_value(json_object_get(body, "kind")));
		}
		if (rc) {
			break;
		}
	}
	if (rc == 0 && n_revs >= 0 && n_revs != r->n_sources) {
		rc = err_set(e, ERR_BAD_REQUEST, "revs", "revs must have one entry per source");
	}
	if (rc) {
		reorg_req_release(r);
	}
	return rc;
}

/* The default catalogue: kind, organization, level (-1 = the parent's),
 * Vietnamese and English names.  Data: organizations may add their own. */
static const struct {
	const char *code, *org;
	int level;
	const char *vi, *en;
} default_kinds[] = {
	{"country", "state", 0, "Quốc gia", "Country"},
	{"central", "state", 0, "Cơ quan Trung ương", "Central body"},
	{"province", "state", 1, "Tỉnh", "Province"},
	{"city", "state", 1, "Thành phố trực thuộc Trung ương", "Centrally-run city"},
	{"district", "state", 2, "Huyện, quận, thị xã", "District"},
	{"commune", "state", 3, "Xã", "Commune"},
	{"ward", "state", 3, "Phường", "Ward"},
	{"special_zone", "state", 3, "Đặc khu", "Special zone"},
	{"grassroots", "state", 4, "Đơn vị cơ sở", "Grassroots unit"},
	{"party_committee", "party", -1, "Đảng bộ", "Party committee"},
	{"party_cell", "party", 4, "Chi bộ", "Party cell"},
	{"front_committee", "front", -1, "Ủy ban Mặt trận Tổ quốc", "Fatherland Front committee"},
	{"youth_union", "youth", -1, "Đoàn Thanh niên", "Youth Union"},
	{"womens_union", "women", -1, "Hội Liên hiệp Phụ nữ", "Women's Union"},
	{"farmers_association", "farmers", -1, "Hội Nông dân", "Farmers' Association"},
	{"veterans_association", "veterans", -1, "Hội Cựu chiến binh", "Veterans' Association"},
	{"labour_federation", "labour", -1, "Liên đoàn Lao động", "Labour Federation"},
	{"trade_union", "labour", 4, "Công đoàn cơ sở", "Grassroots trade union"},
	{"organization", "other", -1, "Tổ chức", "Organization"},
};

int org_bootstrap(struct cx *cx, const char *root_code, const char *root_name,
		  const char *valid_from, int64_t *root_id, struct err *e)
{
	struct db_stmt *st;
	int rc, have_units = 0;
	if ((rc = date_check(valid_from, "valid_from", e))) {
		return rc;
	}
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < sizeof default_kinds / sizeof default_kinds[0]; i++) {
		rc = db_prepare(cx->db,
				"INSERT INTO unit_kind(code, org, level, name_vi, name_en)"
				" VALUES (?,?,?,?,?) ON CONFLICT (code) DO NOTHING",
				&st, e);
		if (rc) {
			break;
		}
		db_bind_text(st, 1, default_kinds[i].code);
		db_bind_text(st, 2, default_kinds[i].org);
		db_bind_int64(st, 3, default_kinds[i].level);
		db_bind_text(st, 4, default_kinds[i].vi);
		db_bind_text(st, 5, default_kinds[i].en);
		rc = db_step(st, e) < 0 ? -ERR_INTERNAL : 0;
		db_finalize(st);
	}
	if (rc == 0 && (rc = db_prepare(cx->db, "SELECT id FROM unit WHERE code = ?", &st, e)) == 0) {
		db_bind_text(st, 1, root_code);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			have_units = 1;
			if (root_id) {
				*root_id = db_col_int64(st, 0);
			}
		}
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	if (rc == 0 && !have_units) {
		struct reorg_req r;
		int64_t ev, id;
		memset(&r, 0, sizeof r);
		r.kind = REORG_CREATE;
		r.date = valid_from;
		r.decision = "bootstrap";
		r.created.code = root_code;
		r.created.name = root_name;
		r.created.kind = "country";
		r.created.share = -1;
		/* The root has no parent: create it directly, then record it. */
		rc = org_reorg_root(cx, &r, &ev, &id, e);
		if (rc == 0 && root_id) {
			*root_id = id;
		}
	}
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	return rc;
}
