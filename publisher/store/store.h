/*
 * store: the publisher's only state, in SQLite (WAL).
 *
 * Published cluster states (with the hold-down candidate), incidents,
 * posts, and component/member states with the time each changed. A run
 * changes the store in one transaction (BEGIN IMMEDIATE, so two writers
 * queue instead of deadlocking); a failed run leaves it as it was.
 *
 * A post's guid is made once, when the post is inserted, and stored: it
 * never changes afterwards, whatever is edited or reconfigured.
 */
#ifndef PUB_STORE_H
#define PUB_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "model.h"
#include "strbuf.h"

struct pub_store;

/* Published state of a cluster and the state waiting out its hold-down. */
struct pub_cluster_row {
	enum pub_cluster_state state;
	time_t since;
	bool pending;
	enum pub_cluster_state candidate;
	time_t candidate_since;
	/* a flap: when a run last saw it away, and whether it came back since */
	time_t last_away;
	bool returned;
	/* not stored: the step that published made a flap Degraded */
	bool intermittent;
	time_t unknown_since;	/* its state cannot be told since then; 0: it can */
};

struct pub_post {
	long id;
	char *guid;
	char *cluster;		/* slug */
	long incident;		/* 0: none */
	char *kind;		/* auto, manual, update, identified, maintenance */
	char *title;
	char *body_html;
	char *summary;		/* plain text */
	char *author;
	time_t published_at;
	time_t updated_at;
	char *source_key;	/* what made it, for idempotence; may be NULL */
	time_t retracted_at;	/* 0: published; else withdrawn then (retract) */
	char *retracted_by;	/* who withdrew it, or NULL */
};

struct pub_incident {
	long number;
	char *cluster;
	char *title;
	time_t opened_at;
	time_t resolved_at;	/* 0 while open */
	time_t identified_at;	/* 0 until an acknowledgement says what it is */
	char *identified_text;
	time_t began_at;	/* when the problem began in the engine; 0: not known */
};

struct pub_maintenance {
	long id;
	char *cluster;
	time_t starts_at, ends_at;
	char *message;		/* the operator's text, plain */
	long post;		/* the announcement */
	/* read by pub_store_maintenance_windows and _get only (the calendars) */
	long sequence;		/* its revisions: changed times or words, cancelled */
	time_t revised_at;	/* the last revision (else the announcement's time) */
	char *title, *summary;	/* the announcement's (or NULL) */
	time_t cancelled_at;	/* 0, or when its announcement was withdrawn */
};

/* Opens (creating the file and schema when new). guid_authority: the
 * base URL's host, used in tag: guids of new posts. */
struct pub_store *pub_store_open(const char *path, const char *guid_authority,
				 struct ms_buf *err);
/*
 * Opens an existing store for reading only (list, show): no lock, no
 * file created; WAL lets it read while a run writes.
 */
struct pub_store *pub_store_open_readonly(const char *path, struct ms_buf *err);
void pub_store_close(struct pub_store *st);

bool pub_store_begin(struct pub_store *st, struct ms_buf *err);
bool pub_store_commit(struct pub_store *st, struct ms_buf *err);
void pub_store_rollback(struct pub_store *st);
/*
 * A read transaction around many reads (one snapshot, no lock per
 * statement), unless a transaction is open already; ended by read_end.
 */
bool pub_store_read_begin(struct pub_store *st, struct ms_buf *err);
void pub_store_read_end(struct pub_store *st);

/* The "tag:HOST,DATE:" every guid of this store starts with. */
const char *pub_store_guid_prefix(const struct pub_store *st);

/* A cluster never seen before reads as Online since 0, nothing pending. */
bool pub_store_cluster_get(struct pub_store *st, const char *slug,
			   struct pub_cluster_row *row, struct ms_buf *err);
bool pub_store_cluster_put(struct pub_store *st, const char *slug,
			   const struct pub_cluster_row *row, struct ms_buf *err);

/* Records a component's or member's state; since moves only on a change. */
bool pub_store_component_set(struct pub_store *st, const char *cluster,
			     const char *component, const char *state, time_t now,
			     struct ms_buf *err);
bool pub_store_member_set(struct pub_store *st, const char *cluster,
			  const char *component, const char *object,
			  const char *state, const char *output, time_t now,
			  struct ms_buf *err);

