/*
 * site_metric: a component's response-time strip on index.html, beside
 * its uptime strip: for the last 24 hours and the last 7 days, a sentence
 * with the exact figures ("Response time, last 24 h: min 0.41 s, median
 * 0.52 s, max 2.10 s (288 samples)") and an inline SVG chart of the
 * samples: the window cut into at most PUB_METRIC_POINTS buckets, a band
 * from each bucket's lowest to its highest sample and a line through
 * their means, broken where no check reported for a while (a lone
 * bucket is a dot), the axes
 * labelled in text. The chart is an image with the sentence as its
 * label (role="img"): no script, no file from elsewhere, no chart
 * library.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "site.h"
#include "site_time.h"

/* The chart's drawing, in the SVG's own units (it scales with the page). */
#define CHART_W 360
#define CHART_H 84
#define PLOT_X 52	/* left of the plot: the values' labels before it */
#define PLOT_Y 8
#define PLOT_W 300	/* one unit per bucket */
#define PLOT_H 56

static const struct metric_window {
	const char *label;	/* the text's */
	const char *words;	/* the chart's label */
	const char *ago;	/* the x axis' left end */
	const char *middle;	/* and its middle */
} windows[] = {	/* as board_metric.c loads them */
	{ "last 24 h", "the last 24 hours", "24 h ago", "12 h ago" },
	{ "last 7 days", "the last 7 days", "7 days ago", "3.5 days ago" },
};

/* What the figures measure: a time is a response time, anything else its label. */
static const char *metric_name(const struct pub_board_metric *m)
{
	return m->unit == NULL || strcmp(m->unit, "s") == 0 ? "Response time" : m->label;
}

/*
 * A value as the page says it: "0.52 s", "2.10 s", "1234 B", "97.50 %";
 * below 0.1 two significant digits, never an exponent: "0.012 s",
 * "0.000050 s".
 */
void pub_site_metric_value(struct ms_buf *b, double v, const char *unit)
{
	double a = fabs(v);

	if (a >= 1000 || a < 1e-9)
		ms_buf_printf(b, "%.0f", v);
	else if (a >= 0.1)
		ms_buf_printf(b, "%.2f", v);
	else
		ms_buf_printf(b, "%.*f", (int)ceil(-log10(a)) + 1, v);
	if (unit != NULL && unit[0] != '\0')
		ms_buf_printf(b, " %s", unit);
}

/* "min 0.41 s, median 0.52 s, max 2.10 s (288 samples)" */
static void figures_words(struct ms_buf *b, const struct pub_metric_figures *f,
			  const char *unit)
{
	ms_buf_puts(b, "min ");
	pub_site_metric_value(b, f->min, unit);
	ms_buf_puts(b, ", median ");
	pub_site_metric_value(b, f->median, unit);
	ms_buf_puts(b, ", max ");
	pub_site_metric_value(b, f->max, unit);
	ms_buf_printf(b, " (%zu sample%s)", f->samples, f->samples == 1 ? "" : "s");
}

