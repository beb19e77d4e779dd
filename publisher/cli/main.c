/*
 * mailstatus-publish: monitoring state -> clusters -> incidents and posts
 * -> feeds. `mailstatus-publish [-c FILE] COMMAND [options]`; see
 * mailstatus-publish(1).
 */
#include "config.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "conf.h"
#include "xalloc.h"

static void out_of_memory(void)
{
	fputs("mailstatus-publish: out of memory; nothing was changed\n", stderr);
	_exit(PUB_EXIT_FAILURE);
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: mailstatus-publish [-c FILE] [-v] COMMAND [options]\n"
		"\n"
		"Turns Nagios/Icinga state into status posts, incidents, RSS and Atom\n"
		"feeds per cluster, a status site and status.json.\n"
		"\n"
		"Options:\n"
		"  -c, --config=FILE  the configuration (default %s)\n"
		"  -v, --verbose      say what a command did\n"
		"  -h, --help         this help\n"
		"  -V, --version      the version\n"
		"\n"
		"Commands:\n", PUB_DEFAULT_CONFIG);
	for (const struct pub_command *c = pub_commands; c->name; c++)
		fprintf(fp, "  %s%s%s\n", c->name, c->usage[0] ? " " : "", c->usage);
	fprintf(fp,
		"\n"
		"TIME is 'YYYY-MM-DD HH:MM[:SS]' in UTC or @EPOCH-SECONDS. Commands that\n"
		"change something also take --now TIME (act as if it were TIME).\n"
		"Exit status: 0 done, 1 failure (nothing was changed), 2 bad command\n"
		"line or configuration, 3 monitoring data is stale (the feeds say the\n"
		"status is unknown).\n"
		"See mailstatus-publish(1) and mailstatus-publish.conf(5).\n");
}

/* The commands' names, from the table: the list cannot fall behind it. */
static void no_command(void)
{
	fputs("mailstatus-publish: no command given (", stderr);
	for (const struct pub_command *c = pub_commands; c->name; c++)
		fprintf(stderr, "%s%s", c == pub_commands ? "" : ", ", c->name);
	fputs(")\n", stderr);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = PUB_DEFAULT_CONFIG;
	const struct pub_command *cmd;
	struct pub_config *cfg;
	struct ms_buf err = MS_BUF_INIT;
	int c, rc;

	/* dates and numbers in feeds never follow the locale; only messages might */
	setlocale(LC_ALL, "C");
	ms_set_oom_handler(out_of_memory);
	while ((c = getopt_long(argc, argv, "+c:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'v':
			pub_verbose++;
			break;
		case 'h':
			usage(stdout);
			return PUB_EXIT_OK;
		case 'V':
			printf("mailstatus-publish %s\n", PACKAGE_VERSION);
			return PUB_EXIT_OK;
		default:
			usage(stderr);
			return PUB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		no_command();
		return PUB_EXIT_USAGE;
	}
	if ((cmd = pub_command_find(argv[optind])) == NULL) {
		fprintf(stderr, "mailstatus-publish: unknown command '%s'; see --help\n",
			argv[optind]);
		return PUB_EXIT_USAGE;
	}
	if ((cfg = pub_config_load(path, &err)) == NULL) {
		fprintf(stderr, "mailstatus-publish: %s\n", err.data);
		ms_buf_free(&err);
		return PUB_EXIT_USAGE;
	}
	xmlInitParser();
	rc = cmd->run(cfg, argc - optind, argv + optind);
	pub_config_free(cfg);
	ms_buf_free(&err);
	xmlCleanupParser();
	return rc;
}
