/*
 * check_selftest: a plugin built on lib/ for the runtime's own tests.
 *
 * It does nothing useful on purpose: it sleeps, runs a child, hangs a
 * probe or prints chosen text and values, so the tests can watch the
 * runtime (options, extra-opts, output, the deadline) from outside, the way
 * Nagios sees a plugin. Not installed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"
#include "probe.h"
#include "runcmd.h"

enum {
	OPT_STATE = MS_OPT_LONG,
	OPT_SLEEP,
	OPT_CHILD_SLEEP,
	OPT_PROBE_HANG,
	OPT_TEXT,
	OPT_VALUE,
	OPT_PERF_COUNT,
};

static const struct ms_option options[] = {
	{ .key = OPT_STATE, .name = "state", .arg = "STATE",
	  .help = "Add a sub-check with this state." },
	{ .key = OPT_SLEEP, .name = "sleep", .arg = "SECONDS",
	  .help = "Sleep in the plugin itself." },
	{ .key = OPT_CHILD_SLEEP, .name = "child-sleep", .arg = "SECONDS",
	  .help = "Run 'sleep SECONDS' as a child program." },
	{ .key = OPT_PROBE_HANG, .name = "probe-hang",
	  .help = "Run a probe child that never answers." },
	{ .key = OPT_TEXT, .name = "text", .arg = "TEXT",
	  .help = "The text of the sub-check." },
	{ .key = OPT_VALUE, .name = "value", .arg = "N",
	  .help = "A measured value, checked against -w and -c." },
	{ .key = 'w', .name = "warning", .arg = "RANGE",
	  .help = "Warning range for --value." },
	{ .key = 'c', .name = "critical", .arg = "RANGE",
	  .help = "Critical range for --value." },
	{ .key = OPT_PERF_COUNT, .name = "perf-count", .arg = "N",
	  .help = "Add N extra perfdata values." },
	{ 0 },
};

static const struct ms_optset optset = {
	.options = options,
	.synopsis = "[--state=STATE] [--sleep=SECONDS] [--child-sleep=SECONDS] "
		    "[--probe-hang] [--text=TEXT] [--value=N [-w RANGE] [-c RANGE]] "
		    "[--perf-count=N]",
};

static const struct ms_plugin plugin = {
	.name = "check_selftest",
	.label = "SELFTEST",
	.purpose = "Exercises the mailstatus plugin runtime for its tests.",
	.options = &optset,
};

struct settings {
	enum ms_state state;
	double sleep, child_sleep;
	int probe_hang;
	const char *text;
	int has_value;
	double value;
	struct ms_thresholds thresholds;
	long perf_count;
};

static void parse(int argc, char **argv, struct settings *s)
{
	const char *name;
	int c;

	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1) {
		switch (c) {
		case OPT_STATE:
			if (!ms_state_parse(optarg, &s->state))
				ms_usage_error("invalid state '%s' for %s", optarg, name);
			break;
		case OPT_SLEEP:
			s->sleep = ms_opt_duration(name, optarg);
			break;
		case OPT_CHILD_SLEEP:
			s->child_sleep = ms_opt_duration(name, optarg);
			break;
		case OPT_PROBE_HANG:
			s->probe_hang = 1;
			break;
		case OPT_TEXT:
			s->text = optarg;
			break;
		case OPT_VALUE:
			s->has_value = 1;
			s->value = ms_opt_double(name, optarg, -1e15, 1e15);
			break;
		case 'w':
			ms_opt_range(name, optarg, MS_RANGE_PLAIN, &s->thresholds.warning);
			s->thresholds.has_warning = true;
			break;
		case 'c':
			ms_opt_range(name, optarg, MS_RANGE_PLAIN, &s->thresholds.critical);
			s->thresholds.has_critical = true;
			break;
		case OPT_PERF_COUNT:
			s->perf_count = ms_opt_long(name, optarg, 0, 10000);
			break;
		}
	}
}

static _Noreturn int hang_forever(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	for (;;)
		pause();
}

static void run_child_sleep(double seconds)
{
	char arg[64], how[64];
	struct ms_buf err = MS_BUF_INIT;
	char *argv[] = { "sleep", arg, NULL };
	struct ms_cmd_opts opts = { .timeout_ms = -1 };
	struct ms_cmd_result res;

	snprintf(arg, sizeof(arg), "%g", seconds);
	ms_step("waiting for the child 'sleep %s'", arg);
	if (!ms_cmd_run(argv, &opts, &res, &err))
		ms_die(MS_UNKNOWN, "%s", ms_buf_str(&err));
	if (!res.exited || res.exit_status != 0)
		ms_die(MS_UNKNOWN, "sleep %s", ms_cmd_describe(&res, how, sizeof(how)));
	ms_cmd_result_free(&res);
}

static void run_probe_hang(void)
{
	struct ms_probe p;
	struct ms_buf err = MS_BUF_INIT;

	ms_step("waiting for a probe that never answers");
	if (!ms_probe_start(&p, hang_forever, NULL, &err))
		ms_die(MS_UNKNOWN, "cannot start a probe: %s", ms_buf_str(&err));
	ms_probe_wait(&p, 1, ms_deadline_at());
	ms_probe_free(&p);
}

int main(int argc, char **argv)
{
	struct settings s = { .state = MS_OK, .text = "selftest done" };

	ms_plugin_init(&plugin, &argc, &argv);
	parse(argc, argv, &s);

	if (s.sleep > 0) {
		ms_step("sleeping for %gs", s.sleep);
		usleep((useconds_t)(s.sleep * 1e6));
	}
	if (s.child_sleep > 0)
		run_child_sleep(s.child_sleep);
	if (s.probe_hang)
		run_probe_hang();

	struct ms_result *r = ms_result_new(plugin.label);
	ms_result_add(r, s.state, "%s", s.text);
	if (s.has_value) {
		enum ms_state st = ms_thresholds_state(&s.thresholds, s.value);
		ms_result_add(r, st, "value is %g", s.value);
		ms_result_perf(r, &(struct ms_perf){
			.label = "value", .value = s.value,
			.warn = s.thresholds.has_warning ? &s.thresholds.warning : NULL,
			.crit = s.thresholds.has_critical ? &s.thresholds.critical : NULL });
	}
	for (long i = 0; i < s.perf_count; i++) {
		char label[64];
		snprintf(label, sizeof(label), "extra value %ld", i);
		ms_result_perf(r, &(struct ms_perf){ .label = label, .value = (double)i,
						     .uom = "B", .has_min = true });
	}
	ms_plugin_exit(r);
}
