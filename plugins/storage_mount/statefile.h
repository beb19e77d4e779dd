/*
 * statefile: remembering probes that were left stuck in the kernel.
 *
 * When a probe of a mount point does not come back, the plugin leaves it
 * behind and writes down its PID, start time and the step it hung in.
 * The next run reads that back and, while the process still lingers,
 * reports it instead of starting another probe that would hang as well:
 * without this memory every run adds a stuck process.
 *
 * One small file per mount point, named after a hash of the path, in a
 * directory that only the plugin's user may write to:
 *
 *   mailstatus-probe 1
 *   pid=4242
 *   start_ticks=123456
 *   since=1764072000
 *   step=statfs
 *   path=/srv/mail\0402
 *
 * Files are replaced atomically (a new file created with O_EXCL and
 * O_NOFOLLOW, then renamed), so a crash leaves either version, and a
 * symlink planted in the directory is never followed.
 */
#ifndef MS_STATEFILE_H
#define MS_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

struct ms_linger {
	pid_t pid;
	unsigned long long start_ticks;	/* from /proc/PID/stat, against PID reuse */
	long long since;		/* when the probe started, seconds since the epoch */
	char step[64];			/* what it was doing: "statfs" */
	char *path;			/* the mount point */
};

void ms_linger_free(struct ms_linger *l);

/* Writes l in the file format above. */
void ms_linger_format(struct ms_buf *b, const struct ms_linger *l);

/* Parses the file format; false (and l cleared) for anything else. */
bool ms_linger_parse(const char *text, size_t n, struct ms_linger *l);

/* The file name for a mount point: "storage-mount-<16 hex digits>.probe". */
void ms_linger_name(const char *path, char *name, size_t size);

/*
 * Opens the state directory, creating it (mode 0700) when it is missing.
 * Refuses a symlink, a directory owned by another user and one that
 * others may write to. Returns an O_DIRECTORY descriptor, or -1 with a
 * sentence in err that says what to fix.
 */
int ms_statedir_open(const char *dir, struct ms_buf *err);

/* The record of path: true when there is one (l filled), false when not. */
bool ms_linger_load(int dirfd, const char *path, struct ms_linger *l);

/* Writes the record of l->path, replacing any earlier one. */
bool ms_linger_save(int dirfd, const struct ms_linger *l, struct ms_buf *err);

/* Removes the record of path, if there is one. */
void ms_linger_forget(int dirfd, const char *path);

#endif
