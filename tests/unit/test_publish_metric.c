/*
 * Unit tests: the response-time strip (metric =): the perfdata parser
 * (publisher/source/perfparse.c), the samples a run records and the
 * store keeps (model/metric.c, store.c), the figures and the chart's
 * buckets, and what index.html and status.json show (site/site_metric.c,
 * board_metric.c, render/statusjson.c).
 */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "evaluate.h"
#include "freshness.h"
#include "helpers.h"
#include "metric.h"
#include "perfparse.h"
#include "site.h"
#include "source.h"
#include "store.h"
#include "test_publish_suites.h"

/* 2026-11-25 16:30:00 UTC */
#define NOW ((time_t)1795624200)
#define DAY 86400

/* --- the perfdata parser ------------------------------------------- */

static void expect_value(const char *perf, const char *label, double value, const char *unit)
{
	struct pub_perf_item it;

	ck_assert_msg(pub_perfdata_find(perf, label, &it), "'%s' not found in \"%s\"", label, perf);
	ck_assert_msg(it.value == value, "'%s' in \"%s\": %.17g, want %.17g", label, perf,
		      it.value, value);
	ck_assert_str_eq(it.unit, unit);
}

static void expect_none(const char *perf, const char *label)
{
	struct pub_perf_item it;

	ck_assert_msg(!pub_perfdata_find(perf, label, &it), "'%s' found in \"%s\": %g%s", label,
		      perf, it.value, it.unit);
}

START_TEST(perfdata_labels_values_units)
{
	const char *p = "time=0.52s;1;2;0; 'send total'=412ms;;;0 'it''s'=3 "
			"size=1024B;;;; pct=97.5%;90;95;0;100 c=12c neg=-1.5 'a=b'=7us";

	expect_value(p, "time", 0.52, "s");
	expect_value(p, "send total", 412, "ms");
	expect_value(p, "it's", 3, "");
	expect_value(p, "size", 1024, "B");
	expect_value(p, "pct", 97.5, "%");
	expect_value(p, "c", 12, "c");
	expect_value(p, "neg", -1.5, "");
	expect_value(p, "a=b", 7, "us");
	/* labels compare exactly; quotes are not part of them */
	expect_none(p, "Time");
	expect_none(p, "'send total'");
	expect_none(p, "send");
	/* the first of a label counts; blanks of any kind separate items */
	expect_value("x=1 x=2", "x", 1, "");
	expect_value("  \tx=1\r\ny=2s  ", "y", 2, "s");
}
END_TEST

START_TEST(perfdata_garbage_is_skipped)
{
	/* U (no measurement), commas, exponents, digits in units, no '=': no value */
	expect_none("t=U;1;2", "t");
	expect_none("t=0,5s", "t");
	expect_none("t=1e-3s", "t");
	expect_none("t=5s5", "t");
	expect_none("t=", "t");
	expect_none("t", "t");
	expect_none("=5", "");
	expect_none("t=-", "t");
	expect_none("t=inf", "t");
	expect_none("t=1.2.3", "t");
	expect_none("t=1reallylongunitname", "t");
	expect_none("", "t");
	/* a broken item does not hide the next one */
	expect_value("bad t=U 'open x=1 y'=2", "open x=1 y", 2, "");
	expect_none("'t=1", "t");	/* an unclosed quote ends the line */
	expect_value("garbage ;;; t=0.5s", "t", 0.5, "s");
	expect_value("'x'y=1 t=3ms", "t", 3, "ms");
	expect_none(NULL, "t");
	/* a label longer than the buffer never matches a prefix of itself */
	char longp[600], label[PUB_PERF_LABEL_MAX + 10];
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	snprintf(longp, sizeof(longp), "%s=1 b=2", label);
	label[PUB_PERF_LABEL_MAX - 1] = '\0';
	expect_none(longp, label);
	expect_value(longp, "b", 2, "");
}
END_TEST

