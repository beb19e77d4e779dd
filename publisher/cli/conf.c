/*
 * conf: reading and validating publish.conf. See conf.h.
 *
 * libinih does the INI syntax; this file feeds it lines through a reader
 * of our own, because Debian's build of libinih has two traps for a file
 * that lists members:
 *   - lines longer than INI_MAX_LINE (200 bytes with the newline and the
 *     terminator) are silently cut and the rest read as the next line;
 *   - an indented line is a continuation of the previous key (multiline
 *     values), so "  member = x" would quietly become part of another key.
 * The reader refuses both with a message naming the line, and counts lines
 * so every error can say where it is.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "conf.h"
#include "duration.h"
#include "notes.h"
#include "site_time.h"
#include "source.h"
#include "text.h"
#include "xalloc.h"

enum section { SEC_NONE, SEC_PUBLISHER, SEC_CLUSTER, SEC_COMPONENT, SEC_AUTHORS, SEC_BAD };

/* Lines of the [publisher] keys that may appear only once. */
struct seen_keys {
	const char *name;
	unsigned line;
};

struct parse {
	FILE *fp;
	const char *path;
	char *dir;		/* the config file's directory, for relative paths */
	unsigned line;
	char *lbuf;
	size_t lcap;
	struct pub_config *cfg;
	struct ms_buf *err;
	bool failed;
	bool have_publisher;
	bool have_authors;
	unsigned publisher_line;	/* where [publisher] starts, for what it lacks */
	unsigned source_line, password_line;	/* checked once the whole file is read */
	enum section sec;
	char *sec_name;		/* the section header being read */
	struct pub_cluster *cluster;	/* current [cluster] or owner of [component] */
	struct pub_component *component;
	struct seen_keys seen[32];
	size_t n_seen;
};

static void vfail_at(struct parse *p, unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail_at(struct parse *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void vfail_at(struct parse *p, unsigned line, const char *fmt, va_list ap)
{
	if (p->failed)
		return;	/* the first error is the one to fix first */
	p->failed = true;
	ms_buf_reset(p->err);
	ms_buf_printf(p->err, "%s:%u: ", p->path, line);
	ms_buf_vprintf(p->err, fmt, ap);
}

/* An error on the line being read. */
static void fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(p, p->line, fmt, ap);
	va_end(ap);
}

/* An error about an earlier line (a section found incomplete at its end). */
static void fail_at(struct parse *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(p, line, fmt, ap);
	va_end(ap);
}

static bool blank_or_comment(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0' || *s == '#' || *s == ';';
}

static void begin_section(struct parse *p, const char *section);

/*
 * Sections start here rather than in the handler: inih reports a section
 * only with its first key, so an empty section, a repeated header or a
 * bad one would otherwise be noticed late or not at all.
 */
static void section_line(struct parse *p)
{
	const char *s = p->lbuf, *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '[')
		return;	/* not a header */
	if ((end = strchr(s, ']')) == NULL) {
		/* inih would go on in the section before and blame a later line */
		fail(p, "the section header '%.*s' has no closing ']'",
		     (int)strcspn(s, "\r\n"), s);
		return;
	}
	s++;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	char *name = ms_xstrndup(s, (size_t)(end - s));
	begin_section(p, name);
	free(name);
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	ssize_t n = getline(&p->lbuf, &p->lcap, p->fp);

	if (n < 0)
		return NULL;
	p->line++;
	if ((size_t)n != strlen(p->lbuf)) {
		fail(p, "the line contains a NUL byte");
		n = 0;
	} else if (n >= num) {
		fail(p, "the line is %zd characters long, libinih reads at most %d; "
		     "shorten it (a long list of members goes on several 'member =' lines)",
		     n - (p->lbuf[n - 1] == '\n'), num - 2);
		n = 0;
	} else if ((p->lbuf[0] == ' ' || p->lbuf[0] == '\t') && !blank_or_comment(p->lbuf)) {
		fail(p, "the line is indented; libinih would read it as the "
		     "continuation of the previous key: start it in the first column");
		n = 0;
	}
	if (n == 0) {
		strcpy(str, "\n");	/* num is at least 2: inih's buffer */
		return str;
	}
	memcpy(str, p->lbuf, (size_t)n + 1);
	section_line(p);
	return str;
}

/* --- value checks --------------------------------------------------- */