/* A component's or member's recorded state, for the status board. */
struct pub_state_row {
	char *component;	/* slug */
	char *object;		/* "host" or "host!service"; NULL for a component */
	char *state;		/* pub_component_state_name / pub_member_state_name */
	time_t since;		/* when it last changed */
	char *last_known;	/* the last state that was not unknown, or NULL */
	time_t checked_at;	/* a member's last check, as of when it went unknown; 0: none */
};

/* A member's last check (0: never), for "not checked since 14:02". */
bool pub_store_member_checked(struct pub_store *st, const char *cluster,
			      const char *component, const char *object,
			      time_t checked_at, struct ms_buf *err);

/* The recorded states of a cluster's components or (members) its members. */
bool pub_store_states(struct pub_store *st, const char *cluster, bool members,
		      struct pub_state_row **rows, size_t *n, struct ms_buf *err);
void pub_state_rows_free(struct pub_state_row *rows, size_t n);

/*
 * What the cluster's last post told readers of its components and members
 * (a signature, see engine.c), NULL before the first; set with the post.
 */
bool pub_store_cluster_impact(struct pub_store *st, const char *slug, char **impact,
			      struct ms_buf *err);
bool pub_store_cluster_set_impact(struct pub_store *st, const char *slug,
				  const char *impact, struct ms_buf *err);
/* The newest change of any of the cluster's recorded components and members. */
bool pub_store_cluster_last_change(struct pub_store *st, const char *slug,
				   time_t *last, struct ms_buf *err);

/*
 * Inserts p (id and guid are set on success), then calls the store's post
 * hook, if one is set, in the same transaction: what it adds (the post's
 * deliveries) is committed with the post or not at all.
 */
bool pub_store_post_add(struct pub_store *st, struct pub_post *p, struct ms_buf *err);
typedef bool pub_store_post_hook(struct pub_store *st, const struct pub_post *p, void *arg,
				 struct ms_buf *err);
void pub_store_set_post_hook(struct pub_store *st, pub_store_post_hook *hook, void *arg);
bool pub_store_post_get(struct pub_store *st, long id, struct pub_post *p,
			bool *found, struct ms_buf *err);
bool pub_store_post_set_body(struct pub_store *st, long id, const char *html,
			     const char *summary, time_t now, struct ms_buf *err);
bool pub_store_source_key_used(struct pub_store *st, const char *key, bool *used,
			       struct ms_buf *err);
void pub_post_free(struct pub_post *p);

/*
 * Withdraws post id (retract): from now on no list of posts, no incident's
 * posts and no page shows it; the row stays, with who withdrew it and
 * when, so nothing that made it publishes it again. Withdrawing an
 * acknowledgement's post withdraws what it identified too, and withdrawing
 * a maintenance announcement its window (pub_store_maintenance_at and
 * pub_store_maintenances_after no longer return it).
 */
bool pub_store_post_retract(struct pub_store *st, long id, time_t now, const char *by,
			    struct ms_buf *err);
/*
 * The pages to remove: the ids of withdrawn posts, and the numbers of
 * incidents every post of which is withdrawn (they are no longer listed).
 */
bool pub_store_withdrawn(struct pub_store *st, long **posts, size_t *n_posts,
			 long **incidents, size_t *n_incidents, struct ms_buf *err);
/* false for an incident every post of which is withdrawn */
bool pub_store_incident_visible(struct pub_store *st, long number, bool *visible,
				struct ms_buf *err);

/*
 * Posts newest first (by published_at, then id), never a withdrawn one: of
 * one cluster, of the clusters in slugs[] (n of them), or all (slugs NULL).
 * limit <= 0: all.
 */
bool pub_store_posts(struct pub_store *st, const char *const *slugs, size_t n,
		     long limit, struct pub_post **posts, size_t *n_posts,
		     struct ms_buf *err);
bool pub_store_incident_posts(struct pub_store *st, long number,
			      struct pub_post **posts, size_t *n_posts,
			      struct ms_buf *err);
void pub_posts_free(struct pub_post *posts, size_t n);

/* The open incident of a cluster (number 0 when none). */
bool pub_store_incident_open_of(struct pub_store *st, const char *cluster,
				long *number, struct ms_buf *err);
bool pub_store_incident_create(struct pub_store *st, const char *cluster,
			       const char *title, time_t now, long *number,
			       struct ms_buf *err);
