/*
 * perfparse: a plugin's performance data. See perfparse.h.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "numfmt.h"
#include "perfparse.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* To the end of the item: the next blank (or the end). */
static const char *skip_item(const char *s)
{
	while (*s != '\0' && !is_space(*s))
		s++;
	return s;
}

/*
 * 'label' with '' for a quote: into it->label; returns what follows the
 * closing quote, or NULL when there is none.
 */
static const char *quoted_label(const char *s, struct pub_perf_item *it)
{
	size_t n = 0;
	bool fits = true;

	for (s++; *s != '\0'; s++) {
		if (*s == '\'') {
			if (s[1] != '\'')
				break;
			s++;	/* '' is one quote */
		}
		if (n + 1 < sizeof(it->label))
			it->label[n++] = *s;
		else
			fits = false;
	}
	it->label[n] = '\0';
	if (*s != '\'')
		return NULL;
	it->label_ok = fits && n > 0;
	return s + 1;
}

/* A bare label: up to '='; returns where it stopped. */
static const char *bare_label(const char *s, struct pub_perf_item *it)
{
	size_t n = 0;
	bool fits = true;

	for (; *s != '\0' && *s != '=' && !is_space(*s); s++) {
		if (n + 1 < sizeof(it->label))
			it->label[n++] = *s;
		else
			fits = false;
	}
	it->label[n] = '\0';
	it->label_ok = fits && n > 0;
	return s;
}

/* value[UOM] up to ';' or a blank. */
static void read_value(const char *s, size_t len, struct pub_perf_item *it)
{
	size_t num = 0, unit;

	while (num < len && (s[num] == '-' || s[num] == '+' || s[num] == '.' ||
			     (s[num] >= '0' && s[num] <= '9')))
		num++;
	unit = len - num;
	if (num == 0 || unit >= sizeof(it->unit) || !ms_parse_decimal(s, num, &it->value) ||
	    !isfinite(it->value))
		return;
	for (size_t i = num; i < len; i++)
		if ((s[i] >= '0' && s[i] <= '9') || s[i] == '\'' || s[i] == '=' ||
		    (unsigned char)s[i] < 0x20)
			return;	/* a unit has no digits: this is garbage */
	memcpy(it->unit, s + num, unit);
	it->unit[unit] = '\0';
	it->has_value = true;
}

bool pub_perfdata_next(const char **p, struct pub_perf_item *it)
{
	const char *s = *p, *v;
	size_t len;

	while (is_space(*s))
		s++;
	if (*s == '\0') {
		*p = s;
		return false;
	}
	memset(it, 0, sizeof(*it));
	v = *s == '\'' ? quoted_label(s, it) : bare_label(s, it);
	if (v == NULL) {		/* no closing quote: nothing more can be read */
		it->label_ok = false;
		*p = s + strlen(s);
		return true;
	}
	if (*v != '=') {
		it->label_ok = false;
		*p = skip_item(v);
		return true;
	}
	v++;
	len = strcspn(v, "; \t\r\n");
	read_value(v, len, it);
	*p = skip_item(v);
	return true;
}

bool pub_perfdata_find(const char *perfdata, const char *label, struct pub_perf_item *item)
{
	const char *p = perfdata ? perfdata : "";

	while (pub_perfdata_next(&p, item))
		if (item->label_ok && item->has_value && strcmp(item->label, label) == 0)
			return true;
	return false;
}

bool pub_perf_normalise(double *value, char unit[PUB_PERF_UNIT_MAX])
{
	static const struct { const char *unit; double per_second; } times[] = {
		{ "s", 1.0 }, { "ms", 1e3 }, { "us", 1e6 },
	};

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		if (strcmp(unit, times[i].unit) == 0) {
			*value /= times[i].per_second;
			strcpy(unit, "s");
			return true;
		}
	return false;
}
