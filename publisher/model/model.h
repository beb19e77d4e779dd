/*
 * model: from monitored objects to what readers are told.
 *
 *   member    (a host or host!service, HARD states only)
 *   component (a failover group of members)
 *   cluster   (the worst of its components, in the words of a status page)
 *
 * The enums are ordered from good to bad so "worse" is ">", but for the
 * last, unknown, which is neither. Everything here is a pure function of
 * its inputs: no I/O, no clock.
 */
#ifndef PUB_MODEL_H
#define PUB_MODEL_H

#include <stdbool.h>
#include <stddef.h>

enum pub_member_state {
	PUB_MEMBER_UP,
	PUB_MEMBER_MAINTENANCE,	/* in scheduled downtime */
	PUB_MEMBER_IMPAIRED,	/* WARNING: works, but not well */
	PUB_MEMBER_DOWN,
	PUB_MEMBER_UNKNOWN	/* pending, stale or not reported: never up */
};

enum pub_component_state {
	PUB_COMPONENT_OPERATIONAL,
	PUB_COMPONENT_MAINTENANCE,
	PUB_COMPONENT_DEGRADED,
	PUB_COMPONENT_OUTAGE,
	PUB_COMPONENT_UNKNOWN	/* unknown members leave more than one state possible */
};

enum pub_cluster_state {
	PUB_CLUSTER_ONLINE,
	PUB_CLUSTER_MAINTENANCE,
	PUB_CLUSTER_DEGRADED,
	PUB_CLUSTER_OFFLINE
};

/* What the source saw of one object (already reduced to HARD state). */
struct pub_object_state {
	bool is_host;
	int hard_state;		/* host 0 UP 1 DOWN 2 UNREACHABLE; service 0-3 */
	bool in_downtime;
	bool host_down;		/* a service whose host is DOWN/UNREACHABLE */
};

/* unknown_as: what a service's UNKNOWN means (the `unknown_state` key). */
enum pub_member_state pub_member_state_of(const struct pub_object_state *o,
					  enum pub_member_state unknown_as);

/*
 * A failover group: up while one member is up. With unknown members it is
 * the state every value they might have gives, or unknown when they could
 * make a difference.
 */
enum pub_component_state pub_component_state_of(const enum pub_member_state *m,
						size_t n);

/*
 * The best and the worst state a failover group can be in, whatever its
 * unknown members are (lo == hi when they do not matter). Every
 * assignment of the unknown members gives a state between the two.
 */
void pub_component_range(const enum pub_member_state *m, size_t n,
			 enum pub_component_state *lo, enum pub_component_state *hi);

/*
 * The cluster: the worst component, where an outage of a component that
 * is not critical only degrades the cluster.
 */
enum pub_cluster_state pub_cluster_fold(enum pub_cluster_state acc,
					enum pub_component_state c,
					bool critical);

const char *pub_member_state_name(enum pub_member_state s);	/* "up" ... */
const char *pub_component_state_name(enum pub_component_state s);
/* "Online", "In Maintenance", "Degraded", "Offline": the seed's words */
const char *pub_cluster_state_name(enum pub_cluster_state s);
/* The store's spelling: "online", "maintenance", "degraded", "offline". */
const char *pub_cluster_state_key(enum pub_cluster_state s);
bool pub_cluster_state_parse(const char *key, enum pub_cluster_state *s);

#endif
