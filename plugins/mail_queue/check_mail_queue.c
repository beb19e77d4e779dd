/*
 * check_mail_queue: is mail leaving, or piling up? (Postfix, Exim)
 *
 * Counts the messages per queue and finds the oldest arrival time, from
 * the spool directly (fast, needs read access to it) or from
 * `postqueue -j` / `exim -bp` (what an unprivileged user may run).
 *
 * options -> probe (spool or command) -> verdict -> output. The probes
 * are postfix.c and exim.c; what the files share, check_mail_queue.h.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_mail_queue.h"
#include "duration.h"
#include "options.h"
#include "runcmd.h"
#include "xalloc.h"

/* ---- options ----------------------------------------------------------- */


static const struct ms_plugin plugin = {
	.name = "check_mail_queue",
	.label = "MAIL_QUEUE",
	.purpose =
		"Counts the messages in the Postfix or Exim queue and finds how old the\n"
		"oldest one is, so a mail server that queues mail instead of sending it\n"
		"is noticed before its users notice. Reads the spool directly when it\n"
		"may (every arrival record, so the oldest age is exact; fast on very\n"
		"large queues) and falls back to postqueue -j or exim -bp when it may\n"
		"not.",
	.options = &mail_queue_options,
};

enum level { WARN, CRIT };

/* A warning or critical range from an option; "none" unsets it. */
static void set_threshold(const char *name, const char *arg, int flags,
			  struct ms_thresholds *t, enum level level)
{
	bool *has = level == WARN ? &t->has_warning : &t->has_critical;

	*has = strcmp(arg, "none") != 0;
	if (*has)
		ms_opt_range(name, arg, flags, level == WARN ? &t->warning : &t->critical);
}

static enum mta parse_mta(const char *name, const char *arg)
{
	if (strcmp(arg, "auto") == 0)
		return MTA_AUTO;
	if (strcmp(arg, "postfix") == 0)
		return MTA_POSTFIX;
	if (strcmp(arg, "exim") == 0)
		return MTA_EXIM;
	ms_usage_error("invalid value '%s' for %s (use auto, postfix or exim)", arg, name);
}

static enum method parse_method(const char *name, const char *arg)
{
	if (strcmp(arg, "auto") == 0)
		return METHOD_AUTO;
	if (strcmp(arg, "spool") == 0)
		return METHOD_SPOOL;
	if (strcmp(arg, "command") == 0)
		return METHOD_COMMAND;
	ms_usage_error("invalid value '%s' for %s (use auto, spool or command)", arg, name);
}

static void parse_options(int argc, char **argv, struct settings *s)
{
	const char *name;
	int c;

	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1) {
		switch (c) {
		case OPT_MTA:
			s->mta = parse_mta(name, optarg);
			break;
		case OPT_METHOD:
			s->method = parse_method(name, optarg);
			break;
		case OPT_QUEUE_DIR:
			s->queue_dir = optarg;
			break;
		case OPT_INSTANCE:
			s->instance = optarg;
			break;
		case OPT_CONFIG_DIR:
			s->config_dir = optarg;
			break;
		case OPT_QUEUES:
			s->queues = optarg;
			break;
		case 'w':
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->total, WARN);
			break;
		case 'c':
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->total, CRIT);
			break;
		case OPT_AGE_WARNING:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->age, WARN);
			break;
		case OPT_AGE_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->age, CRIT);
			break;
		case OPT_HOLD_WARNING:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->hold, WARN);
			break;
		case OPT_HOLD_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->hold, CRIT);
			break;
		case OPT_MAILDROP_AGE_WARNING:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->maildrop_age, WARN);
			break;
		case OPT_MAILDROP_AGE_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->maildrop_age, CRIT);
			break;
		case OPT_DOWN_STATE:
			if (!ms_state_parse(optarg, &s->down_state))
				ms_usage_error("invalid state '%s' for %s (use ok, warning, "
					       "critical or unknown)", optarg, name);
			break;
		case OPT_READ_ALL:
			break;	/* what the plugin always does now */
		case OPT_DOMAIN_WARNING:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->domain, WARN);
			break;
		case OPT_DOMAIN_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->domain, CRIT);
			break;
		case OPT_TOP:
			s->top = ms_opt_long(name, optarg, 1, 100);
			break;
		}
	}
	if (s->instance != NULL && s->config_dir != NULL)
		ms_usage_error("--instance and --config-dir both name the Postfix instance; "
			       "give one of them");
}

