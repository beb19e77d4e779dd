/*
 * options: check_greylist's command line, one entry per option (the
 * table in options.c), from which --help, the man page's OPTIONS and the
 * Nagios and Icinga 2 definitions follow.
 */
#ifndef GREYLIST_OPTIONS_H
#define GREYLIST_OPTIONS_H

#include "plugin.h"

/* What ms_plugin_getopt() returns for the long-only options. */
enum {
	OPT_MODE = MS_OPT_LONG,
	OPT_SOCKET,
	OPT_SENDER,
	OPT_RECIPIENT,
	OPT_CLIENT_ADDRESS,
	OPT_CLIENT_NAME,
	OPT_HELO,
	OPT_EXPECT,
	OPT_RETRY_AFTER,
	OPT_TEST_TIME_OFFSET,
	OPT_CA_FILE,
	OPT_CA_PATH,
	OPT_SERVERNAME,
	OPT_INSECURE,
	OPT_CERT_DAYS,
};

extern const struct ms_optset greylist_options;

#endif
