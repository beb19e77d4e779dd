/*
 * plugin: what every check_* program shares. See plugin.h.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "duration.h"
#include "extraopts.h"
#include "numfmt.h"
#include "plugin.h"
#include "strbuf.h"
#include "xalloc.h"

enum {
	OPT_EXTRA_OPTS = MS_OPT_COMMON_BASE,
	OPT_OUTPUT_FORMAT,
};

static const struct option common_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timeout", required_argument, NULL, 't' },
	{ "extra-opts", optional_argument, NULL, OPT_EXTRA_OPTS },
	{ "output-format", required_argument, NULL, OPT_OUTPUT_FORMAT },
};
#define COMMON_SHORTOPTS "hVvt:"
#define N_COMMON (sizeof(common_longopts) / sizeof(common_longopts[0]))

static const char common_help[] =
	" -h, --help\n"
	"    Print this help and exit (status UNKNOWN).\n"
	" -V, --version\n"
	"    Print the version and exit (status UNKNOWN).\n"
	" -v, --verbose\n"
	"    Say more in the long output; repeat for more detail.\n"
	" -t, --timeout=SECONDS[:STATE]\n"
	"    Give up after SECONDS (default %s) with STATE (ok, warning, critical\n"
	"    or unknown; default critical: what the plugin watches did not answer\n"
	"    in time), naming the step that did not finish.\n"
	" --extra-opts=[SECTION][@FILE]\n"
	"    Read options from SECTION (default: the program name) of an INI FILE\n"
	"    (default: searched as monitoring-plugins does, and\n"
	"    /etc/mailstatus/plugins.ini). Options on the command line win.\n"
	" --output-format=classic|json\n"
	"    classic (default): the status line, long output and perfdata of the\n"
	"    plugin guidelines; json: the same verdict as one JSON object.\n";

static const struct ms_plugin *plugin;
static struct option *longopts;
static char *shortopts;
static struct ms_extraopts extra_opts;	/* kept for the life of the process */
static int verbosity;
static enum ms_format format = MS_FORMAT_CLASSIC;
static double timeout = MS_DEFAULT_TIMEOUT;
/* A timeout means the watched service did not answer in time: CRITICAL. */
static enum ms_state timeout_state = MS_CRITICAL;
static bool timeout_given;
static char optname[128];

static void plugin_oom(void)
{
	static const char tail[] = " UNKNOWN - out of memory\n";
	const char *label = plugin ? plugin->label : "PLUGIN";
	ssize_t rc = write(STDOUT_FILENO, label, strlen(label));
	rc = write(STDOUT_FILENO, tail, sizeof(tail) - 1);
	(void)rc;
	_exit(MS_UNKNOWN);
}

/* The plugin's options followed by the common ones, for getopt_long. */
static void build_options(void)
{
	size_t n = 0;
	struct ms_buf s = MS_BUF_INIT;

	while (plugin->longopts && plugin->longopts[n].name)
		n++;
	longopts = ms_xcalloc(n + N_COMMON + 1, sizeof(*longopts));
	if (n)
		memcpy(longopts, plugin->longopts, n * sizeof(*longopts));
	memcpy(longopts + n, common_longopts, sizeof(common_longopts));
	/* ':' first: a missing value is reported as ':' instead of '?' */
	ms_buf_printf(&s, ":%s%s", plugin->shortopts ? plugin->shortopts : "",
		      COMMON_SHORTOPTS);
	shortopts = ms_buf_steal(&s);
}

/*
 * --output-format applies to every message of the run, also to a usage
 * error about an option written before it: a first pass over a copy of
 * argv (getopt_long permutes what it reads) looks for it alone.
 */
