/*
 * options: check_storage_mount's command line, one entry per option (the
 * table in options.c), from which --help, the man page's OPTIONS and the
 * Nagios and Icinga 2 definitions follow.
 */
#ifndef STORAGE_MOUNT_OPTIONS_H
#define STORAGE_MOUNT_OPTIONS_H

#include "plugin.h"

#define DEFAULT_FSTAB "/etc/fstab"
/*
 * The default --state-dir is per user (DEFAULT_STATE_DIR-UID, the real
 * uid): one created by root running the plugin by hand must not lock out
 * the monitoring user.
 */
#define DEFAULT_STATE_DIR "/var/tmp/mailstatus"

/* What ms_plugin_getopt() returns for the long-only options. */
enum {
	OPT_FSTAB = MS_OPT_LONG,
	OPT_FSTAB_FILE,
	OPT_TYPE,
	OPT_FSTYPE,
	OPT_SOURCE,
	OPT_RW,
	OPT_PROBE_TIMEOUT,
	OPT_STATE_DIR,
	OPT_SENTINEL,
	OPT_SENTINEL_CONTENT,
	OPT_AUTOFS_IDLE_OK,
	OPT_WRITE_TEST,
	OPT_FREE_WARNING,
	OPT_FREE_CRITICAL,
	OPT_INODE_WARNING,
	OPT_INODE_CRITICAL,
};

extern const struct ms_optset storage_mount_options;

#endif
