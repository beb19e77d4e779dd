/*
 * notify: one state change pushed by Nagios or Icinga 2, as their
 * notification or event-handler command hands it over.
 *
 * The values come from options (--host, --service, --state, --state-type,
 * --output, --downtime, --changed) or, for the ones not given, from the
 * standard macros in the environment: NAGIOS_HOSTNAME, NAGIOS_SERVICEDESC,
 * NAGIOS_SERVICESTATEID / NAGIOS_HOSTSTATEID, ..._STATETYPE, ..._OUTPUT,
 * ..._DOWNTIME, NAGIOS_LASTSERVICESTATECHANGE / NAGIOS_LASTHOSTSTATECHANGE,
 * NAGIOS_NOTIFICATIONTYPE
 * (Nagios with enable_environment_macros=1), and the same names with
 * ICINGA_ for an Icinga 2 command's env. The notify command applies a
 * notice on top of what the configured source says, then decides as
 * `run` does.
 */
#ifndef PUB_NOTIFY_H
#define PUB_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "source.h"
#include "strbuf.h"

struct pub_notice {
	char *host;
	char *service;		/* NULL: the host itself */
	int state;		/* host 0-2, service 0-3 */
	bool hard;
	char *output;		/* cleaned, or NULL */
	int downtime_depth;	/* -1 when not told */
	time_t changed;		/* when the state began; 0 when not told */
	time_t received;	/* when notify took it */
};

/* The names of the notice's values: option, then the macro's suffix. */
struct pub_notice_args {
	const char *host, *service, *state, *state_type, *output, *downtime, *changed;
	const char *type;	/* the notification type (NOTIFICATIONTYPE) */
};

/*
 * Fills n from args (NULL members are not given) and the environment;
 * on failure says in err what is missing or wrong.
 */
bool pub_notice_parse(struct pub_notice *n, const struct pub_notice_args *args,
		      struct ms_buf *err);
void pub_notice_free(struct pub_notice *n);

/*
 * Puts a HARD notice into snap when it is about a wanted object and newer
 * than what the source said of it. Returns true when it changed snap.
 */
bool pub_notice_apply(const struct pub_notice *n, struct pub_snapshot *snap);

/*
 * The notices the source has not caught up with yet. Nagios writes
 * status.dat only every few seconds, so a notice is kept in a file beside
 * the store (STORE-notices) until the source's data is newer than the
 * notice; every run and notify lays the kept ones over its snapshot, so a
 * run between the push and the next status.dat does not undo the push.
 * Called under the store's lock only.
 */
struct pub_pending {
	struct pub_notice *list;
	size_t n;
};

/* The notices file of a store path (a new string). */
char *pub_pending_path(const char *store);
/* Reads path; a missing file is no notices. */
bool pub_pending_load(const char *path, struct pub_pending *p, struct ms_buf *err);
/* Adds n (taking it over), replacing an older notice about the same object. */
void pub_pending_add(struct pub_pending *p, struct pub_notice *n);
/*
 * Forgets the notices older than the source's data (snap->created), lays
 * the others over snap, oldest first. Returns how many were laid over.
 */
size_t pub_pending_apply(struct pub_pending *p, struct pub_snapshot *snap);
/* Writes what is left (or removes the file when nothing is). */
bool pub_pending_save(const char *path, const struct pub_pending *p, struct ms_buf *err);
void pub_pending_free(struct pub_pending *p);

#endif
