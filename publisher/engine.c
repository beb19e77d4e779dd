/*
 * engine: hold-down, incidents, operators' notes. See engine.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "posts.h"
#include "xalloc.h"

bool pub_holddown_step(struct pub_cluster_row *row, enum pub_cluster_state observed,
		       time_t now, long hold_down)
{
	if (observed == row->state) {
		row->pending = false;	/* a flap that came back before publishing */
		return false;
	}
	/*
	 * The wait counts from when the cluster left its published state, and
	 * publishes the state it is in when the wait ends: a cluster flapping
	 * between Degraded and Offline is still announced (restarting the wait
	 * on every new candidate would hide it for ever). A clock that went
	 * back restarts the wait.
	 */
	if (!row->pending || now < row->candidate_since)
		row->candidate_since = now;
	row->pending = true;
	row->candidate = observed;
	if (now - row->candidate_since < hold_down)
		return false;
	row->state = observed;
	row->since = now;
	row->pending = false;
	return true;
}

bool pub_incident_for_transition(struct pub_store *st, const char *cluster,
				 const char *title, enum pub_cluster_state to, time_t now,
				 long *incident, bool *resolves, struct ms_buf *err)
{
	long open;

	*incident = 0;
	*resolves = false;
	if (!pub_store_incident_open_of(st, cluster, &open, err))
		return false;
	if (to == PUB_CLUSTER_DEGRADED || to == PUB_CLUSTER_OFFLINE) {
		if (open == 0)
			return pub_store_incident_create(st, cluster, title, now, incident, err);
		*incident = open;
		return true;
	}
	/* maintenance does not open an incident but belongs to an open one */
	*incident = open;
	if (to == PUB_CLUSTER_ONLINE && open != 0) {
		*resolves = true;
		return pub_store_incident_resolve(st, open, now, err);
	}
	return true;
}

static bool record_states(const struct pub_config *cfg, struct pub_store *st,
			  const struct pub_snapshot *snap, size_t i,
			  const struct pub_eval *ev, time_t now, struct ms_buf *err)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	struct ms_buf obj = MS_BUF_INIT;
	bool ok = true;

	for (size_t j = 0; ok && j < cl->n_components; j++) {
		const struct pub_component *co = &cl->components[j];
		const struct pub_component_eval *ce = &ev->clusters[i].components[j];

		ok = pub_store_component_set(st, cl->slug, co->slug,
					     pub_component_state_name(ce->state), now, err);
		for (size_t k = 0; ok && k < co->n_members; k++) {
			const struct pub_member *m = &co->members[k];
			size_t idx = ce->members[k].object;
			ms_buf_reset(&obj);
			ms_buf_printf(&obj, "%s%s%s", m->host, m->service ? "!" : "",
				      m->service ? m->service : "");
			ok = pub_store_member_set(st, cl->slug, co->slug, obj.data,
						  pub_member_state_name(ce->members[k].state),
						  idx < snap->n_objects ? snap->objects[idx].output
						  : NULL, now, err);
			/* "not checked since 14:02" */
			if (ok && ce->members[k].state == PUB_MEMBER_UNKNOWN)
				ok = pub_store_member_checked(st, cl->slug, co->slug, obj.data,
							      idx < snap->n_objects
							      ? snap->objects[idx].last_check : 0,
							      err);
		}
	}
	ms_buf_free(&obj);
	return ok;
}

static bool publish_transition(const struct pub_config *cfg, struct pub_store *st,
			       const struct pub_snapshot *snap, size_t i,
			       const struct pub_eval *ev, enum pub_cluster_state from,
			       enum pub_cluster_state to, time_t now,
			       struct pub_run_stats *stats, struct ms_buf *err)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	struct pub_transition t = {
		.cfg = cfg, .cluster = cl, .eval = &ev->clusters[i], .snap = snap,
		.from = from, .to = to,
	};
	struct pub_post p = { 0 };
	struct pub_maintenance m = { 0 };
	bool found = false, ok;

	if (to == PUB_CLUSTER_MAINTENANCE &&
	    !pub_store_maintenance_at(st, cl->slug, now, &m, &found, err))
		return false;
	t.maintenance_message = found ? m.message : NULL;
	pub_compose_transition(&t, &p);
	ok = pub_incident_for_transition(st, cl->slug, p.title, to, now, &t.incident,
					 &t.resolves, err);
	if (ok && t.resolves)
		pub_compose_transition(&t, &p);	/* now it can say which incident */
	if (ok) {
		pub_post_stamp(&p, cl->slug, t.incident, "auto", cfg->author, now);
		ok = pub_store_post_add(st, &p, err);
	}
	if (ok)
		stats->posts++;
	pub_post_free(&p);
	pub_maintenance_free(&m);
	return ok;
}

/* Is the object one of cluster i's members (or their host)? */
static bool object_touches(const struct pub_config *cfg, const struct pub_snapshot *snap,
			   const struct pub_eval *ev, size_t i, size_t object)
{
	const struct pub_object *o = &snap->objects[object];

	for (size_t j = 0; j < cfg->clusters[i].n_components; j++) {
		const struct pub_component *co = &cfg->clusters[i].components[j];
		for (size_t k = 0; k < co->n_members; k++) {
			if (ev->clusters[i].components[j].members[k].object == object)
				return true;
			if (o->service == NULL && strcmp(co->members[k].host, o->host) == 0)
				return true;
		}
	}
	return false;
}

/* Is the comment's object one of cluster i's members (or their host)? */
static bool comment_touches(const struct pub_config *cfg, const struct pub_snapshot *snap,
			    const struct pub_eval *ev, size_t i, const struct pub_comment *c)
{
	return object_touches(cfg, snap, ev, i, c->object);
}

