/*
 * cmdutil: what the commands share, and the commands themselves.
 *
 * Private to the cmd_*.c files and commands.c: checks of command-line
 * input that say exactly what is wrong, and the session every command
 * works in (the lock, the store, one transaction, the render after it).
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

/* "mailstatus-publish: MESSAGE" on stderr. */
void pub_say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Each of these says what is wrong before returning false/NULL. */
bool pub_parse_id(const char *what, const char *s, long *out);
bool pub_check_title(const char *title);
bool pub_parse_when(const char *opt, const char *s, time_t *t);
const struct pub_cluster *pub_need_cluster(const struct pub_config *cfg, const char *slug);
/* An operator's message: UTF-8 text, not blank, at most 1 MiB; "-" is stdin. */
char *pub_read_message(const char *path, size_t *len);

/* getopt_long for a command whose name is argv[0]; reset before each. */
int pub_next_opt(int argc, char **argv, const struct option *opts, const char *cmd);
void pub_reset_getopt(void);

struct pub_session {
	int lock;
	struct pub_store *st;
	struct ms_buf err;
};

/* Lock, then open the store; says why not. Close it in any case. */
bool pub_session_open(const struct pub_config *cfg, struct pub_session *s);
/* The two steps of pub_session_open, for a run that reads its source between them. */
bool pub_session_lock(const struct pub_config *cfg, struct pub_session *s);
bool pub_session_store(const struct pub_config *cfg, struct pub_session *s);
/* The store for reading only, without the lock (list, show). */
bool pub_session_open_readonly(const struct pub_config *cfg, struct pub_session *s);
void pub_session_close(struct pub_session *s);
/* Commits (ok) or rolls back, then renders; returns the exit status. */
int pub_session_finish(const struct pub_config *cfg, struct pub_session *s, bool ok);

/*
 * One cycle of `run` at now: lock, read the source, lay the pushed
 * notices it has not caught up with over it (with fresh, notify's own,
 * when not NULL: taken over), decide, commit, render. Returns the exit
 * status.
 */
struct pub_notice;
int pub_run_cycle(const struct pub_config *cfg, time_t now, struct pub_notice *fresh);

/* The commands (commands.c lists them). */
int pub_cmd_run(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_post(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_edit(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_retract(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_incident(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_maintenance(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_list(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_show(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_render(const struct pub_config *cfg, int argc, char **argv);
int pub_cmd_notify(const struct pub_config *cfg, int argc, char **argv);

#endif
