/*
 * optdoc: an option table's texts as --help, the man page and the
 * engines' one-line descriptions show them. See optdoc.h.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "numfmt.h"
#include "optdoc.h"

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c);
}

/* Where the marker at text[i] closes its span, or 0 when it opens none. */
static size_t span_end(const char *text, size_t len, size_t i)
{
	char marker = text[i];

	if (i > 0 && is_word_char(text[i - 1]))
		return 0;
	if (i + 1 >= len || isspace((unsigned char)text[i + 1]) || text[i + 1] == marker)
		return 0;
	const char *end = memchr(text + i + 1, marker, len - i - 1);
	return end ? (size_t)(end - text) : 0;
}

void ms_doc_spans(const char *text, size_t len, ms_doc_span_fn *fn, void *ctx)
{
	size_t start = 0, i = 0;

	while (i < len) {
		char c = text[i];
		if (c == '\\' && i + 1 < len) {
			/* the escaped character starts the next plain piece */
			if (i > start)
				fn(ctx, MS_DOC_ROMAN, text + start, i - start);
			start = i + 1;
			i += 2;
			continue;
		}
		size_t end = c == '*' || c == '_' ? span_end(text, len, i) : 0;
		if (end == 0) {
			i++;
			continue;
		}
		if (i > start)
			fn(ctx, MS_DOC_ROMAN, text + start, i - start);
		fn(ctx, c == '*' ? MS_DOC_BOLD : MS_DOC_ITALIC, text + i + 1, end - i - 1);
		start = i = end + 1;
	}
	if (len > start)
		fn(ctx, MS_DOC_ROMAN, text + start, len - start);
}

/*
 * The paragraph that starts at text: returns its length and sets *next
 * to the start of the next one, or NULL after the last.
 */
static size_t ms_doc_paragraph(const char *text, const char **next)
{
	const char *sep = strstr(text, "\n\n");

	if (sep == NULL) {
		*next = NULL;
		return strlen(text);
	}
	const char *after = sep;
	while (*after == '\n')
		after++;
	*next = *after ? after : NULL;
	return (size_t)(sep - text);
}

/* Whether text[0, len) is a paragraph shown as written. */
static bool ms_doc_is_literal(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		if (end - p < 2 || p[0] != ' ' || p[1] != ' ')
			return false;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	return len > 0;
}

/* text with {timeout} replaced by seconds (a C string into out). */
static void ms_doc_expand(struct ms_buf *out, const char *text, double seconds)
{
	static const char token[] = "{timeout}";
	char num[MS_NUMBER_MAX];
	const char *hit;

	ms_buf_reset(out);
	while ((hit = strstr(text, token)) != NULL) {
		ms_buf_add(out, text, (size_t)(hit - text));
		ms_buf_puts(out, ms_format_number(num, seconds));
		text = hit + sizeof(token) - 1;
	}
	ms_buf_puts(out, text);
}

/* Appends a piece of plain text, every run of blanks one space. */
static void add_plain(void *ctx, enum ms_doc_style style, const char *s, size_t n)
{
	struct ms_buf *out = ctx;

	(void)style;
	for (size_t i = 0; i < n; i++) {
		bool blank = isspace((unsigned char)s[i]);
		if (blank && (out->len == 0 || out->data[out->len - 1] == ' '))
			continue;
		ms_buf_putc(out, blank ? ' ' : s[i]);
	}
}

void ms_doc_summary(struct ms_buf *out, const char *text, double seconds)
{
	struct ms_buf expanded = MS_BUF_INIT;
	const char *next;

	ms_buf_reset(out);
	ms_buf_puts(out, "");
	if (text == NULL)
		return;
	ms_doc_expand(&expanded, text, seconds);
	const char *p = ms_buf_str(&expanded);
	ms_doc_spans(p, ms_doc_paragraph(p, &next), add_plain, out);
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		ms_buf_truncate(out, out->len - 1);
	ms_buf_free(&expanded);
}