START_TEST(time_units_normalise_to_seconds)
{
	static const struct { double v; const char *unit; double want; const char *want_unit; }
	cases[] = {
		{ 0.52, "s", 0.52, "s" }, { 412, "ms", 0.412, "s" }, { 7, "us", 7e-6, "s" },
		{ 97.5, "%", 97.5, "%" }, { 1024, "B", 1024, "B" }, { 3, "", 3, "" },
		{ 5, "MS", 5, "MS" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double v = cases[i].v;
		char unit[PUB_PERF_UNIT_MAX];
		snprintf(unit, sizeof(unit), "%s", cases[i].unit);
		pub_perf_normalise(&v, unit);
		ck_assert_msg(fabs(v - cases[i].want) < 1e-15, "%g%s -> %g", cases[i].v,
			      cases[i].unit, v);
		ck_assert_str_eq(unit, cases[i].want_unit);
	}
}
END_TEST

START_TEST(values_in_words)
{
	static const struct { double v; const char *unit, *want; } cases[] = {
		{ 0.52, "s", "0.52 s" }, { 2.1, "s", "2.10 s" }, { 0.012, "s", "0.012 s" },
		{ 0.0012, "s", "0.0012 s" }, { 0.00005, "s", "0.000050 s" }, { 0, "s", "0 s" },
		{ 1234, "B", "1234 B" }, { 97.5, "%", "97.50 %" }, { 3, "", "3.00" },
		{ -0.5, "s", "-0.50 s" }, { 0.1, "s", "0.10 s" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ms_buf b = MS_BUF_INIT;
		pub_site_metric_value(&b, cases[i].v, cases[i].unit);
		ck_assert_str_eq(ms_buf_str(&b), cases[i].want);
		ms_buf_free(&b);
	}
}
END_TEST

/* --- figures and buckets ------------------------------------------ */

START_TEST(median_is_exact)
{
	struct pub_metric_sample s[] = {
		{ 1, 0.9 }, { 2, 0.41 }, { 3, 2.10 }, { 4, 0.52 }, { 5, 0.6 },
	};
	struct pub_metric_figures f;

	pub_metric_figures_of(s, 5, NULL, &f);	/* 0.41 0.52 0.6 0.9 2.10 */
	ck_assert_uint_eq(f.samples, 5);
	ck_assert(f.min == 0.41 && f.max == 2.10 && f.median == 0.6);
	pub_metric_figures_of(s, 4, NULL, &f);	/* 0.41 0.52 0.9 2.10: (0.52 + 0.9) / 2 */
	ck_assert_msg(fabs(f.median - 0.71) < 1e-15, "median %.17g", f.median);
	pub_metric_figures_of(s, 1, NULL, &f);
	ck_assert(f.min == 0.9 && f.median == 0.9 && f.max == 0.9);
	pub_metric_figures_of(s, 0, NULL, &f);
	ck_assert_uint_eq(f.samples, 0);
}
END_TEST

static int by_value(const void *a, const void *b);

/* The median against a sort's, on random counts and values with many repeats. */
START_TEST(median_equals_the_sorted_middle)
{
	struct pub_metric_sample s[257];
	double v[257];
	unsigned seed = 18;

	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)(rand_r(&seed) % 257);
		int spread = 1 + rand_r(&seed) % (round % 2 ? 5 : 100000);
		struct pub_metric_figures f;
		for (size_t i = 0; i < n; i++) {
			s[i].value = v[i] = (double)(rand_r(&seed) % spread) / 7.0;
			s[i].at = (time_t)i;
		}
		qsort(v, n, sizeof(v[0]), by_value);
		pub_metric_figures_of(s, n, NULL, &f);
		double want = n % 2 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
		ck_assert_msg(f.median == want && f.min == v[0] && f.max == v[n - 1],
			      "round %d, %zu values: median %.17g, want %.17g", round, n, f.median,
			      want);
	}
}
END_TEST

