/*
 * procstat: what /proc says about a process we left behind.
 *
 * A probe stuck in the kernel cannot be waited for; the next run looks
 * it up by PID instead. The start time (field 22 of /proc/PID/stat, in
 * clock ticks since boot) tells our probe from a later process that
 * reused its PID; the state ('D': uninterruptible, in the kernel) and the
 * wait channel (the kernel function it sleeps in) say where it hangs.
 */
#ifndef MS_PROCSTAT_H
#define MS_PROCSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ms_proc_info {
	char state;			/* 'R', 'S', 'D', 'Z', ... */
	unsigned long long start_ticks;	/* since boot */
	char wchan[64];			/* "" when the kernel does not say */
};

/*
 * Parses the text of /proc/PID/stat. The command name (field 2) is in
 * parentheses and may itself hold spaces and ')', so fields are counted
 * from the last ')'. Leaves wchan empty.
 */
bool ms_proc_parse_stat(const char *text, size_t n, struct ms_proc_info *pi);

/*
 * Reads procdir/PID/stat and procdir/PID/wchan (procdir: "/proc").
 * Returns false when there is no such process.
 */
bool ms_proc_read(const char *procdir, pid_t pid, struct ms_proc_info *pi);

#endif
