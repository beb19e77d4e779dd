/*
 * cmd_posts: the operator's words: post, edit, incident open|resolve,
 * maintenance schedule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "commands.h"
#include "dates.h"
#include "posts.h"
#include "site_time.h"
#include "xalloc.h"

/* --- post, edit --------------------------------------------------------- */

int pub_cmd_post(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "incident", required_argument, NULL, 'i' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *title = NULL, *file = NULL;
	const struct pub_cluster *cl;
	long incident = 0;
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct pub_incident inc = { 0 };
	struct pub_session s;
	char *msg;
	size_t len;
	bool ok, found = false;
	int c, rc;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "post")) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 't': title = optarg; break;
		case 'm': file = optarg; break;
		case 'i':
			if (!pub_parse_id("--incident", optarg, &incident))
				return PUB_EXIT_USAGE;
			break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if ((cl = pub_need_cluster(cfg, slug)) == NULL)
		return PUB_EXIT_USAGE;
	if (title == NULL || file == NULL) {
		pub_say_error("post needs --title and --message-file");
		return PUB_EXIT_USAGE;
	}
	if (!pub_check_title(title) || (msg = pub_read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (!pub_session_open(cfg, &s)) {
		free(msg);
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err);
	if (ok && incident > 0) {
		ok = pub_store_incident_get(s.st, incident, &inc, &found, &s.err);
		if (ok && (!found || strcmp(inc.cluster, cl->slug) != 0)) {
			pub_store_rollback(s.st);
			pub_say_error("there is no incident %ld of cluster %s", incident, cl->slug);
			rc = PUB_EXIT_USAGE;
			goto out;
		}
	}
	if (ok) {
		pub_compose_message(title, msg, len, NULL, &p);
		pub_post_stamp(&p, cl->slug, incident, "manual", cfg->author, now);
		ok = pub_store_post_add(s.st, &p, &s.err);
	}
	rc = pub_session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("post %ld published (guid %s)\n", p.id, p.guid);
out:
	pub_incident_free(&inc);
	pub_post_free(&p);
	free(msg);
	pub_session_close(&s);
	return rc;
}

int pub_cmd_edit(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	long id;
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct pub_session s;
	char *msg;
	size_t len;
	bool ok, found = false;
	int c, rc;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "edit")) != -1) {
		if (c == 'm')
			file = optarg;
		else if (c != 'n' || !pub_parse_when("--now", optarg, &now))
			return PUB_EXIT_USAGE;
	}
	if (optind != argc - 1 || file == NULL) {
		pub_say_error("usage: edit POST-ID --message-file FILE");
		return PUB_EXIT_USAGE;
	}
	if (!pub_parse_id("POST-ID", argv[optind], &id) || (msg = pub_read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (!pub_session_open(cfg, &s)) {
		free(msg);
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err) && pub_store_post_get(s.st, id, &p, &found, &s.err);
	if (ok && (!found || p.retracted_at != 0)) {
		pub_store_rollback(s.st);
		pub_say_error(found ? "post %ld is retracted: there is nothing to edit"
			      : "there is no post %ld", id);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	if (ok) {
		/* the guid stays: readers see the same item with new words */
		pub_compose_message(p.title, msg, len, NULL, &p);
		ok = pub_store_post_set_body(s.st, id, p.body_html, p.summary, now, &s.err);
	}
	rc = pub_session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("post %ld updated (guid %s)\n", id, p.guid);
out:
	pub_post_free(&p);
	free(msg);
	pub_session_close(&s);
	return rc;
}

/* --- incident open|resolve --------------------------------------------- */

static int incident_open(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *title = NULL, *file = NULL;
	const struct pub_cluster *cl;
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct pub_session s;
	long open = 0, number = 0;
	char *msg;
	size_t len;
	bool ok;
	int c, rc;

	while ((c = pub_next_opt(argc, argv, opts, "incident open")) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 't': title = optarg; break;
		case 'm': file = optarg; break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if ((cl = pub_need_cluster(cfg, slug)) == NULL)
		return PUB_EXIT_USAGE;
	if (title == NULL || file == NULL) {
		pub_say_error("incident open needs --cluster, --title and --message-file");
		return PUB_EXIT_USAGE;
	}
	if (!pub_check_title(title) || (msg = pub_read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (!pub_session_open(cfg, &s)) {
		free(msg);
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err) &&
	     pub_store_incident_open_of(s.st, cl->slug, &open, &s.err);
	if (ok && open) {
		pub_store_rollback(s.st);
		pub_say_error("cluster %s already has incident %ld open; post to it with "
			  "post --incident %ld", cl->slug, open, open);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	if (ok)
		ok = pub_store_incident_create(s.st, cl->slug, title, now, &number, &s.err);
	if (ok) {
		pub_compose_message(title, msg, len, NULL, &p);
		pub_post_stamp(&p, cl->slug, number, "manual", cfg->author, now);
		ok = pub_store_post_add(s.st, &p, &s.err);
	}
	rc = pub_session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("incident %ld opened, post %ld\n", number, p.id);
out:
	pub_post_free(&p);
	free(msg);
	pub_session_close(&s);
	return rc;
}

static int incident_resolve(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message-file", required_argument, NULL, 'm' },
		{ "no-post", no_argument, NULL, 'q' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	bool no_post = false;
	time_t now = time(NULL);
	struct pub_incident inc = { 0 };
	struct pub_post p = { 0 };
	struct pub_session s;
	struct ms_buf title = MS_BUF_INIT, lead = MS_BUF_INIT;
	char *msg = NULL;
	size_t len = 0;
	long number;
	bool ok, found = false;
	int c, rc;

	while ((c = pub_next_opt(argc, argv, opts, "incident resolve")) != -1) {
		if (c == 'm')
			file = optarg;
		else if (c == 'q')
			no_post = true;
		else if (c != 'n' || !pub_parse_when("--now", optarg, &now))
			return PUB_EXIT_USAGE;
	}
	if (optind != argc - 1 || (no_post && file)) {
		pub_say_error("usage: incident resolve NUMBER [--message-file FILE | --no-post]");
		return PUB_EXIT_USAGE;
	}
	if (!pub_parse_id("NUMBER", argv[optind], &number) ||
	    (file && (msg = pub_read_message(file, &len)) == NULL))
		return PUB_EXIT_USAGE;
	if (!pub_session_open(cfg, &s)) {
		free(msg);
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err) &&
	     pub_store_incident_get(s.st, number, &inc, &found, &s.err);
	if (ok && (!found || inc.resolved_at)) {
		pub_store_rollback(s.st);
		pub_say_error(found ? "incident %ld is already resolved" : "there is no incident %ld",
			  number);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	if (ok && no_post) {
		/* the incident's last post already says it is over */
		ok = pub_store_incident_resolve(s.st, number, now, &s.err);
	} else if (ok) {
		const struct pub_cluster *cl = pub_config_cluster(cfg, inc.cluster);
		ms_buf_printf(&title, "%s [Resolved]", inc.title);
		ms_buf_printf(&lead, "Incident %ld on %s is resolved.", number,
			      cl ? cl->name : inc.cluster);
		pub_compose_message(title.data, msg ? msg : "", len, lead.data, &p);
		pub_post_stamp(&p, inc.cluster, number, "manual", cfg->author, now);
		ok = pub_store_incident_resolve(s.st, number, now, &s.err) &&
		     pub_store_post_add(s.st, &p, &s.err);
	}
	rc = pub_session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK && no_post)
		printf("incident %ld resolved\n", number);
	else if (rc == PUB_EXIT_OK)
		printf("incident %ld resolved, post %ld\n", number, p.id);
out:
	ms_buf_free(&title);
	ms_buf_free(&lead);
	pub_incident_free(&inc);
	pub_post_free(&p);
	free(msg);
	pub_session_close(&s);
	return rc;
}

int pub_cmd_incident(const struct pub_config *cfg, int argc, char **argv)
{
	pub_reset_getopt();
	if (argc >= 2 && strcmp(argv[1], "open") == 0)
		return incident_open(cfg, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "resolve") == 0)
		return incident_resolve(cfg, argc - 1, argv + 1);
	pub_say_error("usage: incident open|resolve ...");
	return PUB_EXIT_USAGE;
}

/* --- maintenance schedule ------------------------------------------- */

int pub_cmd_maintenance(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *file = NULL, *title = NULL;
	const struct pub_cluster *cl;
	time_t now = time(NULL), start = 0, end = 0;
	struct pub_maintenance m = { 0 };
	struct pub_post p = { 0 };
	struct pub_session s;
	struct ms_buf t = MS_BUF_INIT, lead = MS_BUF_INIT;
	char d1[PUB_WHEN_MAX], d2[PUB_WHEN_MAX];
	char *msg;
	size_t len;
	bool ok, have_start = false, have_end = false;
	int c, rc;

	pub_reset_getopt();
	if (argc < 2 || strcmp(argv[1], "schedule") != 0) {
		pub_say_error("usage: maintenance schedule --cluster SLUG --start TIME --end TIME "
			  "--message-file FILE");
		return PUB_EXIT_USAGE;
	}
	argc--;
	argv++;
	while ((c = pub_next_opt(argc, argv, opts, "maintenance schedule")) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 'm': file = optarg; break;
		case 't': title = optarg; break;
		case 's':
			if (!pub_parse_when("--start", optarg, &start))
				return PUB_EXIT_USAGE;
			have_start = true;
			break;
		case 'e':
			if (!pub_parse_when("--end", optarg, &end))
				return PUB_EXIT_USAGE;
			have_end = true;
			break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if ((cl = pub_need_cluster(cfg, slug)) == NULL)
		return PUB_EXIT_USAGE;
	if (!have_start || !have_end || file == NULL) {
		pub_say_error("maintenance schedule needs --start, --end and --message-file");
		return PUB_EXIT_USAGE;
	}
	if (end <= start) {
		pub_say_error("--end must be after --start");
		return PUB_EXIT_USAGE;
	}
	if (end <= now) {
		pub_say_error("--end is in the past: there is nothing left to announce");
		return PUB_EXIT_USAGE;
	}
	if ((title && !pub_check_title(title)) || (msg = pub_read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (title == NULL)
		ms_buf_printf(&t, "%s: Scheduled Maintenance", cl->name);
	else
		ms_buf_puts(&t, title);
	/* in the site's zone, named, as every time readers see */
	ms_buf_printf(&lead, "Scheduled maintenance of %s from %s to %s.", cl->name,
		      pub_when_in(d1, cfg->timezone, cfg->date_format, start),
		      pub_when_in(d2, cfg->timezone, cfg->date_format, end));
	if (!pub_session_open(cfg, &s)) {
		free(msg);
		pub_session_close(&s);
		ms_buf_free(&t);
		ms_buf_free(&lead);
		return PUB_EXIT_FAILURE;
	}
	pub_compose_message(t.data, msg, len, lead.data, &p);
	pub_post_stamp(&p, cl->slug, 0, "maintenance", cfg->author, now);
	ok = pub_store_begin(s.st, &s.err) && pub_store_post_add(s.st, &p, &s.err);
	if (ok) {
		m.cluster = ms_xstrdup(cl->slug);
		m.starts_at = start;
		m.ends_at = end;
		m.message = ms_xstrndup(msg, len);
		m.post = p.id;
		ok = pub_store_maintenance_add(s.st, &m, &s.err);
	}
	rc = pub_session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("maintenance %ld scheduled, announced in post %ld\n", m.id, p.id);
	pub_maintenance_free(&m);
	pub_post_free(&p);
	ms_buf_free(&t);
	ms_buf_free(&lead);
	free(msg);
	pub_session_close(&s);
	return rc;
}
