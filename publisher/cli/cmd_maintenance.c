/*
 * cmd_maintenance: `maintenance change ID`: new times or words for a
 * scheduled window. In one transaction the window moves and its
 * announcement is written again with them (the same post and guid, "edited
 * ..."), which counts the window's revision: the calendars' SEQUENCE
 * grows and readers' calendar programs move the event. `edit` of an
 * announcement goes the same way (pub_maintenance_reannounce), so the
 * window's words, the post and the calendars never disagree.
 * A window is cancelled by retracting its announcement (cmd_retract.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "commands.h"
#include "posts.h"
#include "site_time.h"
#include "xalloc.h"

void pub_maintenance_lead(const struct pub_config *cfg, const char *cluster_name,
			  time_t start, time_t end, struct ms_buf *b)
{
	char d1[PUB_WHEN_MAX], d2[PUB_WHEN_MAX];

	/* in the site's zone, named, as every time readers see */
	ms_buf_printf(b, "Scheduled maintenance of %s from %s to %s.", cluster_name,
		      pub_when_in(d1, cfg->timezone, cfg->date_format, start),
		      pub_when_in(d2, cfg->timezone, cfg->date_format, end));
}

bool pub_maintenance_reannounce(const struct pub_config *cfg, struct pub_store *st,
				const struct pub_maintenance *m, time_t now, struct ms_buf *err)
{
	const struct pub_cluster *cl = pub_config_cluster(cfg, m->cluster);
	struct ms_buf lead = MS_BUF_INIT;
	struct pub_post p = { 0 };
	bool found = false, ok;

	ok = pub_store_maintenance_move(st, m->id, m->starts_at, m->ends_at, m->message, err) &&
	     pub_store_post_get(st, m->post, &p, &found, err);
	if (ok && found) {
		pub_maintenance_lead(cfg, cl ? cl->name : m->cluster, m->starts_at, m->ends_at,
				     &lead);
		pub_compose_message(p.title, m->message, strlen(m->message), lead.data, &p);
		ok = pub_store_post_set_body(st, m->post, p.body_html, p.summary, now, err);
	}
	pub_post_free(&p);
	ms_buf_free(&lead);
	return ok;
}

struct change_work {
	long id;
	time_t now, start, end;
	bool have_start, have_end;
	char *msg;		/* the new words, or NULL */
	struct pub_maintenance m;	/* the window as it is then */
};

static enum pub_work change_work(const struct pub_config *cfg, struct pub_store *st,
				 void *arg, struct ms_buf *err)
{
	struct change_work *cw = arg;
	bool found = false;

	if (!pub_store_maintenance_get(st, cw->id, false, &cw->m, &found, err))
		return PUB_WORK_FAILED;
	if (!found || cw->m.cancelled_at != 0) {
		ms_buf_printf(err, found ? "maintenance %ld is cancelled (its announcement is "
			      "retracted): schedule a new one" : "there is no maintenance %ld",
			      cw->id);
		return PUB_WORK_REFUSED;
	}
	if (cw->have_start)
		cw->m.starts_at = cw->start;
	if (cw->have_end)
		cw->m.ends_at = cw->end;
	if (cw->msg) {
		free(cw->m.message);
		cw->m.message = ms_xstrdup(cw->msg);
	}
	if (cw->m.ends_at <= cw->m.starts_at || cw->m.ends_at <= cw->now) {
		ms_buf_puts(err, cw->m.ends_at <= cw->m.starts_at ? "the end must be after the start"
			    : "the end is in the past: there is nothing left to announce");
		return PUB_WORK_REFUSED;
	}
	return pub_work_done(pub_maintenance_reannounce(cfg, st, &cw->m, cw->now, err));
}

/* maintenance change's command line, checked; false with what is wrong in err. */
static bool change_options(int argc, char **argv, struct change_work *cw, struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	size_t len;
	int c;

	while ((c = pub_next_opt(argc, argv, opts, "maintenance change", err)) != -1) {
		switch (c) {
		case 'm': file = optarg; break;
		case 's':
			if (!(cw->have_start = pub_parse_when("--start", optarg, &cw->start, err)))
				return false;
			break;
		case 'e':
			if (!(cw->have_end = pub_parse_when("--end", optarg, &cw->end, err)))
				return false;
			break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &cw->now, err))
				return false;
			break;
		default:
			return false;
		}
	}
	if (optind != argc - 1 || (!cw->have_start && !cw->have_end && file == NULL)) {
		ms_buf_puts(err, "usage: maintenance change ID [--start TIME] [--end TIME] "
			    "[--message-file FILE] (one of them at least)");
		return false;
	}
	return pub_parse_id("ID", argv[optind], &cw->id, err) &&
	       (file == NULL || (cw->msg = pub_read_message(file, &len, err)) != NULL);
}

int pub_cmd_maintenance_change(const struct pub_config *cfg, int argc, char **argv)
{
	struct change_work cw = { .now = time(NULL) };
	struct ms_buf err = MS_BUF_INIT;
	int rc;

	if (!change_options(argc, argv, &cw, &err))
		return pub_refuse(&err);
	rc = pub_session(cfg, change_work, &cw);
	if (rc == PUB_EXIT_OK)
		printf("maintenance %ld changed, its announcement (post %ld) rewritten\n", cw.id,
		       cw.m.post);
	pub_maintenance_free(&cw.m);
	free(cw.msg);
	return rc;
}