void ms_doc_wrap(struct ms_buf *out, const char *words, const char *indent, const char *hang,
		 int width)
{
	size_t line = 0, room = (size_t)width;
	bool first = true;

	while (*words) {
		size_t n = strcspn(words, " ");
		if (n == 0) {
			words++;
			continue;
		}
		if (line > 0 && line + 1 + n > room) {
			ms_buf_putc(out, '\n');
			line = 0;
		}
		if (line == 0) {
			const char *lead = first || hang == NULL ? indent : hang;
			ms_buf_puts(out, lead);
			line = strlen(lead);
			first = false;
		} else {
			ms_buf_putc(out, ' ');
			line++;
		}
		ms_buf_add(out, words, n);
		line += n;
		words += n;
	}
	if (line > 0)
		ms_buf_putc(out, '\n');
}

/* How o is written: "-w, --warning=RANGE", "--write-test[=SUBDIR]". */
static void ms_doc_tag(struct ms_buf *out, const struct ms_option *o)
{
	if (o->key < MS_OPT_LONG)
		ms_buf_printf(out, "-%c, ", o->key);
	ms_buf_printf(out, "--%s", o->name);
	if (o->arg == NULL)
		return;
	if (o->flags & MS_OPT_ARG_OPTIONAL)
		ms_buf_printf(out, "[=%s]", o->arg);
	else
		ms_buf_printf(out, "=%s", o->arg);
}

/* c as man(7) source text, where it is literal (in a bold or italic run). */
static void add_troff_char(struct ms_buf *out, char c)
{
	if (c == '\\')
		ms_buf_puts(out, "\\e");
	else if (c == '-')
		ms_buf_puts(out, "\\-");
	else
		ms_buf_putc(out, c);
}

/* The value's name: lower-case words bold, capitals italic, the rest roman. */
static void add_troff_arg(struct ms_buf *out, const char *arg)
{
	while (*arg) {
		size_t n = 0;
		bool lower = false;
		while (isalnum((unsigned char)arg[n]) || arg[n] == '_') {
			lower |= islower((unsigned char)arg[n]) != 0;
			n++;
		}
		if (n == 0) {
			add_troff_char(out, *arg++);
			continue;
		}
		ms_buf_puts(out, lower ? "\\fB" : "\\fI");
		for (size_t i = 0; i < n; i++)
			add_troff_char(out, arg[i]);
		ms_buf_puts(out, "\\fR");
		arg += n;
	}
}

/* The same as man(7) source: "\fB\-w\fR, \fB\-\-warning\fR=\fIRANGE\fR". */
static void ms_doc_tag_troff(struct ms_buf *out, const struct ms_option *o)
{
	if (o->key < MS_OPT_LONG)
		ms_buf_printf(out, "\\fB\\-%c\\fR, ", o->key);
	ms_buf_puts(out, "\\fB\\-\\-");
	for (const char *p = o->name; *p; p++)
		add_troff_char(out, *p);
	ms_buf_puts(out, "\\fR");
	if (o->arg == NULL)
		return;
	bool optional = (o->flags & MS_OPT_ARG_OPTIONAL) != 0;
	ms_buf_puts(out, optional ? "[=" : "=");
	add_troff_arg(out, o->arg);
	if (optional)
		ms_buf_putc(out, ']');
}

const struct ms_option *ms_doc_described_by(const struct ms_option *o)
{
	while ((o->flags & MS_OPT_WITH_NEXT) && o[1].name)
		o++;
	return o;
}

void ms_doc_help(struct ms_buf *out, const struct ms_optset *set, double seconds)
{
	struct ms_buf summary = MS_BUF_INIT;

	for (const struct ms_option *o = set->options; o->name; o++) {
		ms_buf_putc(out, ' ');
		ms_doc_tag(out, o);
		ms_buf_putc(out, '\n');
		if (o->flags & MS_OPT_WITH_NEXT)
			continue;
		ms_doc_summary(&summary, o->help, seconds);
		ms_doc_wrap(out, ms_buf_str(&summary), "    ", NULL, MS_OPTDOC_WIDTH);
	}
	ms_buf_free(&summary);
}

/* ---------------------------------------------------------------- troff */

