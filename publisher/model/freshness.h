/*
 * freshness: whether what a source reports can be believed now.
 *
 * A member is unknown (never up, never down) while the engine has never
 * checked it ("pending": Nagios' has_been_checked=0, an Icinga 2 object
 * without a last_check_result), or when its last check is stale: older
 * than stale_after plus its own check interval (status.dat: the
 * schedule's next_check - last_check; Icinga: check_interval). So a check
 * run every hour is not called stale ten minutes after it ran; it is once
 * it is more than stale_after overdue. A source that does not say when an
 * object was checked claims nothing about it.
 *
 * The source as a whole is stale when the engine says it runs no active
 * checks of a kind of object the config names (hosts, services), or when
 * every member is stale (and, checked by the run itself, when its data
 * was written more than stale_after ago: status.dat's created).
 * stale_after 0 turns all of this off but for pending objects, which are
 * never known.
 */
#ifndef PUB_FRESHNESS_H
#define PUB_FRESHNESS_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"
#include "source.h"

struct pub_freshness {
	bool stale;		/* the source as a whole */
	time_t since;		/* when its data was last current (0: unknown) */
	char why[256];		/* what makes it stale, for the run's message */
};

/*
 * Sets each object's unknown from its check times at now, and says in f
 * whether the source as a whole is stale.
 */
void pub_freshness_check(const struct pub_config *cfg, struct pub_snapshot *snap,
			 time_t now, struct pub_freshness *f);

/* A member's object is stale at now by the rule above (stale_after > 0). */
bool pub_object_stale(const struct pub_object *o, long stale_after, time_t now);

#endif
