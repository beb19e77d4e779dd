/*
 * posts: the words of automatic posts, notes and operators' messages.
 * See posts.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "html.h"
#include "notes.h"
#include "posts.h"
#include "site_time.h"
#include "xalloc.h"

/* "A", "A and B", "A, B and C" */
static void add_list(struct ms_buf *b, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ms_buf_puts(b, i == n - 1 ? " and " : ", ");
		ms_buf_puts(b, items[i]);
	}
}

static void finish(struct pub_html *h, struct pub_post *p)
{
	char *html, *text;

	pub_html_finish(h, &html, &text);
	free(p->body_html);
	free(p->summary);
	p->body_html = html;
	p->summary = pub_summary(text, PUB_SUMMARY_WORDS);
	free(text);
}

/*
 * " (A and B fail intermittently" or "; the state of A is not known": lead,
 * the names, then one's or many's ending.
 */
static void add_members(struct ms_buf *b, const char *lead, const char *const *names,
			size_t n, const char *one, const char *many, bool *first)
{
	if (n == 0)
		return;
	ms_buf_puts(b, *first ? " (" : "; ");
	ms_buf_puts(b, lead);
	add_list(b, names, n);
	ms_buf_puts(b, n == 1 ? one : many);
	*first = false;
}

/*
 * The component's impact sentence, when it has one and is neither in
 * maintenance nor of unknown state.
 */
static void add_impact(const struct pub_component *co, const struct pub_component_eval *ce,
		       struct ms_buf *b)
{
	if (co->impact && ce->state != PUB_COMPONENT_MAINTENANCE &&
	    ce->state != PUB_COMPONENT_UNKNOWN) {
		size_t n = strlen(co->impact);
		ms_buf_putc(b, ' ');
		ms_buf_puts(b, co->impact);
		/* the operator's sentence, ended like ours */
		if (n > 0 && strchr(".!?", co->impact[n - 1]) == NULL)
			ms_buf_putc(b, '.');
	}
}

/*
 * A component that fails and recovers over and over (a flap that lasted
 * the hold-down): "Incoming Mail fails intermittently (AV/GreyListing 1 is
 * affected)."
 */
static void intermittent_sentence(const struct pub_component *co,
				  const struct pub_component_eval *ce, struct ms_buf *b)
{
	const char **names = ms_xcalloc(co->n_members, sizeof(*names));
	size_t n = 0;
	bool first = true;

	for (size_t k = 0; k < co->n_members; k++)
		if (ce->members[k].state == PUB_MEMBER_IMPAIRED ||
		    ce->members[k].state == PUB_MEMBER_DOWN)
			names[n++] = co->members[k].public_name;
	ms_buf_printf(b, "%s fails intermittently", co->name);
	add_members(b, "", names, n, " is affected", " are affected", &first);
	ms_buf_puts(b, first ? "." : ").");
	add_impact(co, ce, b);
	free(names);
}

/* "Incoming Mail is running with reduced redundancy (AV/GreyListing 1 is unavailable)." */
static void component_sentence(const struct pub_component *co,
			       const struct pub_component_eval *ce, struct ms_buf *b)
{
	const char **down = ms_xcalloc(co->n_members, sizeof(*down));
	const char **impaired = ms_xcalloc(co->n_members, sizeof(*impaired));
	const char **flapping = ms_xcalloc(co->n_members, sizeof(*flapping));
	const char **unknown = ms_xcalloc(co->n_members, sizeof(*unknown));
	size_t nd = 0, ni = 0, nf = 0, nu = 0, up = 0;
	bool first = true;

	for (size_t k = 0; k < co->n_members; k++) {
		if (ce->members[k].state == PUB_MEMBER_UP)
			up++;
		else if (ce->members[k].state == PUB_MEMBER_MAINTENANCE)
			continue;
		else if (ce->members[k].flapping)	/* the engine's own flap detection */
			flapping[nf++] = co->members[k].public_name;
		else if (ce->members[k].state == PUB_MEMBER_DOWN)
			down[nd++] = co->members[k].public_name;
		else if (ce->members[k].state == PUB_MEMBER_IMPAIRED)
			impaired[ni++] = co->members[k].public_name;
		else if (ce->members[k].state == PUB_MEMBER_UNKNOWN)
			unknown[nu++] = co->members[k].public_name;
	}
	switch (ce->state) {
	case PUB_COMPONENT_OUTAGE:
		ms_buf_printf(b, "%s is unavailable.", co->name);
		break;
	case PUB_COMPONENT_MAINTENANCE:
		ms_buf_printf(b, "%s is in scheduled maintenance.", co->name);
		break;
	case PUB_COMPONENT_UNKNOWN:
		ms_buf_printf(b, "The state of %s is not known at the moment.", co->name);
		break;
	default:
		/* degraded: either redundancy is lost, or nothing works well */
		ms_buf_printf(b, up > 0 ? "%s is running with reduced redundancy"
			      : "%s is working with problems", co->name);
		add_members(b, "", down, nd, " is unavailable", " are unavailable", &first);
		add_members(b, "", impaired, ni, " is impaired", " are impaired", &first);
		add_members(b, "", flapping, nf, " fails intermittently", " fail intermittently",
			    &first);
		add_members(b, "the state of ", unknown, nu, " is not known", " is not known",
			    &first);
		ms_buf_puts(b, first ? "." : ").");
		break;
	}
	add_impact(co, ce, b);
	free(down);
	free(impaired);
	free(flapping);
	free(unknown);
}

