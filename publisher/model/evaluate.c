/*
 * evaluate: member, component and cluster states of a snapshot.
 * See evaluate.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "xalloc.h"

void pub_want_objects(const struct pub_config *cfg, struct pub_snapshot *snap)
{
	struct pub_member_cursor at = { 0 };
	const struct pub_member *m;

	while ((m = pub_config_next_member(cfg, &at)) != NULL) {
		pub_snapshot_want(snap, m->host, m->service);
		/* a service on a host that is down, or in downtime, is too */
		if (m->service)
			pub_snapshot_want(snap, m->host, NULL);
	}
}

static size_t object_of(const struct pub_snapshot *snap, const struct pub_member *m)
{
	return pub_snapshot_find(snap, m->host, strlen(m->host), m->service,
				 m->service ? strlen(m->service) : 0);
}

unsigned pub_missing_members(const struct pub_config *cfg, const struct pub_snapshot *snap,
			     struct ms_buf *missing)
{
	struct pub_member_cursor at = { 0 };
	const struct pub_member *m;
	unsigned first = 0;

	while ((m = pub_config_next_member(cfg, &at)) != NULL) {
		size_t idx = object_of(snap, m);

		if (idx < snap->n_objects && snap->objects[idx].seen)
			continue;
		ms_buf_printf(missing, "%s%s%s%s", missing->len ? ", " : "", m->host,
			      m->service ? "!" : "", m->service ? m->service : "");
		if (first == 0)
			first = m->line;
	}
	return first;
}

static enum pub_member_state member_state(const struct pub_config *cfg,
					  const struct pub_snapshot *snap, size_t idx)
{
	const struct pub_object *o = &snap->objects[idx];
	struct pub_object_state os = {
		.is_host = o->service == NULL,
		.hard_state = o->hard_state,
		.in_downtime = o->downtime_depth > 0,
	};

	if (o->service) {
		size_t h = pub_snapshot_find(snap, o->host, strlen(o->host), NULL, 0);
		if (h < snap->n_objects && snap->objects[h].seen) {
			/* a host not checked (recently) says nothing of its services */
			os.host_down = snap->objects[h].hard_state != 0 &&
				       snap->objects[h].unknown == PUB_KNOWN;
			os.in_downtime |= snap->objects[h].downtime_depth > 0;
		}
	}
	/* planned work and a host known down tell it without its own check */
	if (o->unknown != PUB_KNOWN && !os.in_downtime && !os.host_down)
		return PUB_MEMBER_UNKNOWN;
	return pub_member_state_of(&os, cfg->unknown_as);
}

/*
 * A member the engine says flaps (Nagios' is_flapping, Icinga's flapping)
 * works at times and fails at times: impaired, whichever state its last
 * check left, so the hold-down sees one lasting state, not the flips.
 * Planned maintenance stays maintenance; a member whose checks are pending
 * or stale stays unknown (what the engine said of its flapping is as old).
 */
static void flapping(const struct pub_snapshot *snap, struct pub_member_eval *me,
		     enum pub_member_state *state)
{
	if (me->object >= snap->n_objects || !snap->objects[me->object].seen ||
	    !snap->objects[me->object].flapping || *state == PUB_MEMBER_MAINTENANCE ||
	    *state == PUB_MEMBER_UNKNOWN)
		return;
	me->flapping = true;
	*state = PUB_MEMBER_IMPAIRED;
}

void pub_evaluate(const struct pub_config *cfg, const struct pub_snapshot *snap,
		  struct pub_eval *ev)
{
	ev->n_clusters = cfg->n_clusters;
	ev->clusters = ms_xcalloc(cfg->n_clusters, sizeof(*ev->clusters));
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		struct pub_cluster_eval *ce = &ev->clusters[i];
		enum pub_cluster_state worst = PUB_CLUSTER_ONLINE;

		ce->state = PUB_CLUSTER_ONLINE;
		ce->components = ms_xcalloc(cl->n_components, sizeof(*ce->components));
		ce->n_components = cl->n_components;
		for (size_t j = 0; j < cl->n_components; j++) {
			const struct pub_component *co = &cl->components[j];
			struct pub_component_eval *pe = &ce->components[j];
			enum pub_member_state *states = ms_xcalloc(co->n_members, sizeof(*states));
			enum pub_component_state lo, hi;

			pe->members = ms_xcalloc(co->n_members, sizeof(*pe->members));
			for (size_t k = 0; k < co->n_members; k++) {
				size_t idx = object_of(snap, &co->members[k]);
				pe->members[k].object = idx;
				/* an object the source did not report is unknown */
				states[k] = idx < snap->n_objects && snap->objects[idx].seen
					    ? member_state(cfg, snap, idx) : PUB_MEMBER_UNKNOWN;
				flapping(snap, &pe->members[k], &states[k]);
				pe->members[k].state = states[k];
			}
			pub_component_range(states, co->n_members, &lo, &hi);
			pe->state = lo == hi ? lo : PUB_COMPONENT_UNKNOWN;
			/* the cluster as well and as badly as its components can be */
			ce->state = pub_cluster_fold(ce->state, lo, co->critical);
			worst = pub_cluster_fold(worst, hi, co->critical);
			free(states);
		}
		ce->unknown = ce->state != worst;
	}
}

void pub_eval_free(struct pub_eval *ev)
{
	for (size_t i = 0; i < ev->n_clusters; i++) {
		struct pub_cluster_eval *ce = &ev->clusters[i];
		for (size_t j = 0; j < ce->n_components; j++)
			free(ce->components[j].members);
		free(ce->components);
	}
	free(ev->clusters);
	ev->clusters = NULL;
	ev->n_clusters = 0;
}
