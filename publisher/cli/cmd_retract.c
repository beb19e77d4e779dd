/*
 * cmd_retract: `mailstatus-publish retract POST-ID`: a published post is
 * withdrawn for good. In one transaction the store marks it withdrawn,
 * with who did it and when; then the output is rendered as after any
 * command, and the render removes the post's page (and the page of an
 * incident left with no post to show). Nothing publishes it again: a
 * note's key and a transition's state stay in the store.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdutil.h"
#include "commands.h"
#include "dates.h"
#include "xalloc.h"

#define MAX_NAME 64

/* Printable ASCII of s, at most MAX_NAME bytes, appended to b. */
static void add_clean(struct ms_buf *b, const char *s)
{
	for (size_t i = 0; s[i] && i < MAX_NAME; i++)
		ms_buf_putc(b, s[i] > ' ' && s[i] < 0x7f ? s[i] : '?');
}

/* Who retracts: the login of the user running us, and whom sudo stands for. */
static char *operator_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *sudo = getenv("SUDO_USER");
	struct ms_buf b = MS_BUF_INIT;

	if (pw != NULL && pw->pw_name != NULL)
		add_clean(&b, pw->pw_name);
	else
		ms_buf_printf(&b, "uid %lu", (unsigned long)getuid());
	if (sudo != NULL && *sudo != '\0' && getuid() == 0) {
		ms_buf_puts(&b, " (sudo by ");
		add_clean(&b, sudo);
		ms_buf_putc(&b, ')');
	}
	return ms_buf_steal(&b);
}

struct retract_work {
	long id;
	time_t now;
	char *by;		/* who withdraws it */
	struct pub_post p;	/* the post withdrawn */
};

/* Withdraws the post if it is there and still published; says why not. */
static enum pub_work retract_work(const struct pub_config *cfg, struct pub_store *st,
				  void *arg, struct ms_buf *err)
{
	struct retract_work *rw = arg;
	char date[PUB_DATE_MAX];
	bool found = false;

	(void)cfg;
	if (!pub_store_post_get(st, rw->id, &rw->p, &found, err))
		return PUB_WORK_FAILED;
	if (!found) {
		ms_buf_printf(err, "there is no post %ld", rw->id);
		return PUB_WORK_REFUSED;
	}
	if (rw->p.retracted_at != 0) {
		ms_buf_printf(err, "post %ld was already retracted on %s by %s", rw->id,
			      pub_rfc822(date, rw->p.retracted_at, false),
			      rw->p.retracted_by ? rw->p.retracted_by : "?");
		return PUB_WORK_REFUSED;
	}
	return pub_work_done(pub_store_post_retract(st, rw->id, rw->now, rw->by, err));
}

/* retract's command line, checked; false with what is wrong in err. */
static bool retract_options(int argc, char **argv, struct retract_work *rw,
			    struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "retract", err)) != -1) {
		if (c != 'n' || !pub_parse_when("--now", optarg, &rw->now, err))
			return false;
	}
	if (optind != argc - 1) {
		ms_buf_puts(err, "usage: retract POST-ID");
		return false;
	}
	return pub_parse_id("POST-ID", argv[optind], &rw->id, err);
}

int pub_cmd_retract(const struct pub_config *cfg, int argc, char **argv)
{
	struct retract_work rw = { .now = time(NULL) };
	struct ms_buf err = MS_BUF_INIT;
	int rc;

	if (!retract_options(argc, argv, &rw, &err))
		return pub_refuse(&err);
	rw.by = operator_name();
	rc = pub_session(cfg, retract_work, &rw);
	if (rc == PUB_EXIT_OK)
		printf("post %ld retracted: \"%s\" is gone from the feeds and pages\n", rw.id,
		       rw.p.title);
	free(rw.by);
	pub_post_free(&rw.p);
	return rc;
}
