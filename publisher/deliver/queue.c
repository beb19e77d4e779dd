/*
 * queue: deliveries queued with their post. See queue.h.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"

void pub_delivery_id(const char *guid, const char *subscriber,
		     char id[static PUB_DELIVERY_ID_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, guid, strlen(guid) + 1) ||
	    !EVP_DigestUpdate(ctx, subscriber, strlen(subscriber)) ||
	    !EVP_DigestFinal_ex(ctx, md, &len) || len < 16)
		abort();	/* SHA-256 does not fail but for want of memory */
	EVP_MD_CTX_free(ctx);
	for (size_t i = 0; i < 16; i++) {
		id[2 * i] = hex[md[i] >> 4];
		id[2 * i + 1] = hex[md[i] & 15];
	}
	id[32] = '\0';
}

bool pub_subscriber_wants(const struct pub_subscriber *sub, const struct pub_post *p)
{
	bool cluster = sub->n_clusters == 0;

	for (size_t i = 0; i < sub->n_clusters && !cluster; i++)
		cluster = strcmp(sub->clusters[i], p->cluster) == 0;
	return cluster && (sub->events == PUB_EVENTS_POSTS || p->incident > 0);
}

/* The store's post hook: a delivery for each subscriber that wants p. */
static bool queue_post(struct pub_store *st, const struct pub_post *p, void *arg,
		       struct ms_buf *err)
{
	const struct pub_config *cfg = arg;
	char id[PUB_DELIVERY_ID_MAX];

	for (size_t i = 0; i < cfg->n_subscribers; i++) {
		const struct pub_subscriber *sub = &cfg->subscribers[i];

		if (!pub_subscriber_wants(sub, p))
			continue;
		pub_delivery_id(p->guid, sub->name, id);
		if (!pub_store_delivery_add(st, id, sub->name, p->id, p->updated_at, err))
			return false;
	}
	return true;
}

void pub_queue_attach(const struct pub_config *cfg, struct pub_store *st)
{
	if (cfg->n_subscribers > 0)
		pub_store_set_post_hook(st, queue_post, (void *)cfg);
}