bool pub_store_incident_resolve(struct pub_store *st, long number, time_t now,
				struct ms_buf *err);
bool pub_store_incident_identify(struct pub_store *st, long number, time_t now,
				 const char *text, struct ms_buf *err);
/* When the problem of a new incident began, as the engine says. */
bool pub_store_incident_set_began(struct pub_store *st, long number, time_t began,
				  struct ms_buf *err);
bool pub_store_incident_get(struct pub_store *st, long number,
			    struct pub_incident *inc, bool *found, struct ms_buf *err);
/* Incidents newest first, but none every post of which is withdrawn. */
bool pub_store_incidents(struct pub_store *st, struct pub_incident **list,
			 size_t *n, struct ms_buf *err);
void pub_incident_free(struct pub_incident *inc);

bool pub_store_maintenance_add(struct pub_store *st, struct pub_maintenance *m,
			       struct ms_buf *err);
/* The scheduled maintenance of cluster covering t, if any (found). */
bool pub_store_maintenance_at(struct pub_store *st, const char *cluster, time_t t,
			      struct pub_maintenance *m, bool *found,
			      struct ms_buf *err);
/* Maintenance windows that end after t (current and announced), soonest first. */
bool pub_store_maintenances_after(struct pub_store *st, time_t t,
				  struct pub_maintenance **list, size_t *n,
				  struct ms_buf *err);
/*
 * Every operator's window that ends after t, cancelled ones too (their
 * announcement withdrawn), soonest first, with the calendars' fields.
 */
bool pub_store_maintenance_windows(struct pub_store *st, time_t t,
				   struct pub_maintenance **list, size_t *n,
				   struct ms_buf *err);
/* One window by its id (or by_post: the id of its announcement), as the calendars read it. */
bool pub_store_maintenance_get(struct pub_store *st, long id, bool by_post,
			       struct pub_maintenance *m, bool *found, struct ms_buf *err);
/*
 * New times and words of window id (maintenance change). Its revision is
 * counted when its announcement is rewritten with them: a window's
 * SEQUENCE grows by one with every pub_store_post_set_body or
 * pub_store_post_retract of its announcement.
 */
bool pub_store_maintenance_move(struct pub_store *st, long id, time_t starts_at,
				time_t ends_at, const char *message, struct ms_buf *err);
void pub_maintenance_free(struct pub_maintenance *m);

/*
 * The monitoring engine's downtimes of the clusters' members, as of the
 * last run: cluster, start, end and the public part of the comment
 * (message, or NULL); id and post are 0. Each run replaces the list.
 */
bool pub_store_engine_downtimes_set(struct pub_store *st, const struct pub_maintenance *list,
				    size_t n, struct ms_buf *err);
/* Those that end after t, soonest first. */
bool pub_store_engine_downtimes_after(struct pub_store *st, time_t t,
				      struct pub_maintenance **list, size_t *n,
				      struct ms_buf *err);

/* Small values kept between runs ("stale_since"); NULL when unset. */
bool pub_store_meta_get(struct pub_store *st, const char *key, char **value,
			struct ms_buf *err);
bool pub_store_meta_set(struct pub_store *st, const char *key, const char *value,
			struct ms_buf *err);

/*
 * History: the state intervals of a cluster (component and object NULL),
 * a component (object NULL) or a member, in the store's words of each
 * (pub_cluster_state_key, pub_component_state_name,
 * pub_member_state_name, or "unknown").
 */
struct pub_history_key {
	const char *cluster;
	const char *component;	/* NULL for a cluster */
	const char *object;	/* "host" or "host!service"; NULL but for a member */
};

struct pub_history_row {
	char *state;
	time_t start;
	time_t end;		/* 0: open, the state now */
	bool imported;		/* from the engine's logs, not from a run */
};

/*
 * A run's record: k is in state since at (the engine's time of the
 * change; 0 when it does not say). Nothing changes while the state is
 * the one recorded; else the open interval ends and a new one begins at
 * at, or at now when at is unknown, in the future or before the open
 * interval began; the first interval of k begins at now (what was before
 * the first run is not known, unless imported). *changed_at: when the new interval begins, 0 if none.
 */
bool pub_store_history_note(struct pub_store *st, const struct pub_history_key *k,
			    const char *state, time_t at, time_t now, time_t *changed_at,
			    struct ms_buf *err);
