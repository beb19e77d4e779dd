/*
 * cmdutil: what the commands share, and the commands themselves.
 *
 * For the cmd_*.c files and commands.c (and the tests that drive them):
 * checks of command-line input that say exactly what is wrong, and the
 * session every command works in (the lock, the store, one transaction,
 * the render after it).
 */
#ifndef PUB_CMDUTIL_H
#define PUB_CMDUTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "store.h"
#include "strbuf.h"

/*
 * A command says how it ended: "mailstatus-publish: MESSAGE" on stderr.
 * Below it, what fails writes one sentence into the err its caller
 * passes (doc/internals.md, Errors); a function that returns an exit
 * status has said it.
 */
void pub_say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Says err and frees it; returns PUB_EXIT_USAGE (a command line refused). */
int pub_refuse(struct ms_buf *err);

/* Each of these writes what is wrong into err before returning false/NULL. */
bool pub_parse_id(const char *what, const char *s, long *out, struct ms_buf *err);
bool pub_check_title(const char *title, struct ms_buf *err);
bool pub_parse_when(const char *opt, const char *s, time_t *t, struct ms_buf *err);
const struct pub_cluster *pub_need_cluster(const struct pub_config *cfg, const char *slug,
					   struct ms_buf *err);
/* An operator's message: UTF-8 text, not blank, at most 1 MiB; "-" is stdin. */
char *pub_read_message(const char *path, size_t *len, struct ms_buf *err);

/*
 * getopt_long for a command whose name is argv[0]; reset before each.
 * '?' for an option it does not take (getopt says which), with "CMD: see
 * mailstatus-publish --help" in err.
 */
int pub_next_opt(int argc, char **argv, const struct option *opts, const char *cmd,
		 struct ms_buf *err);
void pub_reset_getopt(void);

/*
 * The session every command that changes something works in: the
 * store's lock, the store (made, or upgraded to this program's schema,
 * when needed), the command's work inside one transaction, and the
 * render after it. A command killed at any point leaves the store as it
 * was before the transaction or after it; the output is rendered again
 * by the next command.
 */

/* What a command's work in the store came to. */
enum pub_work {
	PUB_WORK_DONE,		/* commit, then render */
	PUB_WORK_STORED,	/* commit; the next run or render writes the output */
	PUB_WORK_REFUSED,	/* the store says no to the command line (no such
				 * post): roll back, exit 2 */
	PUB_WORK_FAILED		/* the store failed: roll back, exit 1 */
};

/* A command's work in the store; unless done, it says why in err. */
typedef enum pub_work pub_work_fn(const struct pub_config *cfg, struct pub_store *st,
				  void *arg, struct ms_buf *err);

/* PUB_WORK_DONE when ok, else PUB_WORK_FAILED. */
enum pub_work pub_work_done(bool ok);

struct pub_session {
	const struct pub_config *cfg;
	int lock;		/* -1: not held */
	struct pub_store *st;	/* NULL: not open */
	struct ms_buf err;	/* why a step failed */
};

/*
 * The whole session of a command: lock, store, work (NULL: none, for a
 * render alone) in one transaction, commit and render or roll back,
 * close. Says what went wrong; returns the exit status.
 */
int pub_session(const struct pub_config *cfg, pub_work_fn *work, void *arg);
/*
 * A reading command's (list, show): the store for reading only, without
 * the lock or a transaction. Says what went wrong; returns the exit status.
 */
int pub_session_read(const struct pub_config *cfg, pub_work_fn *work, void *arg);

/*
 * The steps of pub_session, for a run that reads its source under the
 * lock before it opens the store. Lock and store return false with why
 * in s->err; run says what went wrong and returns the exit status; close
 * in any case.
 */
bool pub_session_lock(const struct pub_config *cfg, struct pub_session *s);
bool pub_session_store(struct pub_session *s);
int pub_session_run(struct pub_session *s, pub_work_fn *work, void *arg);
void pub_session_close(struct pub_session *s);

/*
 * One cycle of `run` at now: lock, read the source, lay the pushed
 * notices it has not caught up with over it (with fresh, notify's own,
 * when not NULL: taken over), decide, commit, render. Returns the exit
 * status.
 */
struct pub_notice;
int pub_run_cycle(const struct pub_config *cfg, time_t now, struct pub_notice *fresh);

/*
 * The deliver stage in an open session (s->st), after its work: lets go
 * of the store's lock, sends what is due at now for at most budget
 * seconds (0: all that is due, once). Says what went wrong; returns the
 * exit status: failure only for the deliverer's own trouble (the store).
 */
int pub_run_deliver(struct pub_session *s, time_t now, long budget);

/* The commands (commands.c lists them). */
int pub_cmd_run(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_deliver(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_post(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_edit(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_retract(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_incident(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_maintenance(const struct pub_config *cfg, int argc, char **argv);
/* maintenance change (cmd_maintenance.c); argv[0] is "change" */
int pub_cmd_maintenance_change(const struct pub_config *cfg, int argc, char **argv);
/* "Scheduled maintenance of NAME from ... to ...." into b: an announcement's lead. */
void pub_maintenance_lead(const struct pub_config *cfg, const char *cluster_name,
			  time_t start, time_t end, struct ms_buf *b);
/*
 * Window m, as it is now (times, message), into the store, and its
 * announcement written again with them (edited at now): one revision.
 */
bool pub_maintenance_reannounce(const struct pub_config *cfg, struct pub_store *st,
				const struct pub_maintenance *m, time_t now, struct ms_buf *err);
int pub_cmd_list(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_show(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_render(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_notify(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_import_history(const struct pub_config *cfg, int argc, char **argv);

#endif
