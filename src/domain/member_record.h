/*
 * member_record.h — one member record as text, the way it arrives from an
 * import row or a form, before it is stored: what the quality rules check,
 * what the import maps columns to, what the exporter writes.  Pointers are
 * borrowed (NULL or "" = absent).  Dates are YYYY-MM-DD; gender "M"/"F"
 * (the import maps "Nam"/"Nữ"/"male"/"female").
 */
#ifndef CADRE_MEMBER_RECORD_H
#define CADRE_MEMBER_RECORD_H

enum member_field {
	MF_CITIZEN_ID,
	MF_FULL_NAME,
	MF_GENDER,
	MF_BIRTH_DATE,
	MF_ETHNICITY,
	MF_RELIGION,
	MF_HOMETOWN,
	MF_HOMETOWN_NEW,
	MF_RESIDENCE,
	MF_PHONE,
	MF_EMAIL,
	MF_ORG,	      /* party, youth, women, farmers, veterans, labour */
	MF_UNIT_CODE, /* the unit the membership is in */
	MF_NUMBER,    /* membership card number */
	MF_JOINED,
	MF_OFFICIAL,
	MF__COUNT
};

struct member_record {
	const char *f[MF__COUNT];
};

/* Stable field names ("citizen_id", "full_name", …) used in JSON, rule
 * definitions, error fields and export headers. */
extern const char *const member_field_names[MF__COUNT];

#endif
