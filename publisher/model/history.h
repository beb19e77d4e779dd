/*
 * history: a run's record of state intervals (store.h, History).
 *
 * Every run records the state of every member, component and cluster as
 * it evaluated them, with the time each change happened as the engine
 * says: a member's hard state change, the start of the downtime it is in;
 * a component changes when the member that changed it did, a cluster when
 * its component did. Where the engine does not say, the run's time. A
 * cluster whose state cannot be told, and everything while the monitoring
 * data is stale, is recorded as unknown. The record is made in the run's
 * transaction, so a run killed anywhere records all of it or none.
 */
#ifndef PUB_HISTORY_H
#define PUB_HISTORY_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"
#include "evaluate.h"
#include "source.h"
#include "store.h"

/* The states of an evaluated snapshot, and retention (history_days). */
bool pub_history_record(const struct pub_config *cfg, struct pub_store *st,
			const struct pub_snapshot *snap, const struct pub_eval *ev,
			time_t now, struct ms_buf *err);

/* Monitoring went stale at since: everything is unknown from then on. */
bool pub_history_stale(const struct pub_config *cfg, struct pub_store *st, time_t since,
		       time_t now, struct ms_buf *err);

#endif
