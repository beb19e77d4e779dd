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
#include "optdoc.h"
#include "plugin.h"
#include "strbuf.h"
#include "xalloc.h"

enum {
	OPT_EXTRA_OPTS = MS_OPT_COMMON_BASE,
	OPT_OUTPUT_FORMAT,
};

static const struct ms_option common_options[] = {
	{ .key = 'h', .name = "help", .flags = MS_OPT_NO_ENGINE,
	  .help = "Print this help and exit with status 3 (UNKNOWN)." },
	{ .key = 'V', .name = "version", .flags = MS_OPT_NO_ENGINE,
	  .help = "Print the version and exit with status 3 (UNKNOWN)." },
	{ .key = 'v', .name = "verbose",
	  .help = "Say more in the long output; repeat for more detail." },
	{ .key = 't', .name = "timeout", .arg = "SECONDS[:STATE]",
	  .help = "Give up after _SECONDS_ (default {timeout}; decimals allowed) with "
		  "_STATE_ (*ok*, *warning*, *critical* or *unknown*; default *critical*: "
		  "what the plugin watches did not answer in time), naming the step that "
		  "did not finish.\n\n"
		  "The plugin then prints \"_NAME STATE_ - timed out after _N_s while "
		  "_step_\". A hung greylister or mail server stops mail as surely as a "
		  "stopped one, hence critical; *-t 10:unknown* reports a timeout as "
		  "UNKNOWN instead. Nothing can make a plugin overrun its timeout: child "
		  "programs are killed, and a probe stuck in the kernel (a hung NFS mount) "
		  "is left behind, not waited for." },
	{ .key = OPT_EXTRA_OPTS, .name = "extra-opts", .arg = "[SECTION][@FILE]",
	  .flags = MS_OPT_ARG_OPTIONAL | MS_OPT_NO_ENGINE,
	  .help = "Read options from _SECTION_ (default: the program name) of the INI "
		  "file _FILE_ (default: searched as monitoring-plugins does, and "
		  "*/etc/mailstatus/plugins.ini*). Options on the command line win.\n\n"
		  "Each key becomes an option placed before those of the command line: "
		  "*warning = 5* becomes *--warning=5*, *v =* becomes *-v*, *w = 5* "
		  "becomes *-w 5*. Comments start with *#* or *;*.\n\n"
		  "Without _FILE_ the first of these files that has the section is used, "
		  "as monitoring-plugins searches them (*$NAGIOS_CONFIG_PATH* is a list "
		  "of directories):\n\n"
		  "  $MP_CONFIG_FILE\n"
		  "  /etc/mailstatus/plugins.ini\n"
		  "  /usr/local/etc/monitoring-plugins/monitoring-plugins.ini\n"
		  "  /etc/monitoring-plugins/monitoring-plugins.ini\n"
		  "  each of $NAGIOS_CONFIG_PATH/plugins.ini, nagios-plugins.ini\n"
		  "  /etc/nagios/plugins.ini\n"
		  "  /usr/local/nagios/etc/plugins.ini\n"
		  "  /usr/local/etc/nagios/plugins.ini\n"
		  "  /etc/opt/nagios/plugins.ini\n"
		  "  /etc/nagios-plugins.ini\n"
		  "  /usr/local/etc/nagios-plugins.ini\n"
		  "  /etc/opt/nagios-plugins.ini\n\n"
		  "A file that cannot be read, a line that is not _key_ = _value_ (with "
		  "its file and line number) or a missing section is an UNKNOWN. Keep "
		  "secrets out of the command line: the plugins read passwords from files "
		  "or the environment, never from options." },
	{ .key = OPT_OUTPUT_FORMAT, .name = "output-format", .arg = "classic|json",
	  .flags = MS_OPT_NO_ENGINE,
	  .help = "*classic* (default): the status line, long output and perfdata of "
		  "the plugin guidelines; *json*: the same verdict as one JSON object on "
		  "one line.\n\n"
		  "The format holds whatever the place of the option on the command line "
		  "(a usage error about an option before it is JSON too):\n\n"
		  "  {\"name\":\"MAIL_QUEUE\",\"state\":\"CRITICAL\",\"exit_code\":2,\n"
		  "   \"summary\":\"...\",\"checks\":[{\"state\":\"CRITICAL\",\"text\":\"...\"}],\n"
		  "   \"long_output\":[\"...\"],\n"
		  "   \"perfdata\":[{\"label\":\"total\",\"value\":1234,\"uom\":\"\",\n"
		  "     \"warn\":{\"range\":\"100\",\"start\":0,\"end\":100,\"inside\":false},\n"
		  "     \"crit\":null,\"min\":0,\"max\":null}]}\n\n"
		  "Open ends of ranges are *null*." },
	{ 0 },
};