/* A paragraph as man(7) source words: spaces separate them, escapes inside. */
struct troff_words {
	struct ms_buf *out;
	char prev;	/* the last character of the text, for '-' */
};

static void add_troff_span(void *ctx, enum ms_doc_style style, const char *s, size_t n)
{
	struct troff_words *w = ctx;
	bool literal = style != MS_DOC_ROMAN;

	/* names, paths and commands are not hyphenated (\\%) */
	if (literal)
		ms_buf_puts(w->out, style == MS_DOC_BOLD ? "\\fB\\%" : "\\fI\\%");
	for (size_t i = 0; i < n; i++) {
		char c = s[i] == '\n' ? ' ' : s[i];
		if (c == ' ' && literal)
			ms_buf_puts(w->out, " \\%");
		else if (c == '\\')
			ms_buf_puts(w->out, "\\e");
		else if (c == '-' && (literal || !is_word_char(w->prev)))
			ms_buf_puts(w->out, "\\-");	/* an option or a minus, not a hyphen */
		else
			ms_buf_putc(w->out, c);
		w->prev = c;
	}
	if (literal)
		ms_buf_puts(w->out, "\\fR");
}

/* The visible characters of a source word, past font escapes and openers. */
static const char *visible(const char *word, size_t n, size_t *rest)
{
	size_t i = 0;

	while (i < n) {
		if (word[i] == '\\' && i + 2 < n && word[i + 1] == 'f')
			i += 3;
		else if (word[i] == '\\' && i + 1 < n && word[i + 1] == '%')
			i += 2;
		else if (word[i] == '(' || word[i] == '"')
			i++;
		else
			break;
	}
	*rest = n - i;
	return word + i;
}

/* Whether a source word ends a sentence ("postfix." and not "e.g."). */
static bool ends_sentence(const char *word, size_t n)
{
	while (n >= 3 && word[n - 3] == '\\' && word[n - 2] == 'f')
		n -= 3;
	if (n == 0 || word[n - 1] != '.')
		return false;
	return !(n >= 4 && (memcmp(word + n - 4, "e.g.", 4) == 0 ||
			    memcmp(word + n - 4, "i.e.", 4) == 0));
}

/*
 * Writes source words as man(7) text lines: a new line for each sentence
 * (so that troff spaces sentences as it should) and before 72 columns;
 * a line that would start with a control character is protected.
 */
static void write_troff_lines(struct ms_buf *out, const char *words)
{
	size_t line = 0;
	const char *prev = NULL;
	size_t prev_n = 0;

	while (*words) {
		size_t n = strcspn(words, " ");
		if (n == 0) {
			words++;
			continue;
		}
		size_t vis_n;
		const char *vis = visible(words, n, &vis_n);
		bool sentence = prev && ends_sentence(prev, prev_n) && vis_n > 0 &&
				isupper((unsigned char)vis[0]);
		if (line > 0 && (sentence || line + 1 + n > 72)) {
			ms_buf_putc(out, '\n');
			line = 0;
		}
		if (line > 0) {
			ms_buf_putc(out, ' ');
			line++;
		} else if (words[0] == '.' || words[0] == '\'') {
			ms_buf_puts(out, "\\&");
		}
		ms_buf_add(out, words, n);
		line += n;
		prev = words;
		prev_n = n;
		words += n;
	}
	if (line > 0)
		ms_buf_putc(out, '\n');
}

/* A paragraph shown as written: its lines without their two spaces. */
static void write_troff_literal(struct ms_buf *out, const char *p, size_t len)
{
	const char *end = p + len;

	/* indented from the text of the entry (.RS to it, .RS 4 beyond) */
	ms_buf_puts(out, ".RS\n.RS 4\n.sp\n.nf\n");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		p += 2;
		if (p < stop && (*p == '.' || *p == '\''))
			ms_buf_puts(out, "\\&");
		for (; p < stop; p++)
			add_troff_char(out, *p);
		ms_buf_putc(out, '\n');
		p = nl ? nl + 1 : end;
	}
	ms_buf_puts(out, ".fi\n.RE\n.RE\n");
}

