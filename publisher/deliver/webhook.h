/*
 * webhook: the channel that POSTs a post to a subscriber's URL, as JSON,
 * signed with the subscriber's secret (mailstatus-publish(1), WEBHOOKS).
 *
 *   X-Mailstatus-Event: post
 *   X-Mailstatus-Delivery: ID          the same on every retry
 *   X-Mailstatus-Signature: t=UNIX,v1=HEX
 *
 * HEX is HMAC-SHA256 with the secret over UNIX "." BODY, in lower-case
 * hex. 2xx is delivered; 408, 429, any other status, a timeout or no
 * connection is tried again; any other 4xx is failed for good.
 */
#ifndef PUB_WEBHOOK_H
#define PUB_WEBHOOK_H

#include <stddef.h>
#include <time.h>

#include "delivery.h"

/* Lower-case hex of SHA-256's 32 bytes, and the terminator. */
#define PUB_WEBHOOK_SIG_MAX 65

/* HMAC-SHA256 with key over "T.body", in hex, into sig. */
void pub_webhook_sign(const char *key, size_t key_len, time_t t, const char *body,
		      size_t body_len, char sig[static PUB_WEBHOOK_SIG_MAX]);

/* The JSON body of item (compact, keys in the documented order); to be freed. */
char *pub_webhook_body(const struct pub_delivery_item *item);

/* What an HTTP status means for a delivery; the reason in err unless delivered. */
enum pub_delivery_outcome pub_webhook_status(long status, struct ms_buf *err);

#endif
