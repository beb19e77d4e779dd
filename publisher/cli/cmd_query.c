/*
 * cmd_query: list and show, which read the store, and render, which
 * writes the output from it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "commands.h"
#include "dates.h"

struct list_work {
	const char *slug;	/* the cluster, or NULL: all */
	long limit;
	bool deliveries;	/* --deliveries: the pending and failed ones instead */
};

/* Pending and failed deliveries, with the last error; never a secret or a URL. */
static bool list_deliveries(struct pub_store *st, struct ms_buf *err)
{
	struct pub_delivery_row *rows = NULL;
	char next[PUB_DATE_MAX];
	size_t n = 0;

	if (!pub_store_deliveries_open(st, &rows, &n, err))
		return false;
	printf("Deliveries:\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %-6ld %-20s %-8s %d attempt(s)", rows[i].post.id, rows[i].subscriber,
		       rows[i].state, rows[i].attempts);
		if (strcmp(rows[i].state, "pending") == 0)
			printf(", next %s", pub_rfc3339(next, rows[i].next_at));
		printf("  %s  %s\n", rows[i].id, rows[i].post.title);
		if (rows[i].last_error)
			printf("         last error: %s\n", rows[i].last_error);
	}
	pub_delivery_rows_free(rows, n);
	return true;
}

static void list_incidents(const struct pub_incident *incs, size_t n, const char *slug)
{
	char date[PUB_DATE_MAX];

	printf("Incidents:\n");
	for (size_t i = 0; i < n; i++)
		if (slug == NULL || strcmp(incs[i].cluster, slug) == 0)
			printf("  %-6ld %-8s %s  %s  %s\n", incs[i].number,
			       incs[i].resolved_at ? "resolved" : "open",
			       pub_rfc3339(date, incs[i].opened_at), incs[i].cluster,
			       incs[i].title);
}

static void list_posts(const struct pub_post *posts, size_t n)
{
	char date[PUB_DATE_MAX];

	printf("Posts:\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %-6ld %s  %-11s %s", posts[i].id,
		       pub_rfc3339(date, posts[i].published_at), posts[i].kind,
		       posts[i].cluster);
		if (posts[i].incident)
			printf(" [Incident %ld]", posts[i].incident);
		printf("  %s\n", posts[i].title);
	}
}

static enum pub_work list_work(const struct pub_config *cfg, struct pub_store *st,
			       void *arg, struct ms_buf *err)
{
	const struct list_work *lw = arg;
	struct pub_post *posts = NULL;
	struct pub_incident *incs = NULL;
	size_t n = 0, ni = 0;
	bool ok;

	(void)cfg;
	if (lw->deliveries)
		return pub_work_done(list_deliveries(st, err));
	ok = pub_store_incidents(st, &incs, &ni, err) &&
	     pub_store_posts(st, lw->slug ? &lw->slug : NULL, lw->slug ? 1 : 0, lw->limit,
			     &posts, &n, err);
	if (ok) {
		list_incidents(incs, ni, lw->slug);
		list_posts(posts, n);
	}
	for (size_t i = 0; i < ni; i++)
		pub_incident_free(&incs[i]);
	free(incs);
	pub_posts_free(posts, n);
	return pub_work_done(ok);
}

int pub_cmd_list(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ "deliveries", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_work lw = { 0 };
	struct ms_buf err = MS_BUF_INIT;
	int c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "list", &err)) != -1) {
		if (c == 'c')
			lw.slug = optarg;
		else if (c == 'd')
			lw.deliveries = true;
		else if (c != 'l' || !pub_parse_id("--limit", optarg, &lw.limit, &err))
			return pub_refuse(&err);
	}
	if (lw.slug && pub_need_cluster(cfg, lw.slug, &err) == NULL)
		return pub_refuse(&err);
	if (lw.deliveries && (lw.slug || lw.limit)) {
		pub_say_error("list --deliveries takes no --cluster or --limit");
		return PUB_EXIT_USAGE;
	}
	return pub_session_read(cfg, list_work, &lw);
}