static void write_troff_text(struct ms_buf *out, const char *text, double seconds)
{
	struct ms_buf expanded = MS_BUF_INIT, words = MS_BUF_INIT;
	const char *p, *next;
	bool first = true;

	ms_doc_expand(&expanded, text, seconds);
	for (p = ms_buf_str(&expanded); p; p = next, first = false) {
		size_t len = ms_doc_paragraph(p, &next);
		if (ms_doc_is_literal(p, len)) {
			write_troff_literal(out, p, len);
			continue;
		}
		struct troff_words w = { &words, ' ' };
		ms_buf_reset(&words);
		ms_buf_puts(&words, "");
		ms_doc_spans(p, len, add_troff_span, &w);
		if (!first)
			ms_buf_puts(out, ".IP\n");
		write_troff_lines(out, ms_buf_str(&words));
	}
	ms_buf_free(&expanded);
	ms_buf_free(&words);
}

void ms_doc_troff(struct ms_buf *out, const struct ms_optset *set, double seconds)
{
	bool in_group = false;

	for (const struct ms_option *o = set->options; o->name; o++) {
		ms_buf_puts(out, in_group ? ".TQ\n" : ".TP\n");
		ms_doc_tag_troff(out, o);
		ms_buf_putc(out, '\n');
		in_group = (o->flags & MS_OPT_WITH_NEXT) != 0;
		if (!in_group)
			write_troff_text(out, o->help, seconds);
	}
}

/* ---------------------------------------------------------------- check */

static bool valid_chars(const char *s, const char *extra)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

/* The first clash of o with entries of options (up to stop, or the end). */
static const struct ms_option *clash(const struct ms_option *o,
				     const struct ms_option *options,
				     const struct ms_option *stop)
{
	for (const struct ms_option *q = options; q->name && q != stop; q++)
		if (strcmp(q->name, o->name) == 0 || q->key == o->key)
			return q;
	return NULL;
}

static bool check_entry(const struct ms_option *o, struct ms_buf *err)
{
	if (!valid_chars(o->name, "-")) {
		ms_buf_printf(err, "option name '%s': only a-z, 0-9 and '-'", o->name);
		return false;
	}
	bool short_key = o->key > 0 && o->key < 128 && isalnum(o->key);
	if (!short_key && o->key < MS_OPT_LONG) {
		ms_buf_printf(err, "--%s: its key is neither a letter nor from MS_OPT_LONG up",
			      o->name);
		return false;
	}
	if ((o->var && !valid_chars(o->var, "_")) ||
	    (o->value_var && !valid_chars(o->value_var, "_"))) {
		ms_buf_printf(err, "--%s: a variable name has more than a-z, 0-9 and '_'", o->name);
		return false;
	}
	if ((o->flags & MS_OPT_ARG_OPTIONAL) &&
	    (!o->arg || (!o->value_var && !(o->flags & MS_OPT_NO_ENGINE)))) {
		ms_buf_printf(err, "--%s: an optional value needs its name and its variable",
			      o->name);
		return false;
	}
	if (o->flags & MS_OPT_WITH_NEXT) {
		if (o[1].name == NULL) {
			ms_buf_printf(err, "--%s is described with the next option, and none follows",
				      o->name);
			return false;
		}
	} else if (o->help == NULL || o->help[0] == '\0') {
		ms_buf_printf(err, "--%s has no text", o->name);
		return false;
	}
	return true;
}

bool ms_optset_check(const struct ms_optset *set, const struct ms_optset *other,
		     struct ms_buf *err)
{
	for (const struct ms_option *o = set->options; o->name; o++) {
		if (!check_entry(o, err))
			return false;
		const struct ms_option *q = clash(o, set->options, o);
		if (q == NULL && other)
			q = clash(o, other->options, NULL);
		if (q) {
			ms_buf_printf(err, "--%s and --%s share a name or a key", q->name, o->name);
			return false;
		}
	}
	return true;
}

double ms_optset_timeout(const struct ms_optset *set)
{
	return set && set->default_timeout > 0 ? set->default_timeout : MS_DEFAULT_TIMEOUT;
}
