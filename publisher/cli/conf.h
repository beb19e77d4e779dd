/*
 * conf: the publisher's INI file (man 5 mailstatus-publish.conf).
 *
 * The whole file is read and validated before anything else happens, so a
 * mistake stops the program with "FILE:LINE: what is wrong" while the
 * store and the output directory stay as they were.
 */
#ifndef PUB_CONF_H
#define PUB_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "delivery.h"
#include "model.h"
#include "strbuf.h"

/* Fixed, whatever the install prefix: operators and the units in contrib/ expect it there. */
#define PUB_DEFAULT_CONFIG "/etc/mailstatus/publish.conf"

struct pub_member {
	char *host;
	char *service;		/* NULL for a host member */
	char *public_name;	/* what readers see; never the host name */
	unsigned line;
};

struct pub_component {
	char *slug;
	char *name;
	char *impact;		/* what readers notice when it is not operational, or NULL */
	char *area;		/* the status board's service area, or NULL (its name) */
	bool critical;
	struct pub_member *members;
	size_t n_members;
	unsigned line;
	/* the response-time strip (metric = HOST!SERVICE:LABEL), or metric NULL */
	char *metric;		/* as written */
	unsigned metric_line;
	size_t metric_member;	/* the member it names */
	char *metric_label;	/* the perfdata label */
};

struct pub_cluster {
	char *slug;
	char *name;
	char *service;		/* "Email Service": the per-service feed */
	char *service_slug;	/* derived from service: "email-service" */
	char *description;	/* or NULL */
	struct pub_component *components;
	size_t n_components;
	unsigned line;
};

/*
 * [view NAME]: a reseller's own site from the same store, showing only
 * some clusters (conf_view.c checks it, site_view.c renders it).
 */
struct pub_view {
	char *name;
	char *title;
	char *description;	/* or NULL */
	char *base_url;		/* always ends in '/' */
	char *output_dir;
	char **clusters;	/* the slugs of clusters = (blanks or commas between) */
	size_t n_clusters;
	char *css;		/* a stylesheet copied in as status.css, or NULL */
	char *logo;		/* an image copied in under its file name, or NULL */
	unsigned line, clusters_line;
};

/* [authors]: an engine user name and the name readers see for it. */
struct pub_author {
	char *login;
	char *name;
	unsigned line;
};

struct pub_config {
	char *path;
	char *title;
	char *description;
	char *base_url;		/* always ends in '/' */
	char *output_dir;
	char *store;
	char *source;		/* "scheme:location" */
	/* the Icinga 2 API source: who logs in, and whom it trusts */
	char *api_user;
	char *api_password_file;	/* first line is the password */
	char *api_ca_file;	/* NULL: the system's CAs */
	char *api_server_name;	/* the name the API's certificate carries, or NULL */
	bool api_allow_http;	/* icinga2:http:// (the password in clear) on purpose */
	char *author;
	char *language;
	long hold_down;		/* seconds */
	long stale_after;	/* seconds */
	long lock_timeout;	/* seconds */
	long items;
	long history_days;	/* how long state intervals are kept */
	bool show_details;
	/* the status site */
	char *timezone;		/* of the pages; NULL: UTC */
	char *date_format;	/* strftime; NULL: "%d %b %Y %H:%M %Z" */
	char *stylesheet;	/* a CSS file to use instead of the built-in one, or NULL */
	enum pub_member_state unknown_as;
	/* what of an operator's words may be published (notes.h) */
	char *comment_prefix;	/* a note is public when it starts so; default "public:" */
	char *update_title;	/* the template of an update's title, or NULL (the default) */
	struct pub_author *authors;
	size_t n_authors;
	struct pub_cluster *clusters;
	size_t n_clusters;
	struct pub_view *views;
	size_t n_views;
	/*
	 * Set on a config narrowed to a view (pub_view_narrow, site_view.h):
	 * its pages, feeds and files show nothing of a cluster that is not in
	 * clusters[]. NULL for the main site, which also keeps the posts of
	 * clusters since removed from the file (under their slugs).
	 */
	const struct pub_view *view;
	/* who is told of every post (delivery.h): [subscriber NAME] */
	struct pub_subscriber *subscribers;
	size_t n_subscribers;
	struct pub_smtp *smtp;	/* [smtp], or NULL: no e-mail subscribers */
	long deliver_budget;	/* seconds the end of a run may deliver for */
	long deliver_give_up;	/* seconds after a post its deliveries are retried for */
	long deliver_timeout;	/* seconds one transfer may take */
};

/*
 * Reads and validates path. On success returns the config; on failure
 * NULL with "path:line: message" (or "path: message") in err.
 */
struct pub_config *pub_config_load(const char *path, struct ms_buf *err);
void pub_config_free(struct pub_config *cfg);

const struct pub_cluster *pub_config_cluster(const struct pub_config *cfg,
					     const char *slug);
/* The [subscriber NAME] of that name, or NULL. */
const struct pub_subscriber *pub_config_subscriber(const struct pub_config *cfg,
						   const char *name);

/* The member's object as the store keys it, "host" or "host!service", into out (reset first). */
void pub_member_object(const struct pub_member *m, struct ms_buf *out);

/* Where pub_config_next_member is; start it zeroed. */
struct pub_member_cursor {
	size_t cluster, component, member;
};
/*
 * The members of every component of every cluster, in the config's
 * order: the next one after at, or NULL after the last.
 */
const struct pub_member *pub_config_next_member(const struct pub_config *cfg,
						struct pub_member_cursor *at);

/*
 * A secret file must be the owner's alone: group or others may neither
 * read nor write it, as ssh insists of a private key. Checks fd when it
 * is >= 0 (the file being read), else path; a path that cannot be looked
 * at passes here (reading it says why). false with the reason in err.
 */
bool pub_secret_file_private(const char *what, const char *path, int fd,
			     struct ms_buf *err);

/*
 * The first line of the secret file path (what: its key, for messages),
 * into out (outlen bytes), after pub_secret_file_private on the file
 * read: a password or key is never on a command line. false with the
 * reason in err, which names the file but never holds what it read.
 */
bool pub_secret_read(const char *what, const char *path, char *out, size_t outlen,
		     struct ms_buf *err);

/*
 * The keys of a section of publish.conf ("publisher", "cluster",
 * "component", "subscriber"), as the parser knows them: the name of the i-th, NULL past
 * the last; *required says whether the section must set it, *def is its
 * default as the file would write it (or NULL). For holding the manual,
 * mailstatus-publish.conf(5), against the parser.
 */
const char *pub_config_key(const char *section, size_t i, bool *required,
			   const char **def);

/*
 * The checks of the [view] sections that need the whole file (conf_view.c):
 * their clusters exist, their directories are their own, their css and
 * logo can be read. false with "path:line: message" in err.
 */
bool pub_config_check_views(struct pub_config *cfg, struct ms_buf *err);
void pub_view_free(struct pub_view *v);

/* true for [a-z0-9] words joined by single '-' (the slug rule). */
bool pub_slug_valid(const char *s);

#endif
