/*
 * mail_message: a post as an e-mail. See mail_message.h.
 *
 * Headers are written word by word through a small folder that breaks a
 * line before a word that would pass column 78; no word is longer than
 * a few hundred bytes (a title word over 68 characters makes the title
 * encoded-words, which can be cut anywhere between characters), so no
 * line passes 998. The parts are quoted-printable, which also keeps the
 * boundary out of them: a QP line never holds "=_", and the boundary
 * begins with it.
 */
#include "config.h"

#include <libxml/HTMLtree.h>
#include <string.h>

#include "dates.h"
#include "mail_message.h"
#include "page.h"
#include "text.h"
#include "xalloc.h"

#define FOLD_AT 78		/* RFC 5322's "SHOULD" line length */
#define QP_MAX 76		/* RFC 2045: a QP line, soft break '=' included */
#define ID_MAX 200		/* bytes of the delivery ID kept in Message-ID */
#define SLUG_MAX 64
#define BOUNDARY "=_mailstatus_alternative"

/* --- one line of text --------------------------------------------------- */

/*
 * s as one line: invalid UTF-8 replaced, control characters dropped,
 * every run of blanks, tabs, CRs and LFs one space, none at the ends.
 */
static char *one_line(const char *s)
{
	struct ms_buf clean = MS_BUF_INIT, out = MS_BUF_INIT;
	bool blank = false;

	ms_text_add_xml_safe(&clean, s ? s : "", s ? strlen(s) : 0);
	for (size_t i = 0; i < clean.len; i++) {
		char c = clean.data[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			blank = true;
			continue;
		}
		if (blank && out.len > 0)
			ms_buf_putc(&out, ' ');
		blank = false;
		ms_buf_putc(&out, c);
	}
	ms_buf_free(&clean);
	return ms_buf_steal(&out);
}

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* --- headers ------------------------------------------------------------ */

struct header {
	struct ms_buf *out;
	size_t col;		/* bytes on the current line */
	bool has_word;		/* the line holds a word after the name */
};

static void header_begin(struct header *h, struct ms_buf *out, const char *name)
{
	h->out = out;
	ms_buf_printf(out, "%s:", name);
	h->col = strlen(name) + 1;
	h->has_word = false;
}

/* " word", on a new line (folded) when it would pass FOLD_AT. */
static void header_word(struct header *h, const char *w, size_t n)
{
	if (h->has_word && h->col + 1 + n > FOLD_AT) {
		ms_buf_puts(h->out, "\r\n");
		h->col = 0;
	}
	ms_buf_putc(h->out, ' ');
	ms_buf_add(h->out, w, n);
	h->col += 1 + n;
	h->has_word = true;
}

static void header_end(struct header *h)
{
	ms_buf_puts(h->out, "\r\n");
}

static void base64(struct ms_buf *out, const unsigned char *s, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		ms_buf_putc(out, digits[(v >> 18) & 63]);
		ms_buf_putc(out, digits[(v >> 12) & 63]);
		ms_buf_putc(out, i + 1 < n ? digits[(v >> 6) & 63] : '=');
		ms_buf_putc(out, i + 2 < n ? digits[v & 63] : '=');
	}
}

/*
 * text (valid UTF-8, one line) as RFC 2047 encoded-words, each at most
 * 75 characters and cut between characters, folded between words.
 */
static void encoded_words(struct header *h, const char *text)
{
	const size_t overhead = 12;	/* "=?utf-8?B?" and "?=" */
	size_t n = strlen(text), at = 0;
	struct ms_buf w = MS_BUF_INIT;

	while (at < n) {
		size_t room = h->col + 1 < FOLD_AT ? FOLD_AT - h->col - 1 : 0, bytes, take;

		if (room > 75)
			room = 75;
		bytes = room > overhead ? (room - overhead) / 4 * 3 : 0;
		take = ms_utf8_prefix(text + at, n - at, bytes);
		if (take == 0 && h->has_word) {
			/* not even a character fits here: begin the next line */
			ms_buf_puts(h->out, "\r\n");
			h->col = 0;
			continue;
		}
		if (take == 0)	/* a name so long no character fits: cannot happen */
			take = ms_utf8_prefix(text + at, n - at, 45);
		ms_buf_reset(&w);
		ms_buf_puts(&w, "=?utf-8?B?");
		base64(&w, (const unsigned char *)text + at, take);
		ms_buf_puts(&w, "?=");
		header_word(h, w.data, w.len);
		at += take;
	}
	ms_buf_free(&w);
}

