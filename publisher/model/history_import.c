/*
 * history_import: imported intervals from the events read. See
 * history_import.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "history_figures.h"
#include "history_import.h"
#include "model.h"
#include "nagioslog.h"
#include "xalloc.h"

#define STATE_UNKNOWN (-1)	/* a cluster's state cannot be told */

/* A state's changes: from at[i] on it is state[i]. */
struct timeline {
	time_t *at;
	int *state;
	size_t n, cap;
};

static void tl_add(struct timeline *t, time_t at, int state)
{
	if (t->n > 0 && t->at[t->n - 1] == at)
		t->n--;		/* the last word of that second counts */
	if (t->n > 0 && t->state[t->n - 1] == state)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->at = ms_xrealloc(t->at, t->cap * sizeof(*t->at));
		t->state = ms_xrealloc(t->state, t->cap * sizeof(*t->state));
	}
	t->at[t->n] = at;
	t->state[t->n++] = state;
}

/* The state at time at; `none` before the first change. */
static int tl_at(const struct timeline *t, time_t at, int none)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {	/* the first change after at */
		size_t mid = lo + (hi - lo) / 2;
		if (t->at[mid] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? none : t->state[lo - 1];
}

static void tl_free(struct timeline *t)
{
	free(t->at);
	free(t->state);
	memset(t, 0, sizeof(*t));
}

/* What a member's events say so far. */
struct member_walk {
	int hard;		/* -1 before the first hard state */
	int depth;		/* downtimes */
	bool flapping;
};

static void walk_event(struct member_walk *w, const struct pub_history_event *e)
{
	switch (e->kind) {
	case PUB_LOG_STATE:
		w->hard = e->state;
		break;
	case PUB_LOG_DOWNTIME_START:
		w->depth++;
		break;
	case PUB_LOG_DOWNTIME_END:
		w->depth -= w->depth > 0;
		break;
	case PUB_LOG_FLAP_START:
		w->flapping = true;
		break;
	default:
		w->flapping = false;
	}
}

static enum pub_member_state walk_state(const struct pub_config *cfg, const struct pub_member *m,
					const struct member_walk *w)
{
	struct pub_object_state o = { .is_host = m->service == NULL, .hard_state = w->hard };
	enum pub_member_state s;

	if (w->depth > 0)
		return PUB_MEMBER_MAINTENANCE;
	if (w->hard < 0)
		return PUB_MEMBER_UNKNOWN;
	s = pub_member_state_of(&o, cfg->unknown_as);
	return w->flapping && s == PUB_MEMBER_UP ? PUB_MEMBER_IMPAIRED : s;
}

/*
 * A member's timeline from its events and, for a service, its host's
 * downtimes, merged in time order.
 */
static bool member_timeline(const struct pub_config *cfg, struct pub_store *st,
			    const struct pub_member *m, struct timeline *tl, struct ms_buf *err)
{
	struct pub_history_event *ev = NULL, *hev = NULL;
	struct member_walk w = { -1, 0, false };
	struct ms_buf obj = MS_BUF_INIT;
	size_t n = 0, hn = 0, i = 0, j = 0;
	bool ok;

	pub_member_object(m, &obj);
	ok = pub_store_history_events(st, obj.data, &ev, &n, err) &&
	     (m->service == NULL || pub_store_history_events(st, m->host, &hev, &hn, err));
	while (ok) {
		const struct pub_history_event *e;
		/* of the host's events, only its downtimes are a service's */
		while (j < hn && hev[j].kind != PUB_LOG_DOWNTIME_START &&
		       hev[j].kind != PUB_LOG_DOWNTIME_END)
			j++;
		if (i == n && j == hn)
			break;
		e = j < hn && (i == n || hev[j].at < ev[i].at) ? &hev[j++] : &ev[i++];
		walk_event(&w, e);
		tl_add(tl, e->at, (int)walk_state(cfg, m, &w));
	}
	free(ev);
	free(hev);
	ms_buf_free(&obj);
	return ok;
}

static int cmp_time(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return (x > y) - (x < y);
}

/* Every time one of the timelines changes, sorted, once each. */
static time_t *change_times(const struct timeline *tls, size_t n_tls, size_t *n)
{
	size_t total = 0, k = 0;
	time_t *at;

	for (size_t i = 0; i < n_tls; i++)
		total += tls[i].n;
	at = ms_xcalloc(total + 1, sizeof(*at));
	for (size_t i = 0; i < n_tls; i++)
		for (size_t c = 0; c < tls[i].n; c++)
			at[k++] = tls[i].at[c];
	qsort(at, total, sizeof(*at), cmp_time);
	*n = 0;
	for (size_t i = 0; i < total; i++)
		if (*n == 0 || at[*n - 1] != at[i])
			at[(*n)++] = at[i];
	return at;
}

/* The intervals of a timeline into the store, the last one until `until`. */
static bool write_timeline(struct pub_store *st, const struct pub_history_key *k,
			   const struct timeline *tl, const char *(*name)(int), time_t until,
			   struct ms_buf *err)
{
	bool ok = true;

	for (size_t i = 0; ok && i < tl->n; i++) {
		time_t end = i + 1 < tl->n ? tl->at[i + 1] : until;
		if (end > tl->at[i])
			ok = pub_store_history_import_add(st, k, name(tl->state[i]), tl->at[i], end,
							  err);
	}
	return ok;
}

static const char *member_name(int s)
{
	return pub_member_state_name((enum pub_member_state)s);
}

static const char *component_name(int s)
{
	return pub_component_state_name((enum pub_component_state)s);
}

static const char *cluster_name(int s)
{
	return s == STATE_UNKNOWN ? "unknown" : pub_cluster_state_key((enum pub_cluster_state)s);
}

/* A component's members' timelines and its own, written; *tl keeps its own. */
static bool rebuild_component(const struct pub_config *cfg, struct pub_store *st,
			      const struct pub_cluster *cl, const struct pub_component *co,
			      time_t until, struct timeline *tl, struct ms_buf *err)
{
	struct timeline *mt = ms_xcalloc(co->n_members + 1, sizeof(*mt));
	enum pub_member_state *now = ms_xcalloc(co->n_members + 1, sizeof(*now));
	struct pub_history_key k = { cl->slug, co->slug, NULL };
	struct ms_buf obj = MS_BUF_INIT;
	time_t *at;
	size_t n_at;
	bool ok = true;

	for (size_t m = 0; ok && m < co->n_members; m++) {
		ok = member_timeline(cfg, st, &co->members[m], &mt[m], err);
		pub_member_object(&co->members[m], &obj);
		k.object = obj.data;
		ok = ok && write_timeline(st, &k, &mt[m], member_name, until, err);
	}
	at = change_times(mt, co->n_members, &n_at);
	for (size_t i = 0; i < n_at; i++) {
		for (size_t m = 0; m < co->n_members; m++)
			now[m] = (enum pub_member_state)tl_at(&mt[m], at[i], PUB_MEMBER_UNKNOWN);
		tl_add(tl, at[i], (int)pub_component_state_of(now, co->n_members));
	}
	k.object = NULL;
	ok = ok && write_timeline(st, &k, tl, component_name, until, err);
	for (size_t m = 0; m < co->n_members; m++)
		tl_free(&mt[m]);
	free(mt);
	free(now);
	free(at);
	ms_buf_free(&obj);
	return ok;
}

static bool rebuild_cluster(const struct pub_config *cfg, struct pub_store *st,
			    const struct pub_cluster *cl, time_t until, struct ms_buf *err)
{
	struct timeline *ct = ms_xcalloc(cl->n_components + 1, sizeof(*ct)), tl = { 0 };
	struct pub_history_key k = { cl->slug, NULL, NULL };
	time_t *at;
	size_t n_at;
	bool ok = true;

	for (size_t j = 0; ok && j < cl->n_components; j++)
		ok = rebuild_component(cfg, st, cl, &cl->components[j], until, &ct[j], err);
	at = change_times(ct, cl->n_components, &n_at);
	for (size_t i = 0; i < n_at; i++) {
		int state = PUB_CLUSTER_ONLINE;
		for (size_t j = 0; j < cl->n_components && state != STATE_UNKNOWN; j++) {
			int c = tl_at(&ct[j], at[i], PUB_COMPONENT_UNKNOWN);
			state = c == PUB_COMPONENT_UNKNOWN ? STATE_UNKNOWN
				: (int)pub_cluster_fold((enum pub_cluster_state)state,
							(enum pub_component_state)c,
							cl->components[j].critical);
		}
		tl_add(&tl, at[i], state);
	}
	ok = ok && write_timeline(st, &k, &tl, cluster_name, until, err);
	for (size_t j = 0; j < cl->n_components; j++)
		tl_free(&ct[j]);
	free(ct);
	free(at);
	tl_free(&tl);
	return ok;
}

bool pub_history_rebuild(const struct pub_config *cfg, struct pub_store *st, time_t until,
			 time_t now, struct ms_buf *err)
{
	bool ok = pub_store_history_import_clear(st, err);

	for (size_t i = 0; ok && i < cfg->n_clusters; i++)
		ok = rebuild_cluster(cfg, st, &cfg->clusters[i], until, err);
	/* the days counted from the intervals made before, counted again */
	/* counted to the newest line (or now when the logs run ahead of the clock); no pruning */
	return ok && pub_history_recount(cfg, st, now, err) &&
	       pub_history_count(cfg, st, until < now ? until : now, err);
}
