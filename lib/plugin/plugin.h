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

/*
 * The option table: each option of a program is written once, in one
 * entry, and everything else follows from it: getopt's tables and --help
 * at run time (here), the man page's OPTIONS and the Nagios and Icinga 2
 * definitions at build time (optgen.c). The text is in the markup of
 * optdoc.h; its first paragraph is the summary --help and the engines
 * show, the whole text is the man page's.
 *
 * key is what ms_plugin_getopt() returns: an option with a short name
 * has its letter as key ('w' for -w), a long-only one a value from
 * MS_OPT_LONG up (a plugin's enum starts there); values from
 * MS_OPT_COMMON_BASE up are the runtime's own.
 */
#define MS_OPT_LONG 0x100
#define MS_OPT_COMMON_BASE 0x4000

enum {
	MS_OPT_ARG_OPTIONAL = 1 << 0,	/* --name[=ARG]: the value only joined with '=' */
	MS_OPT_WITH_NEXT = 1 << 1,	/* described together with the next entry */
	MS_OPT_REPEATABLE = 1 << 2,	/* may be given more than once */
	MS_OPT_MANDATORY = 1 << 3,	/* the plugin cannot run without it */
	MS_OPT_NO_ENGINE = 1 << 4,	/* not in the engines' definitions (--help) */
};

struct ms_option {
	int key;
	const char *name;	/* the long name: "warning" */
	const char *arg;	/* the value's name ("RANGE", "policy|smtp"); NULL: a flag */
	unsigned flags;		/* MS_OPT_* */
	const char *help;	/* markup (optdoc.h); "" with MS_OPT_WITH_NEXT */
	/* the engines' custom variable after the command's prefix (Icinga 2:
	   greylist_ + var); NULL: the long name, '-' written '_' */
	const char *var;
	/* MS_OPT_ARG_OPTIONAL: the variable that carries the value */
	const char *value_var;
};

/* A program's options: the table ends with an entry whose name is NULL. */
struct ms_optset {
	const struct ms_option *options;
	double default_timeout;	/* seconds; 0 means MS_DEFAULT_TIMEOUT */
	/*
	 * The usage after the program name, as --help prints it: the
	 * options' combinations, which the table cannot say ("-H HOST |
	 * --socket=PATH"), lines after the first indented, "   or: NAME ..."
	 * for another form. The man page's SYNOPSIS is made from it (optgen).
	 */
	const char *synopsis;
};

/* The options every plugin has (-h, -V, -v, -t, --extra-opts, --output-format). */
extern const struct ms_optset ms_common_options;

struct ms_plugin {
	const char *name;	  /* "check_greylist": version, help, extra-opts section */
	const char *label;	  /* "GREYLIST": the first word of the status line */
	const char *purpose;	  /* a paragraph for --help */
	const struct ms_optset *options; /* the plugin's own; may be NULL */
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
