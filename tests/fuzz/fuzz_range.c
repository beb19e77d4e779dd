/*
 * fuzz_range: Nagios threshold ranges (-w/-c), plain and with durations.
 *
 * Beyond "no crash": a range that parses must print (its normalized text)
 * as something that parses again to the same range, and must answer
 * alerts for its own ends without trapping on NaN or infinities.
 */
#include <math.h>

#include "fuzz.h"
#include "range.h"

static void check_round_trip(const struct ms_range *r, int flags)
{
	struct ms_range again;
	struct ms_buf err = MS_BUF_INIT;

	if (!ms_range_parse(r->text, flags, &again, &err))
		abort();	/* what we print for perfdata must parse */
	if (again.inside != r->inside || strcmp(again.text, r->text) != 0 ||
	    again.start != r->start || again.end != r->end)
		abort();	/* and it must be the range applied */
	(void)ms_range_alerts(r, r->start);
	(void)ms_range_alerts(r, r->end);
	(void)ms_range_alerts(r, NAN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct ms_range r;
	struct ms_buf err = MS_BUF_INIT;

	if (ms_range_parse(s, MS_RANGE_PLAIN, &r, &err))
		check_round_trip(&r, MS_RANGE_PLAIN);
	else if (err.len == 0)
		abort();	/* a failure must say why */
	ms_buf_reset(&err);
	if (ms_range_parse(s, MS_RANGE_DURATION, &r, &err))
		check_round_trip(&r, MS_RANGE_DURATION);
	else if (err.len == 0)
		abort();
	ms_buf_free(&err);
	free(s);
	return 0;
}
