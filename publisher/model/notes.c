/*
 * notes: an operator's words, public or not. See notes.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "notes.h"

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

const char *pub_note_public(const struct pub_config *cfg, const char *text)
{
	const char *prefix = cfg->comment_prefix ? cfg->comment_prefix
			     : PUB_DEFAULT_COMMENT_PREFIX;
	size_t n = strlen(prefix);

	if (text == NULL)
		return NULL;
	text = skip_blanks(text);
	if (n == 0 || strncasecmp(text, prefix, n) != 0)
		return NULL;
	text = skip_blanks(text + n);
	return *text != '\0' ? text : NULL;
}

const char *pub_note_author(const struct pub_config *cfg, const char *login)
{
	for (size_t i = 0; login != NULL && i < cfg->n_authors; i++)
		if (strcmp(cfg->authors[i].login, login) == 0)
			return cfg->authors[i].name;
	return cfg->author;
}

static const char *const placeholders[] = { "cluster", "state", "what", "time" };
#define N_PLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* The placeholder "{name}" at s, as an index, or -1; *len is its length. */
static int placeholder_at(const char *s, size_t *len)
{
	const char *close = strchr(s, '}');

	if (s[0] != '{' || close == NULL)
		return -1;
	for (size_t i = 0; i < N_PLACEHOLDERS; i++)
		if ((size_t)(close - s - 1) == strlen(placeholders[i]) &&
		    strncmp(s + 1, placeholders[i], strlen(placeholders[i])) == 0) {
			*len = (size_t)(close - s) + 1;
			return (int)i;
		}
	return -1;
}

bool pub_title_template_check(const char *tmpl, struct ms_buf *err)
{
	size_t len;

	if (strlen(tmpl) > PUB_UPDATE_TITLE_MAX) {
		ms_buf_printf(err, "the template is longer than %d characters",
			      PUB_UPDATE_TITLE_MAX);
		return false;
	}
	for (const char *s = tmpl; *s; s++) {
		if (*s == '}') {
			ms_buf_puts(err, "a '}' without its '{'");
			return false;
		}
		if (*s != '{')
			continue;
		if (placeholder_at(s, &len) < 0) {
			ms_buf_printf(err, "'%.24s' is not {cluster}, {state}, {what} "
				      "or {time}", s);
			return false;
		}
		s += len - 1;
	}
	return true;
}

void pub_title_expand(const char *tmpl, const struct pub_title_vars *vars,
		      struct ms_buf *out)
{
	const char *values[N_PLACEHOLDERS] = {
		vars->cluster, vars->state, vars->what, vars->time
	};
	size_t len;
	int i;

	for (const char *s = tmpl ? tmpl : PUB_DEFAULT_UPDATE_TITLE; *s; s++) {
		if (*s == '{' && (i = placeholder_at(s, &len)) >= 0) {
			ms_buf_puts(out, values[i] ? values[i] : "");
			s += len - 1;
		} else {
			ms_buf_putc(out, *s);
		}
	}
}
