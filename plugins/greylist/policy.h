/*
 * policy: the Postfix SMTP access policy delegation protocol, client side.
 *
 * A request is a series of name=value lines ended by an empty line; the
 * reply is one "action=..." line, also ended by an empty line (see
 * Postfix's SMTPD_POLICY_README). Greylisters (postgrey, sqlgrey,
 * policyd) answer DUNNO to an incomplete request, so the writer always
 * sends the complete attribute set a Postfix 3.x smtpd sends at the RCPT
 * stage, with empty values for what a plain SMTP session does not have.
 *
 * The reply parser is fed one line at a time and never trusts the peer:
 * lines must be name=value, the reply must be short and carry an action.
 * ms_policy_query() does one whole exchange on a connection.
 */
#ifndef MS_POLICY_H
#define MS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconn.h"
#include "strbuf.h"

/* Longest reply line accepted, and most lines in one reply. */
#define MS_POLICY_LINE_MAX 4096
#define MS_POLICY_REPLY_LINES_MAX 32

/* What a delegated request says about the SMTP session. */
struct ms_policy_request {
	const char *client_address;	/* required */
	const char *client_name;	/* "unknown" when NULL */
	const char *helo_name;		/* required */
	const char *sender;		/* required; "" is the null sender */
	const char *recipient;		/* required */
	const char *instance;		/* Postfix's per-message id; NULL: empty */
	/* > 0: postgrey's policy_test_time (seconds since the epoch) */
	int64_t test_time;
};

/*
 * Appends the request to b. Returns false (b unchanged) with the reason
 * added to err when a value would break the protocol: a missing required
 * value, or a CR, LF or NUL inside one.
 */
bool ms_policy_format_request(struct ms_buf *b, const struct ms_policy_request *rq,
			      struct ms_buf *err);

/* What an action means for the mail it was asked about. */
enum ms_policy_verdict {
	MS_POLICY_DEFER,	/* DEFER_IF_PERMIT, DEFER, 4NN: greylisted */
	MS_POLICY_PASS,		/* DUNNO, OK, PREPEND, 2NN ...: let through */
	MS_POLICY_REJECT,	/* REJECT, 5NN */
	MS_POLICY_OTHER		/* anything else (HOLD, DISCARD, REDIRECT, ...) */
};

/* Classifies the text after "action=" (case does not matter). */
enum ms_policy_verdict ms_policy_classify(const char *action);

struct ms_policy_reply {
	char *action;		/* after "action=", as received; NULL until seen */
	size_t lines;		/* lines fed so far */
	bool complete;		/* the empty line was seen */
};

enum ms_policy_feed {
	MS_POLICY_MORE,		/* feed the next line */
	MS_POLICY_DONE,		/* reply complete: action is set */
	MS_POLICY_BAD		/* malformed: err says why */
};

void ms_policy_reply_init(struct ms_policy_reply *r);
void ms_policy_reply_free(struct ms_policy_reply *r);

/* Feeds one reply line (without its line end; may hold NUL bytes). */
enum ms_policy_feed ms_policy_reply_feed(struct ms_policy_reply *r, const char *line,
					 size_t len, struct ms_buf *err);

/*
 * Sends the request on c and reads the reply, each within deadline.
 * Returns MS_NET_OK or the kind of failure, with its sentence added to
 * err: network failures keep their MS_NET_* code, a malformed reply is
 * MS_NET_SYSTEM with a sentence quoting the peer.
 */
enum ms_net_error ms_policy_query(struct ms_conn *c, const struct ms_policy_request *rq,
				  struct ms_policy_reply *reply, int64_t deadline,
				  struct ms_buf *err);

#endif
