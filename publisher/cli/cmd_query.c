/*
 * cmd_query: list, show and render: reading the store.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "commands.h"
#include "dates.h"

/* --- list, show, render ---------------------------------------------- */

int pub_cmd_list(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL;
	long limit = 0;
	struct pub_post *posts = NULL;
	struct pub_incident *incs = NULL;
	size_t n = 0, ni = 0;
	struct pub_session s;
	char date[PUB_DATE_MAX];
	int c;
	bool ok;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "list")) != -1) {
		if (c == 'c')
			slug = optarg;
		else if (c != 'l' || !pub_parse_id("--limit", optarg, &limit))
			return PUB_EXIT_USAGE;
	}
	if (slug && pub_need_cluster(cfg, slug) == NULL)
		return PUB_EXIT_USAGE;
	if (!pub_session_open_readonly(cfg, &s)) {
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_incidents(s.st, &incs, &ni, &s.err) &&
	     pub_store_posts(s.st, slug ? &slug : NULL, slug ? 1 : 0, limit, &posts, &n, &s.err);
	if (ok) {
		printf("Incidents:\n");
		for (size_t i = 0; i < ni; i++)
			if (slug == NULL || strcmp(incs[i].cluster, slug) == 0)
				printf("  %-6ld %-8s %s  %s  %s\n", incs[i].number,
				       incs[i].resolved_at ? "resolved" : "open",
				       pub_rfc3339(date, incs[i].opened_at), incs[i].cluster,
				       incs[i].title);
		printf("Posts:\n");
		for (size_t i = 0; i < n; i++) {
			printf("  %-6ld %s  %-11s %s", posts[i].id,
			       pub_rfc3339(date, posts[i].published_at), posts[i].kind,
			       posts[i].cluster);
			if (posts[i].incident)
				printf(" [Incident %ld]", posts[i].incident);
			printf("  %s\n", posts[i].title);
		}
	} else {
		pub_say_error("%s", s.err.data);
	}
	for (size_t i = 0; i < ni; i++)
		pub_incident_free(&incs[i]);
	free(incs);
	pub_posts_free(posts, n);
	pub_session_close(&s);
	return ok ? PUB_EXIT_OK : PUB_EXIT_FAILURE;
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

int pub_cmd_show(const struct pub_config *cfg, int argc, char **argv)
{
	bool incident = argc == 3 && strcmp(argv[1], "incident") == 0;
	struct pub_incident inc = { 0 };
	struct pub_post p = { 0 }, *posts = NULL;
	size_t n = 0;
	struct pub_session s;
	char date[PUB_DATE_MAX];
	long id;
	bool ok, found = false;

	if (!(argc == 2 || incident)) {
		pub_say_error("usage: show POST-ID | show incident NUMBER");
		return PUB_EXIT_USAGE;
	}
	if (!pub_parse_id(incident ? "NUMBER" : "POST-ID", argv[argc - 1], &id))
		return PUB_EXIT_USAGE;
	if (!pub_session_open_readonly(cfg, &s)) {
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	if (incident) {
		ok = pub_store_incident_get(s.st, id, &inc, &found, &s.err) &&
		     (!found || pub_store_incident_posts(s.st, id, &posts, &n, &s.err));
		if (ok && found) {
			printf("Incident:  %ld\nTitle:     %s\nCluster:   %s\nOpened:    %s\n",
			       inc.number, inc.title, inc.cluster,
			       pub_rfc822(date, inc.opened_at, false));
			if (inc.identified_at)
				printf("Identified: %s: %s\n",
				       pub_rfc822(date, inc.identified_at, false),
				       inc.identified_text ? inc.identified_text : "");
			if (inc.resolved_at)
				printf("Resolved:  %s\n", pub_rfc822(date, inc.resolved_at, false));
			for (size_t i = 0; i < n; i++) {
				printf("\n");
				show_post(cfg, &posts[i]);
			}
		}
	} else {
		ok = pub_store_post_get(s.st, id, &p, &found, &s.err);
		if (ok && found)
			show_post(cfg, &p);
	}
	if (!ok)
		pub_say_error("%s", s.err.data);
	else if (!found)
		pub_say_error("there is no %s %ld", incident ? "incident" : "post", id);
	pub_incident_free(&inc);
	pub_post_free(&p);
	pub_posts_free(posts, n);
	pub_session_close(&s);
	return !ok ? PUB_EXIT_FAILURE : found ? PUB_EXIT_OK : PUB_EXIT_USAGE;
}

int pub_cmd_render(const struct pub_config *cfg, int argc, char **argv)
{
	struct pub_session s;
	int rc;

	if (argc != 1) {
		pub_say_error("render takes no arguments ('%s')", argv[1]);
		return PUB_EXIT_USAGE;
	}
	if (!pub_session_open(cfg, &s)) {
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	rc = pub_session_finish(cfg, &s, pub_store_begin(s.st, &s.err));
	pub_session_close(&s);
	return rc;
}
