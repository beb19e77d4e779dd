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

/* The post to withdraw, if it is there and still published; says why not. */
static bool retractable(struct pub_session *s, long id, struct pub_post *p, bool *ok)
{
	char date[PUB_DATE_MAX];
	bool found = false;

	*ok = pub_store_post_get(s->st, id, p, &found, &s->err);
	if (!*ok)
		return false;
	if (!found) {
		pub_say_error("there is no post %ld", id);
		return false;
	}
	if (p->retracted_at != 0) {
		pub_say_error("post %ld was already retracted on %s by %s", id,
			      pub_rfc822(date, p->retracted_at, false),
			      p->retracted_by ? p->retracted_by : "?");
		return false;
	}
	return true;
}

int pub_cmd_retract(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct pub_session s;
	char *by;
	long id;
	bool ok;
	int c, rc;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "retract")) != -1) {
		if (c != 'n' || !pub_parse_when("--now", optarg, &now))
			return PUB_EXIT_USAGE;
	}
	if (optind != argc - 1) {
		pub_say_error("usage: retract POST-ID");
		return PUB_EXIT_USAGE;
	}
	if (!pub_parse_id("POST-ID", argv[optind], &id))
		return PUB_EXIT_USAGE;
	if (!pub_session_open(cfg, &s)) {
		pub_session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	by = operator_name();
	ok = pub_store_begin(s.st, &s.err);
	if (ok && !retractable(&s, id, &p, &ok) && ok) {
		pub_store_rollback(s.st);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	ok = ok && pub_store_post_retract(s.st, id, now, by, &s.err);
	rc = pub_session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("post %ld retracted: \"%s\" is gone from the feeds and pages\n", id,
		       p.title);
out:
	free(by);
	pub_post_free(&p);
	pub_session_close(&s);
	return rc;
}
