/*
 * test_units.c — API tests of the read side of the organization apparatus
 * on the demo dataset: lists as of a date (63 provinces until 2025-06-30,
 * 34 from 2025-07-01), diacritic-insensitive search, pagination and its
 * limits, one unit with path and versions, trees with depth, and lineage
 * through the 2025 merger.  Reads only; needs `cadre init --demo`.
 */
#include <stdio.h>

#include "api.h"

TEST(units_list_as_of)
{
	struct resp r;
	r = api_get(&api.admin, "/units?as_of=2025-06-30&parent=%lld", api.root_id);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 63);
	CHECK(jpn(r.json, "items") == 50); /* default limit */
	CHECK(jpi(r.json, "limit") == 50);
	CHECK(jpi(r.json, "offset") == 0);
	CHECK(jpi(r.json, "items.0.parent_id") == api.root_id);
	CHECK_STR(jps(r.json, "items.0.parent_code"), "VN");
	resp_release(&r);

	r = api_get(&api.admin, "/units?as_of=2025-07-01&parent=%lld&limit=500",
		    api.root_id);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 34);
	CHECK(jpn(r.json, "items") == 34);
	CHECK(jfind(r.json, "items", "code", "VN-N08") != NULL);
	CHECK(jfind(r.json, "items", "code", "VN-01") != NULL);
	CHECK(jfind(r.json, "items", "code", "VN-02") == NULL);
	CHECK(jfind(r.json, "items", "code", "VN-08") == NULL);
	CHECK_STR(jps(jfind(r.json, "items", "code", "VN-46"), "name"),
		  "Thành phố Huế");
	CHECK(json_is_null(jp(jfind(r.json, "items", "code", "VN-N08"), "valid_to")));
	resp_release(&r);

	/* The kind filter: provinces and cities make the 34.  (Officially 28
	 * and 6; the demo keeps Huế's kind "province" since a unit's kind is
	 * not versioned, so only the sum is checked.) */
	{
		long long prov, city;
		r = api_get(&api.admin, "/units?as_of=2025-07-01&kind=province&limit=1");
		CHECK_STATUS(r, 200);
		prov = jpi(r.json, "total");
		CHECK_STR(jps(r.json, "items.0.kind"), "province");
		resp_release(&r);
		r = api_get(&api.admin, "/units?as_of=2025-07-01&kind=city&limit=500");
		city = jpi(r.json, "total");
		CHECK(jfind(r.json, "items", "code", "VN-01") != NULL);
		resp_release(&r);
		CHECK(prov + city == 34);
		CHECK(prov >= 28 && city >= 5);
	}

	r = api_get(&api.admin, "/units?as_of=2025-06-30&parent=%lld&limit=500",
		    api.root_id);
	CHECK(jfind(r.json, "items", "code", "VN-N08") == NULL);
	CHECK_STR(jps(jfind(r.json, "items", "code", "VN-02"), "name"),
		  "Tỉnh Hà Giang");
	CHECK_STR(jps(jfind(r.json, "items", "code", "VN-02"), "valid_to"),
		  "2025-07-01");
	CHECK_STR(jps(jfind(r.json, "items", "code", "VN-46"), "name"),
		  "Tỉnh Thừa Thiên Huế");
	resp_release(&r);
}

