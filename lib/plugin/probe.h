/*
 * probe: run a function in a child process that may never come back.
 *
 * A stat() on a hung NFS or FUSE mount blocks in the kernel, and no signal
 * gets the caller out (state D). So the risky call runs in a forked child
 * that writes its answer to a pipe; the parent waits on the pipe with a
 * deadline and, when the child does not answer, leaves it behind: it is
 * sent SIGKILL (which takes effect if the call ever returns) and never
 * waited for. Several probes run at once, so one hung mount does not eat
 * the time of the others. The child's stdin, stdout and stderr are
 * /dev/null, so a probe left behind never holds the plugin's output open.
 */
#ifndef MS_PROBE_H
#define MS_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "strbuf.h"

/* Runs in the child; writes its answer to fd and returns the exit status. */
typedef int (*ms_probe_fn)(void *arg, int fd);

enum ms_probe_state {
	MS_PROBE_RUNNING,
	MS_PROBE_DONE,		/* exited: status and answer are valid */
	MS_PROBE_TIMED_OUT,	/* no answer by the deadline; left behind */
	MS_PROBE_FAILED		/* could not be started, or died by a signal */
};

struct ms_probe {
	enum ms_probe_state state;
	pid_t pid;
	int fd;			/* read end of the answer pipe */
	int exit_status;	/* with MS_PROBE_DONE */
	int term_signal;	/* with MS_PROBE_FAILED after a signal */
	int64_t started_ms, ended_ms;	/* ended_ms: answer complete or gave up */
	struct ms_buf answer;
};

/*
 * Forks a child running fn(arg, fd). False when it cannot (err gets why:
 * "pipe: Too many open files"); p is then MS_PROBE_FAILED with no signal,
 * and may be waited for and freed with the others.
 */
bool ms_probe_start(struct ms_probe *p, ms_probe_fn fn, void *arg, struct ms_buf *err);

/*
 * Collects answers from n probes until each is done or the deadline
 * (monotonic ms) passes; probes still running then become
 * MS_PROBE_TIMED_OUT. Answers are capped at 64 KiB each.
 */
void ms_probe_wait(struct ms_probe *probes, size_t n, int64_t deadline);

/* Frees the answer; closes the pipe. Does not wait for a left-behind child. */
void ms_probe_free(struct ms_probe *p);

#endif