const struct ms_optset ms_common_options = { .options = common_options };

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

/* Appends set's options to longopts (from *n on) and shortopts. */
static void add_getopt_entries(const struct ms_optset *set, size_t *n, struct ms_buf *shorts)
{
	for (const struct ms_option *o = set->options; o->name; o++) {
		struct option *lo = &longopts[(*n)++];
		int has_arg = o->arg == NULL ? no_argument
			      : (o->flags & MS_OPT_ARG_OPTIONAL) ? optional_argument
			      : required_argument;
		*lo = (struct option){ o->name, has_arg, NULL, o->key };
		if (o->key >= MS_OPT_LONG)
			continue;
		ms_buf_putc(shorts, (char)o->key);
		if (has_arg != no_argument)
			ms_buf_puts(shorts, has_arg == optional_argument ? "::" : ":");
	}
}

static size_t count_options(const struct ms_optset *set)
{
	size_t n = 0;

	while (set && set->options[n].name)
		n++;
	return n;
}

/* getopt_long's tables from the plugin's option table and the common one. */
static void build_options(void)
{
	struct ms_buf shorts = MS_BUF_INIT, err = MS_BUF_INIT;
	size_t n = 0;

	if (plugin->options && !ms_optset_check(plugin->options, &ms_common_options, &err))
		ms_die(MS_UNKNOWN, "%s's option table is broken: %s", plugin->name,
		       ms_buf_str(&err));
	longopts = ms_xcalloc(count_options(plugin->options) +
			      count_options(&ms_common_options) + 1, sizeof(*longopts));
	/* ':' first: a missing value is reported as ':' instead of '?' */
	ms_buf_putc(&shorts, ':');
	if (plugin->options)
		add_getopt_entries(plugin->options, &n, &shorts);
	add_getopt_entries(&ms_common_options, &n, &shorts);
	shortopts = ms_buf_steal(&shorts);
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
	timeout = ms_optset_timeout(p->options);
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

/* The plugin's usage after its name (its option set's synopsis). */
static const char *synopsis(void)
{
	const struct ms_optset *set = plugin->options;

	return set && set->synopsis ? set->synopsis : "";
}

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: %s %s\n", plugin->name, synopsis());
}

static _Noreturn void print_help(void)
{
	struct ms_buf help = MS_BUF_INIT;
	double seconds = ms_optset_timeout(plugin->options);

	printf("%s (%s) %s\n\n%s\n\n", plugin->name, PACKAGE_NAME, PACKAGE_VERSION,
	       plugin->purpose);
	print_usage(stdout);
	if (plugin->options) {
		ms_doc_help(&help, plugin->options, seconds);
		printf("\nOptions:\n%s", ms_buf_str(&help));
		ms_buf_reset(&help);
	}
	ms_doc_help(&help, &ms_common_options, seconds);
	printf("\nCommon options:\n%s", ms_buf_str(&help));
	printf("\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	       "See %s(1) and mailstatus-plugins(7).\n", plugin->name);
	ms_buf_free(&help);
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
		ms_result_line(r, "Usage: %s %s", plugin->name, synopsis());
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