/* ---- what was found ---------------------------------------------------- */

static void snapshot_init(struct snapshot *s, enum mta mta)
{
	memset(s, 0, sizeof(*s));
	s->mta = mta;
	if (mta == MTA_POSTFIX) {
		s->nq = PFQ_NQUEUES;
		for (int i = 0; i < PFQ_NQUEUES; i++)
			s->q[i].name = pfq_queue_name((enum pfq_queue)i);
	} else {
		s->nq = 2;
		s->q[EXIM_QUEUED].name = "queued";
		s->q[EXIM_FROZEN].name = "frozen";
	}
}

static void snapshot_free(struct snapshot *s)
{
	if (s->has_details) {
		ms_tally_free(&s->reasons);
		ms_tally_free(&s->domains);
	}
	free(s->source);
	free(s->down_reason);
	free(s->details_error);
	free(s->config_dir);
	free(s->queue_dir);
}

void queue_add(struct queue *q, uint64_t bytes, int64_t arrival)
{
	q->count++;
	q->bytes += bytes;
	if (!q->has_oldest || arrival < q->oldest) {
		q->oldest = arrival;
		q->has_oldest = true;
	}
}

/* Marks the queues named in list (or the defaults) as counted. */
static void choose_queues(struct snapshot *s, const char *list)
{
	if (list == NULL) {
		for (size_t i = 0; i < s->nq; i++)
			s->q[i].counted = s->mta == MTA_EXIM ||
					  (i != PFQ_HOLD && i != PFQ_CORRUPT);
		return;
	}
	for (const char *p = list; ; ) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < s->nq; i++)
			if (strlen(s->q[i].name) == n && strncmp(s->q[i].name, p, n) == 0)
				break;
		if (i == s->nq) {
			struct ms_buf names = MS_BUF_INIT;
			for (size_t j = 0; j < s->nq; j++)
				ms_buf_printf(&names, "%s%s", j ? ", " : "", s->q[j].name);
			ms_usage_error("unknown queue '%.*s' in --queues (%s has %s)", (int)n, p,
				       s->mta == MTA_POSTFIX ? "Postfix" : "Exim", ms_buf_str(&names));
		}
		s->q[i].counted = true;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
}

static enum mta detect_mta(void)
{
	if (ms_cmd_in_path("postconf"))
		return MTA_POSTFIX;
	if (ms_cmd_in_path("exim4") || ms_cmd_in_path("exim"))
		return MTA_EXIM;
	ms_die(MS_UNKNOWN, "neither Postfix (postconf) nor Exim (exim4, exim) is in PATH; "
	       "say which with --mta and where its spool is with --queue-dir");
}

/* ---- verdict and output ------------------------------------------------ */

struct totals {
	uint64_t count, bytes;
	bool has_oldest;
	int64_t oldest;
};

static struct totals count_totals(const struct snapshot *s)
{
	struct totals t = { 0 };

	for (size_t i = 0; i < s->nq; i++) {
		const struct queue *q = &s->q[i];
		if (!q->counted)
			continue;
		t.count += q->count;
		t.bytes += q->bytes;
		if (q->has_oldest && (!t.has_oldest || q->oldest < t.oldest)) {
			t.oldest = q->oldest;
			t.has_oldest = true;
		}
	}
	return t;
}

static double age_of(int64_t arrival, time_t now)
{
	return arrival < now ? (double)(now - arrival) : 0;
}

/*
 * "1234 messages queued (deferred 1200, active 34), oldest 4h12m, 25 on
 * hold"; the held messages are left out when hold_alerts: the hold check
 * then names them itself ("25 messages on hold"), and once is enough.
 */
