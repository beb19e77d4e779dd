/*
 * optgen: the build's generator of what follows from an option table.
 *
 * Built once per table (the build fragment links the plugin's options.c
 * and names its struct ms_optset in MS_OPTGEN_SET), it writes to stdout:
 *
 *   optgen list              the table's long options, one per line
 *   optgen man TEMPLATE      TEMPLATE with the line `.\" @OPTIONS@` replaced
 *                            by the man page's option entries, and the
 *                            line `.\" @SYNOPSIS@` by the set's synopsis
 *                            (what --help prints after "Usage: NAME")
 *   optgen icinga2 TEMPLATE  TEMPLATE with the line `@ARGUMENTS@` (inside
 *                            an `object CheckCommand "NAME" {`) replaced by
 *                            the arguments, custom variables NAME_...
 *   optgen nagios TEMPLATE   TEMPLATE with, above each `define command`,
 *                            what each $ARGn$ of its command line is; every
 *                            option the command line names is checked
 *   optgen combine [-I DIR]... TEMPLATE
 *                            TEMPLATE with each line `@include PATH@`
 *                            replaced by the file PATH, found in the DIRs,
 *                            and each line `@objects TYPE PATH@` by PATH's
 *                            Icinga 2 objects of TYPE alone (with the
 *                            comment right above each): the CheckCommands
 *                            without the sample apply rules, for a file
 *                            of Icinga's plugins-contrib.d
 *
 * A template that does not fit (no marker, an option the program does not
 * have, an $ARGn$ nobody explains) is an error: "optgen: FILE:LINE: why",
 * exit status 1, so the build stops.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optdoc.h"
#include "plugin.h"
#include "strbuf.h"
#include "xalloc.h"

#ifndef MS_OPTGEN_SET
#error "MS_OPTGEN_SET names the option table's struct ms_optset"
#endif
extern const struct ms_optset MS_OPTGEN_SET;

#define MAX_ARGS 32		/* Nagios has $ARG1$ to $ARG32$ */

static const struct ms_optset *own(void)
{
	return &MS_OPTGEN_SET;
}

/* The common options, when the table is a plugin's own. */
static const struct ms_optset *common(void)
{
	return own() == &ms_common_options ? NULL : &ms_common_options;
}

static _Noreturn void fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static _Noreturn void fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "optgen: ");
	if (file)
		fprintf(stderr, line > 0 ? "%s:%d: " : "%s: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static char *read_file(const char *path)
{
	struct ms_buf b = MS_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		fail(path, 0, "%s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ms_buf_add(&b, chunk, n);
	if (ferror(f))
		fail(path, 0, "%s", strerror(errno));
	fclose(f);
	ms_buf_puts(&b, "");
	return ms_buf_steal(&b);
}

/* The next line of *text (without its newline), or NULL at the end. */
static char *next_line(char **text)
{
	char *line = *text;

	if (*line == '\0')
		return NULL;
	char *nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*text = nl + 1;
	} else {
		*text = line + strlen(line);
	}
	return line;
}

static const char *trimmed(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static void write_out(const struct ms_buf *b)
{
	if (fwrite(ms_buf_str(b), 1, b->len, stdout) != b->len || fflush(stdout) != 0)
		fail(NULL, 0, "cannot write the output: %s", strerror(errno));
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The first lines of a generated file: where it comes from, what to edit. */
static void add_header(struct ms_buf *out, const char *comment, const char *template,
		       const char *sources)
{
	struct ms_buf words = MS_BUF_INIT, indent = MS_BUF_INIT;

	ms_buf_printf(&words, "Generated from %s and %s by optgen (lib/plugin/optgen.c): "
		      "edit those, then run make update-generated.", base_name(template), sources);
	ms_buf_printf(&indent, "%s ", comment);
	ms_doc_wrap(out, ms_buf_str(&words), ms_buf_str(&indent), NULL, MS_OPTDOC_WIDTH);
	ms_buf_free(&words);
	ms_buf_free(&indent);
}

/* Whether a line is one of add_header()'s. */
static bool is_header(const char *line)
{
	static const char *const heads[] = { ".\\\" Generated from ", "# Generated from ",
					     "// Generated from " };

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (strncmp(line, heads[i], strlen(heads[i])) == 0)
			return true;
	return false;
}

/* Past the header add_header() wrote at the top of text, if it has one. */
static char *past_header(char *text)
{
	char *end = is_header(text) ? strstr(text, "update-generated.") : NULL;

	if (end == NULL)
		return text;
	char *nl = strchr(end, '\n');
	return nl ? nl + 1 : end + strlen(end);
}

/* Where the table is, for the generated files' header. */
static const char *table_name(void)
{
	return common() ? "the option table (options.c)"
			: "the common option table (lib/plugin/plugin.c)";
}

/* ------------------------------------------------------------------ list */

static int gen_list(void)
{
	for (const struct ms_option *o = own()->options; o->name; o++)
		printf("--%s\n", o->name);
	return 0;
}

/* ------------------------------------------------------------------- man */

/* A synopsis word's characters: the ones a man page sets in a font. */
static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' ||
	       c == ':' || c == '/';
}

/* Whether w[0, n) is a metavariable (HOST, RANGE, W): all capitals. */
static bool is_metavariable(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)w[i]) && !isdigit((unsigned char)w[i]) && w[i] != '_')
			return false;
	return n > 0;
}

