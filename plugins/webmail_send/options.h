/*
 * options: check_webmail_send's command line, one entry per option (the
 * table in options.c), from which --help, the man page's OPTIONS and the
 * Nagios and Icinga 2 definitions follow.
 */
#ifndef WEBMAIL_SEND_OPTIONS_H
#define WEBMAIL_SEND_OPTIONS_H

#include "plugin.h"

/* What ms_plugin_getopt() returns for the long-only options. */
enum {
	OPT_URL = MS_OPT_LONG,
	OPT_WEBMAIL,
	OPT_PASSWORD_FILE,
	OPT_TO,
	OPT_ATTACH_SIZE,
	OPT_IMAP_URL,
	OPT_IMAP_USER,
	OPT_IMAP_PASSWORD_FILE,
	OPT_DELIVERY_TIMEOUT,
	OPT_JUNK_FOLDER,
	OPT_KEEP,
	OPT_LOGIN_WARNING,
	OPT_LOGIN_CRITICAL,
	OPT_CA_FILE,
	OPT_INSECURE,
	OPT_IMAP_CLEARTEXT,
};

extern const struct ms_optset webmail_send_options;

#endif
