/*
 * perfdata: one performance-data value, formatted as
 *
 *   'label'=value[UOM];[warn];[crit];[min];[max]
 *
 * The label is quoted when it holds a space, '=' or a quote (a quote
 * inside is doubled). Trailing empty fields are left off; empty fields
 * in the middle stay empty, as the guidelines allow.
 */
#ifndef MS_PERFDATA_H
#define MS_PERFDATA_H

#include <stdbool.h>

#include "range.h"
#include "strbuf.h"

struct ms_perf {
	const char *label;
	double value;		/* NaN prints as U: no value could be taken */
	const char *uom;	/* NULL or "", or one of ms_perf_uom_valid() */
	const struct ms_range *warn;	/* NULL: empty field */
	const struct ms_range *crit;
	bool has_min, has_max;
	double min, max;
};

/* true for "", s, ms, us, %, B, KB, MB, GB, TB, c. */
bool ms_perf_uom_valid(const char *uom);

/* Appends the whole value to b (no separating space). */
void ms_perf_format(struct ms_buf *b, const struct ms_perf *p);

#endif
