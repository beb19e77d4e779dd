/*
 * smtp: the client side of an SMTP session, for probes that never send
 * DATA (greeting, EHLO, STARTTLS, MAIL, RCPT, RSET, QUIT).
 *
 * Replies are read with the multi-line rules of RFC 5321 (every line
 * "NNN-text" but the last "NNN text", all with the same code) and the
 * enhanced status code of RFC 3463/2034 ("4.2.0") is taken from the
 * first line. The parser is fed one line at a time, so it can be tested
 * without a peer, and distrusts every byte: a line that is not a reply
 * line, mixed codes, a NUL or a reply without end are malformed.
 *
 * Calls that talk to the peer return MS_NET_OK or the kind of failure, with
 * its sentence added to err: network failures keep their MS_NET_* code, a
 * malformed reply is MS_NET_SYSTEM with a sentence that quotes the peer, a
 * refused STARTTLS is MS_NET_TLS.
 */
#ifndef MS_SMTP_H
#define MS_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconn.h"
#include "strbuf.h"
#include "tls.h"

/* Longest reply line accepted (RFC 5321 allows 512), most lines per reply. */
#define MS_SMTP_LINE_MAX 2048
#define MS_SMTP_REPLY_LINES_MAX 128

struct ms_smtp_reply {
	int code;		/* 200-559; 0 before the first line */
	char enhanced[12];	/* "4.2.0" from the first line, or "" */
	struct ms_buf text;	/* each line's text without code and enhanced code, "\n"-joined */
	size_t lines;
	bool complete;
};

enum ms_smtp_feed {
	MS_SMTP_MORE,		/* a continuation line: feed the next */
	MS_SMTP_DONE,		/* the last line of the reply */
	MS_SMTP_BAD		/* malformed: err says why */
};

void ms_smtp_reply_init(struct ms_smtp_reply *r);
void ms_smtp_reply_free(struct ms_smtp_reply *r);

/* Feeds one line (without its line end; may hold NUL bytes). */
enum ms_smtp_feed ms_smtp_reply_feed(struct ms_smtp_reply *r, const char *line, size_t len,
				     struct ms_buf *err);

/*
 * The reply on one line for a status message, "450 4.2.0 text more text",
 * at most max bytes of text (cut on a character boundary, "..." added).
 * Appended to out; control characters are left to the output layer.
 */
void ms_smtp_reply_describe(const struct ms_smtp_reply *r, struct ms_buf *out, size_t max);

/* true when an EHLO reply announces keyword (e.g. "STARTTLS"), any case. */
bool ms_smtp_has_extension(const struct ms_smtp_reply *ehlo, const char *keyword);

/* What a reply to RCPT TO means to a greylisting probe. */
enum ms_smtp_rcpt {
	MS_RCPT_ACCEPTED,	/* 2NN */
	MS_RCPT_GREYLISTED,	/* 4NN with 4.2.0, or with "greylist" in its words */
	MS_RCPT_POLICY_DOWN,	/* 451 4.3.5: Postfix lost its policy service */
	MS_RCPT_DEFERRED,	/* any other 4NN */
	MS_RCPT_REJECTED	/* 5NN (or anything else) */
};

enum ms_smtp_rcpt ms_smtp_classify_rcpt(const struct ms_smtp_reply *r);

/* Reads one whole reply (replacing r's contents). */
enum ms_net_error ms_smtp_read_reply(struct ms_conn *c, struct ms_smtp_reply *r,
				     int64_t deadline, struct ms_buf *err);

/*
 * Sends "command\r\n" and reads the reply. A command holding CR, LF or
 * NUL is refused before anything is sent (it would smuggle a second one).
 */
enum ms_net_error ms_smtp_command(struct ms_conn *c, const char *command,
				  struct ms_smtp_reply *r, int64_t deadline, struct ms_buf *err);

/* "MAIL FROM:<sender>" and "RCPT TO:<recipient>". */
enum ms_net_error ms_smtp_mail_from(struct ms_conn *c, const char *sender,
				    struct ms_smtp_reply *r, int64_t deadline,
				    struct ms_buf *err);
enum ms_net_error ms_smtp_rcpt_to(struct ms_conn *c, const char *recipient,
				  struct ms_smtp_reply *r, int64_t deadline, struct ms_buf *err);

/*
 * STARTTLS and the TLS handshake. A reply other than 220 is MS_NET_TLS
 * with the peer's words; r holds the reply either way. EHLO must be sent
 * again afterwards (RFC 3207).
 */
enum ms_net_error ms_smtp_starttls(struct ms_conn *c, const struct ms_tls_opts *opts,
				   struct ms_smtp_reply *r, int64_t deadline,
				   struct ms_buf *err);

/*
 * RSET and QUIT, best effort (the probe's verdict is already known), then
 * closes the connection.
 */
void ms_smtp_goodbye(struct ms_conn *c, int64_t deadline);

#endif
