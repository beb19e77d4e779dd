/*
 * fuzz_htmlform: a web page as check_webmail_send gets it (at most
 * MS_HTTP_MAX_BODY bytes, NUL bytes and all), through libxml2's HTML
 * parser, then what the Roundcube flow takes from it: the login form
 * (found by "_user"), the compose form ("_to") with the controls of
 * "compose-options" added, and the scripts.
 *
 * Checked: a form found has an action and a lower-case method, every
 * field a name and a value; ms_form_set then ms_form_get gives the value
 * set, without adding a field when the name was there; the encoded form
 * decodes (percent-decoding, '&' and '=') to exactly its fields; the
 * scripts text is a C string of its own length.
 */
#include "config.h"

#include "fuzz.h"
#include "htmlform.h"
#include "httpclient.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the n bytes at s (nothing but unreserved characters and %XX). */
static char *url_decode(const char *s, size_t n)
{
	struct ms_buf b = MS_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				abort();	/* a cut escape */
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				abort();
			ms_buf_putc(&b, (char)(hi * 16 + lo));
			i += 2;
		} else if (strchr("&=+ ", s[i]) != NULL) {
			abort();	/* must have been escaped */
		} else {
			ms_buf_putc(&b, s[i]);
		}
	}
	return ms_buf_steal(&b);
}

static void check_encoding(const struct ms_form *form)
{
	struct ms_buf out = MS_BUF_INIT;
	const char *p, *end;
	size_t i = 0;

	ms_form_encode(form, &out);
	p = ms_buf_str(&out);
	end = p + out.len;
	while (form->n > 0 && p <= end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (eq == NULL || i >= form->n)
			abort();
		char *name = url_decode(p, (size_t)(eq - p));
		char *value = url_decode(eq + 1, (size_t)(stop - eq - 1));
		if (strcmp(name, form->fields[i].name) != 0 ||
		    strcmp(value, form->fields[i].value) != 0)
			abort();
		free(name);
		free(value);
		i++;
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	if (i != form->n || (form->n == 0 && out.len != 0))
		abort();
	ms_buf_free(&out);
}

static void check_form(struct ms_form *form)
{
	if (form->action == NULL || form->method == NULL || form->method[0] == '\0')
		abort();
	for (const char *c = form->method; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			abort();
	for (size_t i = 0; i < form->n; i++)
		if (form->fields[i].name == NULL || form->fields[i].value == NULL)
			abort();
	check_encoding(form);

	/* what the flow fills in */
	size_t n = form->n;
	bool had_user = ms_form_get(form, "_user") != NULL;
	ms_form_set(form, "_user", "probe@example.org");
	if (strcmp(ms_form_get(form, "_user"), "probe@example.org") != 0 ||
	    form->n != n + !had_user)
		abort();
	ms_form_set(form, "_pass", "p&ss=w%rd ü");
	if (strcmp(ms_form_get(form, "_pass"), "p&ss=w%rd ü") != 0)
		abort();
	check_encoding(form);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MS_HTTP_MAX_BODY)
		return 0;

	/* the body as the HTTP client hands it on: exact size */
	struct ms_html *doc = ms_html_parse((const char *)data, size);
	struct ms_form form;
	struct ms_buf js = MS_BUF_INIT;

	if (ms_html_find_form(doc, "_user", &form))
		check_form(&form);
	ms_form_free(&form);
	if (ms_html_find_form(doc, "_to", &form)) {
		(void)ms_html_add_controls(doc, "compose-options", &form);
		check_form(&form);
	} else if (ms_html_add_controls(doc, "compose-options", &form)) {
		/* the controls alone, into a form that was not found */
		if (form.n > 0 && (form.fields[0].name == NULL || form.fields[0].value == NULL))
			abort();
	}
	ms_form_free(&form);
	ms_html_scripts(doc, &js);
	if (js.len > 0 && strlen(ms_buf_str(&js)) != js.len)
		abort();
	ms_buf_free(&js);
	ms_html_free(doc);
	return 0;
}
