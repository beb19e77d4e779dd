/*
 * duration: parsing and printing time spans. See duration.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "numfmt.h"

struct unit {
	const char *name;
	double seconds;
};

/* Longest names first so "ms" is not read as "m" followed by "s". */
static const struct unit units[] = {
	{ "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
};

static const struct unit *match_unit(const char *p, size_t *len)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);
		if (strncmp(p, units[i].name, n) == 0) {
			*len = n;
			return &units[i];
		}
	}
	return NULL;
}

bool ms_duration_parse(const char *s, double *seconds, char *err, size_t errlen)
{
	const char *p = s;
	double total = 0;
	double last_unit = INFINITY;

	if (*s == '\0') {
		snprintf(err, errlen, "empty duration");
		return false;
	}
	while (*p) {
		size_t numlen = strspn(p, "0123456789.");
		double value;
		if (numlen == 0 || !ms_parse_decimal(p, numlen, &value)) {
			snprintf(err, errlen, "expected a number at '%s'", p);
			return false;
		}
		p += numlen;
		if (*p == '\0') {
			if (p - numlen != s) {
				snprintf(err, errlen, "missing unit after '%.*s' (use s, m, h or d)",
					 (int)numlen, p - numlen);
				return false;
			}
			total = value; /* a bare number: seconds */
			break;
		}
		size_t ulen;
		const struct unit *u = match_unit(p, &ulen);
		if (u == NULL) {
			snprintf(err, errlen, "unknown unit '%c' (use s, m, h or d)", *p);
			return false;
		}
		if (u->seconds >= last_unit) {
			snprintf(err, errlen, "units must go from the largest down, as in 1h30m");
			return false;
		}
		last_unit = u->seconds;
		total += value * u->seconds;
		p += ulen;
	}
	if (!isfinite(total)) {
		snprintf(err, errlen, "duration too large");
		return false;
	}
	*seconds = total;
	return true;
}

char *ms_duration_format(char *buf, size_t size, double seconds)
{
	char num[MS_NUMBER_MAX];

	if (!isfinite(seconds) || seconds < 0) {
		snprintf(buf, size, "%s", ms_format_number(num, seconds));
		return buf;
	}
	if (seconds < 10) {
		/* millisecond precision is what a reader can use here */
		double r = round(seconds * 1000) / 1000;
		snprintf(buf, size, "%ss", ms_format_number(num, r));
		return buf;
	}
	if (seconds >= 0x1p53) {
		/*
		 * Beyond 2^53 s (285 million years) llround() may not fit and
		 * a double holds no seconds anyway: whole days and hours, the
		 * days printed as the (large) number they are.
		 */
		double rest = fmod(seconds, 86400);
		snprintf(buf, size, "%sd%02dh", ms_format_number(num, (seconds - rest) / 86400),
			 (int)(rest / 3600));
		return buf;
	}
	unsigned long long s = (unsigned long long)llround(seconds);
	if (s < 60)
		snprintf(buf, size, "%llus", s);
	else if (s < 3600)
		snprintf(buf, size, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lluh%02llum", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, size, "%llud%02lluh", s / 86400, (s % 86400) / 3600);
	return buf;
}
