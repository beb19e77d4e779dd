/*
 * freshness: pending and stale objects, a stale source. See freshness.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dates.h"
#include "freshness.h"

bool pub_object_stale(const struct pub_object *o, long stale_after, time_t now)
{
	if (stale_after <= 0 || o->last_check <= 0)
		return false;
	/* the engine's own schedule: a check due in an hour is not late yet */
	return now - o->last_check > stale_after + o->check_interval;
}

static void mark_objects(const struct pub_config *cfg, struct pub_snapshot *snap,
			 time_t now)
{
	for (size_t i = 0; i < snap->n_objects; i++) {
		struct pub_object *o = &snap->objects[i];

		if (!o->seen)
			o->unknown = PUB_KNOWN;	/* not reported: evaluate's business */
		else if (o->pending)
			o->unknown = PUB_UNKNOWN_PENDING;
		else if (pub_object_stale(o, cfg->stale_after, now))
			o->unknown = PUB_UNKNOWN_STALE;
		else
			o->unknown = PUB_KNOWN;
	}
}

/* What the members say together: kinds, how many are stale, the newest check. */
struct tally {
	size_t members, stale;
	bool hosts, services;
	time_t newest;
};

static void tally_members(const struct pub_config *cfg, const struct pub_snapshot *snap,
			  struct tally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < cfg->n_clusters; i++)
		for (size_t j = 0; j < cfg->clusters[i].n_components; j++) {
			const struct pub_component *co = &cfg->clusters[i].components[j];
			for (size_t k = 0; k < co->n_members; k++) {
				const struct pub_member *m = &co->members[k];
				size_t idx = pub_snapshot_find(snap, m->host, strlen(m->host),
							       m->service, m->service
							       ? strlen(m->service) : 0);
				const struct pub_object *o;

				t->members++;
				t->services |= m->service != NULL;
				t->hosts |= m->service == NULL;
				if (idx >= snap->n_objects)
					continue;
				o = &snap->objects[idx];
				t->stale += o->unknown == PUB_UNKNOWN_STALE;
				if (o->last_check > t->newest)
					t->newest = o->last_check;
			}
		}
}

void pub_freshness_check(const struct pub_config *cfg, struct pub_snapshot *snap,
			 time_t now, struct pub_freshness *f)
{
	struct tally t;
	char date[PUB_DATE_MAX];

	memset(f, 0, sizeof(*f));
	mark_objects(cfg, snap, now);
	if (cfg->stale_after <= 0)
		return;
	tally_members(cfg, snap, &t);
	f->since = t.newest > 0 ? t.newest : snap->created;
	if ((t.services && snap->service_checks_disabled) ||
	    (t.hosts && snap->host_checks_disabled)) {
		f->stale = true;
		snprintf(f->why, sizeof(f->why), "the monitoring engine runs no active %s "
			 "checks (they are disabled)",
			 t.services && snap->service_checks_disabled ? "service" : "host");
	} else if (t.members > 0 && t.stale == t.members) {
		f->stale = true;
		snprintf(f->why, sizeof(f->why), "no member has been checked within "
			 "stale_after (%lds) of its schedule; the newest check was %s",
			 cfg->stale_after, pub_rfc822(date, t.newest, false));
	}
}