/* The paragraph of what still works, or nothing when nothing does. */
static void still_working(const struct pub_transition *t, struct pub_html *h)
{
	const struct pub_cluster *cl = t->cluster;
	const char **ok = ms_xcalloc(cl->n_components, sizeof(*ok));
	struct ms_buf b = MS_BUF_INIT;
	size_t n = 0;

	for (size_t j = 0; j < cl->n_components; j++)
		if (t->eval->components[j].state == PUB_COMPONENT_OPERATIONAL)
			ok[n++] = cl->components[j].name;
	if (n > 0) {
		add_list(&b, ok, n);
		ms_buf_puts(&b, n == 1 ? " is working normally." : " are working normally.");
		pub_html_para(h, b.data);
	}
	ms_buf_free(&b);
	free(ok);
}

static void details(const struct pub_transition *t, struct pub_html *h)
{
	const struct pub_cluster *cl = t->cluster;

	for (size_t j = 0; j < cl->n_components; j++) {
		const struct pub_component *co = &cl->components[j];
		for (size_t k = 0; k < co->n_members; k++) {
			const struct pub_member_eval *me = &t->eval->components[j].members[k];
			const struct pub_member *m = &co->members[k];
			struct ms_buf lead = MS_BUF_INIT;
			const char *out = "(not reported by monitoring)";

			if (me->state == PUB_MEMBER_UP)
				continue;
			if (me->object < t->snap->n_objects && t->snap->objects[me->object].output)
				out = t->snap->objects[me->object].output;
			ms_buf_printf(&lead, "%s (%s%s%s, %s):", m->public_name, m->host,
				      m->service ? "!" : "", m->service ? m->service : "",
				      pub_member_state_name(me->state));
			pub_html_para_lead(h, lead.data, out);
			ms_buf_free(&lead);
		}
	}
}

/* "The problem began on 29 Sep 2009 06:54 UTC.": the engine's hard state change */
static void began_para(const struct pub_transition *t, struct pub_html *h)
{
	char when[PUB_WHEN_MAX];
	struct ms_buf b = MS_BUF_INIT;

	if (t->began <= 0)
		return;
	ms_buf_printf(&b, "The problem began on %s.",
		      pub_when_in(when, t->cfg->timezone, t->cfg->date_format, t->began));
	pub_html_para(h, b.data);
	ms_buf_free(&b);
}

/* The first paragraph of a problem: the cluster's state in a sentence. */
static void problem_lead(const struct pub_transition *t, struct ms_buf *b)
{
	const struct pub_cluster *cl = t->cluster;

	if (t->intermittent)
		ms_buf_printf(b, "%s is degraded: some of its services fail intermittently, "
			      "working and failing by turns.", cl->name);
	else if (t->to == PUB_CLUSTER_OFFLINE)
		ms_buf_printf(b, "%s is offline: some of its services are not available.",
			      cl->name);
	else
		ms_buf_printf(b, "%s is degraded: its services are available, some with "
			      "reduced capacity or redundancy.", cl->name);
}

/* What is affected and how, then what still works: the impact now. */
static void impact_paras(const struct pub_transition *t, struct pub_html *h)
{
	const struct pub_cluster *cl = t->cluster;
	struct ms_buf b = MS_BUF_INIT;

	for (size_t j = 0; j < cl->n_components; j++) {
		const struct pub_component_eval *ce = &t->eval->components[j];

		if (ce->state == PUB_COMPONENT_OPERATIONAL)
			continue;
		ms_buf_reset(&b);
		/* a flap fails by turns; maintenance and an unknown state are said as always */
		if (t->intermittent && (ce->state == PUB_COMPONENT_DEGRADED ||
					ce->state == PUB_COMPONENT_OUTAGE))
			intermittent_sentence(&cl->components[j], ce, &b);
		else
			component_sentence(&cl->components[j], ce, &b);
		pub_html_para(h, b.data);
	}
	still_working(t, h);
	ms_buf_free(&b);
}

static void problem_body(const struct pub_transition *t, struct pub_html *h)
{
	struct ms_buf b = MS_BUF_INIT;

	problem_lead(t, &b);
	pub_html_para(h, b.data);
	began_para(t, h);
	impact_paras(t, h);
	pub_html_para(h, "We are working on it and will post updates here.");
	ms_buf_free(&b);
}

