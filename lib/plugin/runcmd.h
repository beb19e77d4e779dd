/*
 * runcmd: run a program (postqueue -j, exim -bp, ...) with a deadline.
 *
 * The program runs in its own process group with stdin from /dev/null
 * (or the given input), stdout and stderr captured up to a limit each.
 * At its deadline the whole group is killed with SIGKILL and reaped; the
 * overall plugin deadline also kills it, so the plugin never outlives a
 * stuck child. Nothing goes through a shell.
 */
#ifndef MS_RUNCMD_H
#define MS_RUNCMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct ms_cmd_opts {
	int64_t timeout_ms;	/* < 0: until the plugin's own deadline */
	size_t max_output;	/* per stream; 0: 16 MiB */
	char *const *env_add;	/* "NAME=value" set for the child, NULL-terminated */
	const char *input;	/* written to the child's stdin, or NULL */
	size_t input_len;
	/*
	 * Called with each chunk of stdout as it arrives, instead of keeping
	 * it in out (for output too large to hold, parsed as it streams).
	 */
	void (*on_stdout)(void *arg, const char *data, size_t len);
	void *on_stdout_arg;
};

struct ms_cmd_result {
	bool exited;		/* exit_status is valid */
	int exit_status;
	bool signaled;		/* term_signal is valid */
	int term_signal;
	bool timed_out;		/* killed at its deadline */
	bool out_truncated, err_truncated;
	struct ms_buf out, err;
};

void ms_cmd_result_free(struct ms_cmd_result *res);

/*
 * Runs argv[0] (looked up in PATH) with argv. Returns false only when the
 * program could not be started (err gets why: "cannot run postqueue: No
 * such file or directory"); a program that fails is reported in res.
 */
bool ms_cmd_run(char *const argv[], const struct ms_cmd_opts *opts,
		struct ms_cmd_result *res, struct ms_buf *err);

/* "exited with status 1", "killed by signal 9", "timed out": for messages. */
const char *ms_cmd_describe(const struct ms_cmd_result *res, char *buf, size_t size);

/*
 * Adds to err the sentence for a run that failed: "NAME exited with
 * status 1: its stderr" (NAME: the command as the caller names it,
 * "postqueue -j"). Its stderr is made one line of text, control bytes
 * and runs of blanks squeezed to one blank, so that a program that spews
 * binary before its "fatal:" line does not push that line out of the
 * message; when it wrote nothing there, detail (NULL: none) says what
 * was wrong instead.
 */
void ms_cmd_failure(struct ms_buf *err, const char *name, const struct ms_cmd_result *res,
		    const char *detail);

/*
 * Runs argv within the plugin's deadline (the step "running NAME") for
 * its answer: out gets its stdout (up to 64 KiB) without the line ends
 * at the end. False when it cannot be started or does not exit with 0;
 * err then says why (ms_cmd_failure's sentence).
 */
bool ms_cmd_output(char *const argv[], struct ms_buf *out, struct ms_buf *err);

/* Is prog an executable file in a directory of PATH? */
bool ms_cmd_in_path(const char *prog);

#endif