/* Plain words are kept as they are; otherwise the text is encoded. */
static bool needs_encoding(const char *text)
{
	size_t word = 0;

	if (!printable_ascii(text) || strstr(text, "=?") != NULL)
		return true;
	for (; *text; text++) {
		word = *text == ' ' ? 0 : word + 1;
		if (word > 68)
			return true;	/* could not be folded to fit 78 */
	}
	return false;
}

/* An unstructured header's text (Subject), folded between words. */
static void header_text(struct header *h, const char *text)
{
	if (needs_encoding(text)) {
		encoded_words(h, text);
		return;
	}
	while (*text) {
		size_t n = strcspn(text, " ");

		header_word(h, text, n);
		text += n;
		text += *text == ' ';
	}
}

/* A display name: a quoted-string when it is short ASCII, else encoded-words. */
static void header_phrase(struct header *h, const char *text)
{
	struct ms_buf q = MS_BUF_INIT;

	if (*text != '\0' && !needs_encoding(text)) {
		ms_buf_putc(&q, '"');
		for (const char *s = text; *s; s++) {
			if (*s == '"' || *s == '\\')
				ms_buf_putc(&q, '\\');
			ms_buf_putc(&q, *s);
		}
		ms_buf_putc(&q, '"');
	}
	/* a quoted-string is not folded inside: one that would not fit is encoded */
	if (q.len > 0 && q.len <= FOLD_AT - 12)
		header_word(h, q.data, q.len);
	else
		encoded_words(h, text);
	ms_buf_free(&q);
}

/* "Name: value" for one word made here of ASCII (an ID, a URL): never encoded. */
static void header_token(struct ms_buf *out, const char *name, const char *value)
{
	struct header h;

	header_begin(&h, out, name);
	header_word(&h, value, strlen(value));
	header_end(&h);
}

/* --- addresses ---------------------------------------------------------- */

static bool atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool local_part_valid(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(atext((unsigned char)s[i]) || (s[i] == '.' && s[i + 1] != '.')))
			return false;
	return true;
}

static bool domain_valid(const char *s)
{
	size_t label = 0;

	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-' || s[1] == '\0')
				return false;
			label = 0;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') || (*s == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && s[-1] != '-';
}

bool pub_mail_address_valid(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at != NULL && strlen(addr) <= 254 && local_part_valid(addr, (size_t)(at - addr)) &&
	       domain_valid(at + 1);
}

bool pub_mail_mailto_valid(const char *url)
{
	const char *addr, *query;
	char *copy;
	bool ok;

	if (url == NULL || strncmp(url, "mailto:", 7) != 0 || strlen(url) > 900)
		return false;
	addr = url + 7;
	query = strchr(addr, '?');
	if (query != NULL)
		for (const char *s = query + 1; *s; s++)
			if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			      (*s >= '0' && *s <= '9') || strchr("-._~%!$&'()*+,;=:@/?", *s)))
				return false;
	copy = ms_xstrndup(addr, query ? (size_t)(query - addr) : strlen(addr));
	ok = pub_mail_address_valid(copy);
	free(copy);
	return ok;
}

/* --- what the headers are made of ------------------------------------- */

/* The host of base_url, lower case, as letters, digits, '.' and '-'. */
static char *site_host(const char *url)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *s = url ? strstr(url, "://") : NULL;

	s = s ? s + 3 : "";
	if (strcspn(s, "@/") < strcspn(s, "/"))
		s += strcspn(s, "@") + 1;	/* user@host: not the user */
	for (; *s && !strchr("/:?#", *s) && b.len < 253; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

		ms_buf_putc(&b, (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ? c
										     : '-');
	}
	if (b.len == 0)
		ms_buf_puts(&b, "localhost");
	return ms_buf_steal(&b);
}

/* The site's title as a List-Id's first label: "Example Mail" -> "example-mail". */
static char *title_slug(const char *title)
{
	struct ms_buf b = MS_BUF_INIT;
	bool dash = false;

	for (const char *s = title; *s && b.len < SLUG_MAX; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && b.len > 0)
				ms_buf_putc(&b, '-');
			ms_buf_putc(&b, c);
			dash = false;
		} else {
			dash = true;
		}
	}
	if (b.len == 0)
		ms_buf_puts(&b, "status");
	return ms_buf_steal(&b);
}

/*
 * The delivery ID as the left of a Message-ID and the value of
 * X-Mailstatus-Delivery: letters, digits, '-' and '_' as they are, any
 * other byte as =XX, so the same ID always gives the same header.
 */