TEST(units_search_folds_diacritics)
{
	struct resp r;
	r = api_get(&api.admin, "/units?as_of=2025-07-01&q=dak%%20lak&limit=500");
	CHECK_STATUS(r, 200);
	CHECK(jfind(r.json, "items", "name", "Tỉnh Đắk Lắk") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/units?as_of=2025-07-01&q=DAK%%20LAK&limit=500");
	CHECK(jfind(r.json, "items", "name", "Tỉnh Đắk Lắk") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/units?as_of=2025-07-01&q=quang%%20tri&limit=500");
	CHECK_STATUS(r, 200);
	CHECK(jfind(r.json, "items", "name", "Tỉnh Quảng Trị") != NULL);
	CHECK(jfind(r.json, "items", "name", "Tỉnh Quảng Bình") == NULL);
	resp_release(&r);
	/* Before the merger both exist. */
	r = api_get(&api.admin, "/units?as_of=2025-06-30&q=quang%%20binh&limit=500");
	CHECK(jfind(r.json, "items", "name", "Tỉnh Quảng Bình") != NULL);
	resp_release(&r);
	/* Vietnamese input with diacritics works too (URL-encoded UTF-8). */
	r = api_get(&api.admin,
		    "/units?as_of=2025-07-01&q=%%C4%%90%%E1%%BA%%AFk&limit=500");
	CHECK(jfind(r.json, "items", "name", "Tỉnh Đắk Lắk") != NULL);
	resp_release(&r);
	/* By code. */
	r = api_get(&api.admin, "/units?as_of=2025-07-01&q=vn-n08&limit=500");
	CHECK(jfind(r.json, "items", "code", "VN-N08") != NULL);
	resp_release(&r);
	/* Nothing. */
	r = api_get(&api.admin, "/units?as_of=2025-07-01&q=zzzzqqqq");
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 0);
	CHECK(json_is_array(jp(r.json, "items")) && jpn(r.json, "items") == 0);
	resp_release(&r);
}

TEST(units_pagination)
{
	struct resp a, b, c;
#define PAGE "/units?as_of=2025-06-30&parent=%lld&limit=%d&offset=%d"
	a = api_get(&api.admin, PAGE, api.root_id, 10, 0);
	b = api_get(&api.admin, PAGE, api.root_id, 10, 10);
	c = api_get(&api.admin, PAGE, api.root_id, 10, 60);
	CHECK_STATUS(a, 200);
	CHECK_STATUS(b, 200);
	CHECK(jpn(a.json, "items") == 10 && jpn(b.json, "items") == 10);
	CHECK(jpn(c.json, "items") == 3);
	CHECK(jpi(a.json, "total") == 63 && jpi(c.json, "total") == 63);
	CHECK(jpi(b.json, "limit") == 10 && jpi(b.json, "offset") == 10);
	/* Pages do not overlap. */
	for (size_t i = 0; i < jpn(a.json, "items"); i++) {
		json_t *it = json_array_get(jp(a.json, "items"), i);
		const char *code = jps(it, "code");
		CHECK(code && !jfind(b.json, "items", "code", code));
	}
	resp_release(&a);
	resp_release(&b);
	resp_release(&c);
#undef PAGE

	a = api_get(&api.admin, "/units?limit=500");
	CHECK_STATUS(a, 200);
	resp_release(&a);
	a = api_get(&api.admin, "/units?limit=501");
	CHECK_ERROR(a, 422, "invalid", "limit");
	resp_release(&a);
	a = api_get(&api.admin, "/units?limit=-1");
	CHECK_STATUS2(a, 422, 400);
	CHECK_STR(jps(a.json, "error.field"), "limit");
	resp_release(&a);
	a = api_get(&api.admin, "/units?offset=-5");
	CHECK_STATUS2(a, 422, 400);
	resp_release(&a);
	a = api_get(&api.admin, "/units?limit=abc");
	CHECK_STATUS2(a, 400, 422);
	CHECK_STR(jps(a.json, "error.field"), "limit");
	resp_release(&a);
	a = api_get(&api.admin, "/units?as_of=2025-02-30");
	CHECK_STATUS2(a, 422, 400);
	CHECK_STR(jps(a.json, "error.field"), "as_of");
	resp_release(&a);
	a = api_get(&api.admin, "/units?as_of=2025-07-01&parent=%lld&offset=1000",
		    api.root_id);
	CHECK_STATUS(a, 200);
	CHECK(jpn(a.json, "items") == 0 && jpi(a.json, "total") == 34);
	resp_release(&a);
}

TEST(unit_get_path_and_versions)
{
	long long hn = api_unit_id(&api.admin, "VN-01", "2025-07-01");
	long long hg = api_unit_id(&api.admin, "VN-02", "2025-06-30");
	long long hue = api_unit_id(&api.admin, "VN-46", "2025-07-01");
	struct resp r;
	CHECK(hn > 0 && hg > 0 && hue > 0);

	r = api_get(&api.admin, "/units/%lld?as_of=2025-07-01", hn);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "id") == hn);
	CHECK_STR(jps(r.json, "code"), "VN-01");
	CHECK_STR(jps(r.json, "name"), "Thành phố Hà Nội");
	CHECK(jpi(r.json, "parent_id") == api.root_id);
	CHECK(jpn(r.json, "path") >= 1);
	CHECK_STR(jps(r.json, "path.0.code"), "VN");
	CHECK(jpn(r.json, "versions") >= 1);
	CHECK(jps(r.json, "versions.0.valid_from") != NULL);
	CHECK(jpi(r.json, "rev") > 0);
	CHECK(!json_is_false(jp(r.json, "active")));
	CHECK(json_is_array(jp(r.json, "events")));
	resp_release(&r);

	/* Hà Giang lived until 2025-06-30. */
	r = api_get(&api.admin, "/units/%lld?as_of=2025-07-01", hg);
	CHECK_STATUS(r, 200);
	CHECK(json_is_false(jp(r.json, "active")));
	CHECK(jpn(r.json, "versions") >= 1);
	{
		size_t n = jpn(r.json, "versions");
		char p[64];
		snprintf(p, sizeof p, "versions.%zu.valid_to", n ? n - 1 : 0);
		CHECK_STR(jps(r.json, p), "2025-07-01");
	}
	CHECK(jpn(r.json, "events") >= 1);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2025-06-30", hg);
	CHECK_STATUS(r, 200);
	CHECK(!json_is_false(jp(r.json, "active")));
	CHECK_STR(jps(r.json, "name"), "Tỉnh Hà Giang");
	resp_release(&r);

	/* Huế: renamed on 2025-07-01, two versions oldest first. */
	r = api_get(&api.admin, "/units/%lld?as_of=2025-07-01", hue);
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "versions") >= 2);
	CHECK_STR(jps(r.json, "versions.0.name"), "Tỉnh Thừa Thiên Huế");
	CHECK_STR(jps(r.json, "versions.0.valid_to"), "2025-07-01");
	{
		size_t n = jpn(r.json, "versions");
		char p[64];
		snprintf(p, sizeof p, "versions.%zu.name", n ? n - 1 : 0);
		CHECK_STR(jps(r.json, p), "Thành phố Huế");
		snprintf(p, sizeof p, "versions.%zu.valid_from", n ? n - 1 : 0);
		CHECK_STR(jps(r.json, p), "2025-07-01");
	}
	resp_release(&r);
}

