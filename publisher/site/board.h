/*
 * board: the live state of every cluster, component and member, as the
 * status page and status.json show it: the config's structure filled with
 * the states and since-times the store recorded in the last run.
 *
 * States are the store's words (member: up, maintenance, impaired, down;
 * component: operational, maintenance, degraded, outage), or "unknown" for
 * an object no run has recorded yet or whose state cannot be told
 * (pending, not checked recently). While monitoring is stale the board
 * keeps the last states but says so (stale_since), and the pages and JSON
 * must not present them as current.
 */
#ifndef PUB_BOARD_H
#define PUB_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "metric.h"
#include "store.h"
#include "timeline.h"
#include "uptime.h"

#define PUB_STATE_UNKNOWN "unknown"

/* Uptime figures (uptime.h) of a cluster, component or member. */
struct pub_figures {
	struct pub_uptime windows[PUB_UPTIME_WINDOWS];	/* as pub_uptime_windows */
	struct pub_day *days;	/* PUB_STRIP_DAYS, oldest first; NULL for a member */
};

/* A window of a response-time strip: its figures and its chart's buckets. */
struct pub_board_metric_window {
	time_t from, to;	/* whole minutes, to just after the run's */
	struct pub_metric_figures fig;
	struct pub_metric_bucket *buckets;	/* n_buckets of them, left to right */
	size_t n_buckets;
};

/*
 * A component's response-time strip (metric.h), from the store's samples:
 * the last 24 hours (windows[0]) and 7 days (windows[1]).
 */
struct pub_board_metric {
	const struct pub_member *member;	/* the one it measures */
	const char *label;
	char *unit;		/* of the samples ("s" for a time); NULL before the first */
	time_t newest;		/* the newest check's time; 0: none */
	struct pub_board_metric_window windows[2];
};

struct pub_board_member {
	const struct pub_member *conf;
	const char *state;
	time_t since;		/* 0 when unknown */
	const char *last_known;	/* the last state that was not unknown, or NULL */
	time_t checked_at;	/* an unknown member's last check; 0: never checked */
	struct pub_figures fig;
};

struct pub_board_component {
	const struct pub_component *conf;
	const char *state;
	time_t since;
	const char *last_known;	/* the last state that was not unknown, or NULL */
	struct pub_board_member *members;	/* conf->n_members of them */
	struct pub_figures fig;
	struct pub_board_metric *metric;	/* NULL: no metric = (board_metric.c) */
};

struct pub_board_cluster {
	const struct pub_cluster *conf;
	enum pub_cluster_state state;	/* the published state */
	time_t since;			/* 0: never published */
	time_t unknown_since;		/* its state cannot be told now; 0: it can */
	long open_incident;		/* 0: none */
	struct pub_board_component *components;	/* conf->n_components */
	struct pub_figures fig;
	/* for the month-by-month table: its whole record, and the months kept of it */
	struct pub_timeline timeline;
	struct pub_history_figures *months;
	size_t n_months;
};

struct pub_board {
	struct pub_board_cluster *clusters;	/* one per config cluster */
	size_t n_clusters;
	time_t stale_since;	/* when the monitoring data was last written; 0: fresh */
	time_t data_as_of;	/* when the data the states come from was written; 0: none */
	time_t last_change;	/* the newest since of anything on the board */
	/* the store's rows, which the states point into */
	struct pub_state_row **rows;
	size_t *n_rows;
};

bool pub_board_load(const struct pub_config *cfg, struct pub_store *st,
		    struct pub_board *b, struct ms_buf *err);
/*
 * The uptime figures of every cluster, component and member on a loaded
 * board (of the clusters only: clusters_only), of the windows ending at
 * now, the days cut in the current zone (board_uptime.c).
 */
bool pub_board_load_uptime(struct pub_board *b, struct pub_store *st,
			   const struct pub_config *cfg, time_t now, bool clusters_only,
			   struct ms_buf *err);
/* The response-time strips of the components that have one, up to now (board_metric.c). */
bool pub_board_load_metrics(struct pub_board *b, struct pub_store *st, time_t now,
			    struct ms_buf *err);
void pub_board_metric_free(struct pub_board_metric *m);
void pub_board_free(struct pub_board *b);

/*
 * The mark kind (page.h) of a member, component or cluster state:
 * up, impaired, down, maintenance or unknown.
 */
const char *pub_mark_kind(const char *state);
const char *pub_cluster_mark_kind(enum pub_cluster_state s);


#endif