/* w[0, n) in a font: options and literal values bold, metavariables
 * italic, the rest (punctuation, "or:") roman; '-' as troff's \-. */
static void add_synopsis_word(struct ms_buf *out, const char *w, size_t n)
{
	bool roman = n == 3 && (strncmp(w, "...", 3) == 0 || strncmp(w, "or:", 3) == 0);
	const char *font = is_metavariable(w, n) ? "\\fI" : roman ? NULL : "\\fB";

	if (font)
		ms_buf_puts(out, font);
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '-')
			ms_buf_puts(out, "\\-");
		else
			ms_buf_putc(out, w[i]);
	}
	if (font)
		ms_buf_puts(out, "\\fR");
}

/*
 * The synopsis as man(7) text, filled by troff and not justified: the
 * continuation lines join the first, another form ("or: NAME ...") begins
 * on a line of its own (.br). Words are set by add_synopsis_word; "=" between an option
 * and its value and the brackets stay roman.
 */
static void add_synopsis_troff(struct ms_buf *out, const char *syn)
{
	const char *line = syn;

	ms_buf_puts(out, ".ad l\n");	/* the template's next .ad sets it back */
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		while (len > 0 && *line == ' ') {
			line++;
			len--;
		}
		if (len >= 3 && strncmp(line, "or:", 3) == 0)
			ms_buf_puts(out, ".br\n");
		ms_buf_puts(out, "\\&");	/* a text line, whatever it starts with */
		bool glued = false;	/* the word after an unbreakable space */
		for (size_t i = 0; i < len;) {
			size_t n = 0;
			while (i + n < len && is_word_char(line[i + n]))
				n++;
			/* an option and its value's name stay on one line ("-w RANGE") */
			if (line[i] == ' ' && i + 1 < len && isupper((unsigned char)line[i + 1])) {
				ms_buf_puts(out, "\\ ");
				i++;
				glued = true;
				continue;
			}
			/* a word that troff never hyphenates: options are typed as they are */
			if (line[i] != ' ' && (i == 0 || line[i - 1] == ' ') && !glued)
				ms_buf_puts(out, "\\%");
			glued = false;
			if (n == 0) {
				ms_buf_putc(out, line[i++]);
				continue;
			}
			add_synopsis_word(out, line + i, n);
			i += n;
		}
		ms_buf_putc(out, '\n');
		line = end ? end + 1 : line + len;
	}
}