bool pub_slug_valid(const char *s)
{
	bool dash_ok = false;

	if (*s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			dash_ok = true;
		else if (*s == '-' && dash_ok)
			dash_ok = false;
		else
			return false;
	}
	return dash_ok;
}

/* Text readers see: valid UTF-8 without control characters. */
static bool check_text(struct parse *p, const char *key, const char *v)
{
	size_t n = strlen(v);

	if (n == 0) {
		fail(p, "%s is empty", key);
		return false;
	}
	if (!ms_utf8_valid(v, n)) {
		fail(p, "%s is not valid UTF-8", key);
		return false;
	}
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if (*s < 0x20 || *s == 0x7f) {
			fail(p, "%s contains a control character", key);
			return false;
		}
	return true;
}

static bool parse_long(struct parse *p, const char *key, const char *v,
		       long min, long max, long *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || x < min || x > max) {
		fail(p, "%s must be a whole number from %ld to %ld, not '%s'", key,
		     min, max, v);
		return false;
	}
	*out = x;
	return true;
}

static bool parse_seconds(struct parse *p, const char *key, const char *v, long *out)
{
	struct ms_buf why = MS_BUF_INIT;
	double secs;

	if (!ms_duration_parse(v, &secs, &why)) {
		fail(p, "%s: %s", key, ms_buf_str(&why));
		ms_buf_free(&why);
		return false;
	}
	if (secs < 0 || secs > 365.0 * 86400) {
		fail(p, "%s must be between 0 and 365d, not '%s'", key, v);
		return false;
	}
	*out = (long)(secs + 0.5);
	return true;
}

static bool parse_bool(struct parse *p, const char *key, const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	fail(p, "%s must be yes or no, not '%s'", key, v);
	return false;
}

/* A path relative to the config file's directory, so samples are portable. */
static char *resolve_path(const struct parse *p, const char *v)
{
	struct ms_buf b = MS_BUF_INIT;

	if (v[0] != '/')
		ms_buf_printf(&b, "%s/", p->dir);
	ms_buf_puts(&b, v);
	return ms_buf_steal(&b);
}

static bool check_url(struct parse *p, const char *v)
{
	const char *host;

	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else {
		fail(p, "base_url must start with http:// or https://, not '%s'", v);
		return false;
	}
	if (*host == '\0' || *host == '/') {
		fail(p, "base_url has no host name: '%s'", v);
		return false;
	}
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || strchr("\"'<>\\^`{|}", *s)) {
			fail(p, "base_url contains '%c', which a URL may not hold unencoded",
			     *s > ' ' && *s < 0x7f ? *s : '?');
			return false;
		}
	return true;
}

/* Refuses a second "key =" where only one makes sense. */
static bool first_time(struct parse *p, const char *scope, const char *key)
{
	for (size_t i = 0; i < p->n_seen; i++)
		if (strcmp(p->seen[i].name, key) == 0) {
			fail(p, "%s is already set in %s on line %u", key, scope,
			     p->seen[i].line);
			return false;
		}
	if (p->n_seen < sizeof(p->seen) / sizeof(p->seen[0])) {
		p->seen[p->n_seen].name = key;	/* a literal: outlives the parse */
		p->seen[p->n_seen].line = p->line;
		p->n_seen++;
	}
	return true;
}

static void set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = ms_xstrdup(v);
}

/* --- [publisher] ---------------------------------------------------- */

static const char *const publisher_keys[] = {
	"title", "description", "base_url", "output_dir", "store", "source",
	"author", "language", "hold_down", "stale_after", "lock_timeout",
	"items", "show_details", "unknown_state", "timezone", "date_format", "stylesheet",
	"api_user", "api_password_file", "api_ca_file", "api_server_name",
	"api_allow_http", "comment_prefix", "update_title", NULL
};

/* The status site's keys: the pages' time zone and date format, the CSS. */
static bool site_key(struct parse *p, const char *key, const char *v)
{
	struct pub_config *c = p->cfg;

	if (!check_text(p, key, v))
		return false;
	if (strcmp(key, "timezone") == 0) {
		if (!pub_timezone_known(v)) {
			fail(p, "timezone '%s' is not a time zone this machine knows "
			     "(a name such as UTC or Europe/Berlin)", v);
			return false;
		}
		set_string(&c->timezone, v);
	} else if (strcmp(key, "date_format") == 0) {
		if (strlen(v) > 64 || strchr(v, '%') == NULL) {
			fail(p, "date_format must be a strftime format of at most 64 "
			     "characters, such as %%d %%b %%Y %%H:%%M %%Z");
			return false;
		}
		set_string(&c->date_format, v);
	} else {
		free(c->stylesheet);
		c->stylesheet = resolve_path(p, v);
	}
	return true;
}

