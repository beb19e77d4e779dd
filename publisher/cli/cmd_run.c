/*
 * cmd_run: `mailstatus-publish run`, one full cycle: read the source,
 * decide in one transaction, render. `notify` runs the same cycle.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdutil.h"
#include "commands.h"
#include "dates.h"
#include "engine.h"
#include "evaluate.h"
#include "freshness.h"
#include "history.h"
#include "notify.h"
#include "render.h"
#include "source.h"

int pub_cmd_run(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ms_buf err = MS_BUF_INIT;
	time_t now = time(NULL);
	int c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "run", &err)) != -1) {
		if (c != 'n' || !pub_parse_when("--now", optarg, &now, &err))
			return pub_refuse(&err);
	}
	if (optind != argc) {
		pub_say_error("run takes no arguments ('%s')", argv[optind]);
		return PUB_EXIT_USAGE;
	}
	return pub_run_cycle(cfg, now, NULL);
}

/*
 * Lays the pushed notices the source has not caught up with (and fresh,
 * the one notify brings, when not NULL) over snap. Under the lock.
 */
static bool lay_over_pushed(const struct pub_config *cfg, struct pub_notice *fresh,
			    struct pub_snapshot *snap, struct ms_buf *err)
{
	char *path = pub_pending_path(cfg->store);
	struct pub_pending pending;
	bool ok = pub_pending_load(path, &pending, err);

	if (ok) {
		if (fresh != NULL)
			pub_pending_add(&pending, fresh);
		size_t n = pub_pending_apply(&pending, snap);
		if (n > 0 && pub_verbose)
			printf("%zu pushed state(s) the source does not show yet\n", n);
		ok = pub_pending_save(path, &pending, err);
	}
	pub_pending_free(&pending);
	free(path);
	return ok;
}

/* Since when the data is stale, as of a run at now. */
struct stale_mark {
	long long since;
	time_t now;
};

/*
 * Inside the transaction: the store says since when the data is stale,
 * and the history that nothing is known from then on.
 */
static enum pub_work mark_stale(const struct pub_config *cfg, struct pub_store *st,
				void *arg, struct ms_buf *err)
{
	const struct stale_mark *mark = arg;
	char since[32];

	snprintf(since, sizeof(since), "%lld", mark->since);
	return pub_work_done(pub_store_meta_set(st, PUB_META_STALE_SINCE, since, err) &&
			     pub_history_stale(cfg, st, (time_t)mark->since, mark->now, err));
}

/*
 * The source cannot be read (or no longer reports a member). Nothing of
 * it is trusted, but readers must not go on seeing the last state as
 * current: once the last data a run could read is older than stale_after,
 * the store says so and the feeds and pages say the status is unknown.
 * Returns the exit status; why is the reason the source failed.
 */
static int fail_or_go_stale(const struct pub_config *cfg, struct pub_session *s,
			    time_t now, const char *why)
{
	char *last = NULL;
	long long good = 0;

	/* a store that was never made has published nothing to contradict */
	if (cfg->stale_after <= 0 || access(cfg->store, F_OK) != 0)
		goto fail;
	ms_buf_reset(&s->err);
	if (!pub_session_store(s)) {
		pub_say_error("%s", s->err.data);
		goto fail;
	}
	if (!pub_store_meta_get(s->st, PUB_META_LAST_GOOD, &last, &s->err))
		goto fail;
	if (last != NULL)
		good = strtoll(last, NULL, 10);
	free(last);
	if (good <= 0 || now - good <= cfg->stale_after)
		goto fail;
	if (pub_session_run(s, mark_stale, &(struct stale_mark){ good, now }) != PUB_EXIT_OK)
		return PUB_EXIT_FAILURE;
	char date[PUB_DATE_MAX];
	pub_say_error("%s, and the last monitoring data read was written %s, more than "
		      "%lds ago (stale_after); the feeds say the status is unknown", why,
		      pub_rfc822(date, (time_t)good, false), cfg->stale_after);
	return PUB_EXIT_STALE;
fail:
	pub_say_error("%s; nothing was changed", why);
	return PUB_EXIT_FAILURE;
}

/*
 * Members the source does not report are a mistake in the config (or an
 * object not yet added to monitoring): refused as a config error, naming
 * the first one's line. The pages go stale as for an unreadable source.
 */
static int missing_members(const struct pub_config *cfg, struct pub_session *s,
			   time_t now, const char *location, unsigned line, const char *names)
{
	struct ms_buf why = MS_BUF_INIT;

	ms_buf_printf(&why, "%s:%u: %s does not report %s: a member must name a host or "
		      "service monitoring has", cfg->path, line, location, names);
	fail_or_go_stale(cfg, s, now, why.data);
	ms_buf_free(&why);
	return PUB_EXIT_USAGE;
}

/* What a run records, and what it says it did. */
struct run_work {
	const struct pub_snapshot *snap;
	time_t now;
	bool stale;		/* the data is stale: only since when is recorded */
	struct pub_eval ev;
	struct pub_run_stats stats;
};

/*
 * Inside the run's transaction: stale data only says since when it is
 * stale (snap->created); fresh data is evaluated and applied.
 */
