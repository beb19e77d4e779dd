/*
 * webmail: the list of webmail flows and what they share. See webmail.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "redact.h"
#include "text.h"
#include "webmail.h"
#include "webmail_roundcube.h"

static const struct ms_webmail_ops *const flows[] = {
	&ms_webmail_roundcube,
};

const struct ms_webmail_ops *ms_webmail_find(const char *name)
{
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		if (strcmp(flows[i]->name, name) == 0)
			return flows[i];
	return NULL;
}

const char *ms_webmail_names(void)
{
	static char names[256];

	if (!names[0]) {
		for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", flows[i]->name);
	}
	return names;
}

/*
 * The longest sentence ms_wm_fail adds: it quotes what the webmail said,
 * which a peer can make as long as it likes.
 */
#define TEXT_MAX 639

enum ms_wm_failure ms_wm_fail(struct ms_buf *err, enum ms_wm_failure kind, const char *fmt, ...)
{
	struct ms_buf raw = MS_BUF_INIT, red = MS_BUF_INIT, clean = MS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	/* URLs it quotes may carry the session's token: never shown */
	ms_redact_text(&red, ms_buf_str(&raw), raw.len);
	ms_text_add_line(&clean, ms_buf_str(&red), red.len);
	ms_buf_add(err, ms_buf_str(&clean), ms_utf8_prefix(ms_buf_str(&clean), clean.len,
							    TEXT_MAX));
	ms_buf_free(&raw);
	ms_buf_free(&red);
	ms_buf_free(&clean);
	return kind;
}

void ms_wm_attachment(struct ms_buf *b, size_t n)
{
	/* lines of 76 characters, like base64 text, so no filter chokes on one long line */
	static const char line[] =
		"mailstatus probe attachment 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFG\r\n";
	size_t linelen = sizeof(line) - 1;

	ms_buf_reserve(b, n);
	while (n > 0) {
		size_t k = n < linelen ? n : linelen;
		ms_buf_add(b, line, k);
		n -= k;
	}
}
