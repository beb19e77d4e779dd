/*
 * policy: the Postfix policy delegation protocol. See policy.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "text.h"
#include "xalloc.h"

/* How much of a bad line an error message quotes. */
#define QUOTE_MAX 120

/* A value may not end the line or the request early. */
static bool value_safe(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

static void add_attr(struct ms_buf *b, const char *name, const char *value)
{
	ms_buf_printf(b, "%s=%s\n", name, value ? value : "");
}

bool ms_policy_format_request(struct ms_buf *b, const struct ms_policy_request *rq,
			      struct ms_buf *err)
{
	const struct { const char *name, *value; bool required; } check[] = {
		{ "client_address", rq->client_address, true },
		{ "client_name", rq->client_name, false },
		{ "helo_name", rq->helo_name, true },
		{ "sender", rq->sender, true },
		{ "recipient", rq->recipient, true },
		{ "instance", rq->instance, false },
	};

	for (size_t i = 0; i < sizeof(check) / sizeof(check[0]); i++) {
		if (!check[i].value && check[i].required) {
			ms_buf_printf(err, "the policy request needs a %s", check[i].name);
			return false;
		}
		if (check[i].value && !value_safe(check[i].value)) {
			ms_buf_printf(err, "the %s for the policy request holds a line break",
				      check[i].name);
			return false;
		}
	}
	const char *client_name = rq->client_name ? rq->client_name : "unknown";

	/*
	 * The attributes of a Postfix 3.x RCPT-stage request, in its order.
	 * postgrey only adds "4.2.0" to its reply when etrn_domain is
	 * present, so even the empty ones matter.
	 */
	add_attr(b, "request", "smtpd_access_policy");
	add_attr(b, "protocol_state", "RCPT");
	add_attr(b, "protocol_name", "ESMTP");
	add_attr(b, "helo_name", rq->helo_name);
	add_attr(b, "queue_id", "");
	add_attr(b, "sender", rq->sender);
	add_attr(b, "recipient", rq->recipient);
	add_attr(b, "recipient_count", "0");
	add_attr(b, "client_address", rq->client_address);
	add_attr(b, "client_name", client_name);
	add_attr(b, "reverse_client_name", client_name);
	add_attr(b, "instance", rq->instance);
	add_attr(b, "sasl_method", "");
	add_attr(b, "sasl_username", "");
	add_attr(b, "sasl_sender", "");
	add_attr(b, "size", "0");
	add_attr(b, "ccert_subject", "");
	add_attr(b, "ccert_issuer", "");
	add_attr(b, "ccert_fingerprint", "");
	add_attr(b, "ccert_pubkey_fingerprint", "");
	add_attr(b, "encryption_protocol", "");
	add_attr(b, "encryption_cipher", "");
	add_attr(b, "encryption_keysize", "0");
	add_attr(b, "etrn_domain", "");
	add_attr(b, "stress", "");
	add_attr(b, "client_port", "0");
	add_attr(b, "policy_context", "");
	add_attr(b, "server_address", "");
	add_attr(b, "server_port", "25");
	if (rq->test_time > 0)
		ms_buf_printf(b, "policy_test_time=%" PRId64 "\n", rq->test_time);
	ms_buf_putc(b, '\n');
	return true;
}

/* true when word (n bytes) is name, ignoring case. */
static bool word_is(const char *word, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(word, name, n) == 0;
}

/* A bare SMTP reply code "NNN" as Postfix accepts it in an action. */
static bool is_smtp_code(const char *word, size_t n, char first)
{
	return n == 3 && word[0] == first && word[1] >= '0' && word[1] <= '9' &&
	       word[2] >= '0' && word[2] <= '9';
}

enum ms_policy_verdict ms_policy_classify(const char *action)
{
	/* what passes: the actions that let the mail through unchanged in intent */
	static const char *const passing[] = {
		"DUNNO", "OK", "PREPEND", "WARN", "INFO", "FILTER", "BCC",
	};
	size_t n = strcspn(action, " \t");

	if (word_is(action, n, "DEFER_IF_PERMIT") || word_is(action, n, "DEFER") ||
	    is_smtp_code(action, n, '4'))
		return MS_POLICY_DEFER;
	if (word_is(action, n, "REJECT") || is_smtp_code(action, n, '5'))
		return MS_POLICY_REJECT;
	for (size_t i = 0; i < sizeof(passing) / sizeof(passing[0]); i++)
		if (word_is(action, n, passing[i]))
			return MS_POLICY_PASS;
	/* DEFER_IF_REJECT, HOLD, DISCARD, REDIRECT, restriction names... */
	return MS_POLICY_OTHER;
}

void ms_policy_reply_init(struct ms_policy_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void ms_policy_reply_free(struct ms_policy_reply *r)
{
	free(r->action);
	ms_policy_reply_init(r);
}

/* The start of line, cleaned for an error message. */
static void quote_line(char *out, size_t size, const char *line, size_t len)
{
	char *clean = ms_text_clean(line, ms_utf8_prefix(line, len, QUOTE_MAX));

	snprintf(out, size, "'%s%s'", clean, len > QUOTE_MAX ? "..." : "");
	free(clean);
}

static enum ms_policy_feed bad(struct ms_buf *err, const char *what,
			       const char *line, size_t len)
{
	char quoted[QUOTE_MAX * 3 + 8];

	quote_line(quoted, sizeof(quoted), line, len);
	ms_buf_printf(err, "%s: %s", what, quoted);
	return MS_POLICY_BAD;
}

enum ms_policy_feed ms_policy_reply_feed(struct ms_policy_reply *r, const char *line,
					 size_t len, struct ms_buf *err)
{
	if (r->complete) {
		ms_buf_puts(err, "more lines after the end of the policy reply");
		return MS_POLICY_BAD;
	}
	r->lines++;
	if (len == 0) {
		if (!r->action) {
			ms_buf_puts(err, r->lines == 1
				    ? "the policy reply is empty (no action= line)"
				    : "the policy reply has no action= line");
			return MS_POLICY_BAD;
		}
		r->complete = true;
		return MS_POLICY_DONE;
	}
	if (r->lines > MS_POLICY_REPLY_LINES_MAX) {
		ms_buf_printf(err, "the policy reply has more than %d lines",
			      MS_POLICY_REPLY_LINES_MAX);
		return MS_POLICY_BAD;
	}
	if (len > MS_POLICY_LINE_MAX)
		return bad(err, "a policy reply line is too long", line, len);
	if (memchr(line, '\0', len))
		return bad(err, "the policy reply holds a NUL byte", line, len);

	const char *eq = memchr(line, '=', len);
	if (!eq || eq == line)
		return bad(err, "the policy reply is not name=value", line, len);
	if (!word_is(line, (size_t)(eq - line), "action"))
		return MS_POLICY_MORE;	/* attributes of later protocol versions */
	if (r->action)
		return bad(err, "the policy reply has a second action", line, len);
	const char *value = eq + 1, *end = line + len;
	while (value < end && (*value == ' ' || *value == '\t'))
		value++;
	if (value == end)
		return bad(err, "the policy reply has an empty action", line, len);
	r->action = ms_xstrndup(value, (size_t)(end - value));
	return MS_POLICY_MORE;
}

enum ms_net_error ms_policy_query(struct ms_conn *c, const struct ms_policy_request *rq,
				  struct ms_policy_reply *reply, int64_t deadline,
				  struct ms_buf *err)
{
	struct ms_buf req = MS_BUF_INIT, line = MS_BUF_INIT, why = MS_BUF_INIT;
	enum ms_net_error rc;

	ms_policy_reply_init(reply);
	if (!ms_policy_format_request(&req, rq, err)) {
		rc = MS_NET_SYSTEM;
		goto out;
	}
	rc = ms_conn_write(c, req.data, req.len, deadline, err);
	while (rc == MS_NET_OK) {
		rc = ms_conn_read_line(c, &line, MS_POLICY_LINE_MAX, deadline, err);
		if (rc != MS_NET_OK)
			break;
		enum ms_policy_feed f = ms_policy_reply_feed(reply, ms_buf_str(&line), line.len,
							     &why);
		if (f == MS_POLICY_DONE)
			break;
		if (f == MS_POLICY_BAD)
			rc = ms_net_fail(err, MS_NET_SYSTEM, "malformed reply from %s: %s", c->peer,
					 ms_buf_str(&why));
	}
out:
	ms_buf_free(&req);
	ms_buf_free(&line);
	ms_buf_free(&why);
	return rc;
}