/* The marker lines gen_man replaces; false for any other line. */
static bool man_marker(struct ms_buf *out, const char *path, int lineno,
		       const char *line, int *options, int *synopses)
{
	if (strcmp(line, ".\\\" @OPTIONS@") == 0) {
		if ((*options)++)
			fail(path, lineno, "a second @OPTIONS@ marker");
		ms_doc_troff(out, own(), ms_optset_timeout(own()));
		return true;
	}
	if (strcmp(line, ".\\\" @SYNOPSIS@") == 0) {
		if ((*synopses)++)
			fail(path, lineno, "a second @SYNOPSIS@ marker");
		if (own()->synopsis == NULL)
			fail(path, lineno, "@SYNOPSIS@, but the option set has no synopsis");
		add_synopsis_troff(out, own()->synopsis);
		return true;
	}
	return false;
}

static int gen_man(const char *path)
{
	char *text = read_file(path), *rest = text, *line;
	struct ms_buf out = MS_BUF_INIT;
	int lineno = 0, options = 0, synopses = 0;

	while ((line = next_line(&rest)) != NULL) {
		lineno++;
		/* the header first, after the preprocessors' line if there is one */
		bool preprocessors = lineno == 1 && strncmp(line, "'\\\"", 3) == 0;
		if (lineno == 1 && !preprocessors)
			add_header(&out, ".\\\"", path, table_name());
		if (man_marker(&out, path, lineno, line, &options, &synopses))
			continue;
		ms_buf_printf(&out, "%s\n", line);
		if (preprocessors)
			add_header(&out, ".\\\"", path, table_name());
	}
	if (options == 0)
		fail(path, 0, "no line .\\\" @OPTIONS@ where the options go");
	if (synopses == 0 && own()->synopsis != NULL)
		fail(path, 0, "no line .\\\" @SYNOPSIS@: the synopsis is written once, in the option set");
	write_out(&out);
	ms_buf_free(&out);
	free(text);
	return 0;
}

/* --------------------------------------------------------------- icinga2 */

/* An Icinga 2 string literal. */
static void add_icinga_string(struct ms_buf *out, const char *s)
{
	ms_buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ms_buf_putc(out, '\\');
		ms_buf_putc(out, *s);
	}
	ms_buf_putc(out, '"');
}

/* prefix_var: the option's custom variable (var: its own name, or NULL). */
static void add_var(struct ms_buf *out, const char *prefix, const struct ms_option *o,
		    const char *var)
{
	ms_buf_printf(out, "%s_", prefix);
	if (var == NULL)
		var = o->var;
	if (var) {
		ms_buf_puts(out, var);
		return;
	}
	for (const char *p = o->name; *p; p++)
		ms_buf_putc(out, *p == '-' ? '_' : *p);
}

static void add_description(struct ms_buf *out, const char *lead, const struct ms_option *o,
			    double seconds)
{
	struct ms_buf summary = MS_BUF_INIT, text = MS_BUF_INIT;

	ms_doc_summary(&summary, ms_doc_described_by(o)->help, seconds);
	ms_buf_printf(&text, "%s%s", lead, ms_buf_str(&summary));
	ms_buf_puts(out, "\t\t\tdescription = ");
	add_icinga_string(out, ms_buf_str(&text));
	ms_buf_puts(out, "\n\t\t}\n");
	ms_buf_free(&summary);
	ms_buf_free(&text);
}

/*
 * --name[=ARG]: one argument for the bare option, one that joins the
 * value with '=' (skip_key; a separate value would be read as a stray
 * argument), each only set_if its variable is set.
 */