START_TEST(buckets_are_bounded_and_break_at_gaps)
{
	/* a week of a sample a minute: 10,080 samples into at most 300 buckets */
	size_t n = PUB_METRIC_MINUTES;
	struct pub_metric_sample *s = malloc(n * sizeof(*s));
	struct pub_metric_bucket b[PUB_METRIC_POINTS];
	time_t from = NOW - 7 * DAY, sum = 0;

	for (size_t i = 0; i < n; i++)
		s[i] = (struct pub_metric_sample){ from + (time_t)i * 60, (double)(i % 7) };
	size_t used = pub_metric_buckets(s, n, from, NOW, 1000, NULL, b);
	ck_assert_uint_eq(used, PUB_METRIC_POINTS);
	for (size_t i = 0; i < used; i++) {
		ck_assert_uint_eq(b[i].x, i);
		ck_assert(!b[i].gap_before || i == 0);
		ck_assert(b[i].min == 0 && b[i].max == 6);
		sum += (time_t)b[i].samples;
	}
	ck_assert_uint_eq((size_t)sum, n);
	/* samples outside [from, to) are left out */
	ck_assert_uint_eq(pub_metric_buckets(s, n, NOW, NOW + DAY, 300, NULL, b), 0);
	/* five-minute checks over 24 h: buckets of 288 s, some empty, yet one line */
	for (size_t i = 0; i < 288; i++)
		s[i] = (struct pub_metric_sample){ NOW - DAY + (time_t)i * 300, 1.0 };
	used = pub_metric_buckets(s, 288, NOW - DAY, NOW, 300, NULL, b);
	ck_assert_uint_eq(used, 288);
	for (size_t i = 1; i < used; i++)
		ck_assert_msg(!b[i].gap_before, "a gap at bucket %zu", i);
	/* two hours without a check: the line breaks there, once */
	for (size_t i = 100; i < 124; i++)
		s[i].at = 0;
	size_t k = 0;
	for (size_t i = 0; i < 288; i++)
		if (s[i].at != 0)
			s[k++] = s[i];
	used = pub_metric_buckets(s, k, NOW - DAY, NOW, 300, NULL, b);
	size_t gaps = 0;
	for (size_t i = 1; i < used; i++)
		gaps += b[i].gap_before;
	ck_assert_uint_eq(gaps, 1);
	free(s);
}
END_TEST

/* --- the store: one sample per check, per minute, a week ------------ */

static struct {
	char *dir;
	struct pub_store *st;
} sx;

static void store_setup(void)
{
	struct ms_buf err = MS_BUF_INIT, path = MS_BUF_INIT;

	sx.dir = temp_dir();
	ms_buf_printf(&path, "%s/publish.db", sx.dir);
	sx.st = pub_store_open(path.data, "status.example.com", &err);
	ck_assert_msg(sx.st != NULL, "%s", ms_buf_str(&err));
	ms_buf_free(&path);
	ms_buf_free(&err);
}

static void store_teardown(void)
{
	pub_store_close(sx.st);
	remove_tree(sx.dir);
	free(sx.dir);
}

static const struct pub_metric_key KEY = { "a", "webmail", "web1!send", "total" };

static bool add(time_t at, double v, time_t now)
{
	struct ms_buf err = MS_BUF_INIT;
	bool added;

	ck_assert_msg(pub_store_metric_add(sx.st, &KEY, at, v, "s", now, &added, &err), "%s",
		      ms_buf_str(&err));
	ms_buf_free(&err);
	return added;
}