/*
 * The engine's downtimes of each cluster's members, for status.json: when
 * and, only where the operator marked it public, why.
 */
static bool record_downtimes(const struct pub_config *cfg, struct pub_store *st,
			     const struct pub_snapshot *snap, const struct pub_eval *ev,
			     struct ms_buf *err)
{
	struct pub_maintenance *list = NULL;
	size_t n = 0, cap = 0;
	bool ok;

	for (size_t d = 0; d < snap->n_downtimes; d++) {
		const struct pub_downtime *dt = &snap->downtimes[d];
		const char *text = pub_public_text(cfg, dt->text);

		for (size_t i = 0; i < cfg->n_clusters; i++) {
			if (!object_touches(cfg, snap, ev, i, dt->object))
				continue;
			ms_xgrow(&list, &cap, n + 1, sizeof(*list));
			list[n] = (struct pub_maintenance){
				.cluster = ms_xstrdup(cfg->clusters[i].slug),
				.starts_at = dt->start, .ends_at = dt->end,
				.message = text ? ms_xstrdup(text) : NULL,
			};
			n++;
		}
	}
	ok = pub_store_engine_downtimes_set(st, list, n, err);
	for (size_t k = 0; k < n; k++)
		pub_maintenance_free(&list[k]);
	free(list);
	return ok;
}

/*
 * An operator's comment or acknowledgement on a member becomes an update
 * of its cluster's open incident, once. It must be about this problem:
 * written after the incident opened (less the hold-down it waited), or
 * after the member's own trouble began (Nagios' last_hard_state_change),
 * which may be long before the publisher first saw it.
 */
static bool apply_note(const struct pub_config *cfg, struct pub_store *st,
		       const struct pub_snapshot *snap, size_t i,
		       const struct pub_comment *c, struct pub_run_stats *stats,
		       struct ms_buf *err)
{
	const struct pub_object *o = &snap->objects[c->object];
	const struct pub_cluster *cl = &cfg->clusters[i];
	bool ack = c->kind == PUB_COMMENT_ACK;
	struct pub_incident inc = { 0 };
	struct ms_buf key = MS_BUF_INIT;
	struct pub_post p = { 0 };
	long open;
	bool used = false, found = false, ok = true;

	if (!pub_store_incident_open_of(st, cl->slug, &open, err))
		return false;
	if (open == 0 || c->text == NULL || c->text[0] == '\0')
		return true;
	ms_buf_printf(&key, "%s:%s:%lu:%lld", ack ? "ack" : "comment", cl->slug, c->id,
		      (long long)c->entry_time);
	ok = pub_store_source_key_used(st, key.data, &used, err) &&
	     pub_store_incident_get(st, open, &inc, &found, err);
	if (!ok || used || !found)
		goto out;
	time_t since = inc.opened_at - cfg->hold_down;
	if (o->seen && o->hard_state != 0 && o->last_hard_change > 0 &&
	    o->last_hard_change < since)
		since = o->last_hard_change;
	if (c->entry_time < since)
		goto out;
	pub_compose_note(cl, ack ? "Issue identified at" : "Update at", c->entry_time,
			 c->text, cfg->timezone, &p);
	/* never before the incident it updates, so the feed's order tells it right */
	pub_post_stamp(&p, cl->slug, open, ack ? "identified" : "update", cfg->author,
		       c->entry_time > inc.opened_at ? c->entry_time : inc.opened_at);
	p.source_key = ms_buf_steal(&key);
	ok = pub_store_post_add(st, &p, err);
	if (ok && ack)
		ok = pub_store_incident_identify(st, open, c->entry_time, c->text, err);
	if (ok)
		stats->posts++;
out:
	pub_post_free(&p);
	pub_incident_free(&inc);
	ms_buf_free(&key);
	return ok;
}

bool pub_engine_apply(const struct pub_config *cfg, struct pub_store *st,
		      const struct pub_snapshot *snap, const struct pub_eval *ev,
		      time_t now, struct pub_run_stats *stats, struct ms_buf *err)
{
	memset(stats, 0, sizeof(*stats));
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		struct pub_cluster_row row;
		enum pub_cluster_state from;

		if (!pub_store_cluster_get(st, cl->slug, &row, err) ||
		    !record_states(cfg, st, snap, i, ev, now, err))
			return false;
		from = row.state;
		/* a cluster first seen as it is published has been so since now */
		if (row.since == 0 && !ev->clusters[i].unknown && ev->clusters[i].state == row.state)
			row.since = now;
		row.unknown_since = !ev->clusters[i].unknown ? 0
				    : row.unknown_since ? row.unknown_since : now;
		if (ev->clusters[i].unknown) {
			/* no state to tell: the published one stands, its incident stays open */
		} else if (pub_holddown_step(&row, ev->clusters[i].state, now, cfg->hold_down)) {
			stats->transitions++;
			if (!publish_transition(cfg, st, snap, i, ev, from, row.state, now,
						stats, err))
				return false;
		}
		if (row.pending)
			stats->pending++;
		if (!pub_store_cluster_put(st, cl->slug, &row, err))
			return false;
		/* notes after the transition, so a new incident can take them */
		for (size_t c = 0; c < snap->n_comments; c++) {
			const struct pub_comment *cm = &snap->comments[c];
			if ((cm->kind == PUB_COMMENT_USER || cm->kind == PUB_COMMENT_ACK) &&
			    comment_touches(cfg, snap, ev, i, cm) &&
			    !apply_note(cfg, st, snap, i, cm, stats, err))
				return false;
		}
	}
	return record_downtimes(cfg, st, snap, ev, err);
}
