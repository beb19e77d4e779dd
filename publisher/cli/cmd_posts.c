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

/* What post, incident open and maintenance schedule publish, and the post made. */
struct words {
	const struct pub_cluster *cl;
	const char *title;
	char *msg;
	size_t len;
	time_t now;
	struct pub_post p;
};

static void words_free(struct words *w)
{
	pub_post_free(&w->p);
	free(w->msg);
}

/* The operator's post, with lead (or NULL) first, of incident (or 0). */
static bool publish_words(const struct pub_config *cfg, struct pub_store *st,
			  struct words *w, const char *lead, long incident, const char *kind,
			  struct ms_buf *err)
{
	pub_compose_message(w->title, w->msg, w->len, lead, &w->p);
	pub_post_stamp(&w->p, w->cl->slug, incident, kind, cfg->author, w->now);
	return pub_store_post_add(st, &w->p, err);
}

/* The words' last checks, the same for a post and an incident: the cluster
 * is one of publish.conf's, the title and the message file were given
 * (USAGE says which options the command needs), the title is one line,
 * the message is read. */
static bool words_complete(const struct pub_config *cfg, struct words *w,
			   const char *slug, const char *file, const char *usage,
			   struct ms_buf *err)
{
	if ((w->cl = pub_need_cluster(cfg, slug, err)) == NULL)
		return false;
	if (w->title == NULL || file == NULL) {
		ms_buf_puts(err, usage);
		return false;
	}
	return pub_check_title(w->title, err) &&
	       (w->msg = pub_read_message(file, &w->len, err)) != NULL;
}

struct post_work {
	struct words w;
	long incident;		/* the incident it belongs to, or 0 */
};

static enum pub_work post_work(const struct pub_config *cfg, struct pub_store *st,
			       void *arg, struct ms_buf *err)
{
	struct post_work *pw = arg;
	struct pub_incident inc = { 0 };
	bool found = false, theirs;

	if (pw->incident > 0) {
		if (!pub_store_incident_get(st, pw->incident, &inc, &found, err))
			return PUB_WORK_FAILED;
		theirs = found && strcmp(inc.cluster, pw->w.cl->slug) == 0;
		pub_incident_free(&inc);
		if (!theirs) {
			ms_buf_printf(err, "there is no incident %ld of cluster %s",
				      pw->incident, pw->w.cl->slug);
			return PUB_WORK_REFUSED;
		}
	}
	return pub_work_done(publish_words(cfg, st, &pw->w, NULL, pw->incident, "manual",
					   err));
}

/* post's command line, checked; false with what is wrong in err. */
static bool post_options(const struct pub_config *cfg, int argc, char **argv,
			 struct post_work *pw, struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "incident", required_argument, NULL, 'i' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *file = NULL;
	int c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "post", err)) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 't': pw->w.title = optarg; break;
		case 'm': file = optarg; break;
		case 'i':
			if (!pub_parse_id("--incident", optarg, &pw->incident, err))
				return false;
			break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &pw->w.now, err))
				return false;
			break;
		default:
			return false;
		}
	}
	return words_complete(cfg, &pw->w, slug, file,
			      "post needs --title and --message-file", err);
}

int pub_cmd_post(const struct pub_config *cfg, int argc, char **argv)
{
	struct post_work pw = { .w.now = time(NULL) };
	struct ms_buf err = MS_BUF_INIT;
	int rc;

	if (!post_options(cfg, argc, argv, &pw, &err))
		return pub_refuse(&err);
	rc = pub_session(cfg, post_work, &pw);
	if (rc == PUB_EXIT_OK)
		printf("post %ld published (guid %s)\n", pw.w.p.id, pw.w.p.guid);
	words_free(&pw.w);
	return rc;
}

struct edit_work {
	long id;
	char *msg;
	size_t len;
	time_t now;
	struct pub_post p;	/* the post edited */
};

/* An announcement keeps its lead (the window's times); its window takes the new words. */
static enum pub_work edit_announcement(const struct pub_config *cfg, struct pub_store *st,
				       struct edit_work *ew, struct ms_buf *err)
{
	struct pub_maintenance m = { 0 };
	bool found = false, ok;