static void scan_output_format(int argc, char **argv)
{
	char **copy = ms_xcalloc((size_t)argc + 1, sizeof(*copy));
	int c;

	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	opterr = 0;
	optind = 0;	/* GNU getopt: start afresh */
	while ((c = getopt_long(argc, copy, shortopts, longopts, NULL)) != -1) {
		if (c != OPT_OUTPUT_FORMAT)
			continue;
		if (strcmp(optarg, "json") == 0)
			format = MS_FORMAT_JSON;
		else if (strcmp(optarg, "classic") == 0)
			format = MS_FORMAT_CLASSIC;
	}
	optind = 0;
	free(copy);
	ms_deadline_configure(plugin->label, format);
}

void ms_plugin_init(const struct ms_plugin *p, int *argc, char ***argv)
{
	struct ms_buf err = MS_BUF_INIT;

	plugin = p;
	ms_set_oom_handler(plugin_oom);
	if (p->default_timeout > 0)
		timeout = p->default_timeout;
	ms_deadline_configure(p->label, format);
	ms_step("reading the command line");
	build_options();
	scan_output_format(*argc, *argv);	/* for an error in --extra-opts */
	if (!ms_extraopts_expand(p->name, argc, argv, &extra_opts, &err))
		ms_usage_error("%s", ms_buf_str(&err));
	ms_buf_free(&err);
	scan_output_format(*argc, *argv);
}

int ms_verbosity(void)
{
	return verbosity;
}

enum ms_format ms_output_format(void)
{
	return format;
}

double ms_timeout(void)
{
	return timeout;
}

bool ms_timeout_given(void)
{
	return timeout_given;
}

void ms_timeout_raise(double seconds)
{
	if (seconds <= timeout)
		return;
	timeout = seconds;
	ms_deadline_arm(timeout, timeout_state);
}

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: %s %s\n", plugin->name, plugin->synopsis);
}

static _Noreturn void print_help(void)
{
	char num[MS_NUMBER_MAX];

	printf("%s (%s) %s\n\n%s\n\n", plugin->name, PACKAGE_NAME, PACKAGE_VERSION,
	       plugin->purpose);
	print_usage(stdout);
	printf("\nOptions:\n%s", plugin->options_help ? plugin->options_help : "");
	printf("\nCommon options:\n");
	printf(common_help, ms_format_number(num, timeout));
	printf("\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	       "See %s(1) and mailstatus-plugins(7).\n", plugin->name);
	exit(MS_UNKNOWN);
}

static _Noreturn void print_version(void)
{
	printf("%s (%s) %s\n", plugin->name, PACKAGE_NAME, PACKAGE_VERSION);
	exit(MS_UNKNOWN);
}

static const char *label(void)
{
	return plugin ? plugin->label : "PLUGIN";
}

/* Writes r, frees it and exits; the one way a run ends with a verdict. */
static _Noreturn void finish(struct ms_result *r)
{
	enum ms_state state = ms_result_state(r);

	ms_deadline_disarm();
	ms_result_write(r, format, stdout);
	ms_result_free(r);
	exit(state);
}

/* A result holding one sub-check whose text is fmt formatted. */
__attribute__((format(printf, 2, 0)))
static struct ms_result *one_sentence(enum ms_state state, const char *fmt, va_list ap)
{
	struct ms_buf b = MS_BUF_INIT;
	struct ms_result *r = ms_result_new(label());

	ms_buf_vprintf(&b, fmt, ap);
	ms_result_add(r, state, "%s", ms_buf_str(&b));
	ms_buf_free(&b);
	return r;
}

void ms_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct ms_result *r = one_sentence(MS_UNKNOWN, fmt, ap);
	va_end(ap);
	if (plugin) {
		ms_result_line(r, "Usage: %s %s", plugin->name, plugin->synopsis);
		ms_result_line(r, "Try '%s --help' for more.", plugin->name);
	}
	finish(r);
}

void ms_die(enum ms_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct ms_result *r = one_sentence(state, fmt, ap);
	va_end(ap);
	finish(r);
}

void ms_plugin_exit(struct ms_result *r)
{
	finish(r);
}

