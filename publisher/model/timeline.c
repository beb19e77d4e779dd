/*
 * timeline: counted days and gaps of spans. See timeline.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "xalloc.h"

static struct pub_segment *add_segment(struct pub_timeline *t, time_t start, time_t end)
{
	struct pub_segment *g;

	ms_xgrow(&t->segs, &t->cap_segs, t->n_segs + 1, sizeof(*t->segs));
	g = &t->segs[t->n_segs++];
	memset(g, 0, sizeof(*g));
	g->start = start;
	g->end = end;
	g->first = t->n_spans;
	return g;
}

void pub_timeline_add_day(struct pub_timeline *t, time_t start, time_t end,
			  const struct pub_uptime *u)
{
	struct pub_segment *g = add_segment(t, start, end);

	g->counted = true;
	g->u = *u;
}

void pub_timeline_add_gap(struct pub_timeline *t, time_t start, time_t end)
{
	add_segment(t, start, end);
}

void pub_timeline_add_span(struct pub_timeline *t, enum pub_time_kind kind, time_t start,
			   time_t end)
{
	struct pub_segment *g = t->n_segs > 0 ? &t->segs[t->n_segs - 1] : NULL;

	if (g == NULL || g->counted)
		return;
	if (start < g->start)
		start = g->start;
	if (end > g->end)
		end = g->end;
	if (end <= start)
		return;
	ms_xgrow(&t->spans, &t->cap_spans, t->n_spans + 1, sizeof(*t->spans));
	t->spans[t->n_spans++] = (struct pub_span){ kind, start, end };
	g->n++;
}

/*
 * What segment g holds of [from, to) into u's sums. A counted day is
 * whole or nothing: were a window to start inside one (the loader does
 * not let it), its part would be unknown, never up.
 */
static void count_segment(const struct pub_timeline *t, const struct pub_segment *g,
			  time_t from, time_t to, struct pub_uptime *u)
{
	time_t s = g->start > from ? g->start : from;
	time_t e = g->end < to ? g->end : to;
	struct pub_uptime part;

	if (e <= s)
		return;
	if (g->counted && (s != g->start || e != g->end)) {
		u->unknown_s += (long long)(e - s);
		return;
	}
	if (g->counted) {
		pub_uptime_add(u, &g->u);
		return;
	}
	/* a gap without spans: no pointer into a timeline that has none (NULL + 0 is undefined) */
	pub_uptime_count(g->n > 0 ? t->spans + g->first : NULL, g->n, s, e, &part);
	pub_uptime_add(u, &part);
}

/* [from, to) from segment *first on; *first moves past those that end by from. */
static void count_from(const struct pub_timeline *t, size_t *first, time_t from, time_t to,
		       struct pub_uptime *u)
{
	long long inside = 0;

	memset(u, 0, sizeof(*u));
	while (*first < t->n_segs && t->segs[*first].end <= from)
		(*first)++;
	for (size_t i = *first; i < t->n_segs && t->segs[i].start < to; i++) {
		const struct pub_segment *g = &t->segs[i];
		time_t s = g->start > from ? g->start : from;
		time_t e = g->end < to ? g->end : to;
		if (e > s)
			inside += (long long)(e - s);
		count_segment(t, g, from, to, u);
	}
	/* outside every segment: nothing recorded */
	if (to > from)
		u->unknown_s += (long long)(to - from) - inside;
	pub_uptime_finish(u, to > from ? (long long)(to - from) : 0);
}

void pub_timeline_count(const struct pub_timeline *t, time_t from, time_t to,
			struct pub_uptime *u)
{
	size_t first = 0;

	count_from(t, &first, from, to, u);
}

void pub_timeline_count_days(const struct pub_timeline *t, struct pub_day *days, size_t n)
{
	size_t first = 0;

	for (size_t i = 0; i < n; i++)
		count_from(t, &first, days[i].start, days[i].end, &days[i].u);
}

time_t pub_timeline_recorded_from(const struct pub_timeline *t)
{
	for (size_t i = 0; i < t->n_segs; i++) {
		const struct pub_segment *g = &t->segs[i];
		if (g->counted)
			return g->start;
		if (g->n > 0)
			return t->spans[g->first].start;
	}
	return 0;
}

void pub_timeline_free(struct pub_timeline *t)
{
	free(t->segs);
	free(t->spans);
	memset(t, 0, sizeof(*t));
}