	if (!pub_store_maintenance_get(st, ew->id, true, &m, &found, err))
		return PUB_WORK_FAILED;
	if (found) {
		free(m.message);
		m.message = ms_xstrndup(ew->msg, ew->len);
		ok = pub_maintenance_reannounce(cfg, st, &m, ew->now, err);
	} else {
		pub_compose_message(ew->p.title, ew->msg, ew->len, NULL, &ew->p);
		ok = pub_store_post_set_body(st, ew->id, ew->p.body_html, ew->p.summary, ew->now,
					     err);
	}
	pub_maintenance_free(&m);
	return pub_work_done(ok);
}

static enum pub_work edit_work(const struct pub_config *cfg, struct pub_store *st,
			       void *arg, struct ms_buf *err)
{
	struct edit_work *ew = arg;
	bool found = false;

	if (!pub_store_post_get(st, ew->id, &ew->p, &found, err))
		return PUB_WORK_FAILED;
	if (!found || ew->p.retracted_at != 0) {
		ms_buf_printf(err, found ? "post %ld is retracted: there is nothing to edit"
			      : "there is no post %ld", ew->id);
		return PUB_WORK_REFUSED;
	}
	if (strcmp(ew->p.kind, "maintenance") == 0)
		return edit_announcement(cfg, st, ew, err);
	/* the guid stays: readers see the same item with new words */
	pub_compose_message(ew->p.title, ew->msg, ew->len, NULL, &ew->p);
	return pub_work_done(pub_store_post_set_body(st, ew->id, ew->p.body_html,
						     ew->p.summary, ew->now, err));
}

/* edit's command line, checked; false with what is wrong in err. */
static bool edit_options(int argc, char **argv, struct edit_work *ew, struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	int c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "edit", err)) != -1) {
		if (c == 'm')
			file = optarg;
		else if (c != 'n' || !pub_parse_when("--now", optarg, &ew->now, err))
			return false;
	}
	if (optind != argc - 1 || file == NULL) {
		ms_buf_puts(err, "usage: edit POST-ID --message-file FILE");
		return false;
	}
	return pub_parse_id("POST-ID", argv[optind], &ew->id, err) &&
	       (ew->msg = pub_read_message(file, &ew->len, err)) != NULL;
}

int pub_cmd_edit(const struct pub_config *cfg, int argc, char **argv)
{
	struct edit_work ew = { .now = time(NULL) };
	struct ms_buf err = MS_BUF_INIT;
	int rc;

	if (!edit_options(argc, argv, &ew, &err))
		return pub_refuse(&err);
	rc = pub_session(cfg, edit_work, &ew);
	if (rc == PUB_EXIT_OK)
		printf("post %ld updated (guid %s)\n", ew.id, ew.p.guid);
	pub_post_free(&ew.p);
	free(ew.msg);
	return rc;
}

/* --- incident open|resolve --------------------------------------------- */

struct open_work {
	struct words w;
	long number;		/* the incident opened */
};

static enum pub_work open_work(const struct pub_config *cfg, struct pub_store *st,
			       void *arg, struct ms_buf *err)
{
	struct open_work *ow = arg;
	const char *slug = ow->w.cl->slug;
	long open = 0;

	if (!pub_store_incident_open_of(st, slug, &open, err))
		return PUB_WORK_FAILED;
	if (open) {
		ms_buf_printf(err, "cluster %s already has incident %ld open; post to it "
			      "with post --incident %ld", slug, open, open);
		return PUB_WORK_REFUSED;
	}
	return pub_work_done(pub_store_incident_create(st, slug, ow->w.title, ow->w.now,
						       &ow->number, err) &&
			     publish_words(cfg, st, &ow->w, NULL, ow->number, "manual", err));
}

/* incident open's command line, checked; false with what is wrong in err. */
static bool open_options(const struct pub_config *cfg, int argc, char **argv,
			 struct open_work *ow, struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *file = NULL;
	int c;

	while ((c = pub_next_opt(argc, argv, opts, "incident open", err)) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 't': ow->w.title = optarg; break;
		case 'm': file = optarg; break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &ow->w.now, err))
				return false;
			break;
		default:
			return false;
		}
	}
	return words_complete(cfg, &ow->w, slug, file,
			      "incident open needs --cluster, --title and --message-file", err);
}

