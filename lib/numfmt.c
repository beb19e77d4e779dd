/*
 * numfmt: locale-independent number formatting and parsing. See numfmt.h.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "xalloc.h"

static locale_t c_locale(void)
{
	static locale_t loc = (locale_t)0;

	if (loc == (locale_t)0) {
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		if (loc == (locale_t)0)
			ms_oom(); /* newlocale fails only without memory */
	}
	return loc;
}

double ms_strtod_c(const char *s, char **end)
{
	return strtod_l(s, end, c_locale());
}

/* snprintf("%.*f") in the C locale. */
static void format_fixed(char *buf, size_t size, int decimals, double v)
{
	locale_t old = uselocale(c_locale());
	snprintf(buf, size, "%.*f", decimals, v);
	uselocale(old);
}

/* %.*e in the C locale. */
static void format_sci(char *buf, size_t size, int digits, double v)
{
	locale_t old = uselocale(c_locale());
	snprintf(buf, size, "%.*e", digits - 1, v);
	uselocale(old);
}

int ms_number_digits(double v)
{
	char sci[64];

	if (!isfinite(v))
		return 1;
	for (int digits = 1; digits < 17; digits++) {
		format_sci(sci, sizeof(sci), digits, v);
		if (ms_strtod_c(sci, NULL) == v)
			return digits;
	}
	return 17;
}

char *ms_format_number(char buf[static MS_NUMBER_MAX], double v)
{
	char sci[64];

	if (isnan(v)) {
		strcpy(buf, "U");
		return buf;
	}
	if (isinf(v)) {
		strcpy(buf, v < 0 ? "-inf" : "inf");
		return buf;
	}
	/*
	 * Print the fewest significant digits that survive a round trip in
	 * fixed notation; %.*e tells us where the decimal point goes.
	 */
	int digits = ms_number_digits(v);
	format_sci(sci, sizeof(sci), digits, v);
	const char *e = strchr(sci, 'e');
	int decimals = digits - 1 - (e ? atoi(e + 1) : 0);
	format_fixed(buf, MS_NUMBER_MAX, decimals < 0 ? 0 : decimals, v);
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	return buf;
}

bool ms_parse_decimal(const char *s, size_t n, double *v)
{
	size_t i = 0, digits = 0;
	char tmp[128];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			i++;
			digits++;
		}
	}
	if (i != n || digits == 0)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*v = ms_strtod_c(tmp, NULL);
	return isfinite(*v);
}

bool ms_parse_uint(const char *s, size_t n, unsigned long long max, unsigned long long *v)
{
	unsigned long long x = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}