/* What of an operator's words is published: the note's mark, the update's title. */
static bool words_key(struct parse *p, const char *key, const char *v)
{
	char why[160];

	if (!check_text(p, key, v))
		return false;
	if (strcmp(key, "comment_prefix") == 0) {
		if (strlen(v) > PUB_COMMENT_PREFIX_MAX) {
			fail(p, "comment_prefix must be at most %d characters, not %zu",
			     PUB_COMMENT_PREFIX_MAX, strlen(v));
			return false;
		}
		set_string(&p->cfg->comment_prefix, v);
		return true;
	}
	if (!pub_title_template_check(v, why, sizeof(why))) {
		fail(p, "update_title: %s", why);
		return false;
	}
	set_string(&p->cfg->update_title, v);
	return true;
}

/* The Icinga 2 API's keys: who logs in, with what, whom it trusts, over what. */
static bool api_key(struct parse *p, const char *key, const char *v)
{
	struct pub_config *c = p->cfg;
	char **dst;

	if (strcmp(key, "api_allow_http") == 0)
		return parse_bool(p, key, v, &c->api_allow_http);
	if (!check_text(p, key, v))
		return false;
	if (strcmp(key, "api_user") == 0 || strcmp(key, "api_server_name") == 0) {
		set_string(strcmp(key, "api_user") == 0 ? &c->api_user : &c->api_server_name, v);
		return true;
	}
	dst = strcmp(key, "api_ca_file") == 0 ? &c->api_ca_file : &c->api_password_file;
	if (dst == &c->api_password_file)
		p->password_line = p->line;	/* its mode is checked with the whole file */
	free(*dst);
	*dst = resolve_path(p, v);
	return true;
}

/* source = SCHEME:LOCATION, a relative path made absolute (the config's directory). */
static bool source_key(struct parse *p, const char *v)
{
	struct pub_config *c = p->cfg;
	const struct pub_source_ops *ops;
	const char *location;
	char why[256];

	if (!check_text(p, "source", v))
		return false;
	if (!pub_source_find(v, &ops, &location, why, sizeof(why))) {
		fail(p, "source: %s", why);
		return false;
	}
	p->source_line = p->line;
	free(c->source);
	if (location[0] == '/' || !ops->location_is_path) {
		c->source = ms_xstrdup(v);
	} else {
		struct ms_buf b = MS_BUF_INIT;
		char *abs = resolve_path(p, location);

		ms_buf_add(&b, v, (size_t)(location - v));
		ms_buf_puts(&b, abs);
		free(abs);
		c->source = ms_buf_steal(&b);
	}
	return true;
}

static const char *known_key(const char *const *keys, const char *name)
{
	for (size_t i = 0; keys[i]; i++)
		if (strcmp(keys[i], name) == 0)
			return keys[i];
	return NULL;
}

