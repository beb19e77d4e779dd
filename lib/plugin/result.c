/*
 * result: the verdict of one plugin run. See result.h.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "result.h"
#include "text.h"
#include "xalloc.h"

enum entry_kind { ENTRY_CHECK, ENTRY_LINE };

struct entry {
	enum entry_kind kind;
	enum ms_state state;
	char *text;		/* already cleaned to one line */
};

struct perf_item {
	char *label;
	double value;
	char *uom;
	bool has_warn, has_crit, has_min, has_max;
	struct ms_range warn, crit;
	double min, max;
};

struct ms_result {
	char *label;
	char *summary;		/* NULL: derived from the sub-checks */
	enum ms_state state;
	size_t nchecks;
	struct entry *entries;
	size_t nentries, capentries;
	struct perf_item *perf;
	size_t nperf, capperf;
};

struct ms_result *ms_result_new(const char *label)
{
	struct ms_result *r = ms_xcalloc(1, sizeof(*r));

	r->label = ms_text_clean(label, strlen(label));
	r->state = MS_OK;
	return r;
}

void ms_result_free(struct ms_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nentries; i++)
		free(r->entries[i].text);
	for (size_t i = 0; i < r->nperf; i++) {
		free(r->perf[i].label);
		free(r->perf[i].uom);
	}
	free(r->entries);
	free(r->perf);
	free(r->summary);
	free(r->label);
	free(r);
}

__attribute__((format(printf, 1, 0)))
static char *clean_vformat(const char *fmt, va_list ap)
{
	struct ms_buf raw = MS_BUF_INIT;

	ms_buf_vprintf(&raw, fmt, ap);
	char *s = ms_text_clean(ms_buf_str(&raw), raw.len);
	ms_buf_free(&raw);
	return s;
}

static void add_entry(struct ms_result *r, enum entry_kind kind,
		      enum ms_state state, char *text)
{
	ms_xgrow(&r->entries, &r->capentries, r->nentries + 1, sizeof(*r->entries));
	r->entries[r->nentries].kind = kind;
	r->entries[r->nentries].state = state;
	r->entries[r->nentries].text = text;
	r->nentries++;
}

void ms_result_add(struct ms_result *r, enum ms_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_entry(r, ENTRY_CHECK, state, clean_vformat(fmt, ap));
	va_end(ap);
	r->nchecks++;
	r->state = ms_state_worst(r->state, state);
}

void ms_result_summary(struct ms_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->summary);
	r->summary = clean_vformat(fmt, ap);
	va_end(ap);
}

void ms_result_line(struct ms_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_entry(r, ENTRY_LINE, MS_OK, clean_vformat(fmt, ap));
	va_end(ap);
}

void ms_result_perf(struct ms_result *r, const struct ms_perf *p)
{
	ms_xgrow(&r->perf, &r->capperf, r->nperf + 1, sizeof(*r->perf));
	struct perf_item *it = &r->perf[r->nperf++];

	memset(it, 0, sizeof(*it));
	it->label = ms_text_clean(p->label, strlen(p->label));
	it->value = p->value;
	it->uom = ms_xstrdup(p->uom && ms_perf_uom_valid(p->uom) ? p->uom : "");
	if (p->warn) {
		it->has_warn = true;
		it->warn = *p->warn;
	}
	if (p->crit) {
		it->has_crit = true;
		it->crit = *p->crit;
	}
	it->has_min = p->has_min;
	it->min = p->min;
	it->has_max = p->has_max;
	it->max = p->max;
}

enum ms_state ms_result_state(const struct ms_result *r)
{
	return r->state;
}

static void item_to_perf(const struct perf_item *it, struct ms_perf *p)
{
	p->label = it->label;
	p->value = it->value;
	p->uom = it->uom;
	p->warn = it->has_warn ? &it->warn : NULL;
	p->crit = it->has_crit ? &it->crit : NULL;
	p->has_min = it->has_min;
	p->min = it->min;
	p->has_max = it->has_max;
	p->max = it->max;
}

/* The summary as it will be printed; the caller frees it. */
static char *summary_text(const struct ms_result *r)
{
	struct ms_buf b = MS_BUF_INIT;

	if (r->summary)
		return ms_xstrdup(r->summary);
	for (size_t i = 0; i < r->nentries; i++) {
		const struct entry *e = &r->entries[i];
		if (e->kind != ENTRY_CHECK || e->state != r->state)
			continue;
		if (b.len)
			ms_buf_puts(&b, "; ");
		ms_buf_puts(&b, e->text);
	}
	return ms_buf_steal(&b);
}

/* Sub-checks are listed only when the summary does not already say it all. */
static bool list_checks(const struct ms_result *r)
{
	return r->nchecks > 1 || (r->nchecks == 1 && r->summary != NULL);
}

static void write_classic(const struct ms_result *r, FILE *out)
{
	struct ms_buf line = MS_BUF_INIT, rest = MS_BUF_INIT, item = MS_BUF_INIT;
	char *summary = summary_text(r);

	ms_buf_printf(&line, "%s %s", r->label, ms_state_name(r->state));
	if (summary[0])
		ms_buf_printf(&line, " - %s", summary);
	bool first_perf = true;
	for (size_t i = 0; i < r->nperf; i++) {
		struct ms_perf p;
		item_to_perf(&r->perf[i], &p);
		ms_buf_reset(&item);
		ms_perf_format(&item, &p);
		/* " | " before the first value, " " between values */
		size_t need = line.len + item.len + (first_perf ? 3 : 1);
		if (rest.len == 0 && need <= MS_FIRST_LINE_MAX) {
			ms_buf_puts(&line, first_perf ? " | " : " ");
			first_perf = false;
		} else {
			ms_buf_puts(&rest, rest.len ? " " : "| ");
			ms_buf_add(&rest, item.data, item.len);
			continue;
		}
		ms_buf_add(&line, item.data, item.len);
	}
	fprintf(out, "%s\n", ms_buf_str(&line));
	for (size_t i = 0; i < r->nentries; i++) {
		const struct entry *e = &r->entries[i];
		if (e->kind == ENTRY_CHECK && list_checks(r))
			fprintf(out, "[%s] %s\n", ms_state_name(e->state), e->text);
		else if (e->kind == ENTRY_LINE)
			fprintf(out, "%s\n", e->text);
	}
	if (rest.len)
		fprintf(out, "%s\n", ms_buf_str(&rest));
	free(summary);
	ms_buf_free(&line);
	ms_buf_free(&rest);
	ms_buf_free(&item);
}

