/*
 * httpclient: an HTTP(S) client that behaves like one browser tab.
 *
 * One libcurl easy handle for the whole run: cookies kept in memory (the
 * webmail session), one kept-alive connection per host, the plugin's
 * deadline on every request, TLS verified unless told otherwise.
 * Redirects are not followed: the webmail flows read the Location
 * themselves, since where a login redirects to is part of its answer.
 * It counts requests and new connections for the benchmarks. It asks for
 * English (Accept-Language), the language whose message texts the webmail
 * flows know.
 */
#ifndef MS_HTTPCLIENT_H
#define MS_HTTPCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "curlutil.h"
#include "strbuf.h"

/* Answers larger than this are refused (a webmail page is < 1 MiB). */
#define MS_HTTP_MAX_BODY (8u * 1024 * 1024)

struct ms_http_opts {
	struct ms_curl_tls tls;
	int verbose;		/* > 2: libcurl's trace on stderr, secrets redacted */
};

/* One request. Without form or upload it is a GET. */
struct ms_http_request {
	const char *url;
	const char *form;	/* application/x-www-form-urlencoded POST body */
	const char *header;	/* one extra "Name: value" header, or NULL */
	/* a multipart/form-data POST of one generated file */
	const char *upload_field;
	const char *upload_filename;
	const char *upload_type;
	const void *upload_data;
	size_t upload_len;
};

struct ms_http_response {
	long status;		/* the HTTP status code */
	struct ms_buf body;
	char *location;		/* an absolute redirect target, or NULL */
};

struct ms_http;

/* NULL (with a sentence added to err) when libcurl cannot make a handle. */
struct ms_http *ms_http_new(const struct ms_http_opts *opts, struct ms_buf *err);
void ms_http_free(struct ms_http *h);

/*
 * Performs the request. MS_CURL_OK for any HTTP status; the kind of
 * failure when no HTTP answer came (connect, TLS, timeout, too large),
 * with a sentence added to err. A timeout at the plugin's deadline ends
 * the run there (curlutil.h).
 */
enum ms_curl_failure ms_http_perform(struct ms_http *h, const struct ms_http_request *req,
				     struct ms_http_response *resp, struct ms_buf *err);

void ms_http_response_free(struct ms_http_response *resp);

/* Requests made and connections opened so far (for bench/). */
unsigned ms_http_requests(const struct ms_http *h);
unsigned ms_http_connections(const struct ms_http *h);

/*
 * Resolves ref (absolute, "/path?query" or "?query") against base into a
 * new string; NULL when either is not a URL libcurl can parse.
 */
char *ms_http_resolve(const char *base, const char *ref);

/* Appends s percent-encoded for a URL query or a form body. */
void ms_url_encode(struct ms_buf *b, const char *s);

#endif
