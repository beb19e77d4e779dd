/*
 * perfparse: reading a plugin's performance data, as the engines keep it
 * (status.dat's performance_data=, the Icinga 2 API's
 * last_check_result.performance_data), for the response-time strip.
 *
 * The format is the Nagios plugin guidelines':
 *
 *   'label'=value[UOM];[warn];[crit];[min];[max]
 *
 * items separated by spaces; a label with spaces or '=' in single quotes,
 * a quote inside written twice (''); value a plain decimal ([-0-9.]),
 * "U" when the plugin could not measure; UOM none, s, ms, us, %, B, KB,
 * MB, TB, c or any other word the plugin chose. Only the label, value and
 * unit are read: thresholds and bounds are the plugin's business.
 *
 * Bytes from the engine are hostile: an item that does not parse is
 * skipped to the next space and reported as such, never read past the
 * end, never an error for the whole line.
 */
#ifndef PUB_PERFPARSE_H
#define PUB_PERFPARSE_H

#include <stdbool.h>
#include <stddef.h>

#define PUB_PERF_LABEL_MAX 256	/* longer labels are not matched */
#define PUB_PERF_UNIT_MAX 16

struct pub_perf_item {
	char label[PUB_PERF_LABEL_MAX];	/* unquoted ('' read as '), NUL-terminated */
	bool label_ok;		/* the label parsed and fit */
	bool has_value;		/* value is a number (not U, not garbage) */
	double value;		/* as the plugin wrote it, in unit */
	char unit[PUB_PERF_UNIT_MAX];	/* as written: "", "s", "ms", "%", ... */
};

/*
 * Reads the next item from *p (advanced past it); false at the end.
 * An item that does not parse comes back with label_ok or has_value
 * false.
 */
bool pub_perfdata_next(const char **p, struct pub_perf_item *item);

/*
 * The first item labelled label with a value; false when there is none.
 * Labels compare exactly (the engines keep them as the plugin wrote them).
 */
bool pub_perfdata_find(const char *perfdata, const char *label, struct pub_perf_item *item);

/*
 * A time unit (s, ms, us) in seconds: *value converted and *unit set to
 * "s"; other units are kept as given. Returns true when it converted.
 */
bool pub_perf_normalise(double *value, char unit[PUB_PERF_UNIT_MAX]);

#endif