static bool publisher_key(struct parse *p, const char *name, const char *v)
{
	struct pub_config *c = p->cfg;
	const char *key = known_key(publisher_keys, name);

	if (key == NULL) {
		fail(p, "unknown key '%s' in [publisher]", name);
		return false;
	}
	if (!first_time(p, "[publisher]", key))
		return false;
	if (strcmp(key, "title") == 0 || strcmp(key, "description") == 0 ||
	    strcmp(key, "author") == 0) {
		if (!check_text(p, key, v))
			return false;
		set_string(strcmp(key, "title") == 0 ? &c->title
			   : strcmp(key, "description") == 0 ? &c->description : &c->author, v);
	} else if (strcmp(key, "base_url") == 0) {
		if (!check_url(p, v))
			return false;
		free(c->base_url);
		c->base_url = ms_xmalloc(strlen(v) + 2);
		strcpy(c->base_url, v);
		if (v[strlen(v) - 1] != '/')
			strcat(c->base_url, "/");
	} else if (strncmp(key, "api_", 4) == 0) {
		return api_key(p, key, v);
	} else if (strcmp(key, "output_dir") == 0 || strcmp(key, "store") == 0) {
		if (!check_text(p, key, v))
			return false;
		char **dst = strcmp(key, "store") == 0 ? &c->store : &c->output_dir;
		free(*dst);
		*dst = resolve_path(p, v);
	} else if (strcmp(key, "source") == 0) {
		return source_key(p, v);
	} else if (strcmp(key, "language") == 0) {
		size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-");
		if (n < 2 || n > 35 || v[n] != '\0') {
			fail(p, "language must be a language tag such as en or en-GB, not '%s'", v);
			return false;
		}
		set_string(&c->language, v);
	} else if (strcmp(key, "hold_down") == 0) {
		return parse_seconds(p, key, v, &c->hold_down);
	} else if (strcmp(key, "stale_after") == 0) {
		return parse_seconds(p, key, v, &c->stale_after);
	} else if (strcmp(key, "lock_timeout") == 0) {
		return parse_seconds(p, key, v, &c->lock_timeout);
	} else if (strcmp(key, "items") == 0) {
		return parse_long(p, key, v, 1, 1000, &c->items);
	} else if (strcmp(key, "show_details") == 0) {
		return parse_bool(p, key, v, &c->show_details);
	} else if (strcmp(key, "timezone") == 0 || strcmp(key, "date_format") == 0 ||
		   strcmp(key, "stylesheet") == 0) {
		return site_key(p, key, v);
	} else if (strcmp(key, "comment_prefix") == 0 || strcmp(key, "update_title") == 0) {
		return words_key(p, key, v);
	} else if (strcmp(key, "unknown_state") == 0) {
		if (strcmp(v, "up") == 0)
			c->unknown_as = PUB_MEMBER_UP;
		else if (strcmp(v, "impaired") == 0)
			c->unknown_as = PUB_MEMBER_IMPAIRED;
		else if (strcmp(v, "down") == 0)
			c->unknown_as = PUB_MEMBER_DOWN;
		else {
			fail(p, "unknown_state must be up, impaired or down, not '%s'", v);
			return false;
		}
	}
	return true;
}

/* --- [cluster SLUG] and [component CLUSTER SLUG] --------------------- */

static char *service_slug(const char *service)
{
	struct ms_buf b = MS_BUF_INIT;
	bool dash = false;

	for (const unsigned char *s = (const unsigned char *)service; *s; s++) {
		if (isalnum(*s) && *s < 0x80) {
			if (dash && b.len > 0)
				ms_buf_putc(&b, '-');
			ms_buf_putc(&b, (char)tolower(*s));
			dash = false;
		} else {
			dash = true;
		}
	}
	if (b.len == 0)
		ms_buf_puts(&b, "service");
	return ms_buf_steal(&b);
}

static const char *const cluster_keys[] = { "name", "service", "description", NULL };

static bool cluster_key(struct parse *p, const char *name, const char *v)
{
	struct pub_cluster *cl = p->cluster;
	const char *key = known_key(cluster_keys, name);

	if (key == NULL) {
		fail(p, "unknown key '%s' in [%s] (name, service, description)", name,
		     p->sec_name);
		return false;
	}
	if (!first_time(p, p->sec_name, key) || !check_text(p, key, v))
		return false;
	if (strcmp(key, "name") == 0) {
		set_string(&cl->name, v);
	} else if (strcmp(key, "description") == 0) {
		set_string(&cl->description, v);
	} else {
		set_string(&cl->service, v);
		free(cl->service_slug);
		cl->service_slug = service_slug(v);
	}
	return true;
}