static int incident_open(const struct pub_config *cfg, int argc, char **argv)
{
	struct open_work ow = { .w.now = time(NULL) };
	struct ms_buf err = MS_BUF_INIT;
	int rc;

	if (!open_options(cfg, argc, argv, &ow, &err))
		return pub_refuse(&err);
	rc = pub_session(cfg, open_work, &ow);
	if (rc == PUB_EXIT_OK)
		printf("incident %ld opened, post %ld\n", ow.number, ow.w.p.id);
	words_free(&ow.w);
	return rc;
}

struct resolve_work {
	long number;
	bool no_post;
	char *msg;		/* or NULL */
	size_t len;
	time_t now;
	struct pub_post p;	/* the post that says so */
};

/* The post that says incident inc is over, with the operator's words if any. */
static bool resolve_post(const struct pub_config *cfg, struct pub_store *st,
			 struct resolve_work *rw, const struct pub_incident *inc,
			 struct ms_buf *err)
{
	const struct pub_cluster *cl = pub_config_cluster(cfg, inc->cluster);
	struct ms_buf title = MS_BUF_INIT, lead = MS_BUF_INIT;

	ms_buf_printf(&title, "%s [Resolved]", inc->title);
	ms_buf_printf(&lead, "Incident %ld on %s is resolved.", rw->number,
		      cl ? cl->name : inc->cluster);
	pub_compose_message(title.data, rw->msg ? rw->msg : "", rw->len, lead.data, &rw->p);
	pub_post_stamp(&rw->p, inc->cluster, rw->number, "manual", cfg->author, rw->now);
	ms_buf_free(&title);
	ms_buf_free(&lead);
	return pub_store_post_add(st, &rw->p, err);
}

static enum pub_work resolve_work(const struct pub_config *cfg, struct pub_store *st,
				  void *arg, struct ms_buf *err)
{
	struct resolve_work *rw = arg;
	struct pub_incident inc = { 0 };
	bool found = false, ok;

	if (!pub_store_incident_get(st, rw->number, &inc, &found, err))
		return PUB_WORK_FAILED;
	if (!found || inc.resolved_at) {
		pub_incident_free(&inc);
		ms_buf_printf(err, found ? "incident %ld is already resolved"
			      : "there is no incident %ld", rw->number);
		return PUB_WORK_REFUSED;
	}
	/* --no-post: the incident's last post already says it is over */
	ok = pub_store_incident_resolve(st, rw->number, rw->now, err) &&
	     (rw->no_post || resolve_post(cfg, st, rw, &inc, err));
	pub_incident_free(&inc);
	return pub_work_done(ok);
}

/* incident resolve's command line, checked; false with what is wrong in err. */
static bool resolve_options(int argc, char **argv, struct resolve_work *rw,
			    struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "message-file", required_argument, NULL, 'm' },
		{ "no-post", no_argument, NULL, 'q' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	int c;

	while ((c = pub_next_opt(argc, argv, opts, "incident resolve", err)) != -1) {
		if (c == 'm')
			file = optarg;
		else if (c == 'q')
			rw->no_post = true;
		else if (c != 'n' || !pub_parse_when("--now", optarg, &rw->now, err))
			return false;
	}
	if (optind != argc - 1 || (rw->no_post && file)) {
		ms_buf_puts(err, "usage: incident resolve NUMBER [--message-file FILE | --no-post]");
		return false;
	}
	return pub_parse_id("NUMBER", argv[optind], &rw->number, err) &&
	       (file == NULL || (rw->msg = pub_read_message(file, &rw->len, err)) != NULL);
}