static void add_optional_argument(struct ms_buf *out, const char *prefix,
				  const struct ms_option *o, double seconds)
{
	struct ms_buf flag = MS_BUF_INIT, value = MS_BUF_INIT, lead = MS_BUF_INIT;

	add_var(&flag, prefix, o, NULL);
	add_var(&value, prefix, o, o->value_var);
	ms_buf_printf(out, "\t\t\"--%s\" = {\n"
		      "\t\t\tset_if = {{ macro(\"$%s$\") && !macro(\"$%s$\") }}\n",
		      o->name, ms_buf_str(&flag), ms_buf_str(&value));
	add_description(out, "", o, seconds);
	ms_buf_printf(out, "\t\t\"--%s=%s\" = {\n"
		      "\t\t\t/* an optional value is joined with '=', and given only when\n"
		      "\t\t\t * set: Icinga would pass an empty one as an argument */\n"
		      "\t\t\tset_if = \"$%s$\"\n"
		      "\t\t\tskip_key = true\n"
		      "\t\t\tvalue = {{\n"
		      "\t\t\t\tvar v = macro(\"$%s$\")\n"
		      "\t\t\t\tif (v) {\n"
		      "\t\t\t\t\treturn \"--%s=\" + v\n"
		      "\t\t\t\t}\n"
		      "\t\t\t}}\n",
		      o->name, o->arg, ms_buf_str(&value), ms_buf_str(&value), o->name);
	ms_buf_printf(&lead, "--%s with %s: ", o->name, o->arg);
	add_description(out, ms_buf_str(&lead), o, seconds);
	ms_buf_free(&flag);
	ms_buf_free(&value);
	ms_buf_free(&lead);
}

static void add_argument(struct ms_buf *out, const char *prefix, const struct ms_option *o,
			 double seconds)
{
	struct ms_buf var = MS_BUF_INIT;

	if (o->flags & MS_OPT_NO_ENGINE)
		return;
	if (o->flags & MS_OPT_ARG_OPTIONAL) {
		add_optional_argument(out, prefix, o, seconds);
		return;
	}
	add_var(&var, prefix, o, NULL);
	ms_buf_printf(out, "\t\t\"--%s\" = {\n\t\t\t%s = \"$%s$\"\n", o->name,
		      o->arg ? "value" : "set_if", ms_buf_str(&var));
	if (o->flags & MS_OPT_MANDATORY)
		ms_buf_puts(out, "\t\t\trequired = true\n");
	if (o->flags & MS_OPT_REPEATABLE)
		ms_buf_puts(out, "\t\t\trepeat_key = true\n");
	add_description(out, "", o, seconds);
	ms_buf_free(&var);
}

/* The plugin's options, then the common ones an engine may set (-v, -t). */
static void add_arguments(struct ms_buf *out, const char *prefix)
{
	double seconds = ms_optset_timeout(own());

	ms_buf_puts(out, "\targuments = {\n");
	for (const struct ms_option *o = own()->options; o->name; o++)
		add_argument(out, prefix, o, seconds);
	for (const struct ms_option *o = common() ? common()->options : NULL; o && o->name; o++)
		add_argument(out, prefix, o, seconds);
	ms_buf_puts(out, "\t}\n");
}

/* NAME of a line `object CheckCommand "NAME" {`, or NULL. */
static char *check_command_name(const char *line)
{
	static const char head[] = "object CheckCommand \"";

	if (strncmp(line, head, sizeof(head) - 1) != 0)
		return NULL;
	const char *name = line + sizeof(head) - 1;
	size_t n = strcspn(name, "\"");
	return name[n] == '"' ? ms_xstrndup(name, n) : NULL;
}

static int gen_icinga2(const char *path)
{
	char *text = read_file(path), *rest = text, *line, *command = NULL;
	struct ms_buf out = MS_BUF_INIT;
	int lineno = 0, markers = 0;

	add_header(&out, "//", path, table_name());
	while ((line = next_line(&rest)) != NULL) {
		lineno++;
		char *name = check_command_name(line);
		if (name) {
			free(command);
			command = name;
		} else if (line[0] == '}') {
			free(command);
			command = NULL;
		}
		if (strcmp(trimmed(line), "@ARGUMENTS@") != 0) {
			ms_buf_printf(&out, "%s\n", line);
			continue;
		}
		if (command == NULL)
			fail(path, lineno, "@ARGUMENTS@ outside an object CheckCommand");
		add_arguments(&out, command);
		markers++;
	}
	if (markers == 0)
		fail(path, 0, "no line @ARGUMENTS@ where the arguments go");
	write_out(&out);
	free(command);
	ms_buf_free(&out);
	free(text);
	return 0;
}

