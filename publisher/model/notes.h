/*
 * notes: what of an operator's words in the monitoring engine may be
 * published, under whose name, and with what title.
 *
 * Operators write comments, acknowledgements and downtime comments for
 * each other ("internal: new pw in vault entry 4711"). None of it reaches
 * readers unless its text starts with the configured comment_prefix
 * (default "public:", any case); then the text after the prefix is what
 * readers see. A published note carries its operator's name as
 * [authors] maps it; an operator [authors] does not name is shown as the
 * configured author, so no engine login leaks.
 */
#ifndef PUB_NOTES_H
#define PUB_NOTES_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define PUB_DEFAULT_COMMENT_PREFIX "public:"
#define PUB_COMMENT_PREFIX_MAX 32
/* The title of an update when update_title is not set. */
#define PUB_DEFAULT_UPDATE_TITLE "{cluster}: {what} at {time}"
#define PUB_UPDATE_TITLE_MAX 200

struct pub_config;

/*
 * The part of text readers may see: what follows the comment_prefix (and
 * the blanks around it), or NULL when text is not marked public or says
 * nothing after the mark.
 */
const char *pub_note_public(const struct pub_config *cfg, const char *text);

/* The name readers see for an engine user: [authors]' name, or the author. */
const char *pub_note_author(const struct pub_config *cfg, const char *login);

/* What an update's title may say. */
struct pub_title_vars {
	const char *cluster;	/* "Email Cluster B" */
	const char *state;	/* the cluster's published state: "Degraded" */
	const char *what;	/* "Update", "Issue identified" */
	const char *time;	/* "03:57 CET" */
};

/*
 * A title template: text with {cluster}, {state}, {what} and {time}.
 * false with the reason in err for an unknown or unclosed placeholder.
 */
bool pub_title_template_check(const char *tmpl, struct ms_buf *err);

/* The title tmpl (NULL: the default) says with vars, appended to out. */
void pub_title_expand(const char *tmpl, const struct pub_title_vars *vars,
		      struct ms_buf *out);

#endif