static enum pub_work record_run(const struct pub_config *cfg, struct pub_store *st,
				void *arg, struct ms_buf *err)
{
	struct run_work *rw = arg;
	long long when = rw->snap->created;

	if (rw->stale)
		return mark_stale(cfg, st, &(struct stale_mark){ when, rw->now }, err);
	if (when <= 0)
		when = rw->now;
	char last_good[32];
	snprintf(last_good, sizeof(last_good), "%lld", when);
	pub_evaluate(cfg, rw->snap, &rw->ev);
	return pub_work_done(pub_store_meta_set(st, PUB_META_STALE_SINCE, NULL, err) &&
			     pub_store_meta_set(st, PUB_META_LAST_GOOD, last_good, err) &&
			     pub_engine_apply(cfg, st, rw->snap, &rw->ev, rw->now, &rw->stats,
					      err));
}

/* After the run's transaction: what it means that the data is stale. */
static int say_stale(const struct pub_config *cfg, const struct pub_snapshot *snap,
		     const struct pub_freshness *freshness, bool stale, const char *location)
{
	char date[PUB_DATE_MAX];

	if (stale)
		pub_say_error("the monitoring data is stale: %s was last written %s, more than "
			      "%lds ago (stale_after); the feeds say the status is unknown",
			      location, pub_rfc822(date, snap->created, false), cfg->stale_after);
	else
		pub_say_error("the monitoring data is stale: %s says %s; the feeds say the "
			      "status is unknown", location, freshness->why);
	return PUB_EXIT_STALE;
}

/*
 * Under the lock: reads the source, lays the pushed notices over it and
 * checks every member is reported. Returns PUB_EXIT_OK to go on, or the
 * exit status of a run that ends here.
 */
static int read_source(const struct pub_config *cfg, struct pub_session *s,
		       const struct pub_source_ops *ops, const char *location, time_t now,
		       struct pub_notice *fresh, struct pub_snapshot *snap)
{
	struct ms_buf why = MS_BUF_INIT;
	unsigned line;
	int rc = PUB_EXIT_OK;

	pub_want_objects(cfg, snap);
	if (!ops->read(cfg, location, snap, &s->err)) {
		ms_buf_printf(&why, "cannot read the monitoring state: %s", s->err.data);
		rc = fail_or_go_stale(cfg, s, now, why.data);
	} else if (!lay_over_pushed(cfg, fresh, snap, &s->err)) {
		pub_say_error("%s; nothing was changed", s->err.data);
		rc = PUB_EXIT_FAILURE;
	} else {
		if ((line = pub_missing_members(cfg, snap, &why)) > 0)
			rc = missing_members(cfg, s, now, location, line, why.data);
	}
	ms_buf_free(&why);
	return rc;
}

/*
 * Under the lock, the source read: opens the store, decides in one
 * transaction, renders. Returns the exit status.
 */
static int decide(const struct pub_config *cfg, struct pub_session *s,
		  struct pub_snapshot *snap, time_t now, const char *location)
{
	struct run_work rw = { .snap = snap, .now = now };
	struct pub_freshness freshness;
	bool stale;
	int rc;

	/* only now the store: a run that cannot read its source creates nothing */
	if (!pub_session_store(s)) {
		pub_say_error("%s", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	stale = cfg->stale_after > 0 && snap->created > 0 &&
		now - snap->created > cfg->stale_after;
	pub_freshness_check(cfg, snap, now, &freshness);
	if (!stale && freshness.stale && freshness.since > 0)
		snap->created = freshness.since;	/* what the stale notice dates */
	rw.stale = stale || freshness.stale;
	rc = pub_session_run(s, record_run, &rw);
	if (rc == PUB_EXIT_OK && rw.stale)
		rc = say_stale(cfg, snap, &freshness, stale, location);
	else if (rc == PUB_EXIT_OK && pub_verbose)
		printf("%zu post(s) published, %zu state change(s), %zu cluster(s) in "
		       "hold-down\n", rw.stats.posts, rw.stats.transitions, rw.stats.pending);
	pub_eval_free(&rw.ev);
	return rc;
}

int pub_run_cycle(const struct pub_config *cfg, time_t now, struct pub_notice *fresh)
{
	const struct pub_source_ops *ops;
	const char *location;
	struct ms_buf why = MS_BUF_INIT;
	struct pub_snapshot snap;
	struct pub_session s;
	int rc;

	if (!pub_source_find(cfg->source, &ops, &location, &why))
		return pub_refuse(&why);
	pub_render_set_clock(now);	/* the pages' "online for" counts from this run */
	pub_snapshot_init(&snap);
	/* under the lock: two runs must not apply their snapshots out of order */
	if (!pub_session_lock(cfg, &s)) {
		pub_say_error("%s", s.err.data);
		rc = PUB_EXIT_FAILURE;
	} else if ((rc = read_source(cfg, &s, ops, location, now, fresh, &snap)) ==
		   PUB_EXIT_OK) {
		rc = decide(cfg, &s, &snap, now, location);
		/* the site is written: now the subscribers, within the budget */
		if ((rc == PUB_EXIT_OK || rc == PUB_EXIT_STALE) && s.st != NULL &&
		    cfg->n_subscribers > 0 && cfg->deliver_budget > 0 && pub_run_deliver(&s, now, cfg->deliver_budget) !=
		    PUB_EXIT_OK)
			rc = PUB_EXIT_FAILURE;
	}
	pub_snapshot_free(&snap);
	pub_session_close(&s);
	return rc;
}