/* ---------------------------------------------------------------- nagios */

/* The option named by a command-line word ("--port", "-p"), or NULL. */
static const struct ms_option *find_option(const char *word, size_t n)
{
	const struct ms_optset *sets[] = { own(), common() };

	for (size_t i = 0; i < 2 && sets[i]; i++) {
		for (const struct ms_option *o = sets[i]->options; o->name; o++) {
			if (n == 2 && word[0] == '-' && word[1] == o->key)
				return o;
			if (n > 2 && word[1] == '-' && strlen(o->name) == n - 2 &&
			    memcmp(word + 2, o->name, n - 2) == 0)
				return o;
		}
	}
	return NULL;
}

/* The n of the first $ARGn$ in s, or 0. */
static int arg_number(const char *s)
{
	const char *p = strstr(s, "$ARG");
	int n;
	char end;

	if (p == NULL || sscanf(p, "$ARG%d%c", &n, &end) != 2 || end != '$')
		return 0;
	return n >= 1 && n <= MAX_ARGS ? n : 0;
}

struct command_args {
	const struct ms_option *by_arg[MAX_ARGS + 1];	/* the option $ARGn$ is the value of */
	char spelled[MAX_ARGS + 1][64];			/* as the command line names it */
	bool free_arg[MAX_ARGS + 1];			/* $ARGn$ stands alone */
	int max;
};

static void note_arg(struct command_args *a, const char *value, const struct ms_option *o,
		     const char *word, size_t n)
{
	int arg = arg_number(value);

	if (arg == 0)
		return;
	if (arg > a->max)
		a->max = arg;
	if (o == NULL) {
		a->free_arg[arg] = true;
		return;
	}
	a->by_arg[arg] = o;
	snprintf(a->spelled[arg], sizeof(a->spelled[arg]), "%.*s", (int)n, word);
}

/* Reads the words of a command_line after the program: its options and their $ARGn$. */
static void read_command_line(const char *path, int lineno, char *words,
			      struct command_args *a)
{
	char *save = NULL;
	char *word = strtok_r(words, " \t", &save);	/* the program */

	while ((word = strtok_r(NULL, " \t", &save)) != NULL) {
		if (word[0] != '-') {
			if (arg_number(word) == 0)
				fail(path, lineno, "'%s' is neither an option nor an $ARGn$", word);
			note_arg(a, word, NULL, NULL, 0);
			continue;
		}
		size_t n = word[1] == '-' ? strcspn(word, "=") : 2;
		const struct ms_option *o = find_option(word, n);
		if (o == NULL)
			fail(path, lineno, "the program has no option %.*s", (int)n, word);
		const char *value = word[n] == '=' ? word + n + 1 : word[n] ? word + n : NULL;
		if (o->arg == NULL && value)
			fail(path, lineno, "%.*s takes no value", (int)n, word);
		if (o->arg && !value && !(o->flags & MS_OPT_ARG_OPTIONAL))
			value = strtok_r(NULL, " \t", &save);
		if (o->arg && !value && !(o->flags & MS_OPT_ARG_OPTIONAL))
			fail(path, lineno, "%.*s needs a value", (int)n, word);
		if (value)
			note_arg(a, value, o, word, n);
	}
}