static bool bad_object_name(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

/*
 * One name of a member: "quoted" (Nagios allows spaces in a host name) or
 * bare up to one of stops, trailing blanks dropped. *quoted tells which.
 * Returns what follows it, or NULL when the closing quote is missing.
 */
static const char *member_name(struct parse *p, const char *v, const char *s,
			       const char *stops, char **out, bool *quoted)
{
	const char *end;
	size_t n;

	*quoted = *s == '"';
	if (*quoted) {
		end = strchr(s + 1, '"');
		if (end == NULL) {
			fail(p, "member '%s': a name that opens with '\"' must close with one", v);
			return NULL;
		}
		*out = ms_xstrndup(s + 1, (size_t)(end - s - 1));
		for (end++; *end == ' ' || *end == '\t'; end++)
			;
		return end;
	}
	end = s + strcspn(s, stops);
	for (n = (size_t)(end - s); n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
		;
	*out = ms_xstrndup(s, n);
	return end;
}

/* Why a host or service name cannot be one Nagios has, or NULL. */
static const char *bad_member_name(const char *name, bool quoted, bool is_host)
{
	size_t n = strlen(name);

	if (n == 0)
		return "is empty";
	if (bad_object_name(name))
		return "contains a control character";
	if (name[0] == ' ' || name[0] == '\t' || name[n - 1] == ' ' || name[n - 1] == '\t')
		return "has spaces around it";
	if (is_host && !quoted && strpbrk(name, " \t"))
		return "contains a space: put a name with spaces in quotes "
		       "(\"mail host 1\"!imap = Public Name)";
	if (strchr(name, '!') || (quoted && strchr(name, '"')))
		return "contains '!' or '\"'";
	return NULL;
}

/* Is host!service already a member of the cluster being read? */
static const struct pub_member *member_in_cluster(const struct pub_cluster *cl,
						  const struct pub_member *m)
{
	for (size_t j = 0; j < cl->n_components; j++)
		for (size_t i = 0; i < cl->components[j].n_members; i++) {
			const struct pub_member *o = &cl->components[j].members[i];
			if (strcmp(o->host, m->host) == 0 &&
			    (o->service == NULL) == (m->service == NULL) &&
			    (o->service == NULL || strcmp(o->service, m->service) == 0))
				return o;
		}
	return NULL;
}

/*
 * member = HOST[!SERVICE] [= Public Name]. Nagios forbids '=', '!' and
 * '"' in object names, so the first '=' ends the object and the first '!'
 * the host; a name with spaces is written in quotes.
 */
static bool parse_member(struct parse *p, const char *v, struct pub_member *m, char **pub)
{
	bool hq = false, sq = false;
	const char *rest = member_name(p, v, v, "!=", &m->host, &hq), *why;

	if (rest && *rest == '!')
		rest = member_name(p, v, rest + 1, "=", &m->service, &sq);
	if (rest == NULL)
		return false;
	if (*rest == '=') {
		for (rest++; *rest == ' ' || *rest == '\t'; rest++)
			;
		*pub = ms_xstrdup(rest);
	} else if (*rest != '\0') {
		fail(p, "member '%s': '%s' after the name (write HOST!SERVICE = Public Name)",
		     v, rest);
		return false;
	}
	if ((why = bad_member_name(m->host, hq, true)) != NULL) {
		fail(p, "member '%s': the host name %s", v, why);
		return false;
	}
	if (m->service && (why = bad_member_name(m->service, sq, false)) != NULL) {
		fail(p, "member '%s': the service after '!' %s", v, why);
		return false;
	}
	return *pub == NULL || check_text(p, "the member's public name (after '=')", *pub);
}

static bool add_member(struct parse *p, const char *v)
{
	struct pub_component *co = p->component;
	struct pub_member m = { .line = p->line };
	const struct pub_member *dup;
	char *pub = NULL;

	if (parse_member(p, v, &m, &pub) && (dup = member_in_cluster(p->cluster, &m)) != NULL)
		fail(p, "member '%s' is already listed on line %u", v, dup->line);
	if (p->failed) {
		free(m.host);
		free(m.service);
		free(pub);
		return false;
	}
	if (pub == NULL) {
		struct ms_buf b = MS_BUF_INIT;
		ms_buf_printf(&b, "%s %zu", co->name ? co->name : co->slug,
			      co->n_members + 1);
		pub = ms_buf_steal(&b);
	}
	m.public_name = pub;
	co->members = ms_xreallocarray(co->members, co->n_members + 1, sizeof(m));
	co->members[co->n_members++] = m;
	return true;
}

static const char *const component_keys[] = {
	"name", "critical", "impact", "area", "member", NULL
};

static bool component_key(struct parse *p, const char *name, const char *v)
{
	struct pub_component *co = p->component;
	const char *key = known_key(component_keys, name);

	if (key == NULL) {
		fail(p, "unknown key '%s' in [%s] (name, critical, impact, area, member)", name,
		     p->sec_name);
		return false;
	}
	if (strcmp(key, "member") == 0)
		return add_member(p, v);	/* the one key that repeats */
	if (!first_time(p, p->sec_name, key))
		return false;
	if (strcmp(key, "critical") == 0)
		return parse_bool(p, key, v, &co->critical);
	if (!check_text(p, key, v))
		return false;
	set_string(strcmp(key, "name") == 0 ? &co->name
		   : strcmp(key, "area") == 0 ? &co->area : &co->impact, v);
	return true;
}

/*
 * [authors]: "login = Public Name", one per engine user whose notes carry
 * a name of their own (unmapped users' notes carry the configured author).
 */
static bool author_key(struct parse *p, const char *login, const char *v)
{
	struct pub_config *c = p->cfg;

	if (!check_text(p, "an author's engine user name", login) ||
	    !check_text(p, "an author's public name", v))
		return false;
	for (size_t i = 0; i < c->n_authors; i++)
		if (strcmp(c->authors[i].login, login) == 0) {
			fail(p, "author '%s' is already named on line %u", login,
			     c->authors[i].line);
			return false;
		}
	c->authors = ms_xreallocarray(c->authors, c->n_authors + 1, sizeof(*c->authors));
	c->authors[c->n_authors].login = ms_xstrdup(login);
	c->authors[c->n_authors].name = ms_xstrdup(v);
	c->authors[c->n_authors].line = p->line;
	c->n_authors++;
	return true;
}

/* Splits "WORD REST" of a section header; returns false on anything else. */
static bool split_words(const char *s, char *words[], size_t want)
{
	char *copy = ms_xstrdup(s), *save = NULL, *tok;
	size_t n = 0;

	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == want) {
			n++;
			break;
		}
		words[n++] = ms_xstrdup(tok);
	}
	free(copy);
	if (n != want) {
		for (size_t i = 0; i < n && i < want; i++)
			free(words[i]);
		return false;
	}
	return true;
}

