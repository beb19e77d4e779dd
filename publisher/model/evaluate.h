/*
 * evaluate: a snapshot seen through the config, member by member.
 *
 * The result mirrors the config's clusters/components/members, with each
 * one's state by the rules of model.h and the snapshot object it is.
 * A member the source did not report, or whose object pub_freshness_check
 * found pending or stale, is unknown (unless it is in downtime, or its
 * host is known to be down); a cluster is unknown when its unknown
 * members could make it more than one state.
 */
#ifndef PUB_EVALUATE_H
#define PUB_EVALUATE_H

#include "conf.h"
#include "model.h"
#include "source.h"

struct pub_member_eval {
	enum pub_member_state state;
	size_t object;		/* index into the snapshot */
	bool flapping;		/* the engine says it flaps: impaired, whatever its state */
};

struct pub_component_eval {
	enum pub_component_state state;
	struct pub_member_eval *members;
};

struct pub_cluster_eval {
	enum pub_cluster_state state;	/* meaningless while unknown */
	bool unknown;			/* no state can be told: publish none */
	struct pub_component_eval *components;
	size_t n_components;
};

struct pub_eval {
	struct pub_cluster_eval *clusters;	/* one per config cluster */
	size_t n_clusters;
};

/* Tells the snapshot every object the config needs (members and their hosts). */
void pub_want_objects(const struct pub_config *cfg, struct pub_snapshot *snap);

/*
 * The members the source did not report, as "host!service, host" in
 * missing (empty when all were seen): a config naming an object monitoring
 * does not have, or a file cut at a block boundary. Returns the config's
 * line of the first (0: none).
 */
unsigned pub_missing_members(const struct pub_config *cfg, const struct pub_snapshot *snap,
			     struct ms_buf *missing);

void pub_evaluate(const struct pub_config *cfg, const struct pub_snapshot *snap,
		  struct pub_eval *ev);
void pub_eval_free(struct pub_eval *ev);

#endif