/*
 * The JSON document is written here rather than by jansson's dumper, whose
 * reals are printed with one %.*g precision for the whole document: an
 * exponent (6.2e-05) or clock noise (2.3999999999999999) for numbers that
 * the classic output prints as 0.000062 and 2.4. jansson still escapes the
 * strings.
 */
static void json_put_string(struct ms_buf *b, const char *s)
{
	json_t *str = json_string(s);
	char *text = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;

	if (text == NULL)
		ms_oom(); /* every string was cleaned to UTF-8: only memory fails here */
	ms_buf_puts(b, text);
	free(text);
	json_decref(str);
}

/*
 * The shortest plain decimal that reads back as v (ms_format_number);
 * null when not finite. A whole number beyond 64-bit integers gets ".0",
 * so parsers that keep integers in 64 bits (jansson) read it as a real.
 */
static void json_put_number(struct ms_buf *b, double v)
{
	char num[MS_NUMBER_MAX];

	if (!isfinite(v)) {
		ms_buf_puts(b, "null");
		return;
	}
	ms_buf_puts(b, ms_format_number(num, v));
	if (fabs(v) >= 0x1p63 && !strchr(num, '.'))
		ms_buf_puts(b, ".0");
}

static void json_put_range(struct ms_buf *b, bool has, const struct ms_range *range)
{
	if (!has) {
		ms_buf_puts(b, "null");
		return;
	}
	ms_buf_puts(b, "{\"range\":");
	json_put_string(b, range->text);
	ms_buf_puts(b, ",\"start\":");
	json_put_number(b, range->start);
	ms_buf_puts(b, ",\"end\":");
	json_put_number(b, range->end);
	ms_buf_printf(b, ",\"inside\":%s}", range->inside ? "true" : "false");
}

static void json_put_perf(struct ms_buf *b, const struct perf_item *it)
{
	ms_buf_puts(b, "{\"label\":");
	json_put_string(b, it->label);
	ms_buf_puts(b, ",\"value\":");
	json_put_number(b, it->value);
	ms_buf_puts(b, ",\"uom\":");
	json_put_string(b, it->uom);
	ms_buf_puts(b, ",\"warn\":");
	json_put_range(b, it->has_warn, &it->warn);
	ms_buf_puts(b, ",\"crit\":");
	json_put_range(b, it->has_crit, &it->crit);
	ms_buf_puts(b, ",\"min\":");
	if (it->has_min)
		json_put_number(b, it->min);
	else
		ms_buf_puts(b, "null");
	ms_buf_puts(b, ",\"max\":");
	if (it->has_max)
		json_put_number(b, it->max);
	else
		ms_buf_puts(b, "null");
	ms_buf_putc(b, '}');
}

/* The entries of one kind as a JSON array: sub-checks as objects, lines as strings. */
static void json_put_entries(struct ms_buf *b, const struct ms_result *r, enum entry_kind kind)
{
	bool first = true;

	ms_buf_putc(b, '[');
	for (size_t i = 0; i < r->nentries; i++) {
		const struct entry *e = &r->entries[i];
		if (e->kind != kind)
			continue;
		if (!first)
			ms_buf_putc(b, ',');
		first = false;
		if (kind == ENTRY_CHECK) {
			ms_buf_printf(b, "{\"state\":\"%s\",\"text\":", ms_state_name(e->state));
			json_put_string(b, e->text);
			ms_buf_putc(b, '}');
		} else {
			json_put_string(b, e->text);
		}
	}
	ms_buf_putc(b, ']');
}

static void write_json(const struct ms_result *r, FILE *out)
{
	struct ms_buf b = MS_BUF_INIT;
	char *summary = summary_text(r);

	ms_buf_puts(&b, "{\"name\":");
	json_put_string(&b, r->label);
	ms_buf_printf(&b, ",\"state\":\"%s\",\"exit_code\":%d,\"summary\":",
		      ms_state_name(r->state), (int)r->state);
	json_put_string(&b, summary);
	ms_buf_puts(&b, ",\"checks\":");
	json_put_entries(&b, r, ENTRY_CHECK);
	ms_buf_puts(&b, ",\"long_output\":");
	json_put_entries(&b, r, ENTRY_LINE);
	ms_buf_puts(&b, ",\"perfdata\":[");
	for (size_t i = 0; i < r->nperf; i++) {
		if (i)
			ms_buf_putc(&b, ',');
		json_put_perf(&b, &r->perf[i]);
	}
	ms_buf_puts(&b, "]}\n");
	fwrite(b.data, 1, b.len, out);
	ms_buf_free(&b);
	free(summary);
}

void ms_result_write(const struct ms_result *r, enum ms_format format, FILE *out)
{
	if (format == MS_FORMAT_JSON)
		write_json(r, out);
	else
		write_classic(r, out);
	fflush(out);
}
