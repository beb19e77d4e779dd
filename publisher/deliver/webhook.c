/*
 * webhook: the webhook channel. See webhook.h and delivery.h.
 */
#include "config.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dates.h"
#include "webhook.h"
#include "xalloc.h"

/* A secret's first line: as long as a key needs to be, and more. */
#define SECRET_MAX 1024

struct pub_channel_transfer {
	CURL *curl;
	struct curl_slist *headers;
	char *body;
	char error[CURL_ERROR_SIZE];
};

void pub_webhook_sign(const char *key, size_t key_len, time_t t, const char *body,
		      size_t body_len, char sig[static PUB_WEBHOOK_SIG_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char stamp[32];
	int n = snprintf(stamp, sizeof(stamp), "%lld.", (long long)t);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t len = 0;

	if (ctx == NULL || !EVP_MAC_init(ctx, (const unsigned char *)key, key_len, params) ||
	    !EVP_MAC_update(ctx, (const unsigned char *)stamp, (size_t)n) ||
	    !EVP_MAC_update(ctx, (const unsigned char *)body, body_len) ||
	    !EVP_MAC_final(ctx, md, &len, sizeof(md)) || len != 32)
		ms_oom();	/* HMAC-SHA256 fails only for want of memory */
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	for (size_t i = 0; i < len; i++) {
		sig[2 * i] = hex[md[i] >> 4];
		sig[2 * i + 1] = hex[md[i] & 15];
	}
	sig[2 * len] = '\0';
}

char *pub_webhook_body(const struct pub_delivery_item *item)
{
	char date[PUB_DATE_MAX];
	json_t *o = json_object();
	char *body;

	json_object_set_new(o, "id", json_string(item->guid));
	json_object_set_new(o, "post", json_integer(item->post));
	json_object_set_new(o, "cluster", json_string(item->cluster));
	json_object_set_new(o, "cluster_name", json_string(item->cluster_name));
	json_object_set_new(o, "title", json_string(item->title));
	json_object_set_new(o, "state", json_string(item->state));
	json_object_set_new(o, "incident", item->incident > 0 ? json_integer(item->incident)
							      : json_null());
	json_object_set_new(o, "url", json_string(item->url));
	json_object_set_new(o, "published", json_string(pub_rfc3339(date, item->published_at)));
	json_object_set_new(o, "text", json_string(item->text));
	json_object_set_new(o, "html", json_string(item->html));
	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (body == NULL)
		ms_oom();	/* the texts are UTF-8 the store was given clean */
	return body;
}

enum pub_delivery_outcome pub_webhook_status(long status, struct ms_buf *err)
{
	if (status >= 200 && status <= 299)
		return PUB_DELIVERED;
	if (status >= 400 && status <= 499 && status != 408 && status != 429) {
		ms_buf_printf(err, "the receiver answered HTTP %ld: refused for good", status);
		return PUB_DELIVERY_FAILED;
	}
	ms_buf_printf(err, "the receiver answered HTTP %ld", status);
	return PUB_DELIVERY_RETRY;
}

/* The answer is not kept: only its status counts. */
static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* "name: value"; an empty value removes a header curl would send ("Expect:"). */
static void add_header(struct pub_channel_transfer *t, const char *name, const char *value)
{
	struct ms_buf h = MS_BUF_INIT;
	struct curl_slist *l;

	ms_buf_printf(&h, "%s:%s%s", name, *value ? " " : "", value);
	if ((l = curl_slist_append(t->headers, h.data)) == NULL)
		ms_oom();
	t->headers = l;
	ms_buf_free(&h);
}

static void webhook_done(struct pub_channel_transfer *t)
{
	if (t == NULL)
		return;
	if (t->curl)
		curl_easy_cleanup(t->curl);
	curl_slist_free_all(t->headers);
	free(t->body);
	free(t);
}

/* The signed request, ready for the deliver loop's multi handle. */
static struct pub_channel_transfer *webhook_start(const struct pub_subscriber *sub,
						  const struct pub_smtp *smtp,
						  const struct pub_delivery_item *item,
						  time_t now, CURL **handle, struct ms_buf *err)
{
	struct pub_channel_transfer *t;
	char secret[SECRET_MAX], sig[PUB_WEBHOOK_SIG_MAX], stamp[128];

	(void)smtp;
	if (!pub_secret_read("secret_file", sub->secret_file, secret, sizeof(secret), err))
		return NULL;
	t = ms_xcalloc(1, sizeof(*t));
	t->body = pub_webhook_body(item);
	pub_webhook_sign(secret, strlen(secret), now, t->body, strlen(t->body), sig);
	OPENSSL_cleanse(secret, sizeof(secret));
	snprintf(stamp, sizeof(stamp), "t=%lld,v1=%s", (long long)now, sig);
	add_header(t, "Content-Type", "application/json");
	add_header(t, "X-Mailstatus-Event", "post");
	add_header(t, "X-Mailstatus-Delivery", item->delivery_id);
	add_header(t, "X-Mailstatus-Signature", stamp);
	add_header(t, "Expect", "");	/* no 100-continue round trip */
	if ((t->curl = curl_easy_init()) == NULL)
		ms_oom();
	CURL *c = t->curl;
	curl_easy_setopt(c, CURLOPT_URL, sub->target);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(t->body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (sub->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, sub->ca_file);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mailstatus-publish/" PACKAGE_VERSION);
	*handle = c;
	return t;
}

static enum pub_delivery_outcome webhook_outcome(struct pub_channel_transfer *t, CURLcode rc,
						 struct ms_buf *err)
{
	long status = 0;

	if (rc != CURLE_OK) {
		/* curl's words name the host and port at most, never the URL's path */
		ms_buf_puts(err, t->error[0] ? t->error : curl_easy_strerror(rc));
		return PUB_DELIVERY_RETRY;
	}
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	return pub_webhook_status(status, err);
}

const struct pub_channel pub_webhook_channel = {
	.start = webhook_start,
	.outcome = webhook_outcome,
	.done = webhook_done,
};
