/*
 * engine: hold-down, incidents, operators' notes. See engine.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "history.h"
#include "metric.h"
#include "notes.h"
#include "posts.h"
#include "xalloc.h"

/* Do a and b lie on the same side of the published state p (both better, both worse)? */
static bool same_side(enum pub_cluster_state p, enum pub_cluster_state a,
		      enum pub_cluster_state b)
{
	return (a > p) == (b > p);
}

bool pub_holddown_step(struct pub_cluster_row *row, enum pub_cluster_state observed,
		       time_t now, long hold_down)
{
	row->intermittent = false;
	if (row->pending && now < row->candidate_since) {
		/* a clock that went back restarts the wait */
		row->candidate_since = now;
		row->returned = false;
	}
	if (observed == row->state) {
		/*
		 * Back in the published state. Leaving Online, this may be a
		 * flap that goes on: it is over only once the cluster has stayed
		 * Online for a whole hold_down since a run last saw it away.
		 * Otherwise a run that catches it up resets nothing.
		 */
		if (row->pending && row->state == PUB_CLUSTER_ONLINE &&
		    now - row->last_away < hold_down) {
			row->returned = true;
			return false;
		}
		row->pending = false;	/* a flap that came back before publishing */
		row->returned = false;
		return false;
	}
	/*
	 * The wait counts from when the cluster left its published state, and
	 * publishes the state it is in when the wait ends: a cluster flapping
	 * between Degraded and Offline is still announced (restarting the wait
	 * on every new candidate would hide it for ever). A cluster seen on
	 * both sides of its published state (better, then worse) has not
	 * settled: the wait starts again.
	 */
	if (!row->pending || !same_side(row->state, row->candidate, observed)) {
		row->candidate_since = now;
		row->returned = false;
	}
	row->pending = true;
	row->candidate = observed;
	row->last_away = now;
	if (now - row->candidate_since < hold_down)
		return false;
	/*
	 * Away from Online for the whole hold-down, but back in between: a
	 * lasting flap. Readers learn it is Degraded, failing intermittently.
	 */
	row->intermittent = row->returned && row->state == PUB_CLUSTER_ONLINE &&
			    observed > PUB_CLUSTER_MAINTENANCE;
	row->state = row->intermittent ? PUB_CLUSTER_DEGRADED : observed;
	row->since = now;
	row->pending = false;
	row->returned = false;
	return true;
}

/*
 * The incident a post announcing the published state `to` belongs to: opens one
 * (titled title) when a problem starts, resolves the open one on Online.
 * *incident is 0 when the post belongs to none; *resolves tells whether
 * this transition closed it.
 */
