/*
 * fuzz_perfdata: performance data as the plugins print it, read back the
 * way Nagios and its graphers read it:
 *
 *   'label'=value[UOM];[warn];[crit];[min];[max]
 *
 * The input is one flags byte (the UOM, whether min and max are set),
 * three doubles in the machine's byte order (value, min, max: any bits,
 * NaN included) and then "LABEL\nWARN\nCRIT" (the ranges are parsed as
 * -w and -c are; one that does not parse is left out).
 *
 * Checked: the output is one word of printable text (no '|', no control
 * character, no space outside the quotes) that parses by the grammar
 * above to the cleaned label, the same value, UOM and ranges, and min and
 * max. Every number is a plain decimal (no exponent) in the fewest
 * significant digits that read back as the same double. Independently, any
 * input that ms_parse_decimal() reads must print (ms_format_number) so.
 */
#include "config.h"

#include <math.h>

#include "fuzz.h"
#include "numfmt.h"
#include "perfdata.h"
#include "range.h"
#include "text.h"

#define FIXED_LEN (1 + 3 * sizeof(double))

static const char *const uoms[] = {
	"", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c",
	"xyz",	/* not a UOM: must be left out */
	NULL,
};
#define NUOMS (sizeof(uoms) / sizeof(uoms[0]))

/* [-]digits[.digits], no exponent, no "-0": what numfmt promises. */
static bool plain_decimal(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && s[i] == '-')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	if (d == 0)
		return false;
	if (i < n && s[i] == '.') {
		size_t f = 0;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			f++;
		if (f == 0)
			return false;
	}
	return i == n && !(n == 2 && s[0] == '-' && s[1] == '0');
}

/* Significant digits of a plain decimal: no sign, point, leading or trailing zeros. */
static int significant_digits(const char *s, size_t n)
{
	int digits = 0, zeros = 0;
	bool started = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || (!started && s[i] == '0'))
			continue;
		started = true;
		if (s[i] == '0') {
			zeros++;
		} else {
			digits += zeros + 1;
			zeros = 0;
		}
	}
	return digits ? digits : 1;
}

/*
 * A number field as written: "U" for NaN, else the same double in the
 * fewest significant digits that read back as it (never 2.4000000000000004
 * for a value that 2.4 reads back as).
 */
static void check_number(const char *s, size_t n, double want)
{
	char tmp[MS_NUMBER_MAX];

	if (isnan(want)) {
		if (n != 1 || s[0] != 'U')
			abort();
		return;
	}
	if (!plain_decimal(s, n) || n >= sizeof(tmp))
		abort();
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (ms_strtod_c(tmp, NULL) != want)
		abort();
	if (significant_digits(s, n) != ms_number_digits(want))
		abort();
}

/* The label at *p as Nagios reads it: quoted with '' for ', or up to '='. */
static char *read_label(const char **p, const char *end)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *s = *p;

	if (s < end && *s == '\'') {
		for (s++;; s++) {
			if (s >= end)
				abort();	/* unterminated quote */
			if (*s == '\'') {
				if (s + 1 < end && s[1] == '\'') {
					ms_buf_putc(&b, '\'');
					s++;
					continue;
				}
				s++;
				break;
			}
			ms_buf_putc(&b, *s);
		}
	} else {
		for (; s < end && *s != '='; s++) {
			if (*s == ' ' || *s == '\'')
				abort();	/* needed quoting */
			ms_buf_putc(&b, *s);
		}
	}
	*p = s;
	return ms_buf_steal(&b);
}

/* The next ';'-separated field at *p; false when none is left. */
static bool next_field(const char **p, const char *end, const char **f, size_t *n)
{
	if (*p >= end)
		return false;
	if (**p != ';')
		abort();
	const char *s = *p + 1, *semi = memchr(s, ';', (size_t)(end - s));
	*f = s;
	*n = (size_t)((semi ? semi : end) - s);
	*p = s + *n;
	return true;
}

static void check_range_field(const char *f, size_t n, const struct ms_range *r)
{
	if (r == NULL ? n != 0 : (strlen(r->text) != n || memcmp(f, r->text, n) != 0))
		abort();
}

