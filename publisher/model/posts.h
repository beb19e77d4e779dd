/*
 * posts: the words of posts: automatic ones, operators' notes from the
 * monitoring engine, and the messages of post, incident and maintenance.
 *
 * Readers get public names and plain sentences: which component is
 * affected and how, what still works, and (Online again) that it is over.
 * Host names and plugin output appear only with show_details = yes; an
 * operator's note only as notes.h lets it. Every time is in the site's
 * zone, and says which.
 */
#ifndef PUB_POSTS_H
#define PUB_POSTS_H

#include "conf.h"
#include "evaluate.h"
#include "store.h"

/* What an automatic post about a published transition needs to know. */
struct pub_transition {
	const struct pub_config *cfg;
	const struct pub_cluster *cluster;
	const struct pub_cluster_eval *eval;
	const struct pub_snapshot *snap;
	enum pub_cluster_state from, to;
	long incident;			/* the post's incident, 0 for none */
	bool resolves;			/* the post closes the incident */
	const char *maintenance_message;	/* the operator's announcement, or NULL */
	bool intermittent;		/* a flap that lasted: Degraded, failing at times */
	time_t began;			/* a new incident: when the problem began, or 0 */
};

/* Fills p's title, body_html and summary (p's other fields are untouched). */
void pub_compose_transition(const struct pub_transition *t, struct pub_post *p);

/*
 * An update of an open incident whose impact changed (another component
 * failed, one recovered): titled as an update at `at`, the body the
 * impact now, t->to being the cluster's published state.
 */
void pub_compose_impact(const struct pub_transition *t, time_t at, struct pub_post *p);

/*
 * An incident update from an operator's words in the monitoring engine:
 * titled by update_title ("<Cluster>: <what> at 16:57 UTC" by default),
 * "[16:57 UTC] text" as the body, the time in the site's zone. state is
 * the cluster's published state ({state} of the title).
 */
void pub_compose_note(const struct pub_config *cfg, const struct pub_cluster *cl,
		      enum pub_cluster_state state, const char *what, time_t at,
		      const char *text, struct pub_post *p);

/* An operator's message file as a body; title is copied. */
void pub_compose_message(const char *title, const char *message, size_t len,
			 const char *lead_para, struct pub_post *p);

/* Sets who, when, where and what kind a new post is (the words aside). */
void pub_post_stamp(struct pub_post *p, const char *cluster, long incident,
		    const char *kind, const char *author, time_t at);

/* Words per feed <description> before " [...]". */
#define PUB_SUMMARY_WORDS 55

#endif
