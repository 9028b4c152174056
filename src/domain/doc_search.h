/*
 * doc_search.h — finding documents: the list of the register with filters
 * (issuer subtree, type, period, status, direction, overdue replies) and
 * full-text search over the subject, symbol, issuer and the text extracted
 * from the PDFs, ignoring case and Vietnamese diacritics (the folded text
 * of doc_text, indexed by SQLite FTS5 or a PostgreSQL GIN index over
 * to_tsvector('simple', …)); and the exports of the outgoing and incoming
 * registers as CSV or XLSX.
 */
#ifndef CADRE_DOC_SEARCH_H
#define CADRE_DOC_SEARCH_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "domain/cx.h"

#define DOC_QUERY_MAX 200 /* code points of a search query */

struct doc_query {
	const char *q;	       /* words to find (all of them); NULL = any */
	int64_t unit;	       /* only documents of this unit's subtree (its
				* register: issued by it, or received by it);
				* 0 = the actor's whole scope */
	const char *type;      /* type code; NULL = any */
	const char *from, *to; /* document date period (inclusive) */
	const char *status;    /* NULL = any */
	const char *direction; /* "out", "in"; NULL = both */
	int overdue;	       /* only documents whose reply is overdue */
	int limit, offset;
};

/* {"items":[Doc summary…],"total","limit","offset"}, newest first, only
 * documents the actor may read (their unit in the actor's scope). */
int doc_search(struct cx *cx, const struct doc_query *q, json_t **out,
	       struct err *e);

/* Refresh the search text of a document inside the caller's transaction:
 * head (subject, symbol, issuer) is recomputed from the row; body is the
 * text extracted from its main file (NULL = keep the stored one). */
int doc_text_refresh(struct cx *cx, int64_t doc_id, const char *body,
		     struct err *e);

/* The register of a unit for a year: kind "out" (numbered outgoing
 * documents, by number) or "in" (incoming, by register number), written as
 * CSV or XLSX ("csv"/"xlsx") to fp.  Needs read access to the unit. */
int doc_register_export(struct cx *cx, int64_t unit_id, const char *kind,
			int year, const char *format, FILE *fp,
			struct err *e);
/* The same rows as JSON {"unit","kind","year","items":[…]}. */
int doc_register(struct cx *cx, int64_t unit_id, const char *kind, int year,
		 json_t **out, struct err *e);

#endif
