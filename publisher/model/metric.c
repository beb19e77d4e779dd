/*
 * metric: a component's response-time strip. See metric.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "perfparse.h"
#include "xalloc.h"

/* One component's sample, if its member's last check has the label. */
static bool record_component(const struct pub_cluster *cl, const struct pub_component *co,
			     struct pub_store *st, const struct pub_snapshot *snap,
			     const struct pub_member_eval *me, time_t now, struct ms_buf *obj,
			     struct ms_buf *err)
{
	const struct pub_object *o;
	struct pub_perf_item item;
	bool added;

	if (me->object >= snap->n_objects || me->state == PUB_MEMBER_UNKNOWN)
		return true;
	o = &snap->objects[me->object];
	if (!o->seen || o->pending || o->unknown != PUB_KNOWN || o->perfdata == NULL ||
	    o->perfdata_at <= 0 || o->perfdata_at > now + PUB_METRIC_FUTURE ||
	    !pub_perfdata_find(o->perfdata, co->metric_label, &item))
		return true;
	pub_perf_normalise(&item.value, item.unit);
	pub_member_object(&co->members[co->metric_member], obj);
	struct pub_metric_key k = { cl->slug, co->slug, obj->data, co->metric_label };
	return pub_store_metric_add(st, &k, o->perfdata_at, item.value, item.unit, now, &added,
				    err);
}

bool pub_metric_record(const struct pub_config *cfg, struct pub_store *st,
		       const struct pub_snapshot *snap, const struct pub_eval *ev,
		       time_t now, struct ms_buf *err)
{
	struct ms_buf obj = MS_BUF_INIT;
	bool ok = true;

	for (size_t i = 0; ok && i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		for (size_t j = 0; ok && j < cl->n_components; j++) {
			const struct pub_component *co = &cl->components[j];
			if (co->metric_label == NULL)
				continue;
			ok = record_component(cl, co, st, snap,
					      &ev->clusters[i].components[j].members[co->metric_member],
					      now, &obj, err);
		}
	}
	ms_buf_free(&obj);
	return ok;
}

/*
 * The k-th smallest of v[0..n) (0-based), v reordered: quickselect with
 * a three-way partition (samples repeat values often), linear on average,
 * where a sort of a week's 10,080 samples per strip and run would cost
 * more than the rest of the strip.
 */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;	/* the k-th lies in [lo, hi) */

	while (hi - lo > 1) {
		double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
		double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t lt = lo, i = lo, gt = hi;	/* [lo,lt) < pivot, [lt,i) ==, [gt,hi) > */

		while (i < gt) {
			double x = v[i];
			if (x < pivot) {
				v[i++] = v[lt];
				v[lt++] = x;
			} else if (x > pivot) {
				v[i] = v[--gt];
				v[gt] = x;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return pivot;
	}
	return v[lo];
}

/* The smallest of v[from..n). */
static double min_from(const double *v, size_t from, size_t n)
{
	double m = v[from];

	for (size_t i = from + 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

void pub_metric_figures_of(const struct pub_metric_sample *s, size_t n, double *scratch,
			   struct pub_metric_figures *f)
{
	double *v, upper;

	memset(f, 0, sizeof(*f));
	if (n == 0)
		return;
	v = scratch != NULL ? scratch : ms_xmalloc(n * sizeof(*v));
	f->min = f->max = s[0].value;
	for (size_t i = 0; i < n; i++) {
		v[i] = s[i].value;
		if (v[i] < f->min)
			f->min = v[i];
		if (v[i] > f->max)
			f->max = v[i];
	}
	f->samples = n;
	if (n % 2) {
		f->median = select_kth(v, n, n / 2);
	} else {
		/* the two middle ones: the lower's select leaves the upper's the least above it */
		double lower = select_kth(v, n, n / 2 - 1);
		upper = min_from(v, n / 2, n);
		f->median = lower + (upper - lower) / 2;
	}
	if (v != scratch)
		free(v);
}

/* The median time between consecutive samples of [first, last), 0 for fewer than two. */
static time_t typical_spacing(const struct pub_metric_sample *s, size_t first, size_t last,
			      double *scratch)
{
	size_t n = last - first;
	double *d, median;

	if (n < 2)
		return 0;
	d = scratch != NULL ? scratch : ms_xmalloc((n - 1) * sizeof(*d));
	for (size_t i = first + 1; i < last; i++)
		d[i - first - 1] = (double)(s[i].at - s[i - 1].at);
	median = select_kth(d, n - 1, (n - 1) / 2);
	if (d != scratch)
		free(d);
	return (time_t)median;
}

size_t pub_metric_buckets(const struct pub_metric_sample *s, size_t n, time_t from, time_t to,
			  size_t width, double *scratch, struct pub_metric_bucket *out)
{
	size_t first = 0, last, used = 0;
	time_t span = to - from, spacing, prev_at = 0;
	double sum = 0;

	if (width == 0 || span <= 0)
		return 0;
	if (width > PUB_METRIC_POINTS)
		width = PUB_METRIC_POINTS;
	while (first < n && s[first].at < from)
		first++;
	for (last = first; last < n && s[last].at < to; last++)
		;
	spacing = typical_spacing(s, first, last, scratch);
	for (size_t i = first; i < last; i++) {
		/* the bucket of the sample: its share of the window, in whole buckets */
		size_t x = (size_t)((double)(s[i].at - from) / (double)span * (double)width);
		struct pub_metric_bucket *b = used > 0 ? &out[used - 1] : NULL;

		if (x >= width)
			x = width - 1;
		if (b == NULL || b->x != x) {
			if (b != NULL)
				b->mean = sum / (double)b->samples;
			b = &out[used++];
			*b = (struct pub_metric_bucket){ .x = x, .min = s[i].value, .max = s[i].value };
			b->gap_before = used == 1 ||
					(s[i].at - prev_at > 3 * spacing &&
					 (double)(s[i].at - prev_at) > (double)span / (double)width);
			sum = 0;
		}
		if (s[i].value < b->min)
			b->min = s[i].value;
		if (s[i].value > b->max)
			b->max = s[i].value;
		sum += s[i].value;
		b->samples++;
		prev_at = s[i].at;
	}
	if (used > 0)
		out[used - 1].mean = sum / (double)out[used - 1].samples;
	return used;
}