static void maintenance_body(const struct pub_transition *t, struct pub_html *h)
{
	const struct pub_cluster *cl = t->cluster;
	struct ms_buf b = MS_BUF_INIT;

	if (t->maintenance_message) {
		pub_html_message(h, t->maintenance_message, strlen(t->maintenance_message));
	} else {
		ms_buf_printf(&b, "%s is in scheduled maintenance.", cl->name);
		pub_html_para(h, b.data);
	}
	for (size_t j = 0; j < cl->n_components; j++) {
		if (t->eval->components[j].state != PUB_COMPONENT_MAINTENANCE)
			continue;
		ms_buf_reset(&b);
		component_sentence(&cl->components[j], &t->eval->components[j], &b);
		pub_html_para(h, b.data);
	}
	still_working(t, h);
	ms_buf_free(&b);
}

static void online_body(const struct pub_transition *t, struct pub_html *h)
{
	const struct pub_cluster *cl = t->cluster;
	struct ms_buf b = MS_BUF_INIT;

	if (t->from == PUB_CLUSTER_MAINTENANCE)
		ms_buf_printf(&b, "The maintenance of %s is complete. ", cl->name);
	ms_buf_printf(&b, "All services on %s are fully available%s.", cl->name,
		      t->from == PUB_CLUSTER_MAINTENANCE ? "" : " again");
	pub_html_para(h, b.data);
	if (t->resolves) {
		ms_buf_reset(&b);
		ms_buf_printf(&b, "Incident %ld is resolved.", t->incident);
		pub_html_para(h, b.data);
	}
	ms_buf_free(&b);
}

void pub_compose_transition(const struct pub_transition *t, struct pub_post *p)
{
	struct pub_html *h = pub_html_new();
	struct ms_buf title = MS_BUF_INIT;

	ms_buf_printf(&title, "%s is %s", t->cluster->name, pub_cluster_state_name(t->to));
	switch (t->to) {
	case PUB_CLUSTER_ONLINE:
		online_body(t, h);
		break;
	case PUB_CLUSTER_MAINTENANCE:
		maintenance_body(t, h);
		break;
	default:
		problem_body(t, h);
		break;
	}
	if (t->cfg->show_details && t->to != PUB_CLUSTER_ONLINE)
		details(t, h);
	free(p->title);
	p->title = ms_buf_steal(&title);
	finish(h, p);
}

/* "16:57 UTC": at in the site's zone (tz; NULL: UTC), the zone named. */
static void time_of_day(const char *tz, time_t at, char *buf, size_t len)
{
	char hhmm[PUB_WHEN_MAX];

	snprintf(buf, len, "%s", pub_when_in(hhmm, tz, PUB_TIME_FORMAT, at));
}

/* An update's title: update_title, or "<Cluster>: <what> at 16:57 UTC". */
static char *update_title(const struct pub_config *cfg, const struct pub_cluster *cl,
			  enum pub_cluster_state state, const char *what, const char *time)
{
	struct pub_title_vars vars = {
		.cluster = cl->name, .state = pub_cluster_state_name(state),
		.what = what, .time = time,
	};
	struct ms_buf b = MS_BUF_INIT;

	pub_title_expand(cfg->update_title, &vars, &b);
	return ms_buf_steal(&b);
}

void pub_compose_note(const struct pub_config *cfg, const struct pub_cluster *cl,
		      enum pub_cluster_state state, const char *what, time_t at,
		      const char *text, struct pub_post *p)
{
	struct pub_html *h = pub_html_new();
	struct ms_buf b = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];

	/* "[16:57 UTC]" in the zone the site speaks, as the operator wrote it */
	time_of_day(cfg->timezone, at, when, sizeof(when));
	ms_buf_printf(&b, "[%s]", when);
	pub_html_para_lead(h, b.data, text);
	ms_buf_free(&b);
	free(p->title);
	p->title = update_title(cfg, cl, state, what, when);
	finish(h, p);
}

void pub_compose_impact(const struct pub_transition *t, time_t at, struct pub_post *p)
{
	struct pub_html *h = pub_html_new();
	struct ms_buf b = MS_BUF_INIT, lead = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];

	time_of_day(t->cfg->timezone, at, when, sizeof(when));
	ms_buf_printf(&lead, "[%s]", when);
	problem_lead(t, &b);
	pub_html_para_lead(h, lead.data, b.data);
	impact_paras(t, h);
	if (t->cfg->show_details)
		details(t, h);
	free(p->title);
	p->title = update_title(t->cfg, t->cluster, t->to, "Update", when);
	finish(h, p);
	ms_buf_free(&b);
	ms_buf_free(&lead);
}

void pub_compose_message(const char *title, const char *message, size_t len,
			 const char *lead_para, struct pub_post *p)
{
	struct pub_html *h = pub_html_new();

	if (lead_para)
		pub_html_para(h, lead_para);
	pub_html_message(h, message, len);
	char *copy = ms_xstrdup(title);	/* title may be p->title itself (edit) */
	free(p->title);
	p->title = copy;
	finish(h, p);
}

void pub_post_stamp(struct pub_post *p, const char *cluster, long incident,
		    const char *kind, const char *author, time_t at)
{
	free(p->cluster);
	free(p->kind);
	free(p->author);
	p->cluster = ms_xstrdup(cluster);
	p->incident = incident;
	p->kind = ms_xstrdup(kind);
	p->author = ms_xstrdup(author);
	p->published_at = p->updated_at = at;
}
