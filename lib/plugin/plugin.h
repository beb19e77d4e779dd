/*
 * plugin: what every check_* program shares.
 *
 * A plugin describes itself in a struct ms_plugin, calls ms_plugin_init(),
 * reads its own options with ms_plugin_getopt() (which handles the common
 * ones and arms the deadline once the options are read), probes, and ends
 * with ms_plugin_exit(). Reading it top to bottom: options -> probe ->
 * verdict -> output.
 *
 * Common options: -h/--help, -V/--version (both exit UNKNOWN, as the
 * guidelines ask), -v/--verbose (repeatable), -t/--timeout=SECONDS[:STATE],
 * --extra-opts=[SECTION][@FILE], --output-format=classic|json.
 */
#ifndef MS_PLUGIN_H
#define MS_PLUGIN_H

#include <getopt.h>
#include <stdbool.h>

#include "deadline.h"
#include "range.h"
#include "result.h"
#include "status.h"

#define MS_DEFAULT_TIMEOUT 10

/* Option values from here up are the runtime's own; plugins stay below. */
#define MS_OPT_COMMON_BASE 0x4000

struct ms_plugin {
	const char *name;	  /* "check_greylist": version, help, extra-opts section */
	const char *label;	  /* "GREYLIST": the first word of the status line */
	const char *purpose;	  /* a paragraph for --help */
	const char *synopsis;	  /* usage after the program name */
	const char *options_help; /* the plugin's own options, one per line */
	const char *shortopts;	  /* getopt string of the plugin's own options */
	const struct option *longopts; /* ends with a zeroed entry; may be NULL */
	double default_timeout;	  /* seconds; 0 means MS_DEFAULT_TIMEOUT */
};

/* Sets up the runtime and expands --extra-opts in *argv. */
void ms_plugin_init(const struct ms_plugin *p, int *argc, char ***argv);

/*
 * Like getopt_long, for the plugin's own options: returns the option's
 * value, and -1 once all options are read (the deadline is then armed).
 * Common options are handled inside; unknown options, missing values and
 * stray arguments end the run with a usage error. *name is set to the
 * option as the user wrote it ("--warning" or "-w"), for error messages.
 */
int ms_plugin_getopt(int argc, char **argv, const char **name);

int ms_verbosity(void);
enum ms_format ms_output_format(void);
double ms_timeout(void);

/* Whether -t was given (on the command line or in --extra-opts). */
bool ms_timeout_given(void);

/*
 * Raises the timeout to seconds and re-arms the deadline, for a plugin
 * whose own option needs more time than the default -t gives (call it
 * only when -t was not given; it never shortens).
 */
void ms_timeout_raise(double seconds);

/*
 * Option value helpers: each ends the run with a usage error naming the
 * option ("invalid range 'abc' for --warning: 'abc' is not a number").
 */
void ms_opt_range(const char *name, const char *arg, int flags, struct ms_range *r);
double ms_opt_duration(const char *name, const char *arg);
long ms_opt_long(const char *name, const char *arg, long min, long max);
double ms_opt_double(const char *name, const char *arg, double min, double max);

/* A bad command line: UNKNOWN with the reason, a short usage, exit 3. */
_Noreturn void ms_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A final verdict of one sentence: prints it and exits with state. */
_Noreturn void ms_die(enum ms_state state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes r in the chosen format, frees it and exits with its state. */
_Noreturn void ms_plugin_exit(struct ms_result *r);

#endif
