/*
 * curlutil: what every libcurl transfer of a plugin shares.
 *
 * The TLS policy (verified by default, a CA file, --insecure), the
 * plugin's deadline as the transfer's timeout, no signals (the deadline
 * owns SIGALRM), and the translation of a failed transfer into a sentence
 * for the status line. httpclient (webmail) and imapprobe build on it.
 */
#ifndef MS_CURLUTIL_H
#define MS_CURLUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "strbuf.h"

struct ms_curl_tls {
	const char *ca_file;	/* PEM bundle of trusted CAs, or NULL: the system's */
	bool insecure;		/* do not verify the peer (explicit --insecure) */
};

/* What went wrong with a transfer, in the plugin's terms. */
enum ms_curl_failure {
	MS_CURL_OK = 0,
	MS_CURL_CONNECT,	/* name did not resolve, refused, unreachable */
	MS_CURL_TLS,		/* handshake failed, the certificate was refused, or no STARTTLS */
	MS_CURL_TIMEOUT,	/* the transfer's time ran out */
	MS_CURL_LOGIN,		/* the server refused the credentials (IMAP) */
	MS_CURL_PROTOCOL,	/* the server answered, but not as it should */
	MS_CURL_TOO_LARGE,	/* the answer was larger than the caller accepts */
	MS_CURL_OTHER
};

/* curl_global_init once; returns false (with a sentence in err) if it fails. */
bool ms_curl_global_init(struct ms_buf *err);

/*
 * A new easy handle for the protocols in protocols ("http,https"; a
 * redirect elsewhere is refused) with the TLS policy, no signals,
 * keep-alive and an error buffer of the handle's own; NULL when libcurl
 * cannot make one.
 */
CURL *ms_curl_new(const struct ms_curl_tls *tls, const char *protocols);
void ms_curl_free(CURL *curl);

/*
 * Sets the transfer's timeout to what is left of the plugin's deadline.
 * When nothing is left it waits for the deadline to fire, which ends the
 * run with the timeout message naming the current step (ms_step); so it
 * returns only with time left.
 */
void ms_curl_arm(CURL *curl);

/*
 * Describes a failed transfer: returns its kind and adds a sentence naming
 * what failed to err (e.g. "cannot connect to 127.0.0.1:12080: Connection
 * refused"), any secret in a URL it quotes redacted. A timeout at the
 * plugin's own deadline does not return: the deadline's message is the
 * verdict then.
 */
enum ms_curl_failure ms_curl_describe(CURL *curl, CURLcode rc, struct ms_buf *err);

/* libcurl's own words for the handle's last failure, "" when it gave none. */
const char *ms_curl_reason(CURL *curl);

/* Adds the sentence to err and returns kind. */
enum ms_curl_failure ms_curl_fail(struct ms_buf *err, enum ms_curl_failure kind,
				  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What a handle speaks, for its trace. */
enum ms_curl_protocol { MS_CURL_HTTP, MS_CURL_IMAP };

/*
 * libcurl's trace of the handle's transfers on stderr (-vvv): its notes,
 * and the headers or commands each way, never the bodies; every secret
 * in them (cookies, tokens, passwords, base64 logins) redacted
 * (plugins/webmail_send/redact.h) and the lines cleaned of control characters.
 */
void ms_curl_trace(CURL *curl, enum ms_curl_protocol protocol);

#endif
