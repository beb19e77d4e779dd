/*
 * engine: what one run decides, inside one store transaction.
 *
 *   hold-down   a cluster's new state is published only once it has held
 *               for hold_down seconds (a flap shorter than that never
 *               reaches readers; one that goes on longer is announced as
 *               Degraded, failing intermittently);
 *   incidents   leaving Online for Degraded/Offline opens incident N, every
 *               post until Online again belongs to it, Online resolves it;
 *               it says when the problem began (the engine's last hard
 *               state change), and every change of impact inside it that
 *               holds for the hold-down is told as an update;
 *   unknown     a cluster whose state cannot be told (evaluate.h) takes
 *               none of these steps: its published state, its incident
 *               and the impact last told stand until a state is known;
 *   notes       operators' comments on members of a cluster with an open
 *               incident become timestamped updates when marked public
 *               (notes.h); an acknowledgement marks the incident identified;
 *   downtimes   the engine's downtimes of the clusters' members are kept
 *               for status.json, their comments only when marked public.
 *
 * Every decision is keyed in the store, so the same snapshot applied twice
 * adds nothing the second time.
 */
#ifndef PUB_ENGINE_H
#define PUB_ENGINE_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"
#include "evaluate.h"
#include "source.h"
#include "store.h"

/*
 * One step of the hold-down for a cluster observed in state `observed` at
 * `now`. Returns true when a new state is to be published now (row->state
 * and row->since then hold it: `observed`, or Degraded with
 * row->intermittent set for a flap that lasted); row keeps the pending
 * candidate otherwise. Leaving Online, a run that sees the cluster Online
 * again ends the wait only once it has stayed Online for hold_down since
 * it was last seen away: until then it is one flap, counted from the
 * first departure.
 */
bool pub_holddown_step(struct pub_cluster_row *row, enum pub_cluster_state observed,
		       time_t now, long hold_down);

struct pub_run_stats {
	size_t posts;		/* posts added */
	size_t transitions;	/* published state changes */
	size_t pending;		/* clusters waiting out their hold-down */
};

/*
 * Applies an evaluated snapshot to the store at time now. The caller
 * holds the lock and a transaction and commits or rolls back.
 */
bool pub_engine_apply(const struct pub_config *cfg, struct pub_store *st,
		      const struct pub_snapshot *snap, const struct pub_eval *ev,
		      time_t now, struct pub_run_stats *stats, struct ms_buf *err);

#endif
