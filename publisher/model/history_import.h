/*
 * history_import: the imported intervals, made from every event
 * import-history has read (store.h, pub_store_history_events).
 *
 * A member's state follows its hard states, downtimes (its own, and its
 * host's for a service) and flapping, by the rules of model.h; before its
 * first hard state it is unknown. Components and clusters follow their
 * members as a run's evaluation does; a cluster with an unknown component
 * is unknown. The last state lasts until `until`, the newest time the
 * logs read so far reach. The intervals are made again from all events
 * each time, so importing the same lines twice changes nothing; a run's
 * record of the same time wins (store.h).
 */
#ifndef PUB_HISTORY_IMPORT_H
#define PUB_HISTORY_IMPORT_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"
#include "store.h"

/* ... then the kept figures counted again as of now (the command's time, not until). */
bool pub_history_rebuild(const struct pub_config *cfg, struct pub_store *st, time_t until,
			 time_t now, struct ms_buf *err);

#endif
