/*
 * demo.h — the demo datasets, built through the real domain calls so that
 * history, lineage and the audit chain are genuine:
 *   demo_load(): Vietnam's 63 provinces until 2025-06-30 and 34 from
 *   2025-07-01 (../shared/domain/provinces-2025.csv, embedded), through real
 *   merge and rename events, and under a few provinces their party
 *   committee, Front committee, mass organizations and some communes.
 *   demo_national(): a national-size tree for benchmarks (34 provinces,
 *   ~3,300 communes, ~100,000 grassroots units).
 */
#ifndef CADRE_DEMO_H
#define CADRE_DEMO_H

#include "domain/cx.h"

int demo_load(struct cx *cx, struct err *e);
int demo_national(struct cx *cx, struct err *e);

#endif
