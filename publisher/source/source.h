/*
 * source: where monitoring state comes from.
 *
 * A source fills a snapshot for the objects the config names (and only
 * those: a source that streams a large file keeps nothing else). The model
 * never knows which source it was: Nagios' status.dat (statusdat.h) or the
 * Icinga 2 API (icinga2.h), each behind the same pub_source_ops; the
 * notices an engine pushes (notify.h) are laid over what either says.
 *
 * A source either delivers a complete, consistent snapshot or fails; a
 * half-read file must never look like "these members vanished".
 */
#ifndef PUB_SOURCE_H
#define PUB_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "strbuf.h"

/*
 * Why an object's state is not known (pub_freshness_check decides; a
 * source only says pending, last_check and check_interval).
 */
enum pub_unknown {
	PUB_KNOWN,
	PUB_UNKNOWN_PENDING,	/* the engine has never checked it */
	PUB_UNKNOWN_STALE	/* its last check is too old to believe */
};

/* One monitored object: a host (service == NULL) or host!service. */
struct pub_object {
	char *host;
	char *service;
	/* filled by the source */
	bool seen;
	int hard_state;		/* host 0-2, service 0-3; a SOFT state is ignored */
	int downtime_depth;
	bool acknowledged;
	time_t last_hard_change;	/* 0 when the source does not say */
	bool flapping;		/* the engine's flap detection says so (is_flapping) */
	char *output;		/* plugin output, cleaned to valid UTF-8, or NULL */
	bool pending;		/* reported, but never checked (has_been_checked=0) */
	time_t last_check;	/* when it was last checked; 0 when the source does not say */
	time_t check_interval;	/* seconds between its regular checks; 0: not said */
	char *perfdata;		/* the last check's performance data (perfparse.h), or NULL */
	time_t perfdata_at;	/* when that check ran (its last_check); 0: not said */
	enum pub_unknown unknown;	/* set by pub_freshness_check, not by a source */
};

/* entry_type as Nagios numbers it. */
enum pub_comment_kind {
	PUB_COMMENT_USER = 1,
	PUB_COMMENT_DOWNTIME = 2,
	PUB_COMMENT_FLAPPING = 3,
	PUB_COMMENT_ACK = 4
};

struct pub_comment {
	size_t object;		/* index into the snapshot's objects */
	enum pub_comment_kind kind;
	unsigned long id;
	time_t entry_time;
	char *author;
	char *text;
};

struct pub_downtime {
	size_t object;
	unsigned long id;
	time_t start, end;
	char *author;
	char *text;
};

struct pub_snapshot {
	time_t created;		/* when the source's data was written; 0 if unknown */
	struct pub_object *objects;	/* the wanted objects, in the order wanted */
	size_t n_objects;
	struct pub_comment *comments;
	size_t n_comments;
	struct pub_downtime *downtimes;
	size_t n_downtimes;
	/* the engine says it runs no active checks of hosts, of services */
	bool host_checks_disabled, service_checks_disabled;
	/* open-addressing index of objects, kept by pub_snapshot_want */
	size_t *slots;
	size_t n_slots;
};

/* An empty snapshot; add the objects the config wants, then let a source fill it. */
void pub_snapshot_init(struct pub_snapshot *s);
/* Adds host or host!service once; returns its index. */
size_t pub_snapshot_want(struct pub_snapshot *s, const char *host, const char *service);
/* Index of a wanted object, or (size_t)-1. service may be NULL; lengths given. */
size_t pub_snapshot_find(const struct pub_snapshot *s, const char *host, size_t hlen,
			 const char *service, size_t slen);
/* Forgets what a source filled in (for a retry); the wanted set stays. */
void pub_snapshot_clear_state(struct pub_snapshot *s);
void pub_snapshot_free(struct pub_snapshot *s);

struct pub_config;

struct pub_source_ops {
	const char *scheme;		/* "statusdat" */
	bool location_is_path;		/* relative locations resolve against the config */
	/*
	 * Fills snap from location; on failure writes why into err. cfg is
	 * there for sources that need more than a location (an API's user,
	 * password file and CA); status.dat does not.
	 */
	bool (*read)(const struct pub_config *cfg, const char *location,
		     struct pub_snapshot *snap, struct ms_buf *err);
};

/*
 * Finds the source for "scheme:location". On failure writes a sentence
 * naming the known schemes into err.
 */
bool pub_source_find(const char *spec, const struct pub_source_ops **ops,
		     const char **location, struct ms_buf *err);

#endif
