/*
 * extraopts: --extra-opts=[SECTION][@FILE]. See extraopts.h.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extraopts.h"
#include "strbuf.h"
#include "xalloc.h"

#define OPTION "--extra-opts"

/* A growing argument vector. */
struct argvec {
	char **v;
	size_t n, cap;
};

static void argvec_push(struct argvec *a, char *s)
{
	ms_xgrow(&a->v, &a->cap, a->n + 2, sizeof(*a->v));
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

struct section_reader {
	const char *section;
	struct argvec *out;
	size_t found;
	char *bad_name;		/* the first key that is no option name, or NULL */
};

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct section_reader *rd = user;
	struct ms_buf b = MS_BUF_INIT;

	if (strcmp(section, rd->section) != 0)
		return 1;
	/*
	 * A key "-" would become "--", which ends the options and turns the
	 * command line's own into operands; "" and "-x" are no options either.
	 */
	if (name[0] == '\0' || name[0] == '-') {
		if (rd->bad_name == NULL)
			rd->bad_name = ms_xstrdup(name);
		return 1;
	}
	rd->found++;
	if (strlen(name) == 1) {
		ms_buf_printf(&b, "-%s", name);
		argvec_push(rd->out, ms_buf_steal(&b));
		if (value[0])
			argvec_push(rd->out, ms_xstrdup(value));
		return 1;
	}
	ms_buf_printf(&b, "--%s", name);
	if (value[0])
		ms_buf_printf(&b, "=%s", value);
	argvec_push(rd->out, ms_buf_steal(&b));
	return 1;
}

/*
 * Reads SECTION of FILE into out. Returns 1 when the section had options,
 * 0 when it had none, -1 on an error (described in err).
 */
static int read_section(const char *file, const char *section, struct argvec *out,
			struct ms_buf *err)
{
	struct section_reader rd = { section, out, 0, NULL };
	FILE *f = fopen(file, "r");

	if (f == NULL) {
		ms_buf_printf(err, "cannot read extra-opts file %s: %s", file, strerror(errno));
		return -1;
	}
	int rc = ini_parse_file(f, on_key, &rd);
	fclose(f);
	if (rc > 0) {
		ms_buf_printf(err, "%s, line %d: not a 'key = value' line or a [section]",
			      file, rc);
		free(rd.bad_name);
		return -1;
	}
	if (rc < 0) {
		ms_buf_printf(err, "cannot parse extra-opts file %s", file);
		free(rd.bad_name);
		return -1;
	}
	if (rd.bad_name) {
		ms_buf_printf(err, "%s, section [%s]: '%s' is not an option name", file,
			      section, rd.bad_name);
		free(rd.bad_name);
		return -1;
	}
	return rd.found > 0;
}

static void add_candidate(struct argvec *c, const char *dir, const char *name)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_printf(&b, "%s%s%s", dir, name ? "/" : "", name ? name : "");
	argvec_push(c, ms_buf_steal(&b));
}

/* The default search list, in order (see extraopts.h). */
static void default_files(struct argvec *c)
{
	static const char *const fixed[] = {
		"/etc/mailstatus/plugins.ini",
		SYSCONFDIR "/mailstatus/plugins.ini",
		"/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
		"/etc/monitoring-plugins/monitoring-plugins.ini",
	};
	static const char *const legacy[] = {
		"/etc/nagios/plugins.ini", "/usr/local/nagios/etc/plugins.ini",
		"/usr/local/etc/nagios/plugins.ini", "/etc/opt/nagios/plugins.ini",
		"/etc/nagios-plugins.ini", "/usr/local/etc/nagios-plugins.ini",
		"/etc/opt/nagios-plugins.ini",
	};
	const char *env = getenv("MP_CONFIG_FILE");

	if (env && *env)
		add_candidate(c, env, NULL);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add_candidate(c, fixed[i], NULL);
	env = getenv("NAGIOS_CONFIG_PATH");
	if (env) {
		char *copy = ms_xstrdup(env), *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			add_candidate(c, d, "plugins.ini");
			add_candidate(c, d, "nagios-plugins.ini");
		}
		free(copy);
	}
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		add_candidate(c, legacy[i], NULL);
}

