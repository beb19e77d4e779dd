/*
 * mountprobe: the checks of one mount point that may block on a dead
 * server, meant to run in a probe child (lib/plugin/probe.h).
 *
 * In order: trigger an automount (open the directory), statfs and stat of
 * the root, the sentinel file, the write test. Before each step that may
 * block, the report so far is written whole to a pipe, so whoever waits
 * knows which step a probe that never came back is stuck in; the last
 * report, written when all is done, has an empty "doing". A step refused
 * for want of permission (EACCES) is reported apart from the storage's
 * failures, with the path that refuses.
 *
 * The report is a plain struct, written and read by the same program
 * (parent and forked child): no format to parse.
 */
#ifndef MS_MOUNTPROBE_H
#define MS_MOUNTPROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "fsspace.h"

struct ms_mount_job {
	const char *path;		/* the mount point */
	bool trigger_automount;		/* an idle automount: open it first */
	const char *sentinel;		/* relative to path, or NULL */
	const char *sentinel_content;	/* what it must say, or NULL */
	bool write_test;
	const char *write_subdir;	/* relative to path, or NULL */
};

/*
 * A step this user may not take: not the storage's fault but the check's
 * (UNKNOWN, naming the path, the user and what to change). The path is the
 * first one on the way that refuses: a directory without search
 * permission, or the file or directory itself.
 */
struct ms_mount_denied {
	char what[96];		/* "sentinel .mailstore not readable"; "" when nothing was denied */
	char path[1024];	/* the path that refuses */
	char missing[4];	/* the permissions it lacks ("x", "r", "wx"); "" when
				   the mode bits allow it (an ACL or a security module refuses) */
	bool has_stat;		/* mode and owner below are known */
	unsigned mode;		/* st_mode: type and permissions */
	unsigned long uid, gid;
};

struct ms_mount_report {
	char doing[64];		/* the step under way; "" once the probe is done */
	char problem[512];	/* what failed, "; "-separated; "" when nothing did */
	struct ms_mount_denied denied;	/* the first step this user may not take */
	bool has_counts;	/* statfs answered (and not for an empty automount) */
	struct ms_statfs_counts counts;
	double latency;		/* statfs + stat of the root, seconds */
	bool wrote;		/* the write test passed */
	double write_seconds;
};

/* Runs the job, writing reports to fd; the last one also stays in *report. */
void ms_mount_probe_run(const struct ms_mount_job *job, int fd,
			struct ms_mount_report *report);

/*
 * The last whole report in the len bytes read from the pipe. False when
 * there is none (the child died, or hung before its first step).
 */
bool ms_mount_report_last(const char *data, size_t len, struct ms_mount_report *report);

#endif
