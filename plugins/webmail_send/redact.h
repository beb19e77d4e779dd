/*
 * redact: secrets out of what a plugin shows.
 *
 * check_webmail_send shows URLs in its messages, and with -vvv libcurl's
 * trace of every HTTP header and IMAP command. Passwords, base64 logins
 * (AUTHENTICATE PLAIN), session cookies, CSRF tokens and Authorization
 * headers must appear in none of it: each is replaced by "[redacted]"
 * where it stands, so the trace still shows which request carried what.
 *
 * What counts as secret is decided by names (a cookie's value, a query
 * parameter or header whose name says token, session, pass, auth, key,
 * secret, csrf) and by place (a URL's password, the arguments of LOGIN
 * and AUTHENTICATE, every client line of a SASL exchange), never by what
 * the value looks like. Input is outside bytes; output is never longer
 * than the input plus one "[redacted]" per field.
 */
#ifndef MS_REDACT_H
#define MS_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define MS_REDACTED "[redacted]"

/* True for a parameter, cookie or header name that holds a secret ("_token", "roundcube_sessid"). */
bool ms_redact_secret_name(const char *name, size_t n);

/*
 * Free text with URLs in it (an error message, a Location): a URL's
 * password (scheme://user:PASSWORD@host) and the values of secret query
 * parameters (?_task=mail&_token=VALUE) are replaced.
 */
void ms_redact_text(struct ms_buf *b, const char *s, size_t n);

/*
 * One HTTP request, status or header line, either way: Cookie values,
 * the value of Set-Cookie, Authorization, Proxy-Authorization and
 * secret-named headers (X-Roundcube-Request) are replaced; URLs as above.
 */
void ms_redact_http_line(struct ms_buf *b, const char *s, size_t n);

/* What an IMAP exchange has shown so far; zero it for a new connection. */
struct ms_redact_imap {
	bool secret_next;	/* the client's next lines answer a SASL challenge or send a literal */
};

/*
 * One IMAP line, from_client or from the server: the arguments of LOGIN
 * and AUTHENTICATE's initial response, every client line of a SASL
 * exchange or literal, and any client line that is not a tagged command
 * are replaced; the rest as ms_redact_text.
 */
void ms_redact_imap_line(struct ms_buf *b, struct ms_redact_imap *st, const char *s, size_t n,
			 bool from_client);

/*
 * One of libcurl's informational lines: "Added cookie NAME=\"VALUE\" ...",
 * and the HTTP/2 headers it names in brackets ("h2h3 [cookie: a=b]").
 */
void ms_redact_curl_text(struct ms_buf *b, const char *s, size_t n);

#endif
