/*
 * numfmt: numbers as Nagios, Icinga 2 and graphing backends read them.
 *
 * Always the C locale's '.', never an exponent (2.1e-03 is not perfdata),
 * and the shortest decimal that reads back as the same double, so a
 * measured 0.0021 prints as 0.0021 and not as 0.00209999999999999986.
 */
#ifndef MS_NUMFMT_H
#define MS_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>

/* Room for any value ms_format_number writes. */
#define MS_NUMBER_MAX 352

/*
 * Writes v into buf (size at least MS_NUMBER_MAX) and returns buf.
 * NaN becomes "U" (the perfdata word for "no value"), infinities "inf"
 * and "-inf" (callers that print ranges turn those into '~' or nothing).
 */
char *ms_format_number(char buf[static MS_NUMBER_MAX], double v);

/*
 * The fewest significant digits (1-17) that read back as v. For JSON
 * writers whose precision is set per document.
 */
int ms_number_digits(double v);

/*
 * Reads a plain decimal number: optional sign, digits, optional '.' and
 * digits (at least one digit in all). No exponent, hex, "inf" or "nan",
 * and no leading or trailing space. Locale-independent. On success stores
 * the value and returns true.
 */
bool ms_parse_decimal(const char *s, size_t n, double *v);

/*
 * Reads exactly n bytes of decimal digits (no sign, no space) as an
 * unsigned number no greater than max; false otherwise. For the numeric
 * fields of kernel and state files.
 */
bool ms_parse_uint(const char *s, size_t n, unsigned long long max, unsigned long long *v);

/* strtod in the C locale, whatever LC_NUMERIC says. */
double ms_strtod_c(const char *s, char **end);

#endif