/* The samples of KEY from `from` on (*s: free it); *newest the newest check's time. */
static size_t samples(time_t from, struct pub_metric_sample **s, time_t *newest)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_metric_samples m = { 0 };
	size_t n;

	ck_assert_msg(pub_store_metric_samples(sx.st, &KEY, from, &m, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(m.n == 0 || strcmp(m.unit, "s") == 0);
	*s = m.samples;
	n = m.n;
	*newest = m.newest;
	m.samples = NULL;
	pub_metric_samples_free(&m);
	ms_buf_free(&err);
	return n;
}

START_TEST(store_keeps_a_sample_per_check_and_minute)
{
	struct pub_metric_sample *s;
	time_t t = NOW - NOW % 60, newest;	/* a minute's start */

	ck_assert(add(t + 5, 0.5, NOW));
	ck_assert(!add(t + 5, 0.9, NOW));	/* the same check seen again */
	ck_assert(!add(t + 1, 0.9, NOW));	/* an older one */
	ck_assert(add(t + 50, 0.7, NOW));	/* later in the minute: replaces */
	ck_assert(add(t + 60, 0.8, NOW));	/* the next minute */
	ck_assert(!add(t - 3600, 0.1, NOW));	/* older than the stored ones */
	ck_assert(!add(t + 120 - 7 * DAY, 0.1, t + 120));	/* older than the week kept */
	ck_assert_uint_eq(samples(0, &s, &newest), 2);
	/* a sample a minute, at its start; the newest check to the second */
	ck_assert(s[0].at == t && s[0].value == 0.7);
	ck_assert(s[1].at == t + 60 && s[1].value == 0.8);
	ck_assert_int_eq(newest, t + 60);
	free(s);
	/* the minutes from the one that starts at or after from */
	ck_assert_uint_eq(samples(t + 1, &s, &newest), 1);
	free(s);
	ck_assert_uint_eq(samples(t, &s, &newest), 2);
	free(s);
	/* another unit starts afresh: a sample in % does not compare with seconds */
	struct ms_buf err = MS_BUF_INIT;
	struct pub_metric_samples m = { 0 };
	bool added;
	ck_assert(pub_store_metric_add(sx.st, &KEY, t + 200, 97.5, "%", NOW, &added, &err));
	ck_assert(added);
	ck_assert(pub_store_metric_samples(sx.st, &KEY, 0, &m, &err));
	ck_assert(m.n == 1 && m.samples[0].value == 97.5 && strcmp(m.unit, "%") == 0);
	pub_metric_samples_free(&m);
	ms_buf_free(&err);
}
END_TEST

START_TEST(store_is_bounded_to_a_week_of_minutes)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_metric_sample *s;
	time_t t0 = NOW - NOW % 60 - 8 * DAY, newest;
	size_t n = PUB_METRIC_MINUTES + 1440 + 7;	/* 8 days and 7 minutes */

	ck_assert(pub_store_begin(sx.st, &err));
	for (size_t i = 0; i < n; i++)
		ck_assert(add(t0 + (time_t)i * 60, (double)i, t0 + (time_t)i * 60));
	ck_assert(pub_store_commit(sx.st, &err));
	ck_assert_uint_eq(samples(0, &s, &newest), PUB_METRIC_MINUTES);
	/* the newest week: the last 10,080 minutes */
	ck_assert(s[0].value == (double)(n - PUB_METRIC_MINUTES));
	ck_assert(s[PUB_METRIC_MINUTES - 1].value == (double)(n - 1));
	free(s);
	ms_buf_free(&err);
}
END_TEST

/* --- a run's record, from a snapshot -------------------------------- */

static struct pub_config *load_conf(const char *text)
{
	char *path = temp_file(text);
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	unlink(path);
	free(path);
	ms_buf_free(&err);
	return c;
}

#define CONF_HEAD(dir) "[publisher]\ntitle = T\nbase_url = https://status.example.com/\n" \
	"output_dir = " dir "/out\nstore = " dir "/publish.db\n" \
	"source = statusdat:/nonexistent/status.dat\nstale_after = 0\n" \
	"[cluster a]\nname = Email Cluster A\nservice = Email Service\n"