static void free_argvec(struct argvec *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

static bool search_default(const char *section, struct argvec *out, struct ms_buf *err)
{
	struct argvec files = { NULL, 0, 0 };
	struct ms_buf tried = MS_BUF_INIT;
	bool ok = false;

	default_files(&files);
	for (size_t i = 0; i < files.n && !ok; i++) {
		if (access(files.v[i], F_OK) != 0)
			continue;
		int rc = read_section(files.v[i], section, out, err);
		if (rc < 0)
			goto done;
		ok = rc > 0;
		ms_buf_printf(&tried, "%s%s", tried.len ? ", " : "", files.v[i]);
	}
	if (!ok) {
		if (tried.len)
			ms_buf_printf(err, "no section [%s] in %s", section, ms_buf_str(&tried));
		else
			ms_buf_printf(err, "--extra-opts: no configuration file found "
				      "(set MP_CONFIG_FILE or create /etc/mailstatus/plugins.ini)");
	}
done:
	free_argvec(&files);
	ms_buf_free(&tried);
	return ok;
}

/* Expands one locator "[SECTION][@FILE]" into out. */
static bool expand_locator(const char *progname, const char *loc, struct argvec *out,
			   struct ms_buf *err)
{
	const char *at = strchr(loc, '@');
	size_t slen = at ? (size_t)(at - loc) : strlen(loc);
	char *section = slen ? ms_xstrndup(loc, slen) : ms_xstrdup(progname);
	bool ok;

	if (at && at[1]) {
		int rc = read_section(at + 1, section, out, err);
		if (rc == 0)
			ms_buf_printf(err, "no section [%s] in %s", section, at + 1);
		ok = rc > 0;
	} else {
		ok = search_default(section, out, err);
	}
	free(section);
	return ok;
}

static bool is_extra_opts(const char *arg)
{
	return strcmp(arg, OPTION) == 0 || strncmp(arg, OPTION "=", sizeof(OPTION)) == 0;
}

bool ms_extraopts_expand(const char *progname, int *argc, char ***argv,
			 struct ms_extraopts *owned, struct ms_buf *err)
{
	struct argvec extra = { NULL, 0, 0 }, result = { NULL, 0, 0 };
	char **old = *argv;
	bool ok = true, found = false;

	memset(owned, 0, sizeof(*owned));
	for (int i = 1; i < *argc && ok; i++) {
		if (strcmp(old[i], "--") == 0)
			break;
		if (!is_extra_opts(old[i]))
			continue;
		found = true;
		ok = expand_locator(progname, old[i][sizeof(OPTION) - 1] ? old[i] + sizeof(OPTION) : "",
				    &extra, err);
	}
	if (!ok || !found) {
		free_argvec(&extra);
		return ok;
	}
	/* argv[0], the expanded options, then the command line without --extra-opts */
	argvec_push(&result, old[0]);
	for (size_t i = 0; i < extra.n; i++)
		argvec_push(&result, extra.v[i]);
	bool after_dashdash = false;
	for (int i = 1; i < *argc; i++) {
		if (!after_dashdash && is_extra_opts(old[i]))
			continue;
		if (strcmp(old[i], "--") == 0)
			after_dashdash = true;
		argvec_push(&result, old[i]);
	}
	owned->argv = result.v;
	owned->strings = extra.v;
	owned->nstrings = extra.n;
	*argc = (int)result.n;
	*argv = result.v;
	return true;
}

void ms_extraopts_release(struct ms_extraopts *owned)
{
	for (size_t i = 0; i < owned->nstrings; i++)
		free(owned->strings[i]);
	free(owned->strings);
	free(owned->argv);
	memset(owned, 0, sizeof(*owned));
}
