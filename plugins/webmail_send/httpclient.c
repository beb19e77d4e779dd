/*
 * httpclient: one browser tab's worth of HTTP. See httpclient.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpclient.h"
#include "xalloc.h"

#define ACCEPT_LANGUAGE "Accept-Language: en-US,en;q=0.8"

struct ms_http {
	CURL *curl;
	unsigned requests;
	unsigned connections;
};

/* Where the body goes while it arrives; refuses more than the cap. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ms_buf *body = arg;
	size_t n = size * nmemb;

	if (n > MS_HTTP_MAX_BODY - body->len)
		return 0;	/* CURLE_WRITE_ERROR: too large */
	ms_buf_add(body, data, n);
	return n;
}

struct ms_http *ms_http_new(const struct ms_http_opts *opts, struct ms_buf *err)
{
	CURL *curl = ms_curl_new(&opts->tls, "http,https");

	if (!curl) {
		ms_buf_puts(err, "cannot create a libcurl handle");
		return NULL;
	}
	struct ms_http *h = ms_xcalloc(1, sizeof(*h));
	h->curl = curl;
	/* "" starts the in-memory cookie engine without reading a file */
	curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_USERAGENT,
			 "check_webmail_send (" PACKAGE_NAME " " PACKAGE_VERSION ")");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	if (opts->verbose > 2)
		ms_curl_trace(curl, MS_CURL_HTTP);
	return h;
}

void ms_http_free(struct ms_http *h)
{
	if (!h)
		return;
	ms_curl_free(h->curl);
	free(h);
}

void ms_http_response_free(struct ms_http_response *resp)
{
	ms_buf_free(&resp->body);
	free(resp->location);
	resp->location = NULL;
}

static curl_mime *build_upload(CURL *curl, const struct ms_http_request *req)
{
	curl_mime *mime = curl_mime_init(curl);
	curl_mimepart *part = mime ? curl_mime_addpart(mime) : NULL;

	if (!part) {
		curl_mime_free(mime);
		return NULL;
	}
	curl_mime_name(part, req->upload_field);
	curl_mime_filename(part, req->upload_filename);
	curl_mime_type(part, req->upload_type ? req->upload_type : "application/octet-stream");
	curl_mime_data(part, req->upload_data, req->upload_len);
	return mime;
}

/* Fills resp from the finished transfer's information. */
static void collect(struct ms_http *h, struct ms_http_response *resp)
{
	char *location = NULL;
	long connects = 0;

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &location);
	curl_easy_getinfo(h->curl, CURLINFO_NUM_CONNECTS, &connects);
	resp->location = location ? ms_xstrdup(location) : NULL;
	h->connections += (unsigned)connects;
}

enum ms_curl_failure ms_http_perform(struct ms_http *h, const struct ms_http_request *req,
				     struct ms_http_response *resp, struct ms_buf *err)
{
	CURL *curl = h->curl;
	struct curl_slist *headers = NULL, *more;
	curl_mime *mime = NULL;
	struct ms_buf why = MS_BUF_INIT;
	enum ms_curl_failure kind = MS_CURL_OK;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	/* webmails answer in the language asked for; the flows read English */
	headers = curl_slist_append(NULL, ACCEPT_LANGUAGE);
	if (headers && req->header) {
		more = curl_slist_append(headers, req->header);
		if (!more) {
			curl_slist_free_all(headers);
			headers = NULL;
		}
	}
	if (!headers)
		ms_oom();
	curl_easy_setopt(curl, CURLOPT_URL, req->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp->body);
	if (req->upload_field) {
		mime = build_upload(curl, req);
		if (!mime)
			ms_oom();
		curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	} else if (req->form) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->form);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	ms_curl_arm(curl);
	h->requests++;
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		collect(h, resp);
	else
		kind = ms_curl_describe(curl, rc, &why);
	/* the handle must not keep pointers to what is freed now */
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(headers);
	curl_mime_free(mime);
	if (kind == MS_CURL_TOO_LARGE)
		ms_buf_printf(err, "the answer from %s is larger than %u MiB", req->url,
			      MS_HTTP_MAX_BODY / (1024 * 1024));
	else if (kind != MS_CURL_OK)
		ms_buf_add(err, why.data, why.len);
	if (kind != MS_CURL_OK)
		ms_http_response_free(resp);
	ms_buf_free(&why);
	return kind;
}

unsigned ms_http_requests(const struct ms_http *h)
{
	return h->requests;
}

unsigned ms_http_connections(const struct ms_http *h)
{
	return h->connections;
}

char *ms_http_resolve(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *full = NULL, *copy = NULL;

	if (!u)
		ms_oom();
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK) {
		copy = ms_xstrdup(full);
		curl_free(full);
	}
	curl_url_cleanup(u);
	return copy;
}

void ms_url_encode(struct ms_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			ms_buf_putc(b, (char)*p);
		} else {
			ms_buf_putc(b, '%');
			ms_buf_putc(b, hex[*p >> 4]);
			ms_buf_putc(b, hex[*p & 15]);
		}
	}
}
