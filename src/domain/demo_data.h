/*
 * demo_data.h — the constant tables behind the demo datasets (demo.c): the
 * 63 provinces and what each became on 2025-07-01, the mass organizations
 * every province has, and a few provinces described down to communes.
 * Data only: no code reads a file at run time.
 */
#ifndef CADRE_DEMO_DATA_H
#define CADRE_DEMO_DATA_H

/* One row of provinces-2025.csv (../shared/domain), plus the kind the
 * province had before 2025 (the five centrally-run cities are "city"). */
struct demo_province {
	const char *code;     /* GSO code, two digits: unit code VN-<code> */
	const char *name;     /* name until 2025-06-30 */
	const char *kind;     /* province | city */
	const char *new_name; /* name of the province it belongs to from 2025-07-01 */
	const char *new_kind; /* province | city */
};

extern const struct demo_province demo_provinces[];
extern const int demo_provinces_n;

/* An organization every province has, code <province>-<suffix>.  Its name
 * is `prefix` (or `city_prefix` in a city) followed by the short name of
 * the province ("Tuyên Quang"). */
struct demo_org {
	const char *suffix, *kind, *prefix, *city_prefix;
};

extern const struct demo_org demo_orgs[];
extern const int demo_orgs_n;

/* A commune (or ward) of a detailed province as of 2008, in district
 * `district` (1-based, code -D<nn>); its code is -X<nnn> numbered in table
 * order from 1.  On 2025-07-01 it merges into the province's `merge`-th new
 * commune (1-based), or when merge is 0 it moves under the province. */
struct demo_commune {
	int district;
	const char *kind, *name;
	int merge;
};

/* A commune formed on 2025-07-01 by a merger; code <successor>-X<1nn>. */
struct demo_new_commune {
	const char *kind, *name;
};

/* A province described below the provincial level. */
struct demo_detail {
	const char *code;		  /* old GSO code */
	int orgs;			  /* has the demo_orgs */
	const char *const *districts;	  /* names; NULL-terminated */
	const struct demo_commune *communes; /* terminated by district 0 */
	const struct demo_new_commune *merged; /* terminated by kind NULL */
};

extern const struct demo_detail demo_details[];
extern const int demo_details_n;

/* Place names used to make up village and commune names. */
extern const char *const demo_villages[];
extern const int demo_villages_n;
extern const char *const demo_syllables[];
extern const int demo_syllables_n;

#define DEMO_CODE_BUF 96 /* roomy: codes are at most ORG_CODE_MAX (40) */
#define DEMO_NAME_BUF (200 * 4 + 1)

/* vsnprintf into out[DEMO_CODE_BUF]; a code too long is cut (and then
 * refused by the domain). */
void demo_codef(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Index in demo_provinces of a GSO code, or -1. */
int demo_province_index(const char *code);
/* How many old provinces share province i's 2025 name. */
int demo_group_size(int i);
/* Is province i the first row of its group (the one that acts for it)? */
int demo_group_first(int i);
/* Code of the unit province i belongs to from 2025-07-01: VN-<code> when
 * alone in its group (renamed or not), else VN-N<code of the member whose
 * name the new province took, or the smallest code>. */
void demo_successor_code(int i, char out[DEMO_CODE_BUF]);
/* Index in demo_details of a GSO code, or -1. */
int demo_detail_index(const char *code);
/* Must the group of province i be prepared before it merges (see demo.c)?
 * Yes when it has two or more members and one of them has districts, or
 * two of them have organizations. */
int demo_group_needs_prep(int i);
/* First number (101…) of detail di's new communes, numbered per successor
 * across demo_details in table order. */
int demo_first_new_commune(int di);

/* "Tỉnh Tuyên Quang" → "Tuyên Quang". */
const char *demo_short_name(const char *name);
/* "Xã Tân Trào" → "Tân Trào"; "Phường 1" stays whole. */
const char *demo_place_of(const char *name);
/* Name of an organization of the province named `province`. */
void demo_org_name(const struct demo_org *o, int city, const char *province,
		   char out[DEMO_NAME_BUF]);
/* The j-th grassroots unit of a commune: fills its name, returns its kind
 * (party_cell, or grassroots for every sixth: a school, a clinic…). */
const char *demo_grassroots_name(int j, const char *commune, int ward,
				 char out[DEMO_NAME_BUF]);
/* A made-up commune name, distinct for k = 0..991 with one seed. */
void demo_commune_name(int k, int seed, int ward, char out[DEMO_NAME_BUF]);

#endif