/*
 * The state of every key's open interval of a run's record, sorted by
 * cluster, component, object (strcmp; "" where a key names none), so a
 * run can tell without a query per key which ones change.
 */
struct pub_history_open {
	char *cluster, *component, *object, *state;
};
bool pub_store_history_open_all(struct pub_store *st, struct pub_history_open **list,
				size_t *n, struct ms_buf *err);
void pub_history_open_free(struct pub_history_open *list, size_t n);
/* Forgets the intervals that ended before `before` (retention). */
bool pub_store_history_prune(struct pub_store *st, time_t before, struct ms_buf *err);
/* Forgets the days' figures that ended before `before` (months stay). */
bool pub_store_history_figures_prune(struct pub_store *st, time_t before, struct ms_buf *err);
/* When k's record begins: the start of its first interval; 0 when it has none. */
bool pub_store_history_first(struct pub_store *st, const struct pub_history_key *k,
			     time_t *first, struct ms_buf *err);
/* Later than any time a store holds: "to the end" for a bound. */
#define PUB_TIME_MAX ((time_t)INT64_MAX)
/*
 * The intervals of k that end after from, oldest first: imported ones
 * only before the first of a run's record (which wins), cut there.
 */
bool pub_store_history(struct pub_store *st, const struct pub_history_key *k, time_t from,
		       struct pub_history_row **rows, size_t *n, struct ms_buf *err);
void pub_history_rows_free(struct pub_history_row *rows, size_t n);
/*
 * The same of those that also start before to, each to fn(state, start,
 * end (0: open), arg) as it is read; state only lasts the call.
 */
typedef void pub_history_fn(const char *state, time_t start, time_t end, void *arg);
bool pub_store_history_each(struct pub_store *st, const struct pub_history_key *k, time_t from,
			    time_t to, pub_history_fn *fn, void *arg, struct ms_buf *err);

/*
 * History figures: what a closed day of k counts, or a closed month of
 * a cluster, by the rules of uptime.h, counted once from the intervals
 * (model/history_figures.c) so that a run reads one row a day. A change
 * of the intervals under a row forgets it (pub_store_history_note does
 * so itself), to be counted again.
 */
enum pub_history_period { PUB_HISTORY_DAY, PUB_HISTORY_MONTH };
/*
 * The meta key that says until when every key's days are counted (the
 * start of the day of the run that counted them); a forgetting removes it.
 */
#define PUB_META_HISTORY_COUNTED "history_counted"
struct pub_history_figures {
	time_t start, end;
	long long outage_s, degraded_s, maintenance_s, unknown_s;
	bool first;		/* a day: k's record begins in it */
	/* a day: its intervals cut to it (history_figures.h's encoding); NULL: none, or not read */
	unsigned char *spans;
	size_t spans_len;
};
/*
 * k's figures of the periods within [from, to), oldest first; the
 * intervals only of the days one of the spans_at times falls inside
 * (0: none), the days a window starts in. Freed with pub_history_figures_free.
 */
#define PUB_HISTORY_SPANS_AT 4
bool pub_store_history_figures(struct pub_store *st, const struct pub_history_key *k,
			       enum pub_history_period period, time_t from, time_t to,
			       const time_t spans_at[static PUB_HISTORY_SPANS_AT],
			       struct pub_history_figures **list, size_t *n, struct ms_buf *err);
void pub_history_figures_free(struct pub_history_figures *list, size_t n);
bool pub_store_history_figures_add(struct pub_store *st, const struct pub_history_key *k,
				   enum pub_history_period period,
				   const struct pub_history_figures *f, struct ms_buf *err);
/* The end of k's newest figures of the period; 0 when there are none. */
bool pub_store_history_figures_end(struct pub_store *st, const struct pub_history_key *k,
				   enum pub_history_period period, time_t *end,
				   struct ms_buf *err);
/*
 * Forgets, of every key, the days that end after `after` and the months
 * that do and start at or after months_from (older ones are kept as they
 * were counted: their intervals may be gone).
 */
bool pub_store_history_figures_forget(struct pub_store *st, time_t after, time_t months_from,
				      struct ms_buf *err);

/*
 * What import-history read of a member ("host" or "host!service"): an
 * event (nagioslog.h's kind and state) at a time, kept once however
 * often it is read (*added says whether it was new); the imported
 * intervals are made again from all of them.
 */
