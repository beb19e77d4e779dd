/*
 * deadline: the plugin's overall timeout (-t SECONDS[:STATE]).
 *
 * Once armed, nothing can make the plugin overrun: when the time is up a
 * SIGALRM handler kills the child processes it was told about, writes
 * "LABEL STATE - timed out after Ns while <step>" with write(2) and exits
 * with the timeout state. The message is formatted ahead of time by
 * ms_step(), so the handler only does async-signal-safe things.
 *
 * All times here are milliseconds of CLOCK_MONOTONIC.
 */
#ifndef MS_DEADLINE_H
#define MS_DEADLINE_H

#include <stdint.h>
#include <sys/types.h>

#include "result.h"
#include "status.h"

/* Milliseconds on the monotonic clock. */
int64_t ms_now_ms(void);

/* The label and output format of the timeout message. */
void ms_deadline_configure(const char *label, enum ms_format format);

/* Starts the timer; seconds > 0. Calling it again re-arms. */
void ms_deadline_arm(double seconds, enum ms_state state);

/* Stops the timer (before the final output is written). */
void ms_deadline_disarm(void);

/* When the deadline fires, or INT64_MAX when it is not armed. */
int64_t ms_deadline_at(void);

/*
 * The earlier of the overall deadline and now + timeout_ms (timeout_ms < 0:
 * the overall deadline alone). What network and child helpers wait until.
 */
int64_t ms_deadline_within(int64_t timeout_ms);

/* What the plugin is doing now, for the timeout message ("connecting to ..."). */
void ms_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *ms_step_text(void);

/*
 * Child processes (and their process groups) to SIGKILL when the deadline
 * fires. A fixed number can be watched; the call returns -1 past that.
 */
int ms_deadline_watch_child(pid_t pid);
void ms_deadline_unwatch_child(pid_t pid);

#endif
