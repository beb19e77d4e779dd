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

/*
 * Writes the significant digits of sci ("-d.ddde+XX") as a plain decimal:
 * the decimal point moved by the exponent, zeros added where it leaves the
 * digits, trailing zeros of the fraction dropped.
 */
static void place_point(char buf[static MS_NUMBER_MAX], const char *sci)
{
	char digits[32];
	size_t nd = 0, out = 0;
	const char *p = sci;

	if (*p == '-')
		buf[out++] = *p++;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < sizeof(digits))
			digits[nd++] = *p;
	int exp = *p == 'e' ? atoi(p + 1) : 0;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	/* the first digit stands for 10^exp: the point goes after digit exp + 1 */
	long point = (long)exp + 1;
	if (point <= 0) {
		buf[out++] = '0';
		buf[out++] = '.';
		for (long i = point; i < 0; i++)
			buf[out++] = '0';
		memcpy(buf + out, digits, nd);
		out += nd;
	} else {
		for (long i = 0; i < point; i++)
			buf[out++] = (size_t)i < nd ? digits[i] : '0';
		if ((size_t)point < nd) {
			buf[out++] = '.';
			memcpy(buf + out, digits + point, nd - (size_t)point);
			out += nd - (size_t)point;
		}
	}
	buf[out] = '\0';
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
	if (v == 0) {
		strcpy(buf, "0");	/* -0 too */
		return buf;
	}
	/*
	 * The fewest significant digits that survive a round trip, as %.*e
	 * gives them (correctly rounded), written out without the exponent.
	 */
	format_sci(sci, sizeof(sci), ms_number_digits(v), v);
	place_point(buf, sci);
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