static struct pub_cluster *find_cluster(struct pub_config *c, const char *slug)
{
	for (size_t i = 0; i < c->n_clusters; i++)
		if (strcmp(c->clusters[i].slug, slug) == 0)
			return &c->clusters[i];
	return NULL;
}

static void finish_section(struct parse *p);

static void begin_section(struct parse *p, const char *section)
{
	struct pub_config *c = p->cfg;
	char *w[3];

	finish_section(p);
	free(p->sec_name);
	p->sec_name = ms_xstrdup(section);
	p->n_seen = 0;
	p->sec = SEC_BAD;
	p->cluster = NULL;
	p->component = NULL;

	if (strcmp(section, "publisher") == 0) {
		if (p->have_publisher)
			fail(p, "a second [publisher] section");
		p->have_publisher = true;
		p->publisher_line = p->line;
		p->sec = SEC_PUBLISHER;
	} else if (strcmp(section, "authors") == 0) {
		if (p->have_authors)
			fail(p, "a second [authors] section");
		p->have_authors = true;
		p->sec = SEC_AUTHORS;
	} else if (strncmp(section, "cluster", 7) == 0 && split_words(section, w, 2)) {
		if (strcmp(w[0], "cluster") != 0 || !pub_slug_valid(w[1]))
			fail(p, "[%s]: a cluster's slug is lower-case letters, digits "
			     "and '-' (e.g. [cluster email-cluster-a])", section);
		else if (find_cluster(c, w[1]))
			fail(p, "cluster '%s' is defined twice", w[1]);
		else {
			c->clusters = ms_xreallocarray(c->clusters, c->n_clusters + 1,
						       sizeof(*c->clusters));
			p->cluster = &c->clusters[c->n_clusters++];
			memset(p->cluster, 0, sizeof(*p->cluster));
			p->cluster->slug = ms_xstrdup(w[1]);
			p->cluster->line = p->line;
			p->sec = SEC_CLUSTER;
		}
		free(w[0]);
		free(w[1]);
	} else if (strncmp(section, "component", 9) == 0 && split_words(section, w, 3)) {
		struct pub_cluster *cl = find_cluster(c, w[1]);

		if (strcmp(w[0], "component") != 0 || !pub_slug_valid(w[2]))
			fail(p, "[%s]: write [component CLUSTER-SLUG COMPONENT-SLUG], "
			     "slugs in lower-case letters, digits and '-'", section);
		else if (cl == NULL)
			fail(p, "[%s]: cluster '%s' is not defined above this line", section, w[1]);
		else {
			for (size_t i = 0; i < cl->n_components; i++)
				if (strcmp(cl->components[i].slug, w[2]) == 0)
					fail(p, "component '%s' of cluster '%s' is defined twice",
					     w[2], w[1]);
			if (!p->failed) {
				cl->components = ms_xreallocarray(cl->components,
					cl->n_components + 1, sizeof(*cl->components));
				p->component = &cl->components[cl->n_components++];
				memset(p->component, 0, sizeof(*p->component));
				p->component->slug = ms_xstrdup(w[2]);
				p->component->critical = true;
				p->component->line = p->line;
				p->cluster = cl;
				p->sec = SEC_COMPONENT;
			}
		}
		free(w[0]);
		free(w[1]);
		free(w[2]);
	} else {
		fail(p, "unknown section [%s] (use [publisher], [cluster SLUG], "
		     "[component CLUSTER-SLUG SLUG] or [authors])", section);
	}
}

