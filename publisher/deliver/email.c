/*
 * email: the e-mail channel. See email.h and delivery.h.
 *
 * start composes the whole message (mail_message.h) and hands libcurl a
 * handle that uploads it; libcurl passes every reply line of the relay
 * to the header callback, where the last reply is kept for the reason.
 * libcurl's verbose mode is never turned on: its trace would hold the
 * AUTH exchange.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "email.h"
#include "mail_message.h"
#include "text.h"
#include "xalloc.h"

#define REPLY_MAX 400		/* bytes of the relay's last reply kept */
#define PASSWORD_MAX 512

struct pub_channel_transfer {
	CURL *curl;
	struct curl_slist *rcpt;
	struct ms_buf message;
	size_t sent;
	struct ms_buf reply;	/* the relay's reply being read, its lines joined by a space */
	bool reply_ended;	/* the last line seen ended a reply ("250 ...", not "250-") */
	struct ms_buf refusal;	/* the last reply that was 4xx or 5xx */
	char curl_error[CURL_ERROR_SIZE];
};

static size_t read_message(char *buf, size_t size, size_t n, void *data)
{
	struct pub_channel_transfer *t = data;
	size_t left = t->message.len - t->sent, want = size * n;

	if (want > left)
		want = left;
	memcpy(buf, t->message.data + t->sent, want);
	t->sent += want;
	return want;
}

/*
 * A line of the relay's reply ("250-PIPELINING", "550 5.1.1 ..."). A
 * line after one that ended a reply begins the next reply. A refusal is
 * kept apart: after it libcurl still says QUIT, whose "221 Bye" is no
 * reason.
 */
static size_t reply_line(char *line, size_t size, size_t n, void *data)
{
	struct pub_channel_transfer *t = data;
	size_t len = size * n, keep;

	if (t->reply_ended) {
		ms_buf_reset(&t->reply);
		t->reply_ended = false;
	}
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	t->reply_ended = len < 4 || line[3] != '-';
	if (t->reply.len < REPLY_MAX) {
		if (t->reply.len > 0)
			ms_buf_putc(&t->reply, ' ');
		keep = ms_utf8_prefix(line, len, REPLY_MAX - t->reply.len);
		ms_text_add_line(&t->reply, line, keep);
	}
	if (t->reply_ended && t->reply.len > 0 &&
	    (t->reply.data[0] == '4' || t->reply.data[0] == '5')) {
		ms_buf_reset(&t->refusal);
		ms_buf_add(&t->refusal, t->reply.data, t->reply.len);
	}
	return size * n;
}

static void free_transfer(struct pub_channel_transfer *t)
{
	if (t == NULL)
		return;
	if (t->curl)
		curl_easy_cleanup(t->curl);
	curl_slist_free_all(t->rcpt);
	ms_buf_free(&t->message);
	ms_buf_free(&t->reply);
	ms_buf_free(&t->refusal);
	free(t);
}

/* The relay's login: user and the first line of password_file. */
static bool set_login(CURL *c, const struct pub_smtp *smtp, struct ms_buf *err)
{
	char password[PASSWORD_MAX];

	if (smtp->user == NULL)
		return true;
	if (smtp->password_file == NULL) {
		ms_buf_puts(err, "[smtp] has user but no password_file");
		return false;
	}
	if (!pub_secret_read("password_file", smtp->password_file, password,
			     sizeof(password), err))
		return false;
	curl_easy_setopt(c, CURLOPT_USERNAME, smtp->user);
	curl_easy_setopt(c, CURLOPT_PASSWORD, password);	/* libcurl keeps a copy */
	memset(password, 0, sizeof(password));
	return true;
}

