/*
 * duration: parsing and printing time spans. See duration.h.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "numfmt.h"
#include "strbuf.h"

/* A unit is a whole number of seconds, or of milliseconds (3 more decimals). */
struct unit {
	const char *name;
	unsigned factor;
	unsigned decimals;
};

/* Longest names first so "ms" is not read as "m" followed by "s". */
static const struct unit units[] = {
	{ "ms", 1, 3 }, { "s", 1, 0 }, { "m", 60, 0 }, { "h", 3600, 0 }, { "d", 86400, 0 },
};

/*
 * The parts of "1h30m" or "2400ms" are added up in decimal, exactly, and
 * only the sum becomes a double: 2400ms is the double nearest 2.4, where
 * 2400 * 0.001 is 2.4000000000000004 and perfdata would say so.
 *
 * A sum is its decimal digits (no point) and how many of them are decimals.
 */
struct decimal {
	struct ms_buf digits;
	size_t decimals;
};

/* The digits of a plain number text ("12.50"), its decimals counted. */
static void decimal_from_text(struct decimal *d, const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);

	ms_buf_reset(&d->digits);
	for (size_t i = 0; i < n; i++)
		if (s[i] != '.')
			ms_buf_putc(&d->digits, s[i]);
	if (d->digits.len == 0)
		ms_buf_putc(&d->digits, '0');
	d->decimals = dot ? n - (size_t)(dot - s) - 1 : 0;
}

/* d *= factor (a whole number); digits grow at the front. */
static void decimal_multiply(struct decimal *d, unsigned factor)
{
	struct ms_buf out = MS_BUF_INIT;
	unsigned long carry = 0;

	for (size_t i = d->digits.len; i-- > 0;) {
		unsigned long x = (unsigned long)(d->digits.data[i] - '0') * factor + carry;
		ms_buf_putc(&out, (char)('0' + x % 10));
		carry = x / 10;
	}
	for (; carry; carry /= 10)
		ms_buf_putc(&out, (char)('0' + carry % 10));
	/* out holds the digits backwards */
	ms_buf_reset(&d->digits);
	for (size_t i = out.len; i-- > 0;)
		ms_buf_putc(&d->digits, out.data[i]);
	ms_buf_free(&out);
}

/* Appends zeros to d until it has decimals decimals. */
static void decimal_widen(struct decimal *d, size_t decimals)
{
	for (; d->decimals < decimals; d->decimals++)
		ms_buf_putc(&d->digits, '0');
}

/* sum += part (part is widened on the way). */
static void decimal_add(struct decimal *sum, struct decimal *part)
{
	struct ms_buf out = MS_BUF_INIT;
	size_t decimals = sum->decimals > part->decimals ? sum->decimals : part->decimals;
	unsigned carry = 0;

	decimal_widen(sum, decimals);
	decimal_widen(part, decimals);
	for (size_t i = 0; i < sum->digits.len || i < part->digits.len || carry; i++) {
		unsigned x = carry;
		if (i < sum->digits.len)
			x += (unsigned)(sum->digits.data[sum->digits.len - 1 - i] - '0');
		if (i < part->digits.len)
			x += (unsigned)(part->digits.data[part->digits.len - 1 - i] - '0');
		ms_buf_putc(&out, (char)('0' + x % 10));
		carry = x / 10;
	}
	ms_buf_reset(&sum->digits);
	for (size_t i = out.len; i-- > 0;)
		ms_buf_putc(&sum->digits, out.data[i]);
	ms_buf_free(&out);
}

/* The double nearest the decimal (strtod rounds correctly). */
static double decimal_value(const struct decimal *d)
{
	struct ms_buf text = MS_BUF_INIT;
	size_t n = d->digits.len;

	if (d->decimals >= n) {
		ms_buf_puts(&text, "0.");
		for (size_t i = n; i < d->decimals; i++)
			ms_buf_putc(&text, '0');
		ms_buf_add(&text, d->digits.data, n);
	} else {
		ms_buf_add(&text, d->digits.data, n - d->decimals);
		ms_buf_putc(&text, '.');
		ms_buf_add(&text, d->digits.data + n - d->decimals, d->decimals);
	}
	double v = ms_strtod_c(ms_buf_str(&text), NULL);
	ms_buf_free(&text);
	return v;
}

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

/* Reads the parts of s into sum; false with a sentence in err. */
static bool add_parts(const char *s, struct decimal *sum, struct ms_buf *err)
{
	const char *p = s;
	unsigned last_factor = UINT_MAX, last_decimals = 0;
	struct decimal part = { MS_BUF_INIT, 0 };
	bool ok = false;

	while (*p) {
		size_t numlen = strspn(p, "0123456789.");
		double value;
		if (numlen == 0 || !ms_parse_decimal(p, numlen, &value)) {
			ms_buf_printf(err, "expected a number at '%s'", p);
			goto out;
		}
		decimal_from_text(&part, p, numlen);
		p += numlen;
		if (*p == '\0') {
			if (p - numlen != s) {
				ms_buf_printf(err, "missing unit after '%.*s' (use s, m, h or d)",
					      (int)numlen, p - numlen);
				goto out;
			}
			decimal_add(sum, &part); /* a bare number: seconds */
			break;
		}
		size_t ulen;
		const struct unit *u = match_unit(p, &ulen);
		if (u == NULL) {
			ms_buf_printf(err, "unknown unit '%c' (use s, m, h or d)", *p);
			goto out;
		}
		if (u->factor > last_factor ||
		    (u->factor == last_factor && u->decimals <= last_decimals)) {
			ms_buf_puts(err, "units must go from the largest down, as in 1h30m");
			goto out;
		}
		last_factor = u->factor;
		last_decimals = u->decimals;
		decimal_multiply(&part, u->factor);
		part.decimals += u->decimals;
		decimal_add(sum, &part);
		p += ulen;
	}
	ok = true;
out:
	ms_buf_free(&part.digits);
	return ok;
}

bool ms_duration_parse(const char *s, double *seconds, struct ms_buf *err)
{
	struct decimal sum = { MS_BUF_INIT, 0 };

	if (*s == '\0') {
		ms_buf_puts(err, "empty duration");
		return false;
	}
	if (!add_parts(s, &sum, err)) {
		ms_buf_free(&sum.digits);
		return false;
	}
	double total = decimal_value(&sum);
	ms_buf_free(&sum.digits);
	if (!isfinite(total)) {
		ms_buf_puts(err, "duration too large");
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
