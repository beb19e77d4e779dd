/*
 * commands: the table of `mailstatus-publish COMMAND`s. See commands.h;
 * the commands are in cmd_run.c (run), cmd_notify.c, cmd_posts.c (post,
 * edit, incident, maintenance), cmd_retract.c and cmd_query.c (list,
 * show, render).
 */
#include "config.h"

#include <string.h>

#include "cmdutil.h"
#include "commands.h"

int pub_verbose;

const struct pub_command pub_commands[] = {
	{ "run", pub_cmd_run, "[--now TIME]" },
	{ "deliver", pub_cmd_deliver, "[--now TIME]" },
	{ "notify", pub_cmd_notify, "[--host NAME] [--service NAME] [--state STATE]\n"
	  "           [--state-type HARD|SOFT] [--output TEXT] [--downtime DEPTH]\n"
	  "           [--changed TIME] [--type NOTIFICATIONTYPE] [--now TIME]\n"
	  "           (default: the NAGIOS_*/ICINGA_* macros)" },
	{ "post", pub_cmd_post, "--cluster SLUG [--incident N] --title TITLE --message-file FILE" },
	{ "edit", pub_cmd_edit, "POST-ID --message-file FILE" },
	{ "retract", pub_cmd_retract, "POST-ID" },
	{ "incident", pub_cmd_incident, "open --cluster SLUG --title TITLE --message-file FILE\n"
	  "           | resolve NUMBER [--message-file FILE | --no-post]" },
	{ "maintenance", pub_cmd_maintenance, "schedule --cluster SLUG --start TIME --end TIME\n"
	  "           [--title TITLE] --message-file FILE\n"
	  "           | change ID [--start TIME] [--end TIME] [--message-file FILE]" },
	{ "list", pub_cmd_list, "[--cluster SLUG] [--limit N] | --deliveries" },
	{ "show", pub_cmd_show, "POST-ID | incident NUMBER" },
	{ "render", pub_cmd_render, "" },
	{ "import-history", pub_cmd_import_history, "[--now TIME] [--no-render] FILE...\n"
	  "           (nagios.log, archives, Icinga 2's compat log; .gz too)" },
	{ NULL, NULL, NULL },
};

const struct pub_command *pub_command_find(const char *name)
{
	for (const struct pub_command *c = pub_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
