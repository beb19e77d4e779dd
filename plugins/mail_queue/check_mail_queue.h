/*
 * check_mail_queue: what the program's own files share. The program
 * alone links them (they are no part of libmail_queue.a, which holds the
 * parsers and readers its tests and fuzz targets link too):
 *
 *   check_mail_queue.c  options, main, the verdict and the output
 *   postfix.c           the Postfix probe: where the spool is, whether
 *                       the master runs, the spool, postqueue -j
 *   exim.c              the Exim probe: the spool, exim -bp
 *   privileges.c        the capability, which spools a user may name,
 *                       and the child that reads the spool
 *
 * A probe fills in a snapshot of the queues or ends the run (UNKNOWN, or
 * --down-state) with a sentence that says what to fix.
 */
#ifndef MS_CHECK_MAIL_QUEUE_H
#define MS_CHECK_MAIL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pfqread.h"
#include "pfqueue.h"
#include "plugin.h"
#include "probe.h"
#include "tally.h"

enum mta { MTA_AUTO, MTA_POSTFIX, MTA_EXIM };
enum method { METHOD_AUTO, METHOD_SPOOL, METHOD_COMMAND };

struct settings {
	enum mta mta;
	enum method method;
	const char *queue_dir;
	const char *instance;
	const char *config_dir;
	const char *queues;	/* as given, checked once the MTA is known */
	struct ms_thresholds total, age, hold, maildrop_age, domain;
	enum ms_state down_state;
	long top;
};

/* ---- what was found ---------------------------------------------------- */

struct queue {
	const char *name;
	bool counted;		/* part of the total and the oldest age */
	uint64_t count, bytes;
	bool has_oldest;
	int64_t oldest;		/* arrival second */
	bool entered_known;	/* maildrop: the files' times were read from the spool */
	bool has_entered;
	int64_t entered;	/* the second the oldest file got there */
};

#define EXIM_QUEUED 0
#define EXIM_FROZEN 1
#define MAX_QUEUES PFQ_NQUEUES

struct snapshot {
	enum mta mta;
	struct queue q[MAX_QUEUES];
	size_t nq;
	uint64_t damaged, in_progress, vanished, records_read;
	bool spool_read;	/* the spool, not a command, gave the counts */
	enum pfqr_kind reader;	/* and read its files so */
	int uring_errno;	/* why not io_uring */
	bool corrupt_known;	/* the method can see corrupt files */
	char *source;		/* "the spool /var/spool/postfix", "postqueue -j" */
	bool mta_down;
	char *down_reason;
	bool has_details;	/* deferral reasons and domains were tallied */
	char *details_error;
	struct ms_tally reasons, domains;
	/* kept here, reachable until the end, whichever way the run ends */
	char *config_dir, *queue_dir;
};

/* Counts a message of bytes that arrived at arrival in q (check_mail_queue.c). */
void queue_add(struct queue *q, uint64_t bytes, int64_t arrival);

/* postfix.c, exim.c: the probes. */
void probe_postfix(const struct settings *set, struct snapshot *s);
void probe_exim(const struct settings *set, struct snapshot *s);

/* ---- privileges.c ------------------------------------------------------ */

/* First thing in main: no effective capability until the spool is read. */
void drop_privileges(void);
/* In the spool child only: the capability back, if the plugin has one. */
void spool_privileges(void);

/*
 * For a user other than root running the privileged plugin, UNKNOWN
 * unless the Postfix config directory is allowed (before anything reads
 * it), the queue directory is that of an allowed configuration, the Exim
 * spool that of this host's Exim.
 */
void check_postfix_config_dir(const struct settings *set, const struct snapshot *s);
void check_postfix_queue_dir(const struct settings *set, const struct snapshot *s);
void check_exim_dir(const struct settings *set, const char *spool);

/*
 * Runs fn in a probe child (a spool on a hung filesystem cannot block the
 * plugin past its deadline) and copies its answer of size bytes; what the
 * child wrote after it (a sentence why it could not read the spool) is
 * added to text. Ends the run when the child cannot start or fails.
 */
void ask_probe(ms_probe_fn fn, void *question, void *answer, size_t size, struct ms_buf *text);

/*
 * In the child: writes the answer of size bytes and then text, which it
 * frees. Returns the child's exit status (1: the pipe refused them).
 */
int answer_parent(int fd, const void *answer, size_t size, struct ms_buf *text);

#endif
