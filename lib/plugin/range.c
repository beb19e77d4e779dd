/*
 * range: Nagios threshold ranges. See range.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "numfmt.h"
#include "range.h"

static bool parse_end(const char *s, size_t n, int flags, double *v, struct ms_buf *err)
{
	char tmp[MS_RANGE_TEXT_MAX];

	if (ms_parse_decimal(s, n, v))
		return true;
	if ((flags & MS_RANGE_DURATION) && n > 0 && n < sizeof(tmp) && s[0] != '-') {
		struct ms_buf derr = MS_BUF_INIT;	/* the reason below is the one to give */
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		bool ok = ms_duration_parse(tmp, v, &derr);
		ms_buf_free(&derr);
		if (ok)
			return true;
	}
	if (n == 0)
		ms_buf_puts(err, "a number is missing");
	else
		ms_buf_printf(err, "'%.*s' is not a %s", (int)(n > 40 ? 40 : n), s,
			      (flags & MS_RANGE_DURATION) ? "number or duration (30s, 5m, 4h, 2d)"
							  : "number");
	return false;
}

/*
 * The text perfdata shows: start omitted when 0, '~' when -inf. False
 * when it does not fit in r->text: the ends written out in full (a
 * duration in seconds, ".5" as "0.5") can be longer than what was typed,
 * and a cut text would print a different threshold than the one applied.
 */
static bool normalize(struct ms_range *r)
{
	char a[MS_NUMBER_MAX], b[MS_NUMBER_MAX];
	const char *at = r->inside ? "@" : "";
	int n;

	if (isinf(r->start))
		n = snprintf(r->text, sizeof(r->text), "%s~:%s", at,
			     isinf(r->end) ? "" : ms_format_number(b, r->end));
	else if (isinf(r->end))
		n = snprintf(r->text, sizeof(r->text), "%s%s:", at,
			     ms_format_number(a, r->start));
	else if (r->start == 0 && !r->inside)
		n = snprintf(r->text, sizeof(r->text), "%s", ms_format_number(b, r->end));
	else
		n = snprintf(r->text, sizeof(r->text), "%s%s:%s", at,
			     ms_format_number(a, r->start), ms_format_number(b, r->end));
	return n >= 0 && (size_t)n < sizeof(r->text);
}

bool ms_range_parse(const char *s, int flags, struct ms_range *r, struct ms_buf *err)
{
	const char *p = s;
	size_t len = strlen(s);

	memset(r, 0, sizeof(*r));
	r->start = 0;
	r->end = INFINITY;
	if (len == 0) {
		ms_buf_puts(err, "the range is empty");
		return false;
	}
	if (len >= MS_RANGE_TEXT_MAX) {
		ms_buf_printf(err, "the range is longer than %d characters",
			      MS_RANGE_TEXT_MAX - 1);
		return false;
	}
	if (*p == '@') {
		r->inside = true;
		p++;
	}
	const char *colon = strchr(p, ':');
	if (colon && strchr(colon + 1, ':')) {
		ms_buf_puts(err, "more than one ':' (use START:END)");
		return false;
	}
	if (colon == NULL) {
		/* "10" means 0:10 */
		if (!parse_end(p, strlen(p), flags, &r->end, err))
			return false;
	} else {
		size_t slen = (size_t)(colon - p);
		if (slen == 1 && p[0] == '~')
			r->start = -INFINITY;
		else if (slen == 0) {
			ms_buf_puts(err, "nothing before ':' (use ~:END for no lower bound)");
			return false;
		} else if (!parse_end(p, slen, flags, &r->start, err))
			return false;
		const char *e = colon + 1;
		if (*e != '\0' && !parse_end(e, strlen(e), flags, &r->end, err))
			return false;
	}
	if (r->start > r->end) {
		char a[MS_NUMBER_MAX], b[MS_NUMBER_MAX];
		ms_buf_printf(err, "start %s is greater than end %s",
			      ms_format_number(a, r->start), ms_format_number(b, r->end));
		return false;
	}
	if (!normalize(r)) {
		ms_buf_printf(err, "the range is longer than %d characters written "
			      "out in plain numbers%s, as performance data shows it",
			      MS_RANGE_TEXT_MAX - 1,
			      (flags & MS_RANGE_DURATION) ? " of seconds" : "");
		r->text[0] = '\0';
		return false;
	}
	return true;
}

bool ms_range_alerts(const struct ms_range *r, double value)
{
	if (isnan(value))
		return true;
	bool within = value >= r->start && value <= r->end;
	return r->inside ? within : !within;
}

enum ms_state ms_thresholds_state(const struct ms_thresholds *t, double value)
{
	if (t->has_critical && ms_range_alerts(&t->critical, value))
		return MS_CRITICAL;
	if (t->has_warning && ms_range_alerts(&t->warning, value))
		return MS_WARNING;
	return MS_OK;
}
