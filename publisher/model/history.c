/*
 * history: a run's record of state intervals. See history.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "history_figures.h"

/* Is downtime dt on object idx, or on the host of the service idx is? */
static bool downtime_on(const struct pub_snapshot *snap, const struct pub_downtime *dt,
			size_t idx)
{
	const struct pub_object *o = &snap->objects[idx], *d;

	if (dt->object == idx)
		return true;
	if (dt->object >= snap->n_objects)
		return false;
	d = &snap->objects[dt->object];
	return d->service == NULL && o->service != NULL && strcmp(d->host, o->host) == 0;
}

/*
 * When the engine says member me entered its state: the start of the
 * latest downtime covering now for maintenance, its last hard state change
 * otherwise; 0 when it does not say (unknown, a pushed notice without it).
 */
static time_t member_since(const struct pub_snapshot *snap, const struct pub_member_eval *me,
			   time_t now)
{
	time_t t = 0;

	if (me->object >= snap->n_objects || me->state == PUB_MEMBER_UNKNOWN)
		return 0;
	if (me->state != PUB_MEMBER_MAINTENANCE)
		return snap->objects[me->object].last_hard_change;
	for (size_t d = 0; d < snap->n_downtimes; d++) {
		const struct pub_downtime *dt = &snap->downtimes[d];
		if (dt->start <= now && dt->end > now && dt->start > t &&
		    downtime_on(snap, dt, me->object))
			t = dt->start;
	}
	return t;
}

static time_t later(time_t a, time_t b)
{
	return a > b ? a : b;
}

/* A run's record: the store, and the states its open intervals have. */
struct recorder {
	struct pub_store *st;
	struct pub_history_open *open;	/* sorted (store.h) */
	size_t n_open;
	time_t now;
};

static int compare_key(const void *key, const void *item)
{
	const struct pub_history_key *k = key;
	const struct pub_history_open *o = item;
	int c = strcmp(k->cluster, o->cluster);

	if (c == 0)
		c = strcmp(k->component ? k->component : "", o->component);
	if (c == 0)
		c = strcmp(k->object ? k->object : "", o->object);
	return c;
}

/*
 * pub_store_history_note, but without a query for a key whose state is
 * the one its open interval has (the most of them, in most runs).
 */
static bool note(struct recorder *r, const struct pub_history_key *k, const char *state,
		 time_t at, time_t *changed_at, struct ms_buf *err)
{
	/* bsearch of no array is undefined, even with no items */
	const struct pub_history_open *o = r->n_open == 0 ? NULL
		: bsearch(k, r->open, r->n_open, sizeof(*r->open), compare_key);

	if (o != NULL && strcmp(o->state, state) == 0) {
		*changed_at = 0;
		return true;
	}
	return pub_store_history_note(r->st, k, state, at, r->now, changed_at, err);
}

/* One component's members, then the component; returns when it changed (0: not). */
static bool record_component(struct recorder *r, const struct pub_cluster *cl, size_t j,
			     const struct pub_snapshot *snap, const struct pub_component_eval *ce,
			     time_t *changed, struct ms_buf *err)
{
	const struct pub_component *co = &cl->components[j];
	struct pub_history_key k = { cl->slug, co->slug, NULL };
	struct ms_buf obj = MS_BUF_INIT;
	time_t members = 0, t;
	bool ok = true;

	for (size_t m = 0; ok && m < co->n_members; m++) {
		const struct pub_member_eval *me = &ce->members[m];
		pub_member_object(&co->members[m], &obj);
		k.object = obj.data;
		ok = note(r, &k, pub_member_state_name(me->state),
			  member_since(snap, me, r->now), &t, err);
		members = later(members, t);
	}
	k.object = NULL;
	/* the component changed when the member that changed it did */
	ok = ok && note(r, &k, pub_component_state_name(ce->state), members, changed, err);
	ms_buf_free(&obj);
	return ok;
}

bool pub_history_record(const struct pub_config *cfg, struct pub_store *st,
			const struct pub_snapshot *snap, const struct pub_eval *ev,
			time_t now, struct ms_buf *err)
{
	struct recorder r = { st, NULL, 0, now };
	bool ok = pub_store_history_open_all(st, &r.open, &r.n_open, err);

	for (size_t i = 0; ok && i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		const struct pub_cluster_eval *ce = &ev->clusters[i];
		struct pub_history_key k = { cl->slug, NULL, NULL };
		time_t components = 0, t = 0;

		for (size_t j = 0; ok && j < cl->n_components; j++) {
			ok = record_component(&r, cl, j, snap, &ce->components[j], &t, err);
			components = later(components, t);
		}
		ok = ok && note(&r, &k, ce->unknown ? "unknown" : pub_cluster_state_key(ce->state),
				components, &t, err);
	}
	pub_history_open_free(r.open, r.n_open);
	return ok && pub_history_keep(cfg, st, now, err);
}

bool pub_history_stale(const struct pub_config *cfg, struct pub_store *st, time_t since,
		       time_t now, struct ms_buf *err)
{
	struct ms_buf obj = MS_BUF_INIT;
	time_t t;
	bool ok = true;

	for (size_t i = 0; ok && i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		struct pub_history_key k = { cl->slug, NULL, NULL };

		ok = pub_store_history_note(st, &k, "unknown", since, now, &t, err);
		for (size_t j = 0; ok && j < cl->n_components; j++) {
			const struct pub_component *co = &cl->components[j];
			k = (struct pub_history_key){ cl->slug, co->slug, NULL };
			ok = pub_store_history_note(st, &k, "unknown", since, now, &t, err);
			for (size_t m = 0; ok && m < co->n_members; m++) {
				pub_member_object(&co->members[m], &obj);
				k.object = obj.data;
				ok = pub_store_history_note(st, &k, "unknown", since, now, &t, err);
			}
		}
	}
	ms_buf_free(&obj);
	return ok;
}