struct pub_history_event {
	time_t at;
	int kind;
	int state;
};
bool pub_store_history_event_add(struct pub_store *st, const char *object, time_t at,
				 int kind, int state, bool *added, struct ms_buf *err);
/* An object's events, oldest first. */
bool pub_store_history_events(struct pub_store *st, const char *object,
			      struct pub_history_event **events, size_t *n, struct ms_buf *err);
/* Forgets the imported intervals (before they are made again). */
bool pub_store_history_import_clear(struct pub_store *st, struct ms_buf *err);
bool pub_store_history_import_add(struct pub_store *st, const struct pub_history_key *k,
				  const char *state, time_t start, time_t end,
				  struct ms_buf *err);

/*
 * Metrics: the samples of a component's response-time strip (metric =),
 * a perfdata label of a member, at the times of its checks. One sample
 * per check and at most one per minute (a later check of a minute
 * replaces the earlier one), a week of minutes kept: at most
 * PUB_METRIC_MINUTES rows per metric.
 */
#define PUB_METRIC_MINUTES (7 * 24 * 60)

struct pub_metric_key {
	const char *cluster;
	const char *component;
	const char *object;	/* "host" or "host!service" */
	const char *label;
};

struct pub_metric_sample {
	time_t at;		/* the start of its minute */
	double value;
};

/*
 * Records the value a check at `at` measured, unless a sample of that
 * check or a later one is stored already, or the check is older than the
 * week kept (*added says whether it was new); drops the samples older
 * than a week before now (or at, if later). A check in another unit than
 * the stored samples' starts the metric afresh: they do not compare.
 */
bool pub_store_metric_add(struct pub_store *st, const struct pub_metric_key *k, time_t at,
			  double value, const char *unit, time_t now, bool *added,
			  struct ms_buf *err);

/* A metric's samples from a time on, as pub_store_metric_samples reads them. */
struct pub_metric_samples {
	char *unit;		/* NULL: the metric has had no sample yet */
	time_t newest;		/* the newest check's time (0: none) */
	struct pub_metric_sample *samples;	/* oldest first */
	size_t n, cap;
};

/*
 * The samples of k in the minutes from the one `from` starts (or is in,
 * when it starts it) on, into out (start it zeroed; reading into it again
 * reuses its array).
 */
bool pub_store_metric_samples(struct pub_store *st, const struct pub_metric_key *k,
			      time_t from, struct pub_metric_samples *out, struct ms_buf *err);
void pub_metric_samples_free(struct pub_metric_samples *m);

/*
 * Deliveries: one post to one subscriber (publisher/deliver/), queued by
 * the post hook in the post's transaction, then pending until delivered,
 * failed for good, or cancelled (the post withdrawn). A post's state (the
 * cluster's, as the transaction that made it leaves it) is recorded when
 * the transaction commits.
 */
bool pub_store_delivery_add(struct pub_store *st, const char *id, const char *subscriber,
			    long post, time_t now, struct ms_buf *err);

/* A pending delivery that is due, with its post. */
struct pub_delivery_row {
	char *id;
	char *subscriber;
	int attempts;
	time_t created_at;
	char *last_error;	/* or NULL */
	char *state;		/* pending, delivered, failed or cancelled */
	time_t next_at;
	struct pub_post post;
	char *post_state;	/* the cluster's state key the post told, or NULL */
};
/* At most limit pending deliveries due at now (next_at <= now), the earliest first. */
bool pub_store_deliveries_due(struct pub_store *st, time_t now, long limit,
			      struct pub_delivery_row **rows, size_t *n, struct ms_buf *err);
/* The pending and failed ones, newest post first, for list --deliveries (no post body). */
bool pub_store_deliveries_open(struct pub_store *st, struct pub_delivery_row **rows,
			       size_t *n, struct ms_buf *err);
/* How many are pending. */
bool pub_store_deliveries_pending(struct pub_store *st, long *n, struct ms_buf *err);
void pub_delivery_rows_free(struct pub_delivery_row *rows, size_t n);
/*
 * What a send came to, recorded only while the delivery is still pending
 * (a withdrawn post's is not brought back): state "delivered", "failed"
 * or "pending" again at next_at; error is the last error, or NULL.
 */
bool pub_store_delivery_record(struct pub_store *st, const char *id, const char *state,
			       int attempts, time_t next_at, const char *error, time_t now,
			       struct ms_buf *err);

#endif
