/*
 * redact: secrets out of what a plugin shows. See redact.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "redact.h"

/* Parts of names that hold secrets: _pass, roundcube_sessid, _token, X-Auth-Token, api_key. */
static const char *const secret_words[] = {
	"pass", "pwd", "token", "sess", "auth", "secret", "key", "csrf", "xsrf", "sig",
};

/* Headers that carry a secret under a name that does not say so. */
static const char *const secret_headers[] = {
	"x-roundcube-request",	/* Roundcube's CSRF token */
};

static bool contains_ci(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(s + i, word, w) == 0)
			return true;
	return false;
}

static bool equals_ci(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

bool ms_redact_secret_name(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
		if (contains_ci(name, n, secret_words[i]))
			return true;
	for (size_t i = 0; i < sizeof(secret_headers) / sizeof(secret_headers[0]); i++)
		if (equals_ci(name, n, secret_headers[i]))
			return true;
	return false;
}

/* Where a parameter's value, or a URL's authority, ends. */
static bool ends_value(char c)
{
	return c == '\0' || strchr("&;# \t\r\n'\"<>,()[]{}|\\", c) != NULL;
}

static bool ends_authority(char c)
{
	return strchr("/?#", c) != NULL || ends_value(c);
}

/*
 * At s[i] (just after "://"): copies the authority with a password in its
 * userinfo replaced; returns where the authority ends.
 */
static size_t redact_authority(struct ms_buf *b, const char *s, size_t n, size_t i)
{
	size_t end = i, at = 0, colon = 0;
	bool has_at = false, has_colon = false;

	while (end < n && !ends_authority(s[end])) {
		if (s[end] == '@') {
			at = end;
			has_at = true;
		}
		end++;
	}
	if (has_at) {
		for (size_t k = i; k < at; k++)
			if (s[k] == ':') {
				colon = k;
				has_colon = true;
				break;
			}
	}
	if (!has_colon) {
		ms_buf_add(b, s + i, end - i);
		return end;
	}
	ms_buf_add(b, s + i, colon + 1 - i);
	ms_buf_puts(b, MS_REDACTED);
	ms_buf_add(b, s + at, end - at);
	return end;
}

/*
 * At s[i], the start of a possible "name=value": copies it with a secret
 * value replaced and returns where it ends; returns i when there is no
 * secret parameter there (nothing copied).
 */
static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("_-.[]", c) != NULL);
}

static size_t redact_param(struct ms_buf *b, const char *s, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && is_name_char(s[k]))
		k++;
	if (k == i || k >= n || s[k] != '=' || !ms_redact_secret_name(s + i, k - i))
		return i;
	ms_buf_add(b, s + i, k + 1 - i);
	ms_buf_puts(b, MS_REDACTED);
	for (k++; k < n && !ends_value(s[k]); k++)
		;
	return k;
}

void ms_redact_text(struct ms_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t next;
		if (i == 0 && (next = redact_param(b, s, n, 0)) > 0) {
			i = next;
		} else if (n - i >= 3 && memcmp(s + i, "://", 3) == 0) {
			ms_buf_add(b, "://", 3);
			i = redact_authority(b, s, n, i + 3);
		} else if (strchr("?&;", s[i]) != NULL && s[i] != '\0') {
			ms_buf_putc(b, s[i]);
			i++;
			i = redact_param(b, s, n, i);
		} else {
			ms_buf_putc(b, s[i]);
			i++;
		}
	}
}

/* Cookie: a=1; b=2 -> every value replaced; Set-Cookie: only the first pair's. */
static void redact_cookies(struct ms_buf *b, const char *s, size_t n, bool all)
{
	size_t i = 0;

	while (i < n) {
		size_t start = i;
		while (i < n && s[i] == ' ')
			i++;
		size_t semi = i;
		while (semi < n && s[semi] != ';')
			semi++;
		const char *eq = memchr(s + i, '=', semi - i);
		if (eq) {
			ms_buf_add(b, s + start, (size_t)(eq - s) + 1 - start);
			ms_buf_puts(b, MS_REDACTED);
		} else {
			ms_buf_add(b, s + start, semi - start);
		}
		i = semi;
		if (!all) {
			ms_redact_text(b, s + i, n - i);	/* path=/; HttpOnly */
			return;
		}
		if (i < n)
			ms_buf_putc(b, s[i++]);
	}
}