static void delivery_word(struct ms_buf *out, const char *id)
{
	for (size_t i = 0; id[i] && i < ID_MAX; i++) {
		unsigned char c = (unsigned char)id[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			ms_buf_putc(out, (char)c);
		else
			ms_buf_printf(out, "=%02X", c);
	}
}

static void write_headers(const struct pub_mail_envelope *env,
			  const struct pub_delivery_item *item, struct ms_buf *out)
{
	char *title = one_line(env->site_title), *subject = one_line(item->title);
	char *host = site_host(env->site_url), *slug = title_slug(title);
	struct ms_buf w = MS_BUF_INIT;
	char date[PUB_DATE_MAX];
	struct header h;

	header_begin(&h, out, "From");
	header_phrase(&h, title);
	ms_buf_printf(&w, "<%s>", env->from);
	header_word(&h, w.data, w.len);
	header_end(&h);
	ms_buf_printf(out, "To: %s\r\n", env->to);
	header_begin(&h, out, "Subject");
	header_text(&h, subject);
	header_end(&h);
	ms_buf_printf(out, "Date: %s\r\n", pub_rfc822(date, item->published_at, false));
	ms_buf_reset(&w);
	ms_buf_putc(&w, '<');
	delivery_word(&w, item->delivery_id);
	ms_buf_printf(&w, "@%s>", host);
	header_token(out, "Message-ID", w.data);
	ms_buf_puts(out, "MIME-Version: 1.0\r\n");
	ms_buf_puts(out, "Content-Type: multipart/alternative;\r\n boundary=\"" BOUNDARY "\"\r\n");
	header_begin(&h, out, "List-Id");
	header_phrase(&h, title);
	ms_buf_reset(&w);
	ms_buf_printf(&w, "<%s.%s>", slug, host);
	header_word(&h, w.data, w.len);
	header_end(&h);
	if (env->list_unsubscribe) {
		ms_buf_reset(&w);
		ms_buf_printf(&w, "<%s>", env->list_unsubscribe);
		header_token(out, "List-Unsubscribe", w.data);
	}
	ms_buf_puts(out, "Auto-Submitted: auto-generated\r\n");
	ms_buf_reset(&w);
	delivery_word(&w, item->delivery_id);
	header_token(out, "X-Mailstatus-Delivery", w.data);
	ms_buf_free(&w);
	free(title);
	free(subject);
	free(host);
	free(slug);
}

/* --- the parts ---------------------------------------------------------- */

/* Does s[i] end its line (the text's end, LF or CRLF next)? */
static bool ends_line(const char *s, size_t n, size_t i)
{
	return i + 1 == n || s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n');
}

/*
 * One byte's quoted-printable form at column col: printable ASCII but
 * '=' as it is, a blank unless it ends the line, and, first on a line,
 * neither '.' (SMTP's end of data to a careless relay) nor the F of
 * "From " (an mbox's separator).
 */
static bool qp_literal(const char *s, size_t n, size_t i, size_t col)
{
	unsigned char c = (unsigned char)s[i];

	if (col == 0 && (c == '.' || (c == 'F' && n - i >= 5 && memcmp(s + i, "From ", 5) == 0)))
		return false;
	if (c == ' ' || c == '\t')
		return !ends_line(s, n, i);
	return c >= 33 && c <= 126 && c != '=';
}

/* s as quoted-printable: LF and CRLF become CRLF, lines soft-broken at 76. */
static void qp_encode(struct ms_buf *out, const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		bool literal;

		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			i += s[i] == '\r';
			ms_buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		literal = qp_literal(s, n, i, col);
		if (col + (literal ? 1 : 3) > QP_MAX - 1) {
			ms_buf_puts(out, "=\r\n");
			col = 0;
			literal = qp_literal(s, n, i, col);
		}
		if (literal)
			ms_buf_putc(out, s[i]);
		else
			ms_buf_printf(out, "=%02X", (unsigned char)s[i]);
		col += literal ? 1 : 3;
	}
}

/* The address of a mailto: URL, for the words of the footers. */
static char *mailto_address(const char *url)
{
	return ms_xstrndup(url + 7, strcspn(url + 7, "?"));
}