/* What each $ARGn$ is, as comment lines; free ones must be in the comment above. */
static void add_legend(struct ms_buf *out, const char *path, int lineno,
		       const struct command_args *a, const char *comment)
{
	struct ms_buf summary = MS_BUF_INIT, words = MS_BUF_INIT;

	for (int i = 1; i <= a->max; i++) {
		char name[16];
		snprintf(name, sizeof(name), "$ARG%d$", i);
		if (a->free_arg[i] && a->by_arg[i] == NULL) {
			if (strstr(comment, name) == NULL)
				fail(path, lineno, "%s is no option's value: say above what it is", name);
			continue;
		}
		if (a->by_arg[i] == NULL)
			fail(path, lineno, "%s is not used (the arguments are numbered from 1)", name);
		ms_doc_summary(&summary, ms_doc_described_by(a->by_arg[i])->help,
			       ms_optset_timeout(own()));
		ms_buf_reset(&words);
		const struct ms_option *o = a->by_arg[i];
		ms_buf_printf(&words, "%s %s%s%s: %s", name, a->spelled[i],
			      a->spelled[i][1] == '-' ? "=" : " ", o->arg, ms_buf_str(&summary));
		ms_doc_wrap(out, ms_buf_str(&words), "#   ", "#           ", MS_OPTDOC_WIDTH);
	}
	ms_buf_free(&summary);
	ms_buf_free(&words);
}

/* Collects the comment block just above a definition (for the free $ARGn$). */
static void note_comment(struct ms_buf *comment, const char *line)
{
	if (line[0] == '#')
		ms_buf_printf(comment, "%s\n", line);
	else
		ms_buf_reset(comment);
}

static int gen_nagios(const char *path)
{
	char *text = read_file(path), *rest = text, *line;
	struct ms_buf out = MS_BUF_INIT, comment = MS_BUF_INIT, legend = MS_BUF_INIT;
	size_t define_at = 0;	/* where the open "define command" starts in out */
	bool in_define = false;
	int lineno = 0, commands = 0;

	add_header(&out, "#", path, table_name());
	while ((line = next_line(&rest)) != NULL) {
		lineno++;
		if (strncmp(line, "define command", 14) == 0) {
			define_at = out.len;
			in_define = true;
		}
		const char *t = trimmed(line);
		if (strncmp(t, "command_line", 12) == 0 && in_define) {
			struct command_args a = { .max = 0 };
			char *words = ms_xstrdup(trimmed(t + 12));
			read_command_line(path, lineno, words, &a);
			free(words);
			ms_buf_reset(&legend);
			ms_buf_puts(&legend, comment.len ? "#\n" : "");
			add_legend(&legend, path, lineno, &a, ms_buf_str(&comment));
			/* the legend goes between the comment and "define command" */
			char *tail = ms_xstrdup(ms_buf_str(&out) + define_at);
			ms_buf_truncate(&out, define_at);
			ms_buf_puts(&out, ms_buf_str(&legend));
			ms_buf_puts(&out, tail);
			free(tail);
			in_define = false;
			commands++;
		} else if (!in_define) {
			note_comment(&comment, line);
		}
		ms_buf_printf(&out, "%s\n", line);
	}
	if (commands == 0)
		fail(path, 0, "no define command with a command_line");
	write_out(&out);
	ms_buf_free(&out);
	ms_buf_free(&comment);
	ms_buf_free(&legend);
	free(text);
	return 0;
}

/* --------------------------------------------------------------- combine */

static char *find_include(const char *name, char **dirs, int ndirs)
{
	for (int i = 0; i < ndirs; i++) {
		char *path = NULL;
		size_t n = strlen(dirs[i]) + strlen(name) + 2;
		path = ms_xmalloc(n);
		snprintf(path, n, "%s/%s", dirs[i], name);
		FILE *f = fopen(path, "r");
		if (f) {
			fclose(f);
			return path;
		}
		free(path);
	}
	return NULL;
}

/*
 * The objects `object TYPE "NAME" {` of an Icinga 2 file, each to its
 * closing `}` in the first column, with the comment block that ends on
 * the line above it. Errors when the file has none.
 */
