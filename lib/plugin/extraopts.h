/*
 * extraopts: --extra-opts=[SECTION][@FILE], as monitoring-plugins has it.
 *
 * Each key of the INI section becomes an option placed before the command
 * line's own, so the command line wins: "warning = 5" becomes
 * "--warning=5", "v =" becomes "-v", "w = 5" becomes "-w 5". SECTION
 * defaults to the program name. Without @FILE the file is looked for as
 * monitoring-plugins does, with our own file early in the list:
 *
 *   $MP_CONFIG_FILE
 *   /etc/mailstatus/plugins.ini (and SYSCONFDIR/mailstatus/plugins.ini)
 *   /usr/local/etc/monitoring-plugins/monitoring-plugins.ini
 *   /etc/monitoring-plugins/monitoring-plugins.ini
 *   plugins.ini or nagios-plugins.ini in each directory of $NAGIOS_CONFIG_PATH
 *   /etc/nagios/plugins.ini, /usr/local/nagios/etc/plugins.ini,
 *   /usr/local/etc/nagios/plugins.ini, /etc/opt/nagios/plugins.ini,
 *   /etc/nagios-plugins.ini, /usr/local/etc/nagios-plugins.ini,
 *   /etc/opt/nagios-plugins.ini
 *
 * and the first of those files that has the section is used.
 */
#ifndef MS_EXTRAOPTS_H
#define MS_EXTRAOPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* What an expansion allocated; ms_extraopts_release() frees it. */
struct ms_extraopts {
	char **argv;		/* the new vector, or NULL when argv was left as it was */
	char **strings;		/* the options made from the INI file */
	size_t nstrings;
};

/*
 * Replaces *argv by a new vector (the strings of the old one are reused)
 * with every --extra-opts expanded; without one, *argv is left alone.
 * Returns false with a sentence added to err when a file cannot be read,
 * has an error (file and line) or lacks the section.
 */
bool ms_extraopts_expand(const char *progname, int *argc, char ***argv,
			 struct ms_extraopts *owned, struct ms_buf *err);

void ms_extraopts_release(struct ms_extraopts *owned);

#endif
