/*
 * webmail: logging into a webmail and sending a message, as a user would.
 *
 * Each webmail (Roundcube now; SOGo, SnappyMail or a generic form flow
 * later) implements these operations in a module of its own and is
 * listed in webmail.c; the plugin sees only this interface. A flow names
 * its current step with ms_step() before every request, so the timeout
 * message says where it was, and classifies the webmail's answers into
 * the failures below by what the webmail means (its command and message
 * keys), not by wording that changes with the language.
 *
 * A flow never retries a refused login: webmails lock accounts after a
 * few failures a minute.
 */
#ifndef MS_WEBMAIL_H
#define MS_WEBMAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "httpclient.h"

enum ms_wm_failure {
	MS_WM_OK = 0,
	MS_WM_UNREACHABLE,	/* no HTTP answer, or an HTTP error status */
	MS_WM_LOGIN_FAILED,	/* the credentials were refused (or the account locked) */
	MS_WM_STORAGE,		/* the webmail cannot reach its IMAP server */
	MS_WM_FLOW,		/* our flow broke: token, cookie, unexpected page */
	MS_WM_SEND_FAILED,	/* the webmail refused to send (SMTP error...) */
};

/* What the user sees after logging in. */
struct ms_wm_mailbox {
	size_t folders;		/* folders in the folder list */
	bool has_inbox;
	long inbox_messages;	/* as the message list says; -1 when unknown */
};

struct ms_wm_message {
	const char *to;
	const char *subject;
	const char *body;
	size_t attach_size;	/* > 0: attach a generated file of this size */
};

struct ms_wm_sent {
	char saved_in[256];	/* the folder a copy was saved in, or "" */
};

struct ms_webmail;

/*
 * Each operation that can fail returns MS_WM_OK or the failure, and then
 * adds a sentence (what the webmail said, cleaned, secrets redacted) to
 * err.
 */
struct ms_webmail_ops {
	const char *name;
	/* A session on base_url over http, in *wm. */
	enum ms_wm_failure (*open)(struct ms_http *http, const char *base_url,
				   struct ms_webmail **wm, struct ms_buf *err);
	enum ms_wm_failure (*login)(struct ms_webmail *wm, const char *user,
				    const char *password, struct ms_buf *err);
	/* Loads the folder list and the inbox's message list. */
	enum ms_wm_failure (*mailbox)(struct ms_webmail *wm, struct ms_wm_mailbox *mb,
				      struct ms_buf *err);
	enum ms_wm_failure (*send)(struct ms_webmail *wm, const struct ms_wm_message *msg,
				   struct ms_wm_sent *sent, struct ms_buf *err);
	/* Best effort: a failed logout changes no verdict. */
	void (*logout)(struct ms_webmail *wm);
	void (*close)(struct ms_webmail *wm);
};

/* The flow for a webmail by name ("roundcube"), or NULL. */
const struct ms_webmail_ops *ms_webmail_find(const char *name);

/* The names ms_webmail_find knows, for messages: "roundcube". */
const char *ms_webmail_names(void);

/*
 * Adds a printf-formatted sentence to err, cleaned for output, with the
 * secrets of any URL in it redacted (plugins/webmail_send/redact.h) and
 * cut to 639 bytes at a character's end; returns kind.
 */
enum ms_wm_failure ms_wm_fail(struct ms_buf *err, enum ms_wm_failure kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends n bytes of generated attachment content (printable, fixed). */
void ms_wm_attachment(struct ms_buf *b, size_t n);

#endif
