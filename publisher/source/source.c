/*
 * source: the snapshot of wanted objects and the registry of sources.
 * See source.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "icinga2.h"
#include "statusdat.h"
#include "xalloc.h"

#define NO_SLOT ((size_t)-1)

static const struct pub_source_ops *const sources[] = {
	&pub_statusdat_source,
	&pub_icinga2_source,
};

bool pub_source_find(const char *spec, const struct pub_source_ops **ops,
		     const char **location, struct ms_buf *err)
{
	const char *colon = strchr(spec, ':');

	if (colon != NULL) {
		for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
			size_t n = strlen(sources[i]->scheme);
			if ((size_t)(colon - spec) == n && strncmp(spec, sources[i]->scheme, n) == 0) {
				if (colon[1] == '\0') {
					ms_buf_printf(err, "'%s' names no location after "
						      "the ':'", spec);
					return false;
				}
				*ops = sources[i];
				*location = colon + 1;
				return true;
			}
		}
	}
	ms_buf_printf(err, "'%s' is not a known source; write "
		      "statusdat:/path/to/status.dat or icinga2:https://HOST:5665", spec);
	return false;
}

/*
 * A name's bytes into h eight at a time (the last word zero-padded, with
 * the length of what it holds), each word mixed in by a multiply: a
 * quarter of the work of FNV's byte at a time, for the 740,000 lines of a
 * week's logs import-history looks up, and every object of status.dat.
 */
static uint64_t hash_add(uint64_t h, const char *s, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ULL;
	uint64_t w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w ^ ((uint64_t)n << 56)) * k;
	return h ^ (h >> 32);
}

/* Host, then service (a host alone hashes apart from a host with an empty service). */
static uint64_t key_hash(const char *host, size_t hlen, const char *service, size_t slen)
{
	uint64_t h = hash_add(0x243F6A8885A308D3ULL, host, hlen);

	return service != NULL ? hash_add(h ^ 1, service, slen) : h;
}

static bool key_equal(const struct pub_object *o, const char *host, size_t hlen,
		      const char *service, size_t slen)
{
	if (strlen(o->host) != hlen || memcmp(o->host, host, hlen) != 0)
		return false;
	if ((o->service == NULL) != (service == NULL))
		return false;
	return service == NULL ||
	       (strlen(o->service) == slen && memcmp(o->service, service, slen) == 0);
}

void pub_snapshot_init(struct pub_snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

size_t pub_snapshot_find(const struct pub_snapshot *s, const char *host, size_t hlen,
			 const char *service, size_t slen)
{
	if (s->n_slots == 0)
		return NO_SLOT;
	size_t mask = s->n_slots - 1;
	size_t i = (size_t)key_hash(host, hlen, service, slen) & mask;

	while (s->slots[i] != NO_SLOT) {
		if (key_equal(&s->objects[s->slots[i]], host, hlen, service, slen))
			return s->slots[i];
		i = (i + 1) & mask;
	}
	return NO_SLOT;
}

static void insert_slot(struct pub_snapshot *s, size_t idx)
{
	const struct pub_object *o = &s->objects[idx];
	size_t mask = s->n_slots - 1;
	size_t i = (size_t)key_hash(o->host, strlen(o->host), o->service,
				    o->service ? strlen(o->service) : 0) & mask;

	while (s->slots[i] != NO_SLOT)
		i = (i + 1) & mask;
	s->slots[i] = idx;
}

static void rehash(struct pub_snapshot *s, size_t n_slots)
{
	free(s->slots);
	s->slots = ms_xreallocarray(NULL, n_slots, sizeof(*s->slots));
	s->n_slots = n_slots;
	for (size_t i = 0; i < n_slots; i++)
		s->slots[i] = NO_SLOT;
	for (size_t i = 0; i < s->n_objects; i++)
		insert_slot(s, i);
}

size_t pub_snapshot_want(struct pub_snapshot *s, const char *host, const char *service)
{
	size_t idx = pub_snapshot_find(s, host, strlen(host), service,
				       service ? strlen(service) : 0);

	if (idx != NO_SLOT)
		return idx;
	s->objects = ms_xreallocarray(s->objects, s->n_objects + 1, sizeof(*s->objects));
	idx = s->n_objects++;
	memset(&s->objects[idx], 0, sizeof(s->objects[idx]));
	s->objects[idx].host = ms_xstrdup(host);
	s->objects[idx].service = service ? ms_xstrdup(service) : NULL;
	/* keep the table at most half full so probes stay short */
	if (s->n_objects * 2 > s->n_slots)
		rehash(s, s->n_slots ? s->n_slots * 2 : 64);
	else
		insert_slot(s, idx);
	return idx;
}

void pub_snapshot_clear_state(struct pub_snapshot *s)
{
	for (size_t i = 0; i < s->n_objects; i++) {
		struct pub_object *o = &s->objects[i];
		free(o->output);
		o->output = NULL;
		free(o->perfdata);
		o->perfdata = NULL;
		o->perfdata_at = 0;
		o->seen = false;
		o->hard_state = 0;
		o->downtime_depth = 0;
		o->acknowledged = false;
		o->last_hard_change = 0;
		o->flapping = false;
		o->pending = false;
		o->last_check = o->check_interval = 0;
		o->unknown = PUB_KNOWN;
	}
	for (size_t i = 0; i < s->n_comments; i++) {
		free(s->comments[i].author);
		free(s->comments[i].text);
	}
	for (size_t i = 0; i < s->n_downtimes; i++) {
		free(s->downtimes[i].author);
		free(s->downtimes[i].text);
	}
	free(s->comments);
	free(s->downtimes);
	s->comments = NULL;
	s->downtimes = NULL;
	s->n_comments = s->n_downtimes = 0;
	s->created = 0;
	s->host_checks_disabled = s->service_checks_disabled = false;
}

void pub_snapshot_free(struct pub_snapshot *s)
{
	pub_snapshot_clear_state(s);
	for (size_t i = 0; i < s->n_objects; i++) {
		free(s->objects[i].host);
		free(s->objects[i].service);
	}
	free(s->objects);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
