/*
 * curlutil: libcurl with the plugin's deadline and TLS policy. See curlutil.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "curlutil.h"
#include "deadline.h"
#include "redact.h"
#include "text.h"
#include "xalloc.h"

/*
 * How close to the plugin's deadline a libcurl timeout counts as the
 * deadline itself. Both clocks are monotonic, but libcurl measures from
 * the start of its own transfer, so its timeout can fire a little early.
 */
#define DEADLINE_SLACK_MS 50

/* Owned by each easy handle, found again through CURLINFO_PRIVATE. */
struct handle_state {
	char errbuf[CURL_ERROR_SIZE];
	enum ms_curl_protocol protocol;	/* for the trace */
	struct ms_redact_imap imap;	/* the trace's view of the IMAP exchange */
};

bool ms_curl_global_init(struct ms_buf *err)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK) {
		ms_buf_printf(err, "cannot initialize libcurl: %s", curl_easy_strerror(rc));
		return false;
	}
	return true;
}

CURL *ms_curl_new(const struct ms_curl_tls *tls, const char *protocols)
{
	CURL *curl = curl_easy_init();

	if (!curl)
		return NULL;
	struct handle_state *st = ms_xcalloc(1, sizeof(*st));
	curl_easy_setopt(curl, CURLOPT_PRIVATE, st);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, st->errbuf);
	/* SIGALRM belongs to the deadline; the threaded resolver needs none */
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	/* never talk to a server reached by a surprise protocol */
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
#else
	long mask = strstr(protocols, "imap") ? CURLPROTO_IMAP | CURLPROTO_IMAPS
					      : CURLPROTO_HTTP | CURLPROTO_HTTPS;
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, mask);
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, mask);
#endif
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, tls->insecure ? 0L : 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, tls->insecure ? 0L : 2L);
	if (tls->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, tls->ca_file);
	return curl;
}

void ms_curl_free(CURL *curl)
{
	struct handle_state *st = NULL;

	if (!curl)
		return;
	curl_easy_getinfo(curl, CURLINFO_PRIVATE, (char **)&st);
	curl_easy_cleanup(curl);
	free(st);
}

/* The plugin's deadline is (about to be) reached: let it end the run. */
static _Noreturn void await_deadline(void)
{
	/* the SIGALRM handler prints the timeout message and exits */
	for (;;) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

void ms_curl_arm(CURL *curl)
{
	int64_t deadline = ms_deadline_at();
	int64_t left;

	if (deadline == INT64_MAX) {
		curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 0L);
		return;
	}
	left = deadline - ms_now_ms();
	if (left <= DEADLINE_SLACK_MS)
		await_deadline();
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)left);
	/* a connect that never completes still leaves time for the message */
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
}

/* One line of the trace, redacted by what it is, cleaned, on stderr. */
static void trace_line(struct handle_state *st, curl_infotype type, const char *line, size_t n)
{
	struct ms_buf red = MS_BUF_INIT, clean = MS_BUF_INIT;

	if (type == CURLINFO_TEXT)
		ms_redact_curl_text(&red, line, n);
	else if (st->protocol == MS_CURL_IMAP)
		ms_redact_imap_line(&red, &st->imap, line, n, type == CURLINFO_HEADER_OUT);
	else
		ms_redact_http_line(&red, line, n);
	ms_text_add_line(&clean, red.data ? red.data : "", red.len);
	fprintf(stderr, "%s %s\n", type == CURLINFO_TEXT ? "*" :
		type == CURLINFO_HEADER_IN ? "<" : ">", ms_buf_str(&clean));
	ms_buf_free(&red);
	ms_buf_free(&clean);
}

/* libcurl's CURLOPT_DEBUGFUNCTION: notes and headers, line by line; bodies are left out. */
static int on_trace(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
	struct handle_state *st = arg;
	size_t i = 0;

	(void)curl;
	if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT)
		return 0;
	while (i < size) {
		const char *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) : size;
		size_t len = end - i;
		if (len > 0 && data[i + len - 1] == '\r')
			len--;
		if (len > 0)
			trace_line(st, type, data + i, len);
		i = end + 1;
	}
	return 0;
}

void ms_curl_trace(CURL *curl, enum ms_curl_protocol protocol)
{
	struct handle_state *st = NULL;

	curl_easy_getinfo(curl, CURLINFO_PRIVATE, (char **)&st);
	if (!st)
		return;
	st->protocol = protocol;
	memset(&st->imap, 0, sizeof(st->imap));
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_trace);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, st);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
}

static enum ms_curl_failure classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return MS_CURL_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return MS_CURL_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:	/* STARTTLS required and not offered */
		return MS_CURL_TLS;
	case CURLE_OPERATION_TIMEDOUT:
		return MS_CURL_TIMEOUT;
	case CURLE_LOGIN_DENIED:
		return MS_CURL_LOGIN;
	case CURLE_WRITE_ERROR:
		return MS_CURL_TOO_LARGE;	/* only our write callbacks refuse */
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_QUOTE_ERROR:
	case CURLE_REMOTE_FILE_NOT_FOUND:
		return MS_CURL_PROTOCOL;
	default:
		return MS_CURL_OTHER;
	}
}

const char *ms_curl_reason(CURL *curl)
{
	struct handle_state *st = NULL;

	curl_easy_getinfo(curl, CURLINFO_PRIVATE, (char **)&st);
	return st ? st->errbuf : "";
}

enum ms_curl_failure ms_curl_describe(CURL *curl, CURLcode rc, struct ms_buf *err)
{
	enum ms_curl_failure kind = classify(rc);

	if (kind == MS_CURL_TIMEOUT && ms_deadline_at() - ms_now_ms() <= DEADLINE_SLACK_MS)
		await_deadline();
	/* libcurl's own sentence is the most precise; it may quote the peer */
	const char *reason = ms_curl_reason(curl);
	const char *why = reason[0] ? reason : curl_easy_strerror(rc);
	/*
	 * libcurl before 8.6 fails a header line over its 100 KB buffer with
	 * a bare CURLE_OUT_OF_MEMORY: a peer's doing far more often than ours.
	 */
	if (rc == CURLE_OUT_OF_MEMORY && !reason[0])
		why = "Out of memory (what libcurl says for a header line over its 100 KB "
		      "limit, or memory ran out)";
	struct ms_buf red = MS_BUF_INIT;
	ms_redact_text(&red, why, strlen(why));
	ms_text_add_line(err, red.data ? red.data : "", red.len);
	ms_buf_free(&red);
	return kind;
}

enum ms_curl_failure ms_curl_fail(struct ms_buf *err, enum ms_curl_failure kind,
				  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(err, fmt, ap);
	va_end(ap);
	return kind;
}