static void add_objects(struct ms_buf *out, const char *type, const char *path,
			const char *template, int lineno)
{
	char *part = read_file(path), *rest = past_header(part), *line;
	struct ms_buf opener = MS_BUF_INIT, comment = MS_BUF_INIT;
	bool in_object = false, in_comment = false;
	int found = 0;

	ms_buf_printf(&opener, "object %s \"", type);
	while ((line = next_line(&rest)) != NULL) {
		if (in_object) {
			ms_buf_printf(out, "%s\n", line);
			in_object = strcmp(line, "}") != 0;
		} else if (strncmp(line, opener.data, opener.len) == 0) {
			ms_buf_printf(out, "%s%s%s\n", found > 0 ? "\n" : "", ms_buf_str(&comment),
				      line);
			in_object = true;
			found++;
		} else if (strncmp(line, "/*", 2) == 0 || in_comment) {
			if (!in_comment)
				ms_buf_reset(&comment);
			ms_buf_printf(&comment, "%s\n", line);
			in_comment = strstr(line, "*/") == NULL;
			continue;
		}
		ms_buf_reset(&comment);
	}
	if (found == 0)
		fail(template, lineno, "%s has no object %s", path, type);
	ms_buf_free(&opener);
	ms_buf_free(&comment);
	free(part);
}

static int gen_combine(const char *path, char **dirs, int ndirs)
{
	char *text = read_file(path), *rest = text, *line;
	struct ms_buf out = MS_BUF_INIT;
	int lineno = 0;
	size_t plen = strlen(path);

	add_header(&out, plen > 8 && strcmp(path + plen - 8, ".conf.in") == 0 ? "//" : "#",
		   path, "the files it includes");
	while ((line = next_line(&rest)) != NULL) {
		size_t n = strlen(line);
		char *type = NULL, *name;
		lineno++;
		if (n > 10 && strncmp(line, "@objects ", 9) == 0 && line[n - 1] == '@') {
			type = line + 9;
			name = strchr(type, ' ');
			if (name == NULL)
				fail(path, lineno, "write @objects TYPE PATH@");
			*name++ = '\0';
		} else if (n > 10 && strncmp(line, "@include ", 9) == 0 && line[n - 1] == '@') {
			name = line + 9;
		} else {
			ms_buf_printf(&out, "%s\n", line);
			continue;
		}
		line[n - 1] = '\0';
		char *found = find_include(name, dirs, ndirs);
		if (found == NULL)
			fail(path, lineno, "%s is in none of the -I directories", name);
		if (type != NULL) {
			add_objects(&out, type, found, path, lineno);
		} else {
			char *part = read_file(found);
			ms_buf_puts(&out, past_header(part));
			free(part);
		}
		free(found);
	}
	write_out(&out);
	ms_buf_free(&out);
	free(text);
	return 0;
}

/* ------------------------------------------------------------------ main */

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: optgen list | man TEMPLATE | icinga2 TEMPLATE | "
		"nagios TEMPLATE | combine [-I DIR]... TEMPLATE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct ms_buf err = MS_BUF_INIT;

	if (!ms_optset_check(own(), common(), &err))
		fail(NULL, 0, "the option table is broken: %s", ms_buf_str(&err));
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return gen_list();
	if (argc == 3 && strcmp(argv[1], "man") == 0)
		return gen_man(argv[2]);
	if (argc == 3 && strcmp(argv[1], "icinga2") == 0)
		return gen_icinga2(argv[2]);
	if (argc == 3 && strcmp(argv[1], "nagios") == 0)
		return gen_nagios(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "combine") == 0) {
		char **dirs = ms_xcalloc((size_t)argc, sizeof(*dirs));
		int ndirs = 0, i = 2;
		for (; i + 1 < argc && strcmp(argv[i], "-I") == 0; i += 2)
			dirs[ndirs++] = argv[i + 1];
		if (i != argc - 1)
			usage();
		int rc = gen_combine(argv[i], dirs, ndirs);
		free(dirs);
		return rc;
	}
	usage();
}