/* A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, at least max. */
static double nice_top(double max)
{
	static const double steps[] = { 1, 2, 2.5, 5, 10 };
	double p;

	if (!(max > 0))
		return 1;
	p = pow(10, floor(log10(max)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * p >= max)
			return steps[i] * p;
	return 10 * p;
}

struct chart {
	xmlNodePtr svg;
	double low, top;	/* the values at the plot's bottom and top */
	struct ms_buf pts;	/* scratch */
};

static double y_of(const struct chart *c, double v)
{
	return PLOT_Y + PLOT_H - (v - c->low) / (c->top - c->low) * PLOT_H;
}

static xmlNodePtr svg_el(xmlNodePtr parent, const char *name, const char *cls)
{
	return pub_el(parent, name, cls, NULL);
}

/*
 * A coordinate to a tenth, as "12.5" or "-0.5": integer arithmetic, where
 * printf's floating point would be most of a strip's cost (900 numbers
 * a chart).
 */
static char *tenths(char buf[static 32], double v)
{
	long t = lround(v * 10);
	unsigned long a = t < 0 ? (unsigned long)-t : (unsigned long)t;

	snprintf(buf, 32, "%s%lu.%lu", t < 0 ? "-" : "", a / 10, a % 10);
	return buf;
}

static void svg_num(xmlNodePtr node, const char *name, double v)
{
	char buf[32];

	pub_attr(node, name, tenths(buf, v));
}

static void svg_text(xmlNodePtr svg, double x, double y, const char *anchor, const char *text)
{
	xmlNodePtr t = pub_el(svg, "text", "tick", text);

	svg_num(t, "x", x);
	svg_num(t, "y", y);
	pub_attr(t, "text-anchor", anchor);
}

static void svg_line(xmlNodePtr svg, const char *cls, double x1, double y1, double x2, double y2)
{
	xmlNodePtr l = svg_el(svg, "line", cls);

	svg_num(l, "x1", x1);
	svg_num(l, "y1", y1);
	svg_num(l, "x2", x2);
	svg_num(l, "y2", y2);
}

/* The axes and their labels in text. */
static void draw_axes(struct chart *c, const struct metric_window *w, const char *unit)
{
	struct ms_buf b = MS_BUF_INIT;
	double bottom = PLOT_Y + PLOT_H;

	svg_line(c->svg, "axis", PLOT_X, PLOT_Y, PLOT_X, bottom);
	svg_line(c->svg, "axis", PLOT_X, bottom, PLOT_X + PLOT_W, bottom);
	svg_line(c->svg, "grid", PLOT_X, PLOT_Y, PLOT_X + PLOT_W, PLOT_Y);
	pub_site_metric_value(&b, c->top, unit);
	svg_text(c->svg, PLOT_X - 4, PLOT_Y + 4, "end", b.data);
	ms_buf_reset(&b);
	pub_site_metric_value(&b, c->low, unit);
	svg_text(c->svg, PLOT_X - 4, bottom + 1, "end", b.data);
	svg_text(c->svg, PLOT_X, CHART_H - 4, "start", w->ago);
	svg_text(c->svg, PLOT_X + PLOT_W / 2.0, CHART_H - 4, "middle", w->middle);
	svg_text(c->svg, PLOT_X + PLOT_W, CHART_H - 4, "end", "now");
	ms_buf_free(&b);
}

static void add_point(struct ms_buf *pts, double x, double y)
{
	char bx[32], by[32];

	if (pts->len > 0)
		ms_buf_putc(pts, ' ');
	ms_buf_puts(pts, tenths(bx, x));
	ms_buf_putc(pts, ',');
	ms_buf_puts(pts, tenths(by, y));
}

/* One unbroken run of buckets [first, last): its band (where it has one) and its line. */
static void draw_run(struct chart *c, const struct pub_metric_bucket *b, size_t first,
		     size_t last)
{
	bool band = false;

	ms_buf_reset(&c->pts);
	for (size_t i = first; i < last; i++) {
		add_point(&c->pts, PLOT_X + b[i].x + 0.5, y_of(c, b[i].max));
		band = band || b[i].min < b[i].max;
	}
	for (size_t i = last; band && i-- > first;)
		add_point(&c->pts, PLOT_X + b[i].x + 0.5, y_of(c, b[i].min));
	if (band)
		pub_attr(svg_el(c->svg, "polygon", "band"), "points", c->pts.data);
	if (last - first == 1) {	/* a lone point: a dot */
		xmlNodePtr dot = svg_el(c->svg, "circle", "dot");
		svg_num(dot, "cx", PLOT_X + b[first].x + 0.5);
		svg_num(dot, "cy", y_of(c, b[first].mean));
		pub_attr(dot, "r", "2");
		return;
	}
	ms_buf_reset(&c->pts);
	for (size_t i = first; i < last; i++)
		add_point(&c->pts, PLOT_X + b[i].x + 0.5, y_of(c, b[i].mean));
	pub_attr(svg_el(c->svg, "polyline", "line"), "points", c->pts.data);
}

/* The chart of a window's buckets, labelled with its sentence. */
static void draw_chart(xmlNodePtr parent, const struct pub_board_metric *m,
		       const struct metric_window *w, const struct pub_board_metric_window *mw,
		       const char *label)
{
	const struct pub_metric_bucket *b = mw->buckets;
	const struct pub_metric_figures *f = &mw->fig;
	struct chart c = { .low = f->min < 0 ? f->min : 0, .pts = MS_BUF_INIT };
	size_t run = 0;
	char box[64];

	c.top = nice_top(f->max);
	if (c.top <= c.low)
		c.top = c.low + 1;
	c.svg = svg_el(parent, "svg", "metric-chart");
	pub_attr(c.svg, "xmlns", "http://www.w3.org/2000/svg");
	snprintf(box, sizeof(box), "0 0 %d %d", CHART_W, CHART_H);
	pub_attr(c.svg, "viewBox", box);
	snprintf(box, sizeof(box), "%d", CHART_W);
	pub_attr(c.svg, "width", box);
	snprintf(box, sizeof(box), "%d", CHART_H);
	pub_attr(c.svg, "height", box);
	pub_attr(c.svg, "role", "img");
	pub_attr(c.svg, "aria-label", label);
	draw_axes(&c, w, m->unit);
	for (size_t i = 1; i <= mw->n_buckets; i++)
		if (i == mw->n_buckets || b[i].gap_before) {
			draw_run(&c, b, run, i);
			run = i;
		}
	ms_buf_free(&c.pts);
}

/* One window: its sentence, and its chart when it has samples. */
static void render_window(xmlNodePtr box, const struct pub_board_metric *m, size_t wi,
			  const char *component)
{
	const struct metric_window *w = &windows[wi];
	const struct pub_board_metric_window *mw = &m->windows[wi];
	struct ms_buf text = MS_BUF_INIT, label = MS_BUF_INIT;

	ms_buf_printf(&text, "%s, %s: ", metric_name(m), w->label);
	if (mw->fig.samples == 0) {
		ms_buf_printf(&text, "no measurements in the %s", w->label);
		pub_el(box, "p", "metric-figures", text.data);
	} else {
		figures_words(&text, &mw->fig, m->unit);
		pub_el(box, "p", "metric-figures", text.data);
		ms_buf_printf(&label, "%s of %s over %s: ", metric_name(m), component, w->words);
		figures_words(&label, &mw->fig, m->unit);
		draw_chart(box, m, w, mw, label.data);
	}
	ms_buf_free(&text);
	ms_buf_free(&label);
}

void pub_site_metric(const struct pub_site *s, xmlNodePtr parent,
		     const struct pub_board_component *bc)
{
	const struct pub_board_metric *m = bc->metric;
	const struct pub_board_member *bm = &bc->members[bc->conf->metric_member];
	xmlNodePtr box;

	if (m == NULL)
		return;
	box = pub_el(parent, "div", "metric", NULL);
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++)
		render_window(box, m, w, bc->conf->name);
	/* the past stays drawn; what is not measured now is said */
	if (s->board.stale_since > 0 || strcmp(bm->state, PUB_STATE_UNKNOWN) == 0) {
		struct ms_buf b = MS_BUF_INIT;
		char when[PUB_WHEN_MAX];

		if (m->newest > 0)
			ms_buf_printf(&b, "No value since %s: %s is not being checked now.",
				      pub_site_when(s, when, m->newest, true),
				      bm->conf->public_name);
		else
			ms_buf_printf(&b, "No value yet: %s is not being checked now.",
				      bm->conf->public_name);
		pub_el(box, "p", "metric-note", b.data);
		ms_buf_free(&b);
	}
}