/* Checks what a section must have once all its lines are read. */
static void finish_section(struct parse *p)
{
	if (p->failed)
		return;
	if (p->sec == SEC_CLUSTER && p->cluster->name == NULL)
		fail_at(p, p->cluster->line, "[%s] has no name", p->sec_name);
	else if (p->sec == SEC_CLUSTER && p->cluster->service == NULL)
		fail_at(p, p->cluster->line, "[%s] has no service (the feed it belongs "
			"to, e.g. service = Email Service)", p->sec_name);
	else if (p->sec == SEC_COMPONENT && p->component->name == NULL)
		fail_at(p, p->component->line, "[%s] has no name", p->sec_name);
	else if (p->sec == SEC_COMPONENT && p->component->n_members == 0)
		fail_at(p, p->component->line, "[%s] has no member (member = HOST or "
			"HOST!SERVICE = Public Name)", p->sec_name);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;

	(void)section;	/* section_line() saw the header first */
	if (p->failed)
		return 1;	/* keep inih quiet; the first error is reported */
	switch (p->sec) {
	case SEC_PUBLISHER:
		publisher_key(p, name, value);
		break;
	case SEC_CLUSTER:
		cluster_key(p, name, value);
		break;
	case SEC_COMPONENT:
		component_key(p, name, value);
		break;
	case SEC_AUTHORS:
		author_key(p, name, value);
		break;
	case SEC_BAD:
		break;	/* the header's error is already reported */
	default:
		fail(p, "key '%s' outside of any section", name);
		break;
	}
	return 1;
}

/*
 * The API's password goes over the wire with every query: not in clear,
 * unless the operator says the way is private (loopback, a tunnel).
 */
static void check_api_transport(struct parse *p)
{
	const struct pub_config *c = p->cfg;

	if (c->api_allow_http || strncmp(c->source, "icinga2:", 8) != 0 ||
	    strncasecmp(c->source + 8, "http://", 7) != 0)
		return;
	fail_at(p, p->source_line, "source: '%s' would send api_user's password in "
		"clear; use https:// (Icinga's API speaks TLS), or set "
		"api_allow_http = yes where the way to it is private", c->source);
}

static void check_password_file(struct parse *p)
{
	struct ms_buf why = MS_BUF_INIT;

	if (p->cfg->api_password_file &&
	    !pub_secret_file_private("api_password_file", p->cfg->api_password_file, -1, &why))
		fail_at(p, p->password_line, "%s", why.data);
	ms_buf_free(&why);
}

bool pub_secret_file_private(const char *what, const char *path, int fd,
			     struct ms_buf *why)
{
	struct stat st;

	if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) != 0)
		return true;
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
		return true;
	ms_buf_printf(why, "%s %s is open to %s (mode %04o): it holds a password; "
		      "chmod 600 it, as ssh wants of a key", what, path,
		      st.st_mode & S_IRWXO ? "everyone" : "its group",
		      (unsigned)(st.st_mode & 07777));
	return false;
}

