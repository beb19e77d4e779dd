/*
 * optdoc: an option table's texts as --help, the man page and the
 * engines' one-line descriptions show them.
 *
 * The help text of an option (struct ms_option, plugin.h) is written in
 * a small markup, so that one text serves all three:
 *
 *   - paragraphs are separated by an empty line ("\n\n"); the first is
 *     the summary that --help, Nagios' argument notes and Icinga 2's
 *     descriptions show, the man page shows them all; other newlines
 *     are spaces;
 *   - a paragraph whose lines all start with two spaces is shown as it
 *     is written (an example; the man page only);
 *   - *bold* and _italic_: a marker opens after a character that is not
 *     a letter or digit (or at the start), before one that is not a
 *     space, and the next same marker closes it, so snake_case names
 *     and "5 * 3" stay as they are; an opener without a closer is text;
 *   - a backslash takes the next character as it is (\*, \_, \\);
 *   - {timeout} is the program's default timeout in seconds.
 *
 * The value's name (ms_option.arg) is markup-free: in the man page its
 * lower-case words are literal (bold: "policy|smtp") and its capitals
 * placeholders (italic: "SECONDS[:STATE]").
 */
#ifndef MS_OPTDOC_H
#define MS_OPTDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "plugin.h"
#include "strbuf.h"

/* The width --help and the generated comments wrap to. */
#define MS_OPTDOC_WIDTH 79

enum ms_doc_style { MS_DOC_ROMAN, MS_DOC_BOLD, MS_DOC_ITALIC };

typedef void ms_doc_span_fn(void *ctx, enum ms_doc_style style, const char *s, size_t n);

/*
 * Calls fn for each piece of text[0, len) in one style, markers and
 * escapes taken out (a run of one style may come in several pieces).
 */
void ms_doc_spans(const char *text, size_t len, ms_doc_span_fn *fn, void *ctx);

/* The summary of o's text, plain and on one line ("" for none). */
void ms_doc_summary(struct ms_buf *out, const char *text, double seconds);

/*
 * Appends words (separated by spaces) wrapped at width, the first line
 * indented with indent, the others with hang (NULL: indent too).
 */
void ms_doc_wrap(struct ms_buf *out, const char *words, const char *indent, const char *hang,
		 int width);

/* The entry whose text describes o (itself, or the last of its group). */
const struct ms_option *ms_doc_described_by(const struct ms_option *o);

/*
 * The options of set as --help lists them: each entry's tag on a line of
 * its own, then its group's summary, wrapped and indented.
 */
void ms_doc_help(struct ms_buf *out, const struct ms_optset *set, double seconds);

/* The options of set as man(7) source: a .TP (.TQ) entry per option. */
void ms_doc_troff(struct ms_buf *out, const struct ms_optset *set, double seconds);

/*
 * Whether set is a well-formed table: names and keys unique (also
 * against other, when not NULL), keys as plugin.h says, every group
 * ending with a text. Writes the first fault into err.
 */
bool ms_optset_check(const struct ms_optset *set, const struct ms_optset *other,
		     struct ms_buf *err);

/* The set's default timeout: its own, or MS_DEFAULT_TIMEOUT. */
double ms_optset_timeout(const struct ms_optset *set);

#endif
