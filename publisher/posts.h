/*
 * posts: the words of automatic posts.
 *
 * Readers get public names and plain sentences: which component is
 * affected and how, what still works, and (Online again) that it is over.
 * Host names and plugin output appear only with show_details = yes.
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
};

/* Fills p's title, body_html and summary (p's other fields are untouched). */
void pub_compose_transition(const struct pub_transition *t, struct pub_post *p);

/*
 * An incident update from an operator's words in the monitoring engine:
 * "<Cluster>: <what> 16:57 UTC" titled, "[16:57] text" as the body, the
 * time in tz (the site's; NULL: UTC).
 */
void pub_compose_note(const struct pub_cluster *cl, const char *what, time_t at,
		      const char *text, const char *tz, struct pub_post *p);

/* An operator's message file as a body; title is copied. */
void pub_compose_message(const char *title, const char *message, size_t len,
			 const char *lead_para, struct pub_post *p);

/* Sets who, when, where and what kind a new post is (the words aside). */
void pub_post_stamp(struct pub_post *p, const char *cluster, long incident,
		    const char *kind, const char *author, time_t at);

/* Words per feed <description> before " [...]". */
#define PUB_SUMMARY_WORDS 55

#endif