static void parse_timeout(const char *arg)
{
	char *copy = ms_xstrdup(arg);
	char *colon = strchr(copy, ':');

	if (colon) {
		*colon = '\0';
		if (!ms_state_parse(colon + 1, &timeout_state))
			ms_usage_error("invalid state '%s' for --timeout: use ok, warning, "
				       "critical or unknown", colon + 1);
	}
	timeout = ms_opt_double("--timeout", copy, 0.001, 86400);
	timeout_given = true;
	free(copy);
}

static void parse_format(const char *arg)
{
	if (strcmp(arg, "classic") == 0)
		format = MS_FORMAT_CLASSIC;
	else if (strcmp(arg, "json") == 0)
		format = MS_FORMAT_JSON;
	else
		ms_usage_error("invalid value '%s' for --output-format: use classic or json", arg);
	ms_deadline_configure(plugin->label, format);
}

/* How the user wrote the option getopt just returned, e.g. "--warning". */
static const char *spelled(int c, int longindex, char **argv)
{
	if (longindex >= 0)
		snprintf(optname, sizeof(optname), "--%s", longopts[longindex].name);
	else if (c > 0 && c < 256)
		snprintf(optname, sizeof(optname), "-%c", c);
	else
		snprintf(optname, sizeof(optname), "%s", argv[optind - 1]);
	return optname;
}

int ms_plugin_getopt(int argc, char **argv, const char **name)
{
	opterr = 0;
	for (;;) {
		int longindex = -1;
		int c = getopt_long(argc, argv, shortopts, longopts, &longindex);

		switch (c) {
		case -1:
			if (optind < argc)
				ms_usage_error("unexpected argument '%s'", argv[optind]);
			ms_step("starting the check");
			ms_deadline_arm(timeout, timeout_state);
			return -1;
		case 'h':
			print_help();
		case 'V':
			print_version();
		case 'v':
			verbosity++;
			continue;
		case 't':
			parse_timeout(optarg);
			continue;
		case OPT_EXTRA_OPTS:
			continue; /* already expanded by ms_plugin_init */
		case OPT_OUTPUT_FORMAT:
			parse_format(optarg);
			continue;
		case ':':
			if (optopt > 0 && optopt < 256)
				ms_usage_error("option -%c needs a value", optopt);
			ms_usage_error("option %s needs a value", argv[optind - 1]);
		case '?':
			if (optopt > 0 && optopt < 256)
				ms_usage_error("unknown option -%c", optopt);
			ms_usage_error("unknown option %s", argv[optind - 1]);
		default:
			if (name)
				*name = spelled(c, longindex, argv);
			return c;
		}
	}
}

void ms_opt_range(const char *name, const char *arg, int flags, struct ms_range *r)
{
	struct ms_buf err = MS_BUF_INIT;

	if (!ms_range_parse(arg, flags, r, &err))
		ms_usage_error("invalid range '%s' for %s: %s", arg, name, ms_buf_str(&err));
	ms_buf_free(&err);
}

double ms_opt_duration(const char *name, const char *arg)
{
	struct ms_buf err = MS_BUF_INIT;
	double v;

	if (!ms_duration_parse(arg, &v, &err))
		ms_usage_error("invalid duration '%s' for %s: %s", arg, name, ms_buf_str(&err));
	ms_buf_free(&err);
	return v;
}

long ms_opt_long(const char *name, const char *arg, long min, long max)
{
	char *end;

	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		ms_usage_error("invalid value '%s' for %s: expected a whole number "
			       "from %ld to %ld", arg, name, min, max);
	return v;
}

double ms_opt_double(const char *name, const char *arg, double min, double max)
{
	char a[MS_NUMBER_MAX], b[MS_NUMBER_MAX];
	double v;

	if (!ms_parse_decimal(arg, strlen(arg), &v) || v < min || v > max)
		ms_usage_error("invalid value '%s' for %s: expected a number from %s to %s",
			       arg, name, ms_format_number(a, min), ms_format_number(b, max));
	return v;
}
