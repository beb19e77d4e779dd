/*
 * options: check_mail_queue's command line, one entry per option (the
 * table in options.c), from which --help, the man page's OPTIONS and the
 * Nagios and Icinga 2 definitions follow.
 */
#ifndef MAIL_QUEUE_OPTIONS_H
#define MAIL_QUEUE_OPTIONS_H

#include "plugin.h"

/* What ms_plugin_getopt() returns for the long-only options. */
enum {
	OPT_MTA = MS_OPT_LONG,
	OPT_QUEUE_DIR,
	OPT_INSTANCE,
	OPT_CONFIG_DIR,
	OPT_METHOD,
	OPT_QUEUES,
	OPT_AGE_WARNING,
	OPT_AGE_CRITICAL,
	OPT_HOLD_WARNING,
	OPT_HOLD_CRITICAL,
	OPT_MAILDROP_AGE_WARNING,
	OPT_MAILDROP_AGE_CRITICAL,
	OPT_DOWN_STATE,
	OPT_READ_ALL,
	OPT_TOP,
	OPT_DOMAIN_WARNING,
	OPT_DOMAIN_CRITICAL,
};

extern const struct ms_optset mail_queue_options;

#endif