static void check_output(const char *out, size_t len, const struct ms_perf *p)
{
	const char *s = out, *end = out + len;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f || c == '|')
			abort();
	}
	char *label = read_label(&s, end);
	char *clean = ms_text_clean(p->label, strlen(p->label));
	if (strcmp(label, clean) != 0)
		abort();
	free(label);
	free(clean);
	if (s >= end || *s++ != '=')
		abort();

	/* the value, then the UOM up to the first ';' */
	const char *v = s;
	while (s < end && (*s == '-' || *s == '.' || (*s >= '0' && *s <= '9') || *s == 'U'))
		s++;
	check_number(v, (size_t)(s - v), p->value);
	const char *u = s;
	while (s < end && *s != ';')
		s++;
	const char *want_uom = p->uom && ms_perf_uom_valid(p->uom) ? p->uom : "";
	if (strlen(want_uom) != (size_t)(s - u) || memcmp(u, want_uom, (size_t)(s - u)) != 0)
		abort();

	/* warn, crit, min, max; trailing empty fields are left off */
	const char *f[4];
	size_t n[4];
	int have = 0;
	while (have < 4 && next_field(&s, end, &f[have], &n[have]))
		have++;
	if (s != end || (have > 0 && n[have - 1] == 0))
		abort();
	for (int i = have; i < 4; i++)
		f[i] = "", n[i] = 0;
	check_range_field(f[0], n[0], p->warn);
	check_range_field(f[1], n[1], p->crit);
	if (p->has_min)
		check_number(f[2], n[2], p->min);
	else if (n[2] != 0)
		abort();
	if (p->has_max)
		check_number(f[3], n[3], p->max);
	else if (n[3] != 0)
		abort();
}

static const struct ms_range *parse_range(const char *s, size_t n, struct ms_range *r)
{
	char *text = fuzz_cstr((const uint8_t *)s, n);
	struct ms_buf err = MS_BUF_INIT;
	bool ok = ms_range_parse(text, MS_RANGE_PLAIN, r, &err);

	ms_buf_free(&err);
	free(text);
	return ok ? r : NULL;
}

static void fuzz_format(const uint8_t *data, size_t size)
{
	struct ms_perf p = { 0 };
	struct ms_range warn, crit;
	double d[3];

	if (size < FIXED_LEN)
		return;
	memcpy(d, data + 1, sizeof(d));
	/* infinities are not perfdata ("inf"); plugins never measure one */
	if (isinf(d[0]) || isinf(d[1]) || isinf(d[2]))
		return;
	p.uom = uoms[data[0] % NUOMS];
	p.has_min = data[0] & 0x40;
	p.has_max = data[0] & 0x80;
	p.value = d[0];
	p.min = d[1];
	p.max = d[2];

	/* LABEL\nWARN\nCRIT; the label holds no NUL, as a C string */
	const char *rest = (const char *)data + FIXED_LEN, *end = (const char *)data + size;
	const char *nl1 = memchr(rest, '\n', (size_t)(end - rest));
	const char *nl2 = nl1 ? memchr(nl1 + 1, '\n', (size_t)(end - nl1 - 1)) : NULL;
	char *label = fuzz_cstr((const uint8_t *)rest, (size_t)((nl1 ? nl1 : end) - rest));
	if (nl1)
		p.warn = parse_range(nl1 + 1, (size_t)((nl2 ? nl2 : end) - nl1 - 1), &warn);
	if (nl2)
		p.crit = parse_range(nl2 + 1, (size_t)(end - nl2 - 1), &crit);
	p.label = label;

	struct ms_buf b = MS_BUF_INIT;
	ms_perf_format(&b, &p);
	check_output(ms_buf_str(&b), b.len, &p);
	ms_buf_free(&b);
	free(label);
}

/* Whatever ms_parse_decimal reads prints as a decimal that reads back. */
static void fuzz_decimal(const uint8_t *data, size_t size)
{
	char out[MS_NUMBER_MAX];
	double v, again;

	if (!ms_parse_decimal((const char *)data, size, &v))
		return;
	ms_format_number(out, v);
	size_t n = strlen(out);
	check_number(out, n, v);
	/* ms_parse_decimal takes at most 127 bytes; within that it must agree */
	if (n < 128 && (!ms_parse_decimal(out, n, &again) || again != v))
		abort();
	if (ms_number_digits(v) < 1 || ms_number_digits(v) > 17)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_format(data, size);
	fuzz_decimal(data, size);
	return 0;
}
