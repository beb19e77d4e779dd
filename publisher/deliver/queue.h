/*
 * queue: a post's deliveries, queued in the transaction that creates the
 * post (the store's post hook), one per subscriber that should get it.
 *
 * A subscriber added to publish.conf later gets the posts made after,
 * not the ones before: the queue is filled only when a post is made.
 */
#ifndef PUB_QUEUE_H
#define PUB_QUEUE_H

#include <stdbool.h>

#include "conf.h"
#include "delivery.h"
#include "store.h"

/* 32 lower-case hex digits and the terminator. */
#define PUB_DELIVERY_ID_MAX 33

/*
 * A delivery's id: the first 128 bits of SHA-256 over the post's guid,
 * a NUL and the subscriber's name, in hex. The same post to the same
 * subscriber always has the same id; nothing secret goes into it.
 */
void pub_delivery_id(const char *guid, const char *subscriber,
		     char id[static PUB_DELIVERY_ID_MAX]);

/* Should sub get p? Its clusters (none: all) and its events (incidents: posts of one). */
bool pub_subscriber_wants(const struct pub_subscriber *sub, const struct pub_post *p);

/* From now on every post st adds is queued for cfg's subscribers (none: nothing). */
void pub_queue_attach(const struct pub_config *cfg, struct pub_store *st);

#endif
