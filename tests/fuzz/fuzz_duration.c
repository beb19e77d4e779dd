/*
 * fuzz_duration: durations given on the command line ("90", "4h30m",
 * "1.5d") and in the publisher's configuration.
 *
 * Beyond "no crash": a duration that parses is finite and not negative;
 * its short human form fits any buffer it is given, NUL-terminated,
 * however large the value (a 16-byte buffer and a large one are tried),
 * and reads back as the same duration, give or take the unit the form
 * drops ("4h12m" loses the seconds, "3d04h" the minutes).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "duration.h"
#include "fuzz.h"
#include "numfmt.h"

/* The command line holds strings: what follows a NUL is never seen. */
#define DURATION_INPUT_MAX 4096

/* What the short form may drop: half its last unit, or all of it when cut. */
static double format_slack(double seconds)
{
	if (seconds < 10)
		return 0.0005 + 1e-12;	/* half a millisecond, and the product's rounding */
	if (seconds < 3600)
		return 0.5;
	if (seconds < 86400)
		return 60;
	return 3600 + seconds * 1e-15;
}

/* The short form is itself a duration: it must say the same. */
static void check_meaning(const char *text, double seconds)
{
	struct ms_buf err = MS_BUF_INIT;
	double again;

	if (!isfinite(seconds) || seconds < 0)
		return;		/* printed as a number, not as a duration */
	bool ok = ms_duration_parse(text, &again, &err);
	ms_buf_free(&err);
	if (!ok) {
		/* only a number of days longer than ms_parse_decimal's 127 bytes */
		if (seconds < 1e120)
			abort();
		return;
	}
	if (fabs(again - seconds) > format_slack(seconds))
		abort();
}

static void check_format(double seconds)
{
	char full[MS_NUMBER_MAX + 32];
	char small[16];

	memset(small, 'x', sizeof(small));
	ms_duration_format(small, sizeof(small), seconds);
	if (memchr(small, '\0', sizeof(small)) == NULL)
		abort();	/* not terminated within its size */
	ms_duration_format(full, sizeof(full), seconds);
	size_t n = strlen(full);
	if (n == 0 || n >= sizeof(full) - 1)
		abort();	/* empty, or (nearly) filled: would have been cut */
	/* the small one is the same text, cut */
	if (strncmp(small, full, sizeof(small) - 1) != 0)
		abort();
	check_meaning(full, seconds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > DURATION_INPUT_MAX)
		return 0;

	char *s = fuzz_cstr(data, size);
	struct ms_buf err = MS_BUF_INIT;
	double seconds;

	if (ms_duration_parse(s, &seconds, &err)) {
		if (!isfinite(seconds) || seconds < 0 || err.len != 0)
			abort();
		check_format(seconds);
	} else if (err.len == 0) {
		abort();	/* a failure must say why */
	}
	ms_buf_free(&err);
	/* The printer also sees values that did not come from the parser. */
	if (size >= sizeof(double)) {
		double raw;
		memcpy(&raw, data, sizeof(raw));
		check_format(raw);
	}
	free(s);
	return 0;
}