/* One run's record of snap as the member reports it. */
static void record(const struct pub_config *cfg, const char *perfdata, time_t at, bool pending,
		   time_t now)
{
	struct pub_snapshot snap;
	struct pub_eval ev;
	struct pub_freshness fr;
	struct ms_buf err = MS_BUF_INIT;

	pub_snapshot_init(&snap);
	pub_want_objects(cfg, &snap);
	for (size_t i = 0; i < snap.n_objects; i++) {
		struct pub_object *o = &snap.objects[i];
		o->seen = true;
		o->pending = pending;
		o->last_check = o->perfdata_at = at;
		o->perfdata = perfdata ? strdup(perfdata) : NULL;
	}
	pub_freshness_check(cfg, &snap, now, &fr);
	pub_evaluate(cfg, &snap, &ev);
	ck_assert(pub_store_begin(sx.st, &err));
	ck_assert_msg(pub_metric_record(cfg, sx.st, &snap, &ev, now, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(pub_store_commit(sx.st, &err));
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	ms_buf_free(&err);
}

START_TEST(runs_record_the_label_in_seconds)
{
	struct pub_config *cfg = load_conf(CONF_HEAD("/nonexistent")
		"[component a webmail]\nname = Webmail\nmember = web1!send = Web 1\n"
		"member = web2!send = Web 2\nmetric = web2!send:send total\n");
	struct pub_metric_sample *s;
	time_t t = NOW - 600;

	record(cfg, "imap=1s 'send total'=520ms;1000;2000", t, false, NOW);
	record(cfg, "imap=1s 'send total'=520ms;1000;2000", t, false, NOW + 60);	/* seen again */
	record(cfg, "'send total'=2.1s", t + 120, false, NOW + 120);
	record(cfg, "imap=1s", t + 240, false, NOW + 240);		/* no such label now */
	record(cfg, "'send total'=U", t + 300, false, NOW + 300);	/* no measurement */
	record(cfg, NULL, 0, true, NOW + 360);				/* pending */
	record(cfg, "'send total'=9s", NOW + 2 * 3600, false, NOW + 360);	/* from the future */
	pub_config_free(cfg);

	struct pub_metric_key k = { "a", "webmail", "web2!send", "send total" };
	struct ms_buf err = MS_BUF_INIT;
	struct pub_metric_samples m = { 0 };
	ck_assert(pub_store_metric_samples(sx.st, &k, 0, &m, &err));
	ck_assert_uint_eq(m.n, 2);
	s = m.samples;
	ck_assert(s[0].at == t && fabs(s[0].value - 0.52) < 1e-15);
	ck_assert(s[1].at == t + 120 && s[1].value == 2.1);
	ck_assert_str_eq(m.unit, "s");
	ck_assert_int_eq(m.newest, t + 120);
	pub_metric_samples_free(&m);
	ms_buf_free(&err);
}
END_TEST

/* --- what the site shows ------------------------------------------ */

static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct ms_buf b = MS_BUF_INIT;
	char chunk[4096];
	size_t n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ms_buf_add(&b, chunk, n);
	fclose(fp);
	return ms_buf_steal(&b);
}

static char *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	char *s = strdup(r && r->stringval ? (const char *)r->stringval : "");

	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return s;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath_string(doc, expr);

	ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want '%s'", expr, got, want);
	free(got);
}

/* The number of points in every polyline and polygon of the n-th chart. */
static size_t chart_points(xmlDocPtr doc, int nth, const char *shape)
{
	char expr[160];
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	size_t points = 0;

	snprintf(expr, sizeof(expr), "(//svg)[%d]/%s/@points", nth, shape);
	r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
		for (const char *p = (const char *)v; *p; p++)
			points += *p == ',';
		xmlFree(v);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return points;
}

static void render_site(const struct pub_config *cfg, time_t now)
{
	struct ms_buf err = MS_BUF_INIT;
	size_t changed = 0;

	ck_assert_msg(pub_site_render(cfg, sx.st, now, &changed, &err), "%s", ms_buf_str(&err));
	ms_buf_free(&err);
}

static struct pub_config *site_conf(const char *extra)
{
	struct ms_buf text = MS_BUF_INIT;
	struct pub_config *cfg;

