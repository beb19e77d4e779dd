/*
 * posts: default texts of automatic posts. See posts.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "html.h"
#include "posts.h"
#include "sitetime.h"
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

/* "Incoming Mail is running with reduced redundancy (AV/GreyListing 1 is unavailable)." */
static void component_sentence(const struct pub_component *co,
			       const struct pub_component_eval *ce, struct ms_buf *b)
{
	const char **down = ms_xcalloc(co->n_members, sizeof(*down));
	const char **impaired = ms_xcalloc(co->n_members, sizeof(*impaired));
	const char **unknown = ms_xcalloc(co->n_members, sizeof(*unknown));
	size_t nd = 0, ni = 0, nu = 0, up = 0;

	for (size_t k = 0; k < co->n_members; k++) {
		if (ce->members[k].state == PUB_MEMBER_UP)
			up++;
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
		if (nd + ni + nu > 0)
			ms_buf_puts(b, " (");
		if (nd > 0) {
			add_list(b, down, nd);
			ms_buf_puts(b, nd == 1 ? " is unavailable" : " are unavailable");
		}
		if (ni > 0) {
			ms_buf_puts(b, nd ? "; " : "");
			add_list(b, impaired, ni);
			ms_buf_puts(b, ni == 1 ? " is impaired" : " are impaired");
		}
		if (nu > 0) {
			ms_buf_puts(b, nd + ni ? "; the state of " : "the state of ");
			add_list(b, unknown, nu);
			ms_buf_puts(b, " is not known");
		}
		ms_buf_puts(b, nd + ni + nu > 0 ? ")." : ".");
		break;
	}
	if (co->impact && ce->state != PUB_COMPONENT_MAINTENANCE &&
	    ce->state != PUB_COMPONENT_UNKNOWN) {
		size_t n = strlen(co->impact);
		ms_buf_putc(b, ' ');
		ms_buf_puts(b, co->impact);
		/* the operator's sentence, ended like ours */
		if (n > 0 && strchr(".!?", co->impact[n - 1]) == NULL)
			ms_buf_putc(b, '.');
	}
	free(down);
	free(impaired);
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

static void problem_body(const struct pub_transition *t, struct pub_html *h)
{
	const struct pub_cluster *cl = t->cluster;
	struct ms_buf b = MS_BUF_INIT;

	if (t->to == PUB_CLUSTER_OFFLINE)
		ms_buf_printf(&b, "%s is offline: some of its services are not available.",
			      cl->name);
	else
		ms_buf_printf(&b, "%s is degraded: its services are available, some with "
			      "reduced capacity or redundancy.", cl->name);
	pub_html_para(h, b.data);
	for (size_t j = 0; j < cl->n_components; j++) {
		if (t->eval->components[j].state == PUB_COMPONENT_OPERATIONAL)
			continue;
		ms_buf_reset(&b);
		component_sentence(&cl->components[j], &t->eval->components[j], &b);
		pub_html_para(h, b.data);
	}
	still_working(t, h);
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

void pub_compose_note(const struct pub_cluster *cl, const char *what, time_t at,
		      const char *text, const char *tz, struct pub_post *p)
{
	struct pub_html *h = pub_html_new();
	struct ms_buf b = MS_BUF_INIT;
	char hhmm[PUB_WHEN_MAX], zone[PUB_WHEN_MAX];
	char *saved;

	/* "[16:57]" in the zone the site speaks, as the operator wrote it */
	pub_timezone_use(tz ? tz : PUB_DEFAULT_TIMEZONE, &saved);
	pub_when(hhmm, "%H:%M", at);
	pub_when(zone, "%Z", at);
	pub_timezone_restore(saved);
	ms_buf_printf(&b, "[%s]", hhmm);
	pub_html_para_lead(h, b.data, text);
	ms_buf_reset(&b);
	ms_buf_printf(&b, "%s: %s %s %s", cl->name, what, hhmm, zone);
	free(p->title);
	p->title = ms_buf_steal(&b);
	finish(h, p);
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