static void plain_part(const struct pub_mail_envelope *env,
		       const struct pub_delivery_item *item, struct ms_buf *out)
{
	struct ms_buf t = MS_BUF_INIT;
	char *title = one_line(item->title), *site = one_line(env->site_title);

	ms_buf_printf(&t, "%s\n\n", title);
	ms_text_add_xml_safe(&t, item->text ? item->text : "", item->text ? strlen(item->text) : 0);
	while (t.len > 0 && (t.data[t.len - 1] == '\n' || t.data[t.len - 1] == ' '))
		ms_buf_truncate(&t, t.len - 1);
	if (item->url)
		ms_buf_printf(&t, "\n\nOn the status page: %s", item->url);
	ms_buf_printf(&t, "\n\n-- \n%s: %s\n", site, env->site_url ? env->site_url : "");
	if (env->list_unsubscribe) {
		char *addr = mailto_address(env->list_unsubscribe);

		ms_buf_printf(&t, "To unsubscribe, write to %s\n", addr);
		free(addr);
	}
	ms_buf_puts(out, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	qp_encode(out, t.data, t.len);
	ms_buf_free(&t);
	free(title);
	free(site);
}

static bool html_part(const struct pub_mail_envelope *env,
		      const struct pub_delivery_item *item, struct ms_buf *out,
		      struct ms_buf *err)
{
	struct pub_page pg = { .root = ms_xstrdup("") };
	struct ms_buf html = MS_BUF_INIT;
	char *title = one_line(item->title), *site = one_line(env->site_title);
	xmlNodePtr root, head, meta, foot;
	bool ok;

	pg.doc = htmlNewDocNoDtD(NULL, NULL);
	if (pg.doc == NULL || xmlCreateIntSubset(pg.doc, BAD_CAST "html", NULL, NULL) == NULL)
		ms_oom();
	if ((root = xmlNewDocNode(pg.doc, NULL, BAD_CAST "html", NULL)) == NULL)
		ms_oom();
	xmlDocSetRootElement(pg.doc, root);
	head = pub_el(root, "head", NULL, NULL);
	meta = pub_el(head, "meta", NULL, NULL);
	pub_attr(meta, "http-equiv", "Content-Type");
	pub_attr(meta, "content", "text/html; charset=UTF-8");
	pub_el(head, "title", NULL, title);
	pg.body = pub_el(root, "body", NULL, NULL);
	pub_el(pg.body, "h1", NULL, title);
	pub_fragment(pg.body, item->html);
	if (item->url)
		pub_attr(pub_el(pub_el(pg.body, "p", NULL, NULL), "a", NULL,
				"On the status page"), "href", item->url);
	pub_el(pg.body, "hr", NULL, NULL);
	foot = pub_el(pg.body, "p", NULL, NULL);
	pub_attr(pub_el(foot, "a", NULL, site), "href", env->site_url ? env->site_url : "");
	if (env->list_unsubscribe) {
		pub_text(foot, " \xC2\xB7 ");
		pub_attr(pub_el(foot, "a", NULL, "Unsubscribe"), "href", env->list_unsubscribe);
	}
	ok = pub_page_end(&pg, &html, err);
	if (ok) {
		ms_buf_puts(out, "Content-Type: text/html; charset=utf-8\r\n"
			    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(out, html.data, html.len);
	}
	ms_buf_free(&html);
	free(title);
	free(site);
	return ok;
}

bool pub_mail_compose(const struct pub_mail_envelope *env,
		      const struct pub_delivery_item *item, struct ms_buf *out,
		      struct ms_buf *err)
{
	size_t start = out->len;

	if (!pub_mail_address_valid(env->from)) {
		ms_buf_printf(err, "[smtp] from '%s' is not an e-mail address", env->from);
		return false;
	}
	if (!pub_mail_address_valid(env->to)) {
		ms_buf_printf(err, "'%s' is not an e-mail address", env->to);
		return false;
	}
	if (env->list_unsubscribe && !pub_mail_mailto_valid(env->list_unsubscribe)) {
		ms_buf_printf(err, "list_unsubscribe '%s' is not a mailto: URL",
			      env->list_unsubscribe);
		return false;
	}
	if (item->delivery_id == NULL || item->delivery_id[0] == '\0') {
		ms_buf_puts(err, "the delivery has no ID");
		return false;
	}
	write_headers(env, item, out);
	ms_buf_puts(out, "\r\nThis message has a plain-text and an HTML part.\r\n"
		    "\r\n--" BOUNDARY "\r\n");
	plain_part(env, item, out);
	ms_buf_puts(out, "\r\n--" BOUNDARY "\r\n");
	if (!html_part(env, item, out, err)) {
		ms_buf_truncate(out, start);
		return false;
	}
	ms_buf_puts(out, "\r\n--" BOUNDARY "--\r\n");
	return true;
}