	ms_buf_printf(&text, "[publisher]\ntitle = T\nbase_url = https://status.example.com/\n"
		      "output_dir = %s/out\nstore = %s/publish.db\n"
		      "source = statusdat:/nonexistent/status.dat\n"
		      "[cluster a]\nname = Email Cluster A\nservice = Email Service\n"
		      "[component a webmail]\nname = Webmail\nmember = web1!send = Web 1\n"
		      "metric = web1!send:total\n"
		      "[component a queue]\nname = Queue <b>&amp;</b>\nmember = mx1!queue = MX 1\n"
		      "metric = mx1!queue:<script>q</script>\n%s", sx.dir, sx.dir, extra);
	cfg = load_conf(text.data);
	ms_buf_free(&text);
	return cfg;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static htmlDocPtr read_index(char **raw)
{
	struct ms_buf path = MS_BUF_INIT;
	htmlDocPtr doc;

	ms_buf_printf(&path, "%s/out/index.html", sx.dir);
	*raw = read_all(path.data);
	/* the SVG's elements are not HTML 4's: the parser keeps them, with a warning */
	doc = htmlReadFile(path.data, NULL, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
			   HTML_PARSE_NOWARNING);
	ck_assert(doc != NULL);
	ms_buf_free(&path);
	return doc;
}

static json_t *read_component_json(const char *slug)
{
	struct ms_buf path = MS_BUF_INIT;
	json_error_t jerr;
	json_t *root, *co = NULL, *found = NULL;
	size_t i;

	ms_buf_printf(&path, "%s/out/status.json", sx.dir);
	root = json_load_file(path.data, 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);
	json_array_foreach(json_object_get(json_array_get(json_object_get(root, "clusters"), 0),
					   "components"), i, co)
		if (strcmp(json_string_value(json_object_get(co, "slug")), slug) == 0)
			found = json_incref(co);
	json_decref(root);
	ms_buf_free(&path);
	ck_assert(found != NULL);
	return found;
}

static double num(json_t *o, const char *window, const char *key)
{
	json_t *v = json_object_get(json_object_get(o, window), key);

	ck_assert_msg(json_is_number(v), "%s.%s is not a number", window, key);
	return json_number_value(v);
}

START_TEST(index_and_json_show_the_strip)
{
	struct pub_config *cfg = site_conf("");
	struct ms_buf err = MS_BUF_INIT, want = MS_BUF_INIT;
	struct pub_metric_key k = { "a", "webmail", "web1!send", "total" };
	time_t t0 = NOW - NOW % 60 - 2 * DAY;	/* two days of a sample every 5 minutes */
	double day[288], week[576];
	bool added;
	char *raw;

	ck_assert(pub_store_begin(sx.st, &err));
	for (size_t i = 0; i < 576; i++) {
		time_t at = t0 + 300 + (time_t)i * 300;	/* the last at NOW */
		week[i] = 0.41 + (double)(i % 17) * 0.01 + (i == 500 ? 1.6 : 0);
		ck_assert(pub_store_metric_add(sx.st, &k, at, week[i], "s", NOW, &added, &err));
		if (i >= 288)	/* the last 24 h: the 1,440 minutes ending with NOW's */
			day[i - 288] = week[i];
	}
	/* the queue's three percentages of two days ago: none in the last 24 h */
	struct pub_metric_key q = { "a", "queue", "mx1!queue", "<script>q</script>" };
	ck_assert(pub_store_metric_add(sx.st, &q, t0 + 60, 99.5, "%", NOW, &added, &err));
	ck_assert(pub_store_metric_add(sx.st, &q, t0 + 120, 97.5, "%", NOW, &added, &err));
	ck_assert(pub_store_metric_add(sx.st, &q, t0 + 180, 98, "%", NOW, &added, &err));
	ck_assert(pub_store_commit(sx.st, &err));
	render_site(cfg, NOW);

	/* the figures, computed here */
	qsort(day, 288, sizeof(double), by_value);
	qsort(week, 576, sizeof(double), by_value);
	double median = (day[143] + day[144]) / 2, wmedian = (week[287] + week[288]) / 2;
	ms_buf_printf(&want, "Response time, last 24 h: min %.2f s, median %.2f s, max %.2f s "
		      "(288 samples)", day[0], median, day[287]);

	htmlDocPtr doc = read_index(&raw);
	assert_xpath(doc, "string((//div[@class='metric'])[1]/p[1])", want.data);
	assert_xpath(doc, "string(count(//svg))", "3");
	assert_xpath(doc, "string((//svg)[1]/@role)", "img");
	char *label = xpath_string(doc, "string((//svg)[1]/@aria-label)");
	ck_assert_msg(strstr(label, want.data + strlen("Response time, last 24 h: ")) != NULL,
		      "aria-label '%s'", label);
	free(label);
	/*
	 * No more than 300 points in a line, 600 around a band: 24 h of
	 * 288 samples, one a bucket (288 s); the week's 576 in the 2/7 of its
	 * 300 buckets they fall in, two a bucket, with a band around them.
	 */
	ck_assert_uint_eq(chart_points(doc, 1, "polyline"), 288);
	ck_assert_uint_eq(chart_points(doc, 1, "polygon"), 0);
	ck_assert_uint_eq(chart_points(doc, 2, "polyline"), 86);
	ck_assert_uint_eq(chart_points(doc, 2, "polygon"), 2 * 86);
	assert_xpath(doc, "string((//svg)[2]/text[last()])", "now");
	/*
	 * The other component has no samples in the last 24 h: it says so
	 * and draws nothing for them; its label names what is not a time.
	 */
	assert_xpath(doc, "string((//div[@class='metric'])[2]/p[1])",
		     "<script>q</script>, last 24 h: no measurements in the last 24 h");
	assert_xpath(doc, "string((//div[@class='metric'])[2]/p[2])",
		     "<script>q</script>, last 7 days: min 97.50 %, median 98.00 %, max 99.50 % "
		     "(3 samples)");
	assert_xpath(doc, "string(count((//div[@class='metric'])[2]/svg))", "1");
	ck_assert_msg(strstr(raw, "<script>q") == NULL, "the label became markup");
	/* the member was never checked: the past stays, and the page says since when */
	assert_xpath(doc, "string((//div[@class='metric'])[1]/p[@class='metric-note'])",
		     "No value since 16:30 UTC: Web 1 is not being checked now.");
	xmlFreeDoc(doc);
	free(raw);

	json_t *co = read_component_json("webmail"), *m = json_object_get(co, "metric");
	ck_assert_str_eq(json_string_value(json_object_get(m, "object")), "Web 1");
	ck_assert_str_eq(json_string_value(json_object_get(m, "label")), "total");
	ck_assert_str_eq(json_string_value(json_object_get(m, "unit")), "s");
	ck_assert(fabs(num(m, "24h", "min") - day[0]) < 1e-9);
	ck_assert(fabs(num(m, "24h", "median") - median) < 1e-9);
	ck_assert(fabs(num(m, "24h", "max") - day[287]) < 1e-9);
	ck_assert(num(m, "24h", "samples") == 288);
	ck_assert(fabs(num(m, "7d", "median") - wmedian) < 1e-9);
	ck_assert(num(m, "7d", "samples") == 576);
	json_decref(co);
	co = read_component_json("queue");
	m = json_object_get(co, "metric");
	ck_assert_str_eq(json_string_value(json_object_get(m, "unit")), "%");
	ck_assert(json_is_null(json_object_get(json_object_get(m, "24h"), "median")));
	ck_assert(num(m, "24h", "samples") == 0);
	ck_assert(num(m, "7d", "samples") == 3 && num(m, "7d", "median") == 98);
	json_decref(co);

	/* checked now: no note */
	ck_assert(pub_store_member_set(sx.st, "a", "webmail", "web1!send", "up", NULL, NOW, &err));
	render_site(cfg, NOW);
	doc = read_index(&raw);
	assert_xpath(doc, "string(count(//p[@class='metric-note'][contains(., 'Web 1')]))", "0");
	xmlFreeDoc(doc);
	free(raw);
	pub_config_free(cfg);
	ms_buf_free(&err);
	ms_buf_free(&want);
}
END_TEST

Suite *publish_metric_suite(void)
{
	Suite *s = suite_create("publish_metric");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, perfdata_labels_values_units);
	tcase_add_test(tc, perfdata_garbage_is_skipped);
	tcase_add_test(tc, time_units_normalise_to_seconds);
	tcase_add_test(tc, values_in_words);
	tcase_add_test(tc, median_is_exact);
	tcase_add_test(tc, median_equals_the_sorted_middle);
	tcase_add_test(tc, buckets_are_bounded_and_break_at_gaps);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, store_keeps_a_sample_per_check_and_minute);
	tcase_add_test(tc, store_is_bounded_to_a_week_of_minutes);
	tcase_add_test(tc, runs_record_the_label_in_seconds);
	tcase_add_test(tc, index_and_json_show_the_strip);
	suite_add_tcase(s, tc);
	return s;
}