static bool incident_for_transition(struct pub_store *st, const char *cluster,
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

/* Is snapshot object idx one of cluster i's members, or a member's host? */
static bool object_in_cluster(const struct pub_config *cfg, const struct pub_snapshot *snap,
			      const struct pub_eval *ev, size_t i, size_t idx)
{
	const struct pub_object *o = &snap->objects[idx];

	for (size_t j = 0; j < cfg->clusters[i].n_components; j++) {
		const struct pub_component *co = &cfg->clusters[i].components[j];
		for (size_t k = 0; k < co->n_members; k++) {
			if (ev->clusters[i].components[j].members[k].object == idx)
				return true;
			if (o->service == NULL && strcmp(co->members[k].host, o->host) == 0)
				return true;
		}
	}
	return false;
}

/*
 * The public words of the downtimes on cluster i's members that cover
 * now, one paragraph each, into words; returns the author to show: the
 * operator who wrote them (as [authors] names them), or the configured
 * one when they are several or none.
 */
static const char *downtime_words(const struct pub_config *cfg,
				  const struct pub_snapshot *snap,
				  const struct pub_eval *ev, size_t i, time_t now,
				  struct ms_buf *words)
{
	const char *by = NULL;
	bool several = false;

	for (size_t d = 0; d < snap->n_downtimes; d++) {
		const struct pub_downtime *dt = &snap->downtimes[d];
		const char *text = pub_note_public(cfg, dt->text);

		if (text == NULL || dt->start > now || dt->end <= now ||
		    !object_in_cluster(cfg, snap, ev, i, dt->object) ||
		    (words->len > 0 && strstr(words->data, text) != NULL))
			continue;
		if (words->len > 0)
			ms_buf_puts(words, "\n\n");
		ms_buf_puts(words, text);
		several |= by != NULL && strcmp(by, dt->author ? dt->author : "") != 0;
		by = dt->author ? dt->author : "";
	}
	return by == NULL || several ? cfg->author : pub_note_author(cfg, by);
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
		const char *text = pub_note_public(cfg, dt->text);

		for (size_t i = 0; i < cfg->n_clusters; i++) {
			if (!object_in_cluster(cfg, snap, ev, i, dt->object))
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
 * When the problem of cluster i began, as the engine says: the earliest
 * last hard state change of a member that is down or impaired (not up, in
 * maintenance or unknown); 0 when it does not say.
 */
static time_t problem_began(const struct pub_config *cfg, const struct pub_snapshot *snap,
			    const struct pub_eval *ev, size_t i, time_t now)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	time_t began = 0;

	for (size_t j = 0; j < cl->n_components; j++) {
		const struct pub_component_eval *pe = &ev->clusters[i].components[j];
		for (size_t k = 0; k < cl->components[j].n_members; k++) {
			const struct pub_member_eval *me = &pe->members[k];
			if (me->state == PUB_MEMBER_UP || me->state == PUB_MEMBER_MAINTENANCE ||
			    me->state == PUB_MEMBER_UNKNOWN || me->object >= snap->n_objects)
				continue;
			time_t t = snap->objects[me->object].last_hard_change;
			if (t > 0 && t <= now && (began == 0 || t < began))
				began = t;
		}
	}
	return began;
}

/*
 * The post of a published change from `from` to row->state (which the
 * hold-down step just made), in the incident it opens, belongs to or
 * resolves.
 */
static bool publish_transition(const struct pub_config *cfg, struct pub_store *st,
			       const struct pub_snapshot *snap, size_t i,
			       const struct pub_eval *ev, enum pub_cluster_state from,
			       const struct pub_cluster_row *row, time_t now,
			       struct pub_run_stats *stats, struct ms_buf *err)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	enum pub_cluster_state to = row->state;
	struct pub_transition t = {
		.cfg = cfg, .cluster = cl, .eval = &ev->clusters[i], .snap = snap,
		.from = from, .to = to, .intermittent = row->intermittent,
	};
	struct pub_post p = { 0 };
	struct pub_maintenance m = { 0 };
	struct ms_buf words = MS_BUF_INIT;
	const char *author = cfg->author;
	bool found = false, ok;
	long open = 0;

	if (to == PUB_CLUSTER_MAINTENANCE &&
	    !pub_store_maintenance_at(st, cl->slug, now, &m, &found, err))
		return false;
	/* no announcement: the downtimes' own words, those marked public */
	if (to == PUB_CLUSTER_MAINTENANCE && !found)
		author = downtime_words(cfg, snap, ev, i, now, &words);
	t.maintenance_message = found ? m.message : words.len > 0 ? words.data : NULL;
	if (!pub_store_incident_open_of(st, cl->slug, &open, err))
		return false;
	pub_compose_transition(&t, &p);
	ok = incident_for_transition(st, cl->slug, p.title, to, now, &t.incident,
					 &t.resolves, err);
	if (ok && open == 0 && t.incident != 0 && to != PUB_CLUSTER_ONLINE) {
		/*
		 * A new incident says when its problem began, not only when we
		 * said so: as the engine says, or when a run first saw it away
		 * (a flap's start, a source that does not say) if that is earlier.
		 */
		t.began = problem_began(cfg, snap, ev, i, now);
		if (row->candidate_since > 0 && row->candidate_since < now &&
		    (t.began == 0 || row->candidate_since < t.began))
			t.began = row->candidate_since;
		if (t.began > 0)
			ok = pub_store_incident_set_began(st, t.incident, t.began, err);
	}
	if (ok && (t.resolves || t.began > 0))
		pub_compose_transition(&t, &p);	/* now it can say which incident */
	if (ok) {
		pub_post_stamp(&p, cl->slug, t.incident, "auto", author, now);
		ok = pub_store_post_add(st, &p, err);
	}
	if (ok)
		stats->posts++;
	pub_post_free(&p);
	pub_maintenance_free(&m);
	ms_buf_free(&words);
	return ok;
}

/*
 * An operator's comment or acknowledgement on a member becomes an update
 * of its cluster's open incident, once, when its text is marked public
 * (comment_prefix: notes.h); anything else an operator writes stays
 * internal. It must be about this problem:
 * written after the incident opened (less the hold-down it waited), or
 * after the member's own trouble began (Nagios' last_hard_state_change),
 * which may be long before the publisher first saw it.
 */
static bool apply_note(const struct pub_config *cfg, struct pub_store *st,
		       const struct pub_snapshot *snap, size_t i,
		       enum pub_cluster_state state, const struct pub_comment *c,
		       struct pub_run_stats *stats, struct ms_buf *err)
{
	const struct pub_object *o = &snap->objects[c->object];
	const struct pub_cluster *cl = &cfg->clusters[i];
	const char *text = pub_note_public(cfg, c->text);
	bool ack = c->kind == PUB_COMMENT_ACK;
	struct pub_incident inc = { 0 };
	struct ms_buf key = MS_BUF_INIT;
	struct pub_post p = { 0 };
	long open;
	bool used = false, found = false, ok = true;

	if (text == NULL)
		return true;	/* internal: never published, never keyed */
	if (!pub_store_incident_open_of(st, cl->slug, &open, err))
		return false;
	if (open == 0)
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
	pub_compose_note(cfg, cl, state, ack ? "Issue identified" : "Update", c->entry_time,
			 text, &p);
	/* never before the incident it updates, so the feed's order tells it right */
	pub_post_stamp(&p, cl->slug, open, ack ? "identified" : "update",
		       pub_note_author(cfg, c->author),
		       c->entry_time > inc.opened_at ? c->entry_time : inc.opened_at);
	p.source_key = ms_buf_steal(&key);
	ok = pub_store_post_add(st, &p, err);
	if (ok && ack)
		ok = pub_store_incident_identify(st, open, c->entry_time, text, err);
	if (ok)
		stats->posts++;
out:
	pub_post_free(&p);
	pub_incident_free(&inc);
	ms_buf_free(&key);
	return ok;
}

/*
 * What readers were told of a cluster, as one string: each component's
 * state and each member's ('f' for one the engine says flaps), so any
 * change of impact inside an incident shows as a different string.
 */
static void impact_signature(const struct pub_config *cfg, const struct pub_eval *ev,
			     size_t i, struct ms_buf *b)
{
	const struct pub_cluster *cl = &cfg->clusters[i];

	for (size_t j = 0; j < cl->n_components; j++) {
		const struct pub_component_eval *pe = &ev->clusters[i].components[j];
		ms_buf_printf(b, "%s%s=%d:", j ? "," : "", cl->components[j].slug, (int)pe->state);
		for (size_t k = 0; k < cl->components[j].n_members; k++)
			ms_buf_putc(b, pe->members[k].flapping ? 'f'
				    : (char)('0' + (int)pe->members[k].state));
	}
}

/*
 * Inside an open incident, a change of impact the cluster's state does not
 * show (its storage failed too while it was already Degraded; one of two
 * failed components recovered) is told as an update with the impact now,
 * once the new impact has held for the hold-down (no component or member
 * of the cluster changed for that long).
 */
static bool tell_impact(const struct pub_config *cfg, struct pub_store *st,
			const struct pub_snapshot *snap, size_t i, const struct pub_eval *ev,
			enum pub_cluster_state state, time_t now,
			struct pub_run_stats *stats, struct ms_buf *err)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	struct pub_transition t = {
		.cfg = cfg, .cluster = cl, .eval = &ev->clusters[i], .snap = snap,
		.from = state, .to = state,
	};
	struct ms_buf sig = MS_BUF_INIT;
	struct pub_post p = { 0 };
	char *told = NULL;
	time_t last = 0;
	long open = 0;
	bool ok, tell;

	impact_signature(cfg, ev, i, &sig);
	ok = pub_store_cluster_impact(st, cl->slug, &told, err);
	if (!ok || (told != NULL && strcmp(told, sig.data) == 0))
		goto out;
	/* a store from before: what it told is not known, nothing to compare */
	tell = told != NULL && (state == PUB_CLUSTER_DEGRADED || state == PUB_CLUSTER_OFFLINE);
	if (tell && !(ok = pub_store_incident_open_of(st, cl->slug, &open, err) &&
		      pub_store_cluster_last_change(st, cl->slug, &last, err)))
		goto out;
	if (tell && open != 0 && now - last < cfg->hold_down)
		goto out;	/* not settled yet: told once it is */
	if (tell && open != 0) {
		t.incident = open;
		pub_compose_impact(&t, now, &p);
		pub_post_stamp(&p, cl->slug, open, "update", cfg->author, now);
		ok = pub_store_post_add(st, &p, err);
		stats->posts += ok;
	}
	ok = ok && pub_store_cluster_set_impact(st, cl->slug, sig.data, err);
out:
	pub_post_free(&p);
	free(told);
	ms_buf_free(&sig);
	return ok;
}