static void show_post(const struct pub_config *cfg, const struct pub_post *p)
{
	char d1[PUB_DATE_MAX], d2[PUB_DATE_MAX];

	printf("Post:      %ld\nTitle:     %s\nCluster:   %s\nKind:      %s\n", p->id,
	       p->title, p->cluster, p->kind);
	if (p->incident)
		printf("Incident:  %ld\n", p->incident);
	if (p->retracted_at)
		printf("Retracted: %s by %s (shown nowhere)\n",
		       pub_rfc822(d1, p->retracted_at, false),
		       p->retracted_by ? p->retracted_by : "?");
	printf("Published: %s\nUpdated:   %s\nAuthor:    %s\nGuid:      %s\n"
	       "Link:      %sposts/%ld.html\n\n%s\n", pub_rfc822(d1, p->published_at, false),
	       pub_rfc822(d2, p->updated_at, false), p->author, p->guid, cfg->base_url,
	       p->id, p->body_html);
}

static void show_incident(const struct pub_config *cfg, const struct pub_incident *inc,
			  const struct pub_post *posts, size_t n)
{
	char date[PUB_DATE_MAX];

	printf("Incident:  %ld\nTitle:     %s\nCluster:   %s\nOpened:    %s\n",
	       inc->number, inc->title, inc->cluster, pub_rfc822(date, inc->opened_at, false));
	if (inc->identified_at)
		printf("Identified: %s: %s\n", pub_rfc822(date, inc->identified_at, false),
		       inc->identified_text ? inc->identified_text : "");
	if (inc->resolved_at)
		printf("Resolved:  %s\n", pub_rfc822(date, inc->resolved_at, false));
	for (size_t i = 0; i < n; i++) {
		printf("\n");
		show_post(cfg, &posts[i]);
	}
}

struct show_work {
	bool incident;		/* incident NUMBER, else POST-ID */
	long id;
};

static enum pub_work show_work(const struct pub_config *cfg, struct pub_store *st,
			       void *arg, struct ms_buf *err)
{
	const struct show_work *sw = arg;
	struct pub_incident inc = { 0 };
	struct pub_post p = { 0 }, *posts = NULL;
	size_t n = 0;
	bool ok, found = false;

	if (sw->incident) {
		ok = pub_store_incident_get(st, sw->id, &inc, &found, err) &&
		     (!found || pub_store_incident_posts(st, sw->id, &posts, &n, err));
		if (ok && found)
			show_incident(cfg, &inc, posts, n);
	} else {
		ok = pub_store_post_get(st, sw->id, &p, &found, err);
		if (ok && found)
			show_post(cfg, &p);
	}
	pub_incident_free(&inc);
	pub_post_free(&p);
	pub_posts_free(posts, n);
	if (ok && !found) {
		ms_buf_printf(err, "there is no %s %ld", sw->incident ? "incident" : "post",
			      sw->id);
		return PUB_WORK_REFUSED;
	}
	return pub_work_done(ok);
}

int pub_cmd_show(const struct pub_config *cfg, int argc, char **argv)
{
	struct show_work sw = { .incident = argc == 3 && strcmp(argv[1], "incident") == 0 };
	struct ms_buf err = MS_BUF_INIT;

	if (!(argc == 2 || sw.incident)) {
		pub_say_error("usage: show POST-ID | show incident NUMBER");
		return PUB_EXIT_USAGE;
	}
	if (!pub_parse_id(sw.incident ? "NUMBER" : "POST-ID", argv[argc - 1], &sw.id, &err))
		return pub_refuse(&err);
	return pub_session_read(cfg, show_work, &sw);
}

int pub_cmd_render(const struct pub_config *cfg, int argc, char **argv)
{
	if (argc != 1) {
		pub_say_error("render takes no arguments ('%s')", argv[1]);
		return PUB_EXIT_USAGE;
	}
	/* nothing to change: the output from what the store holds (its open
	 * upgraded a store from before) */
	return pub_session(cfg, NULL, NULL);
}