static int incident_resolve(const struct pub_config *cfg, int argc, char **argv)
{
	struct resolve_work rw = { .now = time(NULL) };
	struct ms_buf err = MS_BUF_INIT;
	int rc;

	if (!resolve_options(argc, argv, &rw, &err))
		return pub_refuse(&err);
	rc = pub_session(cfg, resolve_work, &rw);
	if (rc == PUB_EXIT_OK && rw.no_post)
		printf("incident %ld resolved\n", rw.number);
	else if (rc == PUB_EXIT_OK)
		printf("incident %ld resolved, post %ld\n", rw.number, rw.p.id);
	pub_post_free(&rw.p);
	free(rw.msg);
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

struct maintenance_work {
	struct words w;
	time_t start, end;
	struct pub_maintenance m;	/* the window scheduled */
};

static enum pub_work maintenance_work(const struct pub_config *cfg, struct pub_store *st,
				      void *arg, struct ms_buf *err)
{
	struct maintenance_work *mw = arg;
	struct ms_buf lead = MS_BUF_INIT;
	bool ok;

	pub_maintenance_lead(cfg, mw->w.cl->name, mw->start, mw->end, &lead);
	ok = publish_words(cfg, st, &mw->w, lead.data, 0, "maintenance", err);
	ms_buf_free(&lead);
	if (!ok)
		return PUB_WORK_FAILED;
	mw->m.cluster = ms_xstrdup(mw->w.cl->slug);
	mw->m.starts_at = mw->start;
	mw->m.ends_at = mw->end;
	mw->m.message = ms_xstrndup(mw->w.msg, mw->w.len);
	mw->m.post = mw->w.p.id;
	return pub_work_done(pub_store_maintenance_add(st, &mw->m, err));
}

/* maintenance schedule's options, checked; false with what is wrong in err. */
static bool maintenance_options(const struct pub_config *cfg, int argc, char **argv,
				struct maintenance_work *mw, struct ms_buf *err)
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
	const char *slug = NULL, *file = NULL;
	bool have_start = false, have_end = false;
	int c;

	while ((c = pub_next_opt(argc, argv, opts, "maintenance schedule", err)) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 'm': file = optarg; break;
		case 't': mw->w.title = optarg; break;
		case 's':
			if (!(have_start = pub_parse_when("--start", optarg, &mw->start, err)))
				return false;
			break;
		case 'e':
			if (!(have_end = pub_parse_when("--end", optarg, &mw->end, err)))
				return false;
			break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &mw->w.now, err))
				return false;
			break;
		default:
			return false;
		}
	}
	if ((mw->w.cl = pub_need_cluster(cfg, slug, err)) == NULL)
		return false;
	if (!have_start || !have_end || file == NULL) {
		ms_buf_puts(err, "maintenance schedule needs --start, --end and --message-file");
		return false;
	}
	if (mw->end <= mw->start) {
		ms_buf_puts(err, "--end must be after --start");
		return false;
	}
	if (mw->end <= mw->w.now) {
		ms_buf_puts(err, "--end is in the past: there is nothing left to announce");
		return false;
	}
	return (mw->w.title == NULL || pub_check_title(mw->w.title, err)) &&
	       (mw->w.msg = pub_read_message(file, &mw->w.len, err)) != NULL;
}

int pub_cmd_maintenance(const struct pub_config *cfg, int argc, char **argv)
{
	struct maintenance_work mw = { .w.now = time(NULL) };
	struct ms_buf title = MS_BUF_INIT, err = MS_BUF_INIT;
	int rc;

	pub_reset_getopt();
	if (argc >= 2 && strcmp(argv[1], "change") == 0)
		return pub_cmd_maintenance_change(cfg, argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "schedule") != 0) {
		pub_say_error("usage: maintenance schedule --cluster SLUG --start TIME --end TIME "
			      "--message-file FILE | change ID ...");
		return PUB_EXIT_USAGE;
	}
	if (!maintenance_options(cfg, argc - 1, argv + 1, &mw, &err))
		return pub_refuse(&err);
	if (mw.w.title == NULL)
		ms_buf_printf(&title, "%s: Scheduled Maintenance", mw.w.cl->name);
	else
		ms_buf_puts(&title, mw.w.title);
	mw.w.title = title.data;
	rc = pub_session(cfg, maintenance_work, &mw);
	if (rc == PUB_EXIT_OK)
		printf("maintenance %ld scheduled, announced in post %ld\n", mw.m.id, mw.w.p.id);
	pub_maintenance_free(&mw.m);
	words_free(&mw.w);
	ms_buf_free(&title);
	return rc;
}