TEST(unit_tree_depth)
{
	struct resp r;
	json_t *kids, *kid;
	size_t i;
	int deeper = 0;

	r = api_get(&api.admin, "/units/%lld/tree?as_of=2025-07-01", api.root_id);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "as_of"), "2025-07-01");
	CHECK_STR(jps(r.json, "root.code"), "VN");
	kids = jp(r.json, "root.children_list");
	CHECK(json_is_array(kids));
	CHECK((long long)jpn(r.json, "root.children_list") ==
	      jpi(r.json, "root.children"));
	CHECK(jpi(r.json, "count") == jpi(r.json, "root.descendants") + 1);
	CHECK(jfind(r.json, "root.children_list", "code", "VN-N08") != NULL);
	json_array_foreach(kids, i, kid)
	{
		CHECK(json_is_integer(json_object_get(kid, "children")));
		CHECK(json_object_get(kid, "children_list") == NULL);
	}
	resp_release(&r);

	r = api_get(&api.admin, "/units/%lld/tree?as_of=2025-07-01&depth=2",
		    api.root_id);
	CHECK_STATUS(r, 200);
	json_array_foreach(jp(r.json, "root.children_list"), i, kid)
	{
		json_t *l = json_object_get(kid, "children_list");
		if (jpi(kid, "children") > 0) {
			CHECK(json_is_array(l) &&
			      (long long)json_array_size(l) == jpi(kid, "children"));
			deeper = 1;
		}
	}
	CHECK(deeper);
	resp_release(&r);

	r = api_get(&api.admin, "/units/%lld/tree?as_of=2025-07-01&depth=64",
		    api.root_id);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld/tree?as_of=2025-07-01&depth=65",
		    api.root_id);
	CHECK_ERROR(r, 422, "invalid", "depth");
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld/tree?as_of=2025-07-01&depth=0",
		    api.root_id);
	CHECK_STATUS(r, 200);
	CHECK(jp(r.json, "root.children_list") == NULL ||
	      jpn(r.json, "root.children_list") == 0);
	resp_release(&r);

	/* Before the merger: 63 provinces under the root. */
	r = api_get(&api.admin, "/units/%lld/tree?as_of=2025-06-30", api.root_id);
	CHECK(jfind(r.json, "root.children_list", "code", "VN-02") != NULL);
	CHECK(jfind(r.json, "root.children_list", "code", "VN-N08") == NULL);
	resp_release(&r);
}

TEST(unit_lineage_through_merger)
{
	long long tq = api_unit_id(&api.admin, "VN-N08", "2025-07-01");
	long long hg = api_unit_id(&api.admin, "VN-02", "2025-06-30");
	struct resp r;
	json_t *l;
	CHECK(tq > 0 && hg > 0);
	r = api_get(&api.admin, "/units/%lld/lineage", tq);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "unit.code"), "VN-N08");
	CHECK(json_is_array(jp(r.json, "events")));
	CHECK(json_is_array(jp(r.json, "successors")));
	for (int k = 0; k < 2; k++) {
		const char *code = k ? "VN-08" : "VN-02";
		json_t *it;
		size_t i;
		l = NULL;
		json_array_foreach(jp(r.json, "predecessors"), i, it)
		{
			if (jps(it, "unit.code") &&
			    strcmp(jps(it, "unit.code"), code) == 0) {
				l = it;
			}
		}
		CHECK(l != NULL);
		if (l) {
			CHECK(jpi(l, "depth") == 1);
			CHECK_STR(jps(l, "date"), "2025-07-01");
			CHECK_STR(jps(l, "kind"), "merge");
			CHECK(jpi(l, "event_id") > 0);
			CHECK(json_object_get(l, "share") != NULL);
			CHECK_STR(jps(l, "unit.kind"), "province");
			CHECK(jps(l, "unit.name") != NULL);
		}
	}
	resp_release(&r);

	r = api_get(&api.admin, "/units/%lld/lineage", hg);
	CHECK_STATUS(r, 200);
	l = NULL;
	{
		json_t *it;
		size_t i;
		json_array_foreach(jp(r.json, "successors"), i, it)
		{
			if (jpi(it, "unit.id") == tq) {
				l = it;
			}
		}
	}
	CHECK(l != NULL);
	resp_release(&r);
}

TEST(kinds_catalogue)
{
	struct resp r = api_get(&api.admin, "/kinds");
	CHECK_STATUS(r, 200);
	CHECK(json_is_array(r.json) && json_array_size(r.json) > 0);
	CHECK(jfind(r.json, "", "code", "province") != NULL);
	CHECK(jps(r.json, "0.name_vi") != NULL);
	CHECK(jps(r.json, "0.name_en") != NULL);
	resp_release(&r);
}
