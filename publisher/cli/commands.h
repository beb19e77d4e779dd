/*
 * commands: what `mailstatus-publish COMMAND` does.
 *
 * Each takes the loaded config and the command's own arguments (argv[0]
 * is the command name) and validates them completely; then one that
 * changes something works in the session of cmdutil.h (under the store's
 * lock, in one transaction, the output rendered after it), and list and
 * show read the store. Each returns the exit status.
 */
#ifndef PUB_COMMANDS_H
#define PUB_COMMANDS_H

#include "conf.h"

/* Exit statuses, documented in mailstatus-publish(1). */
enum pub_exit {
	PUB_EXIT_OK = 0,
	PUB_EXIT_FAILURE = 1,	/* source, store or output could not be used */
	PUB_EXIT_USAGE = 2,	/* bad command line or config */
	PUB_EXIT_STALE = 3	/* published "status unknown": monitoring is stale */
};

struct pub_command {
	const char *name;
	int (*run)(const struct pub_config *cfg, int argc, char **argv);
	const char *usage;	/* the options, for --help */
};

extern const struct pub_command pub_commands[];

const struct pub_command *pub_command_find(const char *name);

/* -v on the main command line: say what a run did. */
extern int pub_verbose;

#endif
