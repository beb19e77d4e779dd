/*
 * delivery: what the deliver stage hands to a channel (webhook, e-mail),
 * and what a channel says back.
 *
 * A delivery is one post to one subscriber. It is queued in the store in
 * the transaction that creates the post (so a post is never published
 * without its deliveries, nor queued twice), sent at the end of `run`
 * within deliver_budget seconds and by `mailstatus-publish deliver`, and
 * retried with exponential backoff until deliver_give_up. Its id is fixed
 * when it is queued: every retry of it carries the same one, so receivers
 * (X-Mailstatus-Delivery, the Message-ID) can discard duplicates.
 *
 * Channels do not send by themselves: each makes a libcurl easy handle
 * that the deliver loop adds to one multi handle, so many subscribers are
 * served in parallel; when the transfer ends the channel classifies it.
 */
#ifndef PUB_DELIVERY_H
#define PUB_DELIVERY_H

#include <stdbool.h>
#include <time.h>

#include <curl/curl.h>

#include "strbuf.h"

enum pub_subscriber_kind {
	PUB_SUBSCRIBER_WEBHOOK,
	PUB_SUBSCRIBER_EMAIL,
};

enum pub_subscriber_events {
	PUB_EVENTS_POSTS,	/* every post (the default) */
	PUB_EVENTS_INCIDENTS,	/* an incident's opening, updates and resolution */
};

/* [subscriber NAME] of publish.conf. */
struct pub_subscriber {
	char *name;
	enum pub_subscriber_kind kind;
	char *target;		/* the webhook's URL or the e-mail address */
	char *ca_file;		/* webhook: a private CA, or NULL (the system's) */
	char *secret_file;	/* webhook: the signing key's file (mode 600), or NULL */
	char **clusters;	/* slugs; NULL: every cluster */
	size_t n_clusters;
	enum pub_subscriber_events events;
	unsigned line;
};

/* [smtp] of publish.conf: how e-mail subscribers are reached. */
struct pub_smtp {
	char *url;		/* smtp://host:587 (STARTTLS required) or smtps:// */
	char *from;
	char *user;		/* or NULL: no AUTH */
	char *password_file;	/* first line is the password; or NULL */
	char *ca_file;		/* or NULL: the system's CAs */
	bool insecure;		/* yes: no STARTTLS required, no verification */
	char *list_unsubscribe;	/* a mailto: URL the operator sets, or NULL */
	unsigned line;
	/* from [publisher], set by the loader: the sender's name, the host of Message-IDs */
	char *site_title;
	char *site_url;		/* base_url */
};

/* One post to one subscriber, as the channel needs it. */
struct pub_delivery_item {
	char *delivery_id;	/* fixed when queued; the same on every retry */
	long post;		/* the post's number */
	char *guid;		/* the post's guid */
	char *cluster;		/* slug */
	char *cluster_name;
	char *title;
	char *state;		/* the cluster's state the post announced: "Online", ... */
	long incident;		/* 0: none */
	char *url;		/* the post's page on the site */
	time_t published_at;
	char *text;		/* the body as plain text */
	char *html;		/* the body as HTML */
	int attempts;		/* sends before this one */
};

enum pub_delivery_outcome {
	PUB_DELIVERED,		/* 2xx, or the SMTP server took the message */
	PUB_DELIVERY_RETRY,	/* 5xx, 408, 429, timeout, no connection, 4xx SMTP */
	PUB_DELIVERY_FAILED,	/* failed for good: other 4xx, 5xx SMTP, a bad address */
};

/*
 * A channel's transfer for one item: start makes the easy handle (NULL
 * with err set when it cannot, e.g. an unreadable secret: that delivery
 * is retried later); outcome classifies the finished transfer, with the
 * reason in err unless delivered; done frees what start allocated.
 */
struct pub_channel_transfer;
struct pub_channel {
	struct pub_channel_transfer *(*start)(const struct pub_subscriber *sub,
					      const struct pub_smtp *smtp,
					      const struct pub_delivery_item *item,
					      time_t now, CURL **handle,
					      struct ms_buf *err);
	enum pub_delivery_outcome (*outcome)(struct pub_channel_transfer *t,
					      CURLcode rc, struct ms_buf *err);
	void (*done)(struct pub_channel_transfer *t);
};

extern const struct pub_channel pub_webhook_channel;	/* webhook.c */
extern const struct pub_channel pub_email_channel;	/* email.c */

#endif