static void summary_text(struct ms_buf *b, const struct snapshot *s, const struct totals *t,
			 time_t now, bool hold_alerts)
{
	char dur[32];
	int parts = 0;

	if (t->count == 0)
		ms_buf_puts(b, "no messages queued");
	else
		ms_buf_printf(b, "%llu message%s queued", (unsigned long long)t->count,
			      t->count == 1 ? "" : "s");
	for (size_t i = 0; i < s->nq && t->count > 0; i++) {
		if (!s->q[i].counted || s->q[i].count == 0)
			continue;
		ms_buf_printf(b, "%s%s %llu", parts++ ? ", " : " (", s->q[i].name,
			      (unsigned long long)s->q[i].count);
	}
	if (parts > 0)
		ms_buf_putc(b, ')');
	if (t->has_oldest)
		ms_buf_printf(b, ", oldest %s", ms_duration_format(dur, sizeof(dur),
								   age_of(t->oldest, now)));
	for (size_t i = 0; i < s->nq; i++) {
		bool hold = s->mta == MTA_POSTFIX && i == PFQ_HOLD;
		if (!s->q[i].counted && s->q[i].count > 0 && !(hold && hold_alerts))
			ms_buf_printf(b, ", %llu %s", (unsigned long long)s->q[i].count,
				      hold ? "on hold" : s->q[i].name);
	}
}

static void add_perf(struct ms_result *r, const char *label, double value, const char *uom,
		     const struct ms_thresholds *t)
{
	ms_result_perf(r, &(struct ms_perf){
		.label = label, .value = value, .uom = uom,
		.warn = t != NULL && t->has_warning ? &t->warning : NULL,
		.crit = t != NULL && t->has_critical ? &t->critical : NULL,
		.has_min = true, .min = 0 });
}

/*
 * How long the oldest message has waited in maildrop for pickup: since
 * its file got there (the spool says when), which is not its arrival
 * for mail requeued with postsuper -r: pickup wakes up once a minute
 * and takes it then. Only where the maildrop directory could not be
 * read (postqueue -j run by a user who may not) is it the arrival.
 * false when maildrop is empty.
 */
static bool maildrop_wait(const struct queue *md, time_t now, double *wait)
{
	if (md->entered_known) {
		/* files postqueue lists that the spool did not have yet: just came */
		*wait = md->has_entered ? age_of(md->entered, now) : 0;
		return md->count > 0;
	}
	*wait = md->has_oldest ? age_of(md->oldest, now) : 0;
	return md->has_oldest;
}