/* Checks that need the whole file: required keys, clusters, feed names. */
static void check_whole(struct parse *p)
{
	struct pub_config *c = p->cfg;
	static const struct { const char *key; size_t off; } required[] = {
		{ "title", offsetof(struct pub_config, title) },
		{ "base_url", offsetof(struct pub_config, base_url) },
		{ "output_dir", offsetof(struct pub_config, output_dir) },
		{ "store", offsetof(struct pub_config, store) },
		{ "source", offsetof(struct pub_config, source) },
	};

	if (p->failed)
		return;
	ms_buf_reset(p->err);
	if (!p->have_publisher) {
		ms_buf_printf(p->err, "%s: there is no [publisher] section", p->path);
		p->failed = true;
		return;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (*(char **)((char *)c + required[i].off) == NULL) {
			ms_buf_printf(p->err, "%s:%u: [publisher] has no %s", p->path,
				      p->publisher_line, required[i].key);
			p->failed = true;
			return;
		}
	if (c->n_clusters == 0) {
		ms_buf_printf(p->err, "%s: no [cluster SLUG] section: nothing to publish",
			      p->path);
		p->failed = true;
		return;
	}
	/* two service names that make one feed name would share one feed */
	for (size_t i = 0; i < c->n_clusters; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->clusters[i].service_slug, c->clusters[j].service_slug) == 0 &&
			    strcmp(c->clusters[i].service, c->clusters[j].service) != 0) {
				ms_buf_printf(p->err, "%s:%u: service '%s' and service '%s' "
					      "(line %u) would both be feeds/service/%s.rss; "
					      "spell them the same or differently", p->path,
					      c->clusters[i].line, c->clusters[i].service,
					      c->clusters[j].service, c->clusters[j].line,
					      c->clusters[i].service_slug);
				p->failed = true;
				return;
			}
	for (size_t i = 0; i < c->n_clusters; i++)
		if (c->clusters[i].n_components == 0) {
			ms_buf_printf(p->err, "%s:%u: [cluster %s] has no [component %s ...] "
				      "section", p->path, c->clusters[i].line,
				      c->clusters[i].slug, c->clusters[i].slug);
			p->failed = true;
			return;
		}
	check_api_transport(p);
	check_password_file(p);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return ms_xstrdup(".");
	if (slash == path)
		return ms_xstrdup("/");
	return ms_xstrndup(path, (size_t)(slash - path));
}

struct pub_config *pub_config_load(const char *path, struct ms_buf *err)
{
	struct parse p = { 0 };
	struct pub_config *c = ms_xcalloc(1, sizeof(*c));
	int rc;

	c->path = ms_xstrdup(path);
	c->hold_down = 120;
	c->stale_after = 600;
	c->lock_timeout = 60;
	c->items = 50;
	c->unknown_as = PUB_MEMBER_IMPAIRED;
	p.path = path;
	p.cfg = c;
	p.err = err;
	p.dir = dir_of(path);
	p.fp = fopen(path, "r");
	if (p.fp == NULL) {
		ms_buf_reset(err);
		ms_buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
		free(p.dir);
		pub_config_free(c);
		return NULL;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (ferror(p.fp) && !p.failed) {
		ms_buf_printf(err, "%s: read error: %s", path, strerror(errno));
		p.failed = true;
	}
	if (rc > 0 && !p.failed) {
		p.line = (unsigned)rc;
		fail(&p, "not a section header, key = value line or comment");
	}
	finish_section(&p);
	check_whole(&p);
	if (c->author == NULL)
		c->author = ms_xstrdup("Operations");
	if (c->language == NULL)
		c->language = ms_xstrdup("en");
	if (c->comment_prefix == NULL)
		c->comment_prefix = ms_xstrdup(PUB_DEFAULT_COMMENT_PREFIX);
	fclose(p.fp);
	free(p.lbuf);
	free(p.sec_name);
	free(p.dir);
	if (p.failed) {
		pub_config_free(c);
		return NULL;
	}
	return c;
}

const struct pub_cluster *pub_config_cluster(const struct pub_config *cfg,
					     const char *slug)
{
	return find_cluster((struct pub_config *)cfg, slug);
}

void pub_config_free(struct pub_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_clusters; i++) {
		struct pub_cluster *cl = &c->clusters[i];
		for (size_t j = 0; j < cl->n_components; j++) {
			struct pub_component *co = &cl->components[j];
			for (size_t k = 0; k < co->n_members; k++) {
				free(co->members[k].host);
				free(co->members[k].service);
				free(co->members[k].public_name);
			}
			free(co->members);
			free(co->slug);
			free(co->name);
			free(co->impact);
			free(co->area);
		}
		free(cl->components);
		free(cl->slug);
		free(cl->name);
		free(cl->service);
		free(cl->service_slug);
		free(cl->description);
	}
	free(c->clusters);
	free(c->path);
	free(c->title);
	free(c->description);
	free(c->base_url);
	free(c->output_dir);
	free(c->store);
	free(c->source);
	free(c->api_user);
	free(c->api_password_file);
	free(c->api_ca_file);
	free(c->api_server_name);
	free(c->author);
	free(c->language);
	free(c->timezone);
	free(c->date_format);
	free(c->stylesheet);
	free(c->comment_prefix);
	free(c->update_title);
	for (size_t i = 0; i < c->n_authors; i++) {
		free(c->authors[i].login);
		free(c->authors[i].name);
	}
	free(c->authors);
	free(c);
}