void ms_redact_http_line(struct ms_buf *b, const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[k] != ':' && s[k] != ' ' && s[k] != '\t')
		k++;
	if (k == 0 || k >= n || s[k] != ':') {
		ms_redact_text(b, s, n);	/* a request or status line */
		return;
	}
	size_t v = k + 1;
	while (v < n && (s[v] == ' ' || s[v] == '\t'))
		v++;
	ms_buf_add(b, s, v);
	if (equals_ci(s, k, "cookie"))
		redact_cookies(b, s + v, n - v, true);
	else if (equals_ci(s, k, "set-cookie"))
		redact_cookies(b, s + v, n - v, false);
	else if (equals_ci(s, k, "authorization") || equals_ci(s, k, "proxy-authorization") ||
		 ms_redact_secret_name(s, k))
		ms_buf_puts(b, MS_REDACTED);
	else
		ms_redact_text(b, s + v, n - v);
}

/* The n bytes of s up to the next space, from i. */
static size_t word_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

static void redact_client_imap(struct ms_buf *b, struct ms_redact_imap *st, const char *s,
			       size_t n)
{
	bool literal = n > 0 && s[n - 1] == '}';

	if (st->secret_next) {
		ms_buf_puts(b, MS_REDACTED);	/* a SASL response or a literal */
		return;
	}
	size_t tag = word_end(s, n, 0);
	if (tag >= n) {
		/* no command: a SASL response (or "*", its cancellation) */
		ms_buf_puts(b, n == 1 && s[0] == '*' ? "*" : MS_REDACTED);
		return;
	}
	size_t cmd = word_end(s, n, tag + 1);
	if (equals_ci(s + tag + 1, cmd - tag - 1, "AUTHENTICATE")) {
		size_t mech = word_end(s, n, cmd < n ? cmd + 1 : n);
		ms_buf_add(b, s, mech);
		if (mech < n)
			ms_buf_puts(b, " " MS_REDACTED);
		st->secret_next = true;	/* until the server's tagged answer */
	} else if (equals_ci(s + tag + 1, cmd - tag - 1, "LOGIN")) {
		ms_buf_add(b, s, cmd);
		ms_buf_puts(b, " " MS_REDACTED);
		st->secret_next = literal;
	} else {
		ms_redact_text(b, s, n);
	}
}

void ms_redact_imap_line(struct ms_buf *b, struct ms_redact_imap *st, const char *s, size_t n,
			 bool from_client)
{
	if (from_client) {
		redact_client_imap(b, st, s, n);
		return;
	}
	/* a tagged answer ends a SASL exchange or a literal */
	if (n > 0 && s[0] != '*' && s[0] != '+')
		st->secret_next = false;
	ms_redact_text(b, s, n);
}

/*
 * libcurl names HTTP/2 headers in its notes: "h2h3 [cookie: a=b]" (7.88),
 * "[HTTP/2] [1] [cookie: a=b]" (8.x). Each bracket holding "name: value"
 * is redacted as a header line, the rest as text.
 */
static void redact_brackets(struct ms_buf *b, const char *s, size_t n)
{
	size_t i = 0, start = 0;

	while (i < n) {
		const char *close = s[i] == '[' ? memchr(s + i + 1, ']', n - i - 1) : NULL;
		size_t inner = close ? (size_t)(close - s) - i - 1 : 0;
		if (!close || !memchr(s + i + 1, ':', inner)) {
			i++;
			continue;
		}
		ms_redact_text(b, s + start, i - start);
		ms_buf_putc(b, '[');
		ms_redact_http_line(b, s + i + 1, inner);
		ms_buf_putc(b, ']');
		i = (size_t)(close - s) + 1;
		start = i;
	}
	ms_redact_text(b, s + start, n - start);
}

void ms_redact_curl_text(struct ms_buf *b, const char *s, size_t n)
{
	struct ms_buf quoted = MS_BUF_INIT;
	const char *text = s;
	size_t len = n;

	/* Added cookie roundcube_sessid="VALUE" for domain ... */
	if (contains_ci(s, n, "cookie")) {
		for (size_t i = 0; i < n; i++) {
			ms_buf_putc(&quoted, s[i]);
			if (s[i] != '"')
				continue;
			const char *close = memchr(s + i + 1, '"', n - i - 1);
			ms_buf_puts(&quoted, MS_REDACTED "\"");
			i = close ? (size_t)(close - s) : n;
		}
		text = quoted.data ? quoted.data : "";
		len = quoted.len;
	}
	redact_brackets(b, text, len);
	ms_buf_free(&quoted);
}