/* A sub-check; its text also joins the first line when it alerts. */
static void sub_check(struct ms_result *r, struct ms_buf *line, enum ms_state st,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void sub_check(struct ms_result *r, struct ms_buf *line, enum ms_state st,
		      const char *fmt, ...)
{
	struct ms_buf text = MS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(&text, fmt, ap);
	va_end(ap);
	ms_result_add(r, st, "%s", ms_buf_str(&text));
	if (st != MS_OK && line != NULL)
		ms_buf_printf(line, "; %s", ms_buf_str(&text));
	ms_buf_free(&text);
}

/* --domain-warning/-critical: each recipient domain of the deferred queue. */
static void domain_checks(struct ms_result *r, struct ms_buf *line, const struct settings *set,
			  const struct snapshot *s)
{
	const struct ms_thresholds *t = &set->domain;

	if (!t->has_warning && !t->has_critical)
		return;
	if (!s->has_details) {
		sub_check(r, line, MS_UNKNOWN, "no per-domain counts: %s",
			  s->details_error != NULL ? s->details_error : "postqueue -j did not run");
		return;
	}
	size_t n = s->domains.nkeys, alerts = 0;
	struct ms_tally_entry *all = ms_xcalloc(n > 0 ? n : 1, sizeof(*all));
	n = ms_tally_top(&s->domains, all, n);
	for (size_t i = 0; i < n; i++) {
		enum ms_state st = ms_thresholds_state(t, (double)all[i].count);
		if (st == MS_OK)
			continue;
		/* the few worst in the first line; all of them as sub-checks */
		sub_check(r, alerts++ < 3 ? line : NULL, st, "%llu deferred recipients at %s",
			  (unsigned long long)all[i].count, all[i].key);
	}
	free(all);
}

static void verdict(struct ms_result *r, const struct settings *set, const struct snapshot *s,
		    const struct totals *t, time_t now)
{
	char dur[32];
	struct ms_buf summary = MS_BUF_INIT, line = MS_BUF_INIT;

	enum ms_state hold_state = s->mta == MTA_POSTFIX
				   ? ms_thresholds_state(&set->hold, (double)s->q[PFQ_HOLD].count)
				   : MS_OK;

	/* The first line: the mail system's state first, then the counts. */
	summary_text(&summary, s, t, now, hold_state != MS_OK);
	ms_buf_printf(&line, "%s%s%s", s->mta_down ? s->down_reason : "", s->mta_down ? "; " : "",
		      ms_buf_str(&summary));
	enum ms_state st = ms_thresholds_state(&set->total, (double)t->count);
	if (t->has_oldest)
		st = ms_state_worst(st, ms_thresholds_state(&set->age, age_of(t->oldest, now)));
	ms_result_add(r, st, "%s", ms_buf_str(&summary));
	ms_buf_free(&summary);
	if (s->mta_down)
		ms_result_add(r, set->down_state, "%s", s->down_reason);

	if (s->mta == MTA_POSTFIX) {
		const struct queue *hold = &s->q[PFQ_HOLD];
		if (hold_state != MS_OK)
			sub_check(r, &line, hold_state, "%llu message%s on hold",
				  (unsigned long long)hold->count, hold->count == 1 ? "" : "s");
		double wait;
		if (maildrop_wait(&s->q[PFQ_MAILDROP], now, &wait)) {
			st = ms_thresholds_state(&set->maildrop_age, wait);
			if (st != MS_OK)
				sub_check(r, &line, st, "a message waits in maildrop for pickup "
					  "since %s", ms_duration_format(dur, sizeof(dur), wait));
		}
	}
	if (s->mta == MTA_POSTFIX)
		domain_checks(r, &line, set, s);
	uint64_t corrupt = s->damaged + (s->mta == MTA_POSTFIX ? s->q[PFQ_CORRUPT].count : 0);
	if (corrupt > 0)
		sub_check(r, &line, MS_WARNING, "%llu corrupt queue file%s",
			  (unsigned long long)corrupt, corrupt == 1 ? "" : "s");
	ms_result_summary(r, "%s", ms_buf_str(&line));
	ms_buf_free(&line);
}

static void perfdata(struct ms_result *r, const struct settings *set, const struct snapshot *s,
		     const struct totals *t, time_t now)
{
	add_perf(r, "total", (double)t->count, NULL, &set->total);
	for (size_t i = 0; i < s->nq; i++) {
		const struct ms_thresholds *th = s->mta == MTA_POSTFIX && i == PFQ_HOLD
						 ? &set->hold : NULL;
		if (s->mta == MTA_POSTFIX && i == PFQ_CORRUPT)	/* U: postqueue cannot see them */
			add_perf(r, "corrupt", s->corrupt_known ? (double)(s->q[i].count + s->damaged)
				 : NAN, NULL, NULL);
		else
			add_perf(r, s->q[i].name, (double)s->q[i].count, NULL, th);
	}
	add_perf(r, "oldest_age", t->has_oldest ? age_of(t->oldest, now) : 0, "s", &set->age);
	add_perf(r, "size", (double)t->bytes, "B", NULL);
}

/* With -v: where the numbers come from, and what is holding mail up. */
static void long_output(struct ms_result *r, const struct settings *set,
			const struct snapshot *s, time_t now)
{
	char dur[32];
	struct ms_tally_entry top[100];

	if (ms_verbosity() == 0)
		return;
	char how[200] = "";
	if (s->spool_read && s->reader == PFQR_URING)
		snprintf(how, sizeof(how), "; every arrival record read (exact), with io_uring");
	else if (s->spool_read)
		snprintf(how, sizeof(how), "; every arrival record read (exact), with up to %d threads "
			 "(no io_uring: %s)", PFQR_THREADS, strerror(s->uring_errno));
	ms_result_line(r, "read from %s%s", s->source, how);
	if (s->records_read > 0)
		ms_result_line(r, "arrival records read: %llu", (unsigned long long)s->records_read);
	for (size_t i = 0; i < s->nq; i++) {
		const struct queue *q = &s->q[i];
		if (q->count == 0)
			continue;
		struct ms_buf b = MS_BUF_INIT;
		ms_buf_printf(&b, "%s: %llu message%s, %llu bytes", q->name,
			      (unsigned long long)q->count, q->count == 1 ? "" : "s",
			      (unsigned long long)q->bytes);
		if (q->has_oldest)
			ms_buf_printf(&b, ", oldest %s (arrived %lld)",
				      ms_duration_format(dur, sizeof(dur), age_of(q->oldest, now)),
				      (long long)q->oldest);
		double wait;
		if (s->mta == MTA_POSTFIX && i == PFQ_MAILDROP && maildrop_wait(q, now, &wait))
			ms_buf_printf(&b, ", waiting for pickup since %s%s",
				      ms_duration_format(dur, sizeof(dur), wait), q->entered_known ? ""
				      : " (its arrival: the maildrop directory is not readable)");
		ms_result_line(r, "%s%s", ms_buf_str(&b), q->counted ? "" : " (not counted)");
		ms_buf_free(&b);
	}
	if (s->in_progress > 0)
		ms_result_line(r, "%llu file%s still being written (not counted)",
			       (unsigned long long)s->in_progress, s->in_progress == 1 ? "" : "s");
	if (s->vanished > 0)
		ms_result_line(r, "%llu file%s delivered during the scan (not counted)",
			       (unsigned long long)s->vanished, s->vanished == 1 ? "" : "s");
	if (s->details_error != NULL)
		ms_result_line(r, "deferral reasons unavailable: %s", s->details_error);
	if (!s->has_details)
		return;
	size_t n = ms_tally_top(&s->reasons, top, (size_t)set->top);
	if (n > 0)
		ms_result_line(r, "top deferral reasons (of %llu deferred recipients):",
			       (unsigned long long)s->reasons.total);
	for (size_t i = 0; i < n; i++)
		ms_result_line(r, "  %llu  %s", (unsigned long long)top[i].count, top[i].key);
	n = ms_tally_top(&s->domains, top, (size_t)set->top);
	if (n > 0)
		ms_result_line(r, "top recipient domains of the deferred queue:");
	for (size_t i = 0; i < n; i++)
		ms_result_line(r, "  %llu  %s", (unsigned long long)top[i].count, top[i].key);
}

int main(int argc, char **argv)
{
	struct settings set = { .down_state = MS_CRITICAL, .top = 5 };
	struct snapshot snap;

	drop_privileges();	/* before anything reads a file */
	ms_plugin_init(&plugin, &argc, &argv);
	/* on by default: local submissions that never leave are the classic */
	set_threshold("--maildrop-age-warning", "5m", MS_RANGE_DURATION, &set.maildrop_age, WARN);
	set_threshold("--maildrop-age-critical", "15m", MS_RANGE_DURATION, &set.maildrop_age, CRIT);
	parse_options(argc, argv, &set);

	enum mta mta = set.mta != MTA_AUTO ? set.mta : detect_mta();
	snapshot_init(&snap, mta);
	choose_queues(&snap, set.queues);
	if (mta == MTA_POSTFIX)
		probe_postfix(&set, &snap);
	else
		probe_exim(&set, &snap);

	time_t now = time(NULL);
	struct totals t = count_totals(&snap);
	struct ms_result *r = ms_result_new(plugin.label);
	verdict(r, &set, &snap, &t, now);
	perfdata(r, &set, &snap, &t, now);
	long_output(r, &set, &snap, now);
	snapshot_free(&snap);
	ms_plugin_exit(r);
}
