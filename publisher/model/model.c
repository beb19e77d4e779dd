/*
 * model: state mapping tables. See model.h.
 */
#include "config.h"

#include <string.h>

#include "model.h"

enum pub_member_state pub_member_state_of(const struct pub_object_state *o,
					  enum pub_member_state unknown_as)
{
	/* Planned work is announced as such, whatever the checks say. */
	if (o->in_downtime)
		return PUB_MEMBER_MAINTENANCE;
	if (o->host_down)
		return PUB_MEMBER_DOWN;
	if (o->is_host)
		return o->hard_state == 0 ? PUB_MEMBER_UP : PUB_MEMBER_DOWN;
	switch (o->hard_state) {
	case 0:
		return PUB_MEMBER_UP;
	case 1:
		return PUB_MEMBER_IMPAIRED;
	case 2:
		return PUB_MEMBER_DOWN;
	default:
		return unknown_as;
	}
}

/* The state of a failover group of n members, by how many are in which state. */
static enum pub_component_state from_counts(size_t n, size_t up, size_t impaired,
					    size_t maintenance)
{
	if (n == 0 || up == n)
		return PUB_COMPONENT_OPERATIONAL;
	if (maintenance == n)
		return PUB_COMPONENT_MAINTENANCE;
	/*
	 * A member taken out on purpose while the others carry the load is
	 * intended downtime, not lost redundancy worth an incident.
	 */
	if (up > 0 && up + maintenance == n)
		return PUB_COMPONENT_OPERATIONAL;
	if (up > 0 || impaired > 0)
		return PUB_COMPONENT_DEGRADED;
	return PUB_COMPONENT_OUTAGE;
}

/*
 * With its unknown members up a group is as well as it can be, with them
 * down as badly: degraded (one known member impaired or down) cannot get
 * better, operational and maintenance need every member accounted for,
 * and a known member up or impaired keeps it from an outage whatever the
 * others are. The unit tests check every assignment of small groups.
 */
void pub_component_range(const enum pub_member_state *m, size_t n,
			 enum pub_component_state *lo, enum pub_component_state *hi)
{
	size_t up = 0, impaired = 0, maintenance = 0, unknown = 0;

	for (size_t i = 0; i < n; i++) {
		if (m[i] == PUB_MEMBER_UP)
			up++;
		else if (m[i] == PUB_MEMBER_IMPAIRED)
			impaired++;
		else if (m[i] == PUB_MEMBER_MAINTENANCE)
			maintenance++;
		else if (m[i] == PUB_MEMBER_UNKNOWN)
			unknown++;
	}
	*lo = from_counts(n, up + unknown, impaired, maintenance);
	*hi = from_counts(n, up, impaired, maintenance);
}

enum pub_component_state pub_component_state_of(const enum pub_member_state *m,
						size_t n)
{
	enum pub_component_state lo, hi;

	pub_component_range(m, n, &lo, &hi);
	return lo == hi ? lo : PUB_COMPONENT_UNKNOWN;
}

enum pub_cluster_state pub_cluster_fold(enum pub_cluster_state acc,
					enum pub_component_state c,
					bool critical)
{
	enum pub_cluster_state s;

	switch (c) {
	case PUB_COMPONENT_OUTAGE:
		s = critical ? PUB_CLUSTER_OFFLINE : PUB_CLUSTER_DEGRADED;
		break;
	case PUB_COMPONENT_DEGRADED:
		s = PUB_CLUSTER_DEGRADED;
		break;
	case PUB_COMPONENT_MAINTENANCE:
		s = PUB_CLUSTER_MAINTENANCE;
		break;
	default:	/* operational; unknown is the caller's to bound */
		s = PUB_CLUSTER_ONLINE;
		break;
	}
	return s > acc ? s : acc;
}

static const char *const member_names[] = {
	"up", "maintenance", "impaired", "down", "unknown"
};
static const char *const component_names[] = {
	"operational", "maintenance", "degraded", "outage", "unknown"
};
static const char *const cluster_names[] = {
	"Online", "In Maintenance", "Degraded", "Offline"
};
static const char *const cluster_keys[] = {
	"online", "maintenance", "degraded", "offline"
};

const char *pub_member_state_name(enum pub_member_state s)
{
	return member_names[s];
}

const char *pub_component_state_name(enum pub_component_state s)
{
	return component_names[s];
}

const char *pub_cluster_state_name(enum pub_cluster_state s)
{
	return cluster_names[s];
}

const char *pub_cluster_state_key(enum pub_cluster_state s)
{
	return cluster_keys[s];
}

bool pub_cluster_state_parse(const char *key, enum pub_cluster_state *s)
{
	for (size_t i = 0; i < sizeof(cluster_keys) / sizeof(cluster_keys[0]); i++)
		if (strcmp(key, cluster_keys[i]) == 0) {
			*s = (enum pub_cluster_state)i;
			return true;
		}
	return false;
}
