/*
 * cmd_deliver: `mailstatus-publish deliver`, the deliver stage on its own
 * (cron), and the stage at the end of `run` (pub_run_deliver).
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "cmdutil.h"
#include "commands.h"
#include "deliver.h"
#include "lock.h"

/* What a deliver stage did, at -v. */
static void say_stats(const struct pub_deliver_stats *st)
{
	if (st->busy)
		fprintf(stderr, "another deliver is under way; %ld deliveries pending\n",
			st->pending);
	else
		fprintf(stderr, "%zu delivered, %zu to be tried again, %zu failed for good, "
			"%zu not finished within deliver_budget; %ld deliveries pending\n",
			st->delivered, st->retried, st->failed, st->cut, st->pending);
}

int pub_run_deliver(struct pub_session *s, time_t now, long budget)
{
	struct pub_deliver_stats stats;

	/* the store's lock is not held while deliveries are sent */
	pub_lock_release(s->lock);
	s->lock = -1;
	ms_buf_reset(&s->err);
	if (!pub_deliver(s->cfg, s->st, now, budget, &stats, &s->err)) {
		pub_say_error("cannot deliver: %s", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	if (pub_verbose)
		say_stats(&stats);
	return PUB_EXIT_OK;
}

int pub_cmd_deliver(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ms_buf err = MS_BUF_INIT;
	time_t now = time(NULL);
	struct pub_session s;
	int c, rc;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "deliver", &err)) != -1) {
		if (c != 'n' || !pub_parse_when("--now", optarg, &now, &err))
			return pub_refuse(&err);
	}
	if (optind != argc) {
		pub_say_error("deliver takes no arguments ('%s')", argv[optind]);
		return PUB_EXIT_USAGE;
	}
	/* no store yet: nothing was ever queued */
	if (access(cfg->store, F_OK) != 0)
		return PUB_EXIT_OK;
	if (pub_session_lock(cfg, &s) && pub_session_store(&s)) {
		rc = pub_run_deliver(&s, now, 0);
	} else {
		pub_say_error("%s", s.err.data);
		rc = PUB_EXIT_FAILURE;
	}
	pub_session_close(&s);
	return rc;
}
