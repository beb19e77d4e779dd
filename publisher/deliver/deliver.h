/*
 * deliver: the deliver stage. Sends the deliveries that are due (queue.h
 * queued them with their posts) through their subscriber's channel
 * (delivery.h), many at once on one libcurl multi handle, and records
 * what became of each: delivered, tried again later (exponential
 * backoff) or failed for good.
 *
 * It never holds the store's lock while it sends: it reads what is due,
 * sends, and records the outcomes in a short transaction under the lock.
 * A delivery sent but not yet recorded when the process dies is sent
 * again, with the same id (at least once). One deliverer at a time
 * (STORE.deliver, a lock of its own): a second finds it taken and leaves
 * the queue to the first.
 */
#ifndef PUB_DELIVER_H
#define PUB_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "strbuf.h"

/* Transfers at once, whatever the number of subscribers. */
#define PUB_DELIVER_PARALLEL 64
/* Due deliveries read and recorded at a time. */
#define PUB_DELIVER_BATCH 512
/* The first retry after this long, then twice as long each time, at most the cap. */
#define PUB_DELIVER_FIRST_RETRY 30
#define PUB_DELIVER_MAX_RETRY 3600

struct pub_deliver_stats {
	size_t delivered;
	size_t retried;		/* to be tried again later */
	size_t failed;		/* failed for good (or given up) now */
	size_t cut;		/* not finished within the budget: due again */
	long pending;		/* left in the queue afterwards */
	bool busy;		/* another deliverer had the queue */
};

/*
 * A delivery that failed its attempts-th send at now, queued at created:
 * false when it is given up (give_up seconds after created), else true
 * with the time of the next try in *next_at (never past the give-up time,
 * so the last try comes then).
 */
bool pub_delivery_backoff(int attempts, time_t created, time_t now, long give_up,
			  time_t *next_at);

/*
 * Sends what is due at now from st (open, the caller not holding the
 * store's lock: it is taken for each record), for at most budget seconds (0: until every
 * due delivery was tried once). Receivers' troubles are the deliveries'
 * (recorded, counted in stats; one failed for good is said on stderr);
 * false only for the deliverer's own (the store), with why in err.
 */
struct pub_store;
bool pub_deliver(const struct pub_config *cfg, struct pub_store *st, time_t now, long budget,
		 struct pub_deliver_stats *stats, struct ms_buf *err);

/* A post's body (the store's HTML fragment) as plain text; NULL if it does not parse. */
char *pub_body_text(const char *html);

#endif