static void set_transport(CURL *c, const struct pub_smtp *smtp)
{
	curl_easy_setopt(c, CURLOPT_URL, smtp->url);
#if LIBCURL_VERSION_NUM >= 0x075500	/* as webhook.c: older libcurl has no _STR */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
	/* the deliver loop sets the timeouts (deliver_timeout) and NOSIGNAL */
	/* STARTTLS or nothing; smtps:// is TLS from the first byte anyway */
	curl_easy_setopt(c, CURLOPT_USE_SSL, smtp->insecure ? (long)CURLUSESSL_TRY
							    : (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, smtp->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, smtp->insecure ? 0L : 2L);
	if (smtp->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, smtp->ca_file);
}

static struct pub_channel_transfer *email_start(const struct pub_subscriber *sub,
						const struct pub_smtp *smtp,
						const struct pub_delivery_item *item,
						time_t now, CURL **handle, struct ms_buf *err)
{
	struct pub_channel_transfer *t;
	struct pub_mail_envelope env;
	struct ms_buf addr = MS_BUF_INIT;

	(void)now;
	if (smtp == NULL) {
		ms_buf_puts(err, "there is no [smtp] section to send e-mail through");
		return NULL;
	}
	t = ms_xcalloc(1, sizeof(*t));
	env = (struct pub_mail_envelope){ smtp->site_title, smtp->site_url, smtp->from,
					  sub->target, smtp->list_unsubscribe };
	if (!pub_mail_compose(&env, item, &t->message, err))
		goto fail;
	if ((t->curl = curl_easy_init()) == NULL) {
		ms_buf_puts(err, "libcurl cannot make a handle (out of memory)");
		goto fail;
	}
	if (!set_login(t->curl, smtp, err))
		goto fail;
	set_transport(t->curl, smtp);
	ms_buf_printf(&addr, "<%s>", smtp->from);
	curl_easy_setopt(t->curl, CURLOPT_MAIL_FROM, addr.data);
	ms_buf_reset(&addr);
	ms_buf_printf(&addr, "<%s>", sub->target);
	if ((t->rcpt = curl_slist_append(NULL, addr.data)) == NULL)
		ms_oom();
	ms_buf_free(&addr);
	curl_easy_setopt(t->curl, CURLOPT_MAIL_RCPT, t->rcpt);
	curl_easy_setopt(t->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(t->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->message.len);
	curl_easy_setopt(t->curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(t->curl, CURLOPT_READDATA, t);
	curl_easy_setopt(t->curl, CURLOPT_HEADERFUNCTION, reply_line);
	curl_easy_setopt(t->curl, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, t->curl_error);
	*handle = t->curl;
	return t;
fail:
	ms_buf_free(&addr);
	free_transfer(t);
	return NULL;
}

/* The relay's reply, or libcurl's words when it gave none. */
static void add_reply(struct ms_buf *err, long code, const char *reply, const char *curl_error)
{
	if (reply && *reply)
		ms_buf_printf(err, "'%s'", reply);
	else if (code > 0)
		ms_buf_printf(err, "%ld (%s)", code, curl_error && *curl_error ? curl_error : "no text");
	else
		ms_buf_puts(err, curl_error && *curl_error ? curl_error : "no reply");
}

enum pub_delivery_outcome pub_email_classify(CURLcode rc, long code, const char *reply,
					     const char *curl_error, struct ms_buf *err)
{
	const char *words = curl_error && *curl_error ? curl_error : curl_easy_strerror(rc);

	if (rc == CURLE_OK)
		return PUB_DELIVERED;
	switch (rc) {
	case CURLE_USE_SSL_FAILED:
		ms_buf_puts(err, "the relay offers no STARTTLS, and [smtp] requires it: give it "
			    "a certificate, or set insecure = yes where the way to it is private");
		return PUB_DELIVERY_RETRY;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		ms_buf_printf(err, "TLS with the relay failed: %s (ca_file names the CA that "
			      "signed its certificate)", words);
		return PUB_DELIVERY_RETRY;
	case CURLE_LOGIN_DENIED:
		ms_buf_puts(err, "the relay refused the login of [smtp] user: ");
		add_reply(err, code, reply, curl_error);
		ms_buf_puts(err, "; check user and password_file");
		return PUB_DELIVERY_RETRY;
	default:
		break;
	}
	if (code >= 500 && code <= 599) {
		ms_buf_puts(err, "the relay refused the message for good: ");
		add_reply(err, code, reply, curl_error);
		return PUB_DELIVERY_FAILED;
	}
	if (code >= 400 && code <= 499) {
		ms_buf_puts(err, "the relay deferred the message: ");
		add_reply(err, code, reply, curl_error);
		return PUB_DELIVERY_RETRY;
	}
	ms_buf_printf(err, "cannot send through the relay: %s", words);
	return PUB_DELIVERY_RETRY;
}

static enum pub_delivery_outcome email_outcome(struct pub_channel_transfer *t, CURLcode rc,
					       struct ms_buf *err)
{
	long code = 0;

	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
	return pub_email_classify(rc, code, code >= 400 ? ms_buf_str(&t->refusal) : NULL,
				  t->curl_error, err);
}

const struct pub_channel pub_email_channel = {
	.start = email_start,
	.outcome = email_outcome,
	.done = free_transfer,
};