/* The impact a transition's post told, so later changes are measured from it. */
static bool told_impact(const struct pub_config *cfg, struct pub_store *st,
			const struct pub_eval *ev, size_t i, struct ms_buf *err)
{
	struct ms_buf sig = MS_BUF_INIT;
	bool ok;

	impact_signature(cfg, ev, i, &sig);
	ok = pub_store_cluster_set_impact(st, cfg->clusters[i].slug, sig.data, err);
	ms_buf_free(&sig);
	return ok;
}

/*
 * One cluster's part of a run: hold-down, transition, impact, notes. A
 * cluster whose state cannot be told (unknown members that could make it
 * more than one state) takes no step: the published state stands, its
 * incident stays open, its hold-down and its impact wait for a known state.
 */
static bool apply_cluster(const struct pub_config *cfg, struct pub_store *st,
			  const struct pub_snapshot *snap, const struct pub_eval *ev,
			  size_t i, time_t now, struct pub_run_stats *stats,
			  struct ms_buf *err)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	const struct pub_cluster_eval *ce = &ev->clusters[i];
	struct pub_cluster_row row;
	enum pub_cluster_state from;
	bool published = false;

	if (!pub_store_cluster_get(st, cl->slug, &row, err) ||
	    !record_states(cfg, st, snap, i, ev, now, err))
		return false;
	from = row.state;
	/* a cluster first seen as it is published has been so since now */
	if (row.since == 0 && !ce->unknown && ce->state == row.state)
		row.since = now;
	row.unknown_since = !ce->unknown ? 0 : row.unknown_since ? row.unknown_since : now;
	if (!ce->unknown)
		published = pub_holddown_step(&row, ce->state, now, cfg->hold_down);
	if (published) {
		stats->transitions++;
		if (!publish_transition(cfg, st, snap, i, ev, from, &row, now, stats, err))
			return false;
	}
	if (row.pending)
		stats->pending++;
	if (!pub_store_cluster_put(st, cl->slug, &row, err))
		return false;
	if (published ? !told_impact(cfg, st, ev, i, err)
	    : !row.pending && !ce->unknown &&
	      !tell_impact(cfg, st, snap, i, ev, row.state, now, stats, err))
		return false;
	/* notes after the transition, so a new incident can take them */
	for (size_t c = 0; c < snap->n_comments; c++) {
		const struct pub_comment *cm = &snap->comments[c];
		if ((cm->kind == PUB_COMMENT_USER || cm->kind == PUB_COMMENT_ACK) &&
		    object_in_cluster(cfg, snap, ev, i, cm->object) &&
		    !apply_note(cfg, st, snap, i, row.state, cm, stats, err))
			return false;
	}
	return true;
}

bool pub_engine_apply(const struct pub_config *cfg, struct pub_store *st,
		      const struct pub_snapshot *snap, const struct pub_eval *ev,
		      time_t now, struct pub_run_stats *stats, struct ms_buf *err)
{
	memset(stats, 0, sizeof(*stats));
	for (size_t i = 0; i < cfg->n_clusters; i++)
		if (!apply_cluster(cfg, st, snap, ev, i, now, stats, err))
			return false;
	return record_downtimes(cfg, st, snap, ev, err) &&
	       pub_history_record(cfg, st, snap, ev, now, err) &&
	       pub_metric_record(cfg, st, snap, ev, now, err);
}
