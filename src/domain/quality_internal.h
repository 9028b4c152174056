/*
 * quality_internal.h — what quality_stats.c (stored findings, figures)
 * needs from quality.c (the loaded rules).  Not for other modules.
 */
#ifndef CADRE_QUALITY_INTERNAL_H
#define CADRE_QUALITY_INTERNAL_H

#include "domain/quality.h"

/* The rule's code in the rules' own storage (valid until
 * quality_rules_free), its field name and severity; NULL for an unknown
 * code.  field and is_error may be NULL. */
const char *quality_rule_info(const struct quality_rules *q, const char *code,
			      const char **field, int *is_error);

/* How many rules are loaded (enabled or not). */
int quality_rule_count(const struct quality_rules *q);

#endif
