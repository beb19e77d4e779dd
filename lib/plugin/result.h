/*
 * result: the verdict of one plugin run, built up by its sub-checks.
 *
 * A plugin adds sub-checks (a state and a sentence each), informational
 * long-output lines and performance data, optionally sets the summary,
 * and writes the result once at the end. The result's state is the worst
 * of its sub-checks (see ms_state_worst); with none it is OK.
 *
 * Classic output, as the plugin guidelines lay it out:
 *
 *   LABEL STATE - summary | perf1 perf2
 *   [CRITICAL] sub-check text        (sub-checks, when there are several)
 *   long output line
 *   | perf3 perf4                    (perfdata that did not fit line one)
 *
 * The first line stays within MS_FIRST_LINE_MAX bytes so that it is
 * complete wherever it is shown alone (pagers, notifications); perfdata
 * that does not fit moves after the long output, where Nagios and Icinga
 * read it too. JSON output carries the same verdict as one object.
 */
#ifndef MS_RESULT_H
#define MS_RESULT_H

#include <stdio.h>

#include "perfdata.h"
#include "status.h"

#define MS_FIRST_LINE_MAX 1024

enum ms_format {
	MS_FORMAT_CLASSIC,
	MS_FORMAT_JSON
};

struct ms_result;

/* label: the word the status line starts with, e.g. "MAIL_QUEUE". */
struct ms_result *ms_result_new(const char *label);
void ms_result_free(struct ms_result *r);

/* A sub-check with its state and one sentence. */
void ms_result_add(struct ms_result *r, enum ms_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The summary after "STATE - ". Without one, the texts of the sub-checks
 * that have the result's state are joined with "; ".
 */
void ms_result_summary(struct ms_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An informational line of long output (no state of its own). */
void ms_result_line(struct ms_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Adds a perfdata value; the strings and ranges are copied. */
void ms_result_perf(struct ms_result *r, const struct ms_perf *p);

enum ms_state ms_result_state(const struct ms_result *r);

/* Writes the whole result to out in the given format. */
void ms_result_write(const struct ms_result *r, enum ms_format format, FILE *out);

#endif
