/* Helpers shared by the unit tests. */
#ifndef MS_TEST_HELPERS_H
#define MS_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* What a function run in a child process printed, and how it ended. */
struct captured {
	int exit_code;		/* exit status, or -signal when killed */
	char *out;		/* stdout, NUL-terminated */
	int64_t elapsed_ms;
};

/*
 * Runs fn(arg) in a child with stdout captured; the child is killed after
 * limit_s seconds (a safety net: a test that hangs fails instead).
 */
void capture_run(void (*fn)(void *), void *arg, struct captured *c, int limit_s);
void captured_free(struct captured *c);

/*
 * Waits up to timeout_ms for pid to be gone (no such process, or a zombie
 * that its new parent has not reaped yet); true when it is.
 */
int wait_process_gone(int pid, int timeout_ms);

/*
 * b, emptied: for a call whose own error message is looked at afterwards,
 * "f(x, emptied(&err))" (an error adds to what err holds).
 */
struct ms_buf *emptied(struct ms_buf *b);

/* true when s begins with prefix */
int starts_with(const char *s, const char *prefix);

/* Writes content to a new temporary file; returns its path (free it). */
char *temp_file(const char *content);

/* A listening TCP socket on 127.0.0.1; *port gets its port number. */
int listen_loopback(int *port);

/* A temporary directory (free the path; remove with remove_tree). */
char *temp_dir(void);
void remove_tree(const char *path);

#endif
