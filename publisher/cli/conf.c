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
 *
 * The keys of each section are in a table (publisher_keys, cluster_keys,
 * component_keys below): its name, type, field, bounds, default and
 * whether it is required. The handler finds a key there and lets its type
 * check and store the value; [authors] alone has keys of the operator's
 * choosing.
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
#include "delivery.h"
#include "duration.h"
#include "mail_message.h"
#include "notes.h"
#include "perfparse.h"
#include "site_time.h"
#include "source.h"
#include "text.h"
#include "xalloc.h"

enum section {
	SEC_NONE, SEC_PUBLISHER, SEC_CLUSTER, SEC_COMPONENT, SEC_VIEW, SEC_SUBSCRIBER,
	SEC_SMTP, SEC_AUTHORS, SEC_BAD
};

/* The most keys a section has (the tables below). */
#define MAX_KEYS 32

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
	bool have_smtp;
	unsigned publisher_line;	/* where [publisher] starts, for what it lacks */
	unsigned source_line, password_line;	/* checked once the whole file is read */
	enum section sec;
	char *sec_name;		/* the section header being read */
	struct pub_cluster *cluster;	/* current [cluster] or owner of [component] */
	struct pub_component *component;
	struct pub_view *view;		/* current [view NAME] */
	struct pub_subscriber *subscriber;	/* current [subscriber NAME] */
	/*
	 * The line each key of the section being read was set on (0: not
	 * yet), per kind of section: [publisher]'s are checked at the end.
	 */
	unsigned set_on[SEC_SMTP + 1][MAX_KEYS];
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

static bool has_control(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return true;
	return false;
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
	if (has_control(v)) {
		fail(p, "%s contains a control character", key);
		return false;
	}
	return true;
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

/* The two schemes a URL key takes, and how its error names them. */
struct url_schemes {
	const char *one, *other, *said;
};
static const struct url_schemes web_schemes = { "https://", "http://", "http:// or https://" };
static const struct url_schemes smtp_schemes = { "smtp://", "smtps://",
						 "smtp:// (STARTTLS) or smtps://" };

/* A URL of one of the schemes, with a host, nothing unencoded; *host where it begins. */
static bool check_url(struct parse *p, const char *key, const char *v,
		      const struct url_schemes *sc, const char **host_at)
{
	const char *host;

	if (strncmp(v, sc->one, strlen(sc->one)) == 0)
		host = v + strlen(sc->one);
	else if (strncmp(v, sc->other, strlen(sc->other)) == 0)
		host = v + strlen(sc->other);
	else {
		fail(p, "%s must start with %s, not '%s'", key, sc->said, v);
		return false;
	}
	if (*host == '\0' || *host == '/' || *host == ':') {
		fail(p, "%s has no host name: '%s'", key, v);
		return false;
	}
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || strchr("\"'<>\\^`{|}", *s)) {
			fail(p, "%s contains '%c', which a URL may not hold unencoded", key,
			     *s > ' ' && *s < 0x7f ? *s : '?');
			return false;
		}
	if (host_at != NULL)
		*host_at = host;
	return true;
}

/* Refuses a second "key =" where only one makes sense; key i of the table. */
static bool first_time(struct parse *p, const char *scope, size_t i, const char *key)
{
	unsigned *on = &p->set_on[p->sec][i];

	if (*on != 0) {
		fail(p, "%s is already set in %s on line %u", key, scope, *on);
		return false;
	}
	*on = p->line;
	return true;
}

static void set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = ms_xstrdup(v);
}

/* --- the types of keys -------------------------------------------------- */

struct conf_key;

/* Checks v and stores it at dst, the key's field; says what is wrong. */
typedef bool key_type(struct parse *p, const struct conf_key *k, const char *v, void *dst);

/*
 * A key of a section, in the manner of Postfix's CONFIG_*_TABLE: its
 * name, its type (how its value is checked and stored), where it is
 * stored, its bounds and its default. The parser walks the tables below;
 * the unit tests hold mailstatus-publish.conf(5) against them.
 */
struct conf_key {
	const char *name;
	key_type *type;
	size_t offset;		/* of its field in the section's struct */
	long min, max;		/* a number's bounds; text: at most max bytes (0: any) */
	const char *def;	/* the default, as the file would write it, or NULL */
	unsigned flags;
	const char *hint;	/* for "[SECTION] has no KEY (HINT)", or NULL */
};
#define KEY_REQUIRED 1u		/* the section must set it */
#define KEY_REPEATS 2u		/* it may be set more than once (member) */

/* Text readers see (check_text), at most k->max bytes when that is not 0. */
static bool key_text(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	if (k->max > 0 && strlen(v) > (size_t)k->max) {
		fail(p, "%s must be at most %ld characters, not %zu", k->name, k->max,
		     strlen(v));
		return false;
	}
	set_string(dst, v);
	return true;
}

/* A file or directory, relative to the config file's directory. */
static bool key_path(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	char **path = dst;

	if (!check_text(p, k->name, v))
		return false;
	free(*path);
	*path = resolve_path(p, v);
	return true;
}

/* A bound of seconds as the file would write it: 0, 90, 365d. */
static const char *bound_words(char buf[32], long secs)
{
	if (secs > 0 && secs % 86400 == 0)
		snprintf(buf, 32, "%ldd", secs / 86400);
	else
		snprintf(buf, 32, "%ld", secs);
	return buf;
}

/* "60", "2m", "1h 30m" as lib/common/duration reads them, k->min to k->max seconds. */
static bool key_seconds(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	struct ms_buf why = MS_BUF_INIT;
	char min[32], max[32];
	double secs;

	if (!ms_duration_parse(v, &secs, &why)) {
		fail(p, "%s: %s", k->name, ms_buf_str(&why));
		ms_buf_free(&why);
		return false;
	}
	if (secs < k->min || secs > k->max) {
		fail(p, "%s must be between %s and %s, not '%s'", k->name,
		     bound_words(min, k->min), bound_words(max, k->max), v);
		return false;
	}
	*(long *)dst = (long)(secs + 0.5);
	return true;
}

/* A whole number from k->min to k->max. */
static bool key_long(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || x < k->min || x > k->max) {
		fail(p, "%s must be a whole number from %ld to %ld, not '%s'", k->name,
		     k->min, k->max, v);
		return false;
	}
	*(long *)dst = x;
	return true;
}

static bool key_bool(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*(bool *)dst = strcasecmp(v, yes[i]) == 0;
			return true;
		}
	}
	fail(p, "%s must be yes or no, not '%s'", k->name, v);
	return false;
}

/* http:// or https://, stored with a final '/' (links are made by appending). */
static bool key_url(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	char **url = dst;
	size_t n = strlen(v);

	if (!check_url(p, k->name, v, &web_schemes, NULL))
		return false;
	free(*url);
	*url = ms_xmalloc(n + 2);
	memcpy(*url, v, n + 1);
	if (v[n - 1] != '/')
		strcpy(*url + n, "/");
	return true;
}

/* SCHEME:LOCATION, a relative path made absolute (the config's directory). */
static bool key_source(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	char **source = dst;
	const struct pub_source_ops *ops;
	const char *location;
	struct ms_buf why = MS_BUF_INIT;

	if (!check_text(p, k->name, v))
		return false;
	if (!pub_source_find(v, &ops, &location, &why)) {
		fail(p, "%s: %s", k->name, why.data);
		ms_buf_free(&why);
		return false;
	}
	p->source_line = p->line;	/* the API's transport is checked at the end */
	free(*source);
	if (location[0] == '/' || !ops->location_is_path) {
		*source = ms_xstrdup(v);
	} else {
		struct ms_buf b = MS_BUF_INIT;
		char *abs = resolve_path(p, location);

		ms_buf_add(&b, v, (size_t)(location - v));
		ms_buf_puts(&b, abs);
		free(abs);
		*source = ms_buf_steal(&b);
	}
	return true;
}

/* The API's password file: a path, whose mode is checked with the whole file. */
static bool key_secret(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!key_path(p, k, v, dst))
		return false;
	p->password_line = p->line;
	return true;
}

/* A language tag, en or en-GB. */
static bool key_language(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-");

	if (n < 2 || n > 35 || v[n] != '\0') {
		fail(p, "%s must be a language tag such as en or en-GB, not '%s'", k->name, v);
		return false;
	}
	set_string(dst, v);
	return true;
}

/* What a service's UNKNOWN counts as. */
static bool key_member_state(struct parse *p, const struct conf_key *k, const char *v,
			     void *dst)
{
	static const struct { const char *word; enum pub_member_state state; } states[] = {
		{ "up", PUB_MEMBER_UP },
		{ "impaired", PUB_MEMBER_IMPAIRED },
		{ "down", PUB_MEMBER_DOWN },
	};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(v, states[i].word) == 0) {
			*(enum pub_member_state *)dst = states[i].state;
			return true;
		}
	fail(p, "%s must be up, impaired or down, not '%s'", k->name, v);
	return false;
}

/* A time zone this machine knows. */
static bool key_timezone(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	if (!pub_timezone_known(v)) {
		fail(p, "%s '%s' is not a time zone this machine knows "
		     "(a name such as UTC or Europe/Berlin)", k->name, v);
		return false;
	}
	set_string(dst, v);
	return true;
}

/* A strftime format of at most k->max characters. */
static bool key_date_format(struct parse *p, const struct conf_key *k, const char *v,
			    void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	if (strlen(v) > (size_t)k->max || strchr(v, '%') == NULL) {
		fail(p, "%s must be a strftime format of at most %ld characters, such as "
		     "%%d %%b %%Y %%H:%%M %%Z", k->name, k->max);
		return false;
	}
	set_string(dst, v);
	return true;
}

/*
 * sample = yes: the file is the sample (contrib/publish.conf.sample, what
 * the Debian package installs as /etc/mailstatus/publish.conf), whose
 * clusters and members are an example's: publishing from it would tell
 * readers of servers that do not exist. Refused until the operator has
 * set the file up and deleted the line; "no" is accepted.
 */
static bool key_sample(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	bool sample = false;

	(void)dst;	/* nothing to keep: the key is refused or without effect */
	if (!key_bool(p, k, v, &sample))
		return false;
	if (sample) {
		fail(p, "this is the sample publish.conf, not yet set up for this platform: "
		     "set its clusters, members, paths and source to yours "
		     "(mailstatus-publish.conf(5)), then delete this line");
		return false;
	}
	return true;
}

/* A title template (notes.h): {cluster}, {state}, {what}, {time}. */
static bool key_template(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	struct ms_buf why = MS_BUF_INIT;

	if (!check_text(p, k->name, v))
		return false;
	if (!pub_title_template_check(v, &why)) {
		fail(p, "%s: %s", k->name, why.data);
		ms_buf_free(&why);
		return false;
	}
	set_string(dst, v);
	return true;
}

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
	if (has_control(name))
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

/* A cluster's service: its name, and the name of its feed made of it. */
static bool key_service(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!key_text(p, k, v, dst))
		return false;
	free(p->cluster->service_slug);
	p->cluster->service_slug = service_slug(v);
	return true;
}

/* member = HOST[!SERVICE] [= Public Name], added to the component's members. */
static bool key_member(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	(void)k;
	(void)dst;
	return add_member(p, v);
}

/*
 * metric = HOST!SERVICE:LABEL (or HOST:LABEL): kept as written, checked
 * against the members once the section is read (they may follow it).
 */
static bool key_metric(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	set_string(dst, v);
	p->component->metric_line = p->line;
	return true;
}

/*
 * The metric as "host!service:label", without the quotes a host or
 * service name may be written in, as in a member line ("mail host 1"!imap).
 */
static char *metric_unquoted(const char *v)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *end;

	for (int part = 0; part < 2; part++) {
		if (*v == '"' && (end = strchr(v + 1, '"')) != NULL) {
			ms_buf_add(&b, v + 1, (size_t)(end - v - 1));
			v = end + 1;
		}
		if (part == 0 && *v == '!' && v[1] == '"') {
			ms_buf_putc(&b, '!');
			v++;
		} else {
			break;
		}
	}
	ms_buf_puts(&b, v);
	return ms_buf_steal(&b);
}

/*
 * The member a metric names: the one whose object ("host!service") and a
 * ':' begin the value, the longest if several do (names may hold ':');
 * what follows is the perfdata label.
 */
static void resolve_metric(struct parse *p, struct pub_component *co)
{
	struct ms_buf obj = MS_BUF_INIT;
	size_t best = 0, best_len = 0;
	char *v = metric_unquoted(co->metric);

	for (size_t i = 0; i < co->n_members; i++) {
		pub_member_object(&co->members[i], &obj);
		if (obj.len > best_len && strncmp(v, obj.data, obj.len) == 0 && v[obj.len] == ':') {
			best = i;
			best_len = obj.len;
		}
	}
	ms_buf_free(&obj);
	if (best_len == 0)
		fail_at(p, co->metric_line, "metric '%s' must name a member of [%s] and a "
			"perfdata label: HOST!SERVICE:LABEL (or HOST:LABEL), the member as its "
			"'member =' line names it", co->metric, p->sec_name);
	else if (v[best_len + 1] == '\0')
		fail_at(p, co->metric_line, "metric '%s' names no perfdata label after "
			"the member (HOST!SERVICE:LABEL)", co->metric);
	else if (strlen(v + best_len + 1) >= PUB_PERF_LABEL_MAX)
		fail_at(p, co->metric_line, "metric '%s': the label must be shorter than %d "
			"characters", co->metric, PUB_PERF_LABEL_MAX);
	if (!p->failed) {
		co->metric_member = best;
		co->metric_label = ms_xstrdup(v + best_len + 1);
	}
	free(v);
}

/*
 * clusters = a, b c, of a [view] or a [subscriber] (where names it):
 * cluster slugs separated by commas or blanks, each once, at least one;
 * whether each is a cluster of the file is checked once it is read.
 */
static bool split_slug_list(struct parse *p, const struct conf_key *k, const char *where,
			    const char *v, char ***list, size_t *n)
{
	char *copy = ms_xstrdup(v), *save = NULL;

	for (char *tok = strtok_r(copy, " \t,", &save); tok && !p->failed;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (!pub_slug_valid(tok))
			fail(p, "%s: %s: '%s' is not a cluster's slug (write %s = slug, slug)",
			     where, k->name, tok, k->name);
		for (size_t i = 0; i < *n && !p->failed; i++)
			if (strcmp((*list)[i], tok) == 0)
				fail(p, "%s: cluster '%s' is listed twice", where, tok);
		if (p->failed)
			break;
		*list = ms_xreallocarray(*list, *n + 1, sizeof(**list));
		(*list)[(*n)++] = ms_xstrdup(tok);
	}
	free(copy);
	if (!p->failed && *n == 0)
		fail(p, "%s: %s names none", where, k->name);
	return !p->failed;
}

static bool key_view_clusters(struct parse *p, const struct conf_key *k, const char *v,
			      void *dst)
{
	struct pub_view *view = p->view;
	struct ms_buf where = MS_BUF_INIT;
	bool ok;

	(void)dst;
	ms_buf_printf(&where, "[view %s]", view->name);
	ok = split_slug_list(p, k, where.data, v, &view->clusters, &view->n_clusters);
	view->clusters_line = p->line;
	ms_buf_free(&where);
	return ok;
}

/* smtp:// or smtps://, a host, no login (user and password_file say it). */
static bool key_smtp_url(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	const char *host;

	if (!check_url(p, k->name, v, &smtp_schemes, &host))
		return false;
	if (strcspn(host, "@") < strcspn(host, "/")) {
		fail(p, "%s holds a login; write it as user and password_file, "
		     "which no output shows", k->name);
		return false;
	}
	set_string(dst, v);
	return true;
}

/* An e-mail address, without a display name (mail_message.h). */
static bool key_address(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	if (!pub_mail_address_valid(v)) {
		fail(p, "%s must be an e-mail address such as status@example.net, not '%s' "
		     "(the sender's name is [publisher] title)", k->name, v);
		return false;
	}
	set_string(dst, v);
	return true;
}

/* A mailto: URL (List-Unsubscribe). */
static bool key_mailto(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	if (!pub_mail_mailto_valid(v)) {
		fail(p, "%s must be a mailto: URL such as "
		     "mailto:unsubscribe@example.net?subject=unsubscribe, not '%s'", k->name, v);
		return false;
	}
	set_string(dst, v);
	return true;
}

/* --- [subscriber NAME] ------------------------------------------------- */

/* webhook = URL: http:// or https:// (the posts are public; the signature says who sent them). */
static bool key_webhook(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_url(p, k->name, v, &web_schemes, NULL))
		return false;
	set_string(dst, v);
	p->subscriber->kind = PUB_SUBSCRIBER_WEBHOOK;
	return true;
}

/* email = local@domain: one address as the message takes it (mail_message.h). */
static bool key_email(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (!check_text(p, k->name, v))
		return false;
	if (!pub_mail_address_valid(v) || strlen(v) > (size_t)k->max) {
		fail(p, "%s must be one address, local@domain, not '%s'", k->name, v);
		return false;
	}
	set_string(dst, v);
	p->subscriber->kind = PUB_SUBSCRIBER_EMAIL;
	return true;
}

static bool key_subscriber_clusters(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	struct pub_subscriber *sub = p->subscriber;
	struct ms_buf where = MS_BUF_INIT;
	bool ok;

	(void)dst;
	ms_buf_printf(&where, "[subscriber %s]", sub->name);
	ok = split_slug_list(p, k, where.data, v, &sub->clusters, &sub->n_clusters);
	ms_buf_free(&where);
	return ok;
}

static bool key_events(struct parse *p, const struct conf_key *k, const char *v, void *dst)
{
	if (strcmp(v, "posts") == 0)
		*(enum pub_subscriber_events *)dst = PUB_EVENTS_POSTS;
	else if (strcmp(v, "incidents") == 0)
		*(enum pub_subscriber_events *)dst = PUB_EVENTS_INCIDENTS;
	else {
		fail(p, "%s must be posts or incidents, not '%s'", k->name, v);
		return false;
	}
	return true;
}

/* The webhook's signing key: the owner's alone (pub_secret_file_private). */
static bool key_secret_file(struct parse *p, const struct conf_key *k, const char *v,
			    void *dst)
{
	struct ms_buf why = MS_BUF_INIT;

	if (!key_path(p, k, v, dst))
		return false;
	if (!pub_secret_file_private(k->name, *(char **)dst, -1, &why)) {
		fail(p, "%s", why.data);
		ms_buf_free(&why);
		return false;
	}
	return true;
}

/* --- the keys of each section ------------------------------------------- */

#define PUBLISHER(field) offsetof(struct pub_config, field)
#define CLUSTER(field) offsetof(struct pub_cluster, field)
#define COMPONENT(field) offsetof(struct pub_component, field)
#define VIEW(field) offsetof(struct pub_view, field)
#define SMTP(field) offsetof(struct pub_smtp, field)
#define DAYS(n) ((n) * 86400L)

static const struct conf_key publisher_keys[] = {
	/* name, type, field, min, max, default, flags, hint */
	{ "sample", key_sample, 0, 0, 0, NULL, 0, NULL },
	{ "title", key_text, PUBLISHER(title), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "description", key_text, PUBLISHER(description), 0, 0, NULL, 0, NULL },
	{ "base_url", key_url, PUBLISHER(base_url), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "output_dir", key_path, PUBLISHER(output_dir), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "store", key_path, PUBLISHER(store), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "source", key_source, PUBLISHER(source), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "author", key_text, PUBLISHER(author), 0, 0, "Operations", 0, NULL },
	{ "language", key_language, PUBLISHER(language), 0, 0, "en", 0, NULL },
	{ "hold_down", key_seconds, PUBLISHER(hold_down), 0, DAYS(365), "120", 0, NULL },
	{ "stale_after", key_seconds, PUBLISHER(stale_after), 0, DAYS(365), "600", 0, NULL },
	{ "lock_timeout", key_seconds, PUBLISHER(lock_timeout), 0, DAYS(365), "60", 0, NULL },
	{ "items", key_long, PUBLISHER(items), 1, 1000, "50", 0, NULL },
	{ "history_days", key_long, PUBLISHER(history_days), 1, 36500, "400", 0, NULL },
	{ "show_details", key_bool, PUBLISHER(show_details), 0, 0, "no", 0, NULL },
	{ "unknown_state", key_member_state, PUBLISHER(unknown_as), 0, 0, "impaired", 0, NULL },
	{ "timezone", key_timezone, PUBLISHER(timezone), 0, 0, NULL, 0, NULL },
	{ "date_format", key_date_format, PUBLISHER(date_format), 0, 64, NULL, 0, NULL },
	{ "stylesheet", key_path, PUBLISHER(stylesheet), 0, 0, NULL, 0, NULL },
	{ "api_user", key_text, PUBLISHER(api_user), 0, 0, NULL, 0, NULL },
	{ "api_password_file", key_secret, PUBLISHER(api_password_file), 0, 0, NULL, 0, NULL },
	{ "api_ca_file", key_path, PUBLISHER(api_ca_file), 0, 0, NULL, 0, NULL },
	{ "api_server_name", key_text, PUBLISHER(api_server_name), 0, 0, NULL, 0, NULL },
	{ "api_allow_http", key_bool, PUBLISHER(api_allow_http), 0, 0, "no", 0, NULL },
	{ "comment_prefix", key_text, PUBLISHER(comment_prefix), 0, PUB_COMMENT_PREFIX_MAX,
	  PUB_DEFAULT_COMMENT_PREFIX, 0, NULL },
	{ "update_title", key_template, PUBLISHER(update_title), 0, 0, NULL, 0, NULL },
	{ "deliver_budget", key_seconds, PUBLISHER(deliver_budget), 0, 3600, "10", 0, NULL },
	{ "deliver_give_up", key_seconds, PUBLISHER(deliver_give_up), 60, DAYS(30), "24h", 0,
	  NULL },
	{ "deliver_timeout", key_seconds, PUBLISHER(deliver_timeout), 1, 300, "15", 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL, 0, NULL }
};

static const struct conf_key cluster_keys[] = {
	{ "name", key_text, CLUSTER(name), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "service", key_service, CLUSTER(service), 0, 0, NULL, KEY_REQUIRED,
	  "the feed it belongs to, e.g. service = Email Service" },
	{ "description", key_text, CLUSTER(description), 0, 0, NULL, 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL, 0, NULL }
};

static const struct conf_key component_keys[] = {
	{ "name", key_text, COMPONENT(name), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "critical", key_bool, COMPONENT(critical), 0, 0, "yes", 0, NULL },
	{ "impact", key_text, COMPONENT(impact), 0, 0, NULL, 0, NULL },
	{ "area", key_text, COMPONENT(area), 0, 0, NULL, 0, NULL },
	{ "member", key_member, COMPONENT(members), 0, 0, NULL, KEY_REQUIRED | KEY_REPEATS,
	  "member = HOST or HOST!SERVICE = Public Name" },
	{ "metric", key_metric, COMPONENT(metric), 0, 0, NULL, 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL, 0, NULL }
};

static const struct conf_key view_keys[] = {
	{ "title", key_text, VIEW(title), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "description", key_text, VIEW(description), 0, 0, NULL, 0, NULL },
	{ "base_url", key_url, VIEW(base_url), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "output_dir", key_path, VIEW(output_dir), 0, 0, NULL, KEY_REQUIRED, NULL },
	{ "clusters", key_view_clusters, VIEW(clusters), 0, 0, NULL, KEY_REQUIRED,
	  "the slugs of the clusters it shows, e.g. clusters = email-cluster-b" },
	{ "css", key_path, VIEW(css), 0, 0, NULL, 0, NULL },
	{ "logo", key_path, VIEW(logo), 0, 0, NULL, 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL, 0, NULL }
};

static const struct conf_key smtp_keys[] = {
	{ "url", key_smtp_url, SMTP(url), 0, 0, NULL, KEY_REQUIRED,
	  "the relay, e.g. url = smtp://relay.example.net:587" },
	{ "from", key_address, SMTP(from), 0, 0, NULL, KEY_REQUIRED,
	  "the sender's address, e.g. from = status@example.net" },
	{ "user", key_text, SMTP(user), 0, 0, NULL, 0, NULL },
	{ "password_file", key_path, SMTP(password_file), 0, 0, NULL, 0, NULL },
	{ "ca_file", key_path, SMTP(ca_file), 0, 0, NULL, 0, NULL },
	{ "insecure", key_bool, SMTP(insecure), 0, 0, "no", 0, NULL },
	{ "list_unsubscribe", key_mailto, SMTP(list_unsubscribe), 0, 0, NULL, 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL, 0, NULL }
};

#define SUBSCRIBER(field) offsetof(struct pub_subscriber, field)

static const struct conf_key subscriber_keys[] = {
	{ "webhook", key_webhook, SUBSCRIBER(target), 0, 0, NULL, 0, NULL },
	{ "email", key_email, SUBSCRIBER(target), 0, 254, NULL, 0, NULL },
	{ "clusters", key_subscriber_clusters, SUBSCRIBER(clusters), 0, 0, NULL, 0, NULL },
	{ "events", key_events, SUBSCRIBER(events), 0, 0, "posts", 0, NULL },
	{ "secret_file", key_secret_file, SUBSCRIBER(secret_file), 0, 0, NULL, 0, NULL },
	{ "ca_file", key_path, SUBSCRIBER(ca_file), 0, 0, NULL, 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL, 0, NULL }
};

#define N_KEYS(table) (sizeof(table) / sizeof(table[0]) - 1)
_Static_assert(N_KEYS(publisher_keys) <= MAX_KEYS && N_KEYS(cluster_keys) <= MAX_KEYS &&
	       N_KEYS(component_keys) <= MAX_KEYS && N_KEYS(view_keys) <= MAX_KEYS &&
	       N_KEYS(subscriber_keys) <= MAX_KEYS && N_KEYS(smtp_keys) <= MAX_KEYS,
	       "MAX_KEYS is too small");

/* The sections whose keys are in a table, by enum section. */
static const struct {
	const char *name;
	const struct conf_key *keys;
	bool list_keys;		/* name them after an unknown one (a short list) */
} tables[] = {
	[SEC_PUBLISHER] = { "publisher", publisher_keys, false },
	[SEC_CLUSTER] = { "cluster", cluster_keys, true },
	[SEC_COMPONENT] = { "component", component_keys, true },
	[SEC_VIEW] = { "view", view_keys, true },
	[SEC_SUBSCRIBER] = { "subscriber", subscriber_keys, true },
	[SEC_SMTP] = { "smtp", smtp_keys, true },
};

/* The struct the keys of the section being read are stored in. */
static void *section_struct(const struct parse *p)
{
	return p->sec == SEC_PUBLISHER ? (void *)p->cfg
	       : p->sec == SEC_CLUSTER ? (void *)p->cluster
	       : p->sec == SEC_VIEW ? (void *)p->view
	       : p->sec == SEC_SUBSCRIBER ? (void *)p->subscriber
	       : p->sec == SEC_SMTP ? (void *)p->cfg->smtp : (void *)p->component;
}

static void unknown_key(struct parse *p, const char *name)
{
	struct ms_buf list = MS_BUF_INIT;

	if (tables[p->sec].list_keys)
		for (const struct conf_key *k = tables[p->sec].keys; k->name; k++)
			ms_buf_printf(&list, "%s%s", k == tables[p->sec].keys ? " (" : ", ",
				      k->name);
	fail(p, "unknown key '%s' in [%s]%s%s", name, p->sec_name, list.len ? list.data : "",
	     list.len ? ")" : "");
	ms_buf_free(&list);
}

/* A key = value line of [publisher], [cluster ...] or [component ...]. */
static bool table_key(struct parse *p, const char *name, const char *v)
{
	const struct conf_key *keys = tables[p->sec].keys, *k;

	for (k = keys; k->name && strcmp(k->name, name) != 0; k++)
		;
	if (k->name == NULL) {
		unknown_key(p, name);
		return false;
	}
	if (k->flags & KEY_REPEATS) {
		if (p->set_on[p->sec][k - keys] == 0)
			p->set_on[p->sec][k - keys] = p->line;
	} else if (!first_time(p, p->sec == SEC_PUBLISHER ? "[publisher]"
			       : p->sec == SEC_SMTP ? "[smtp]" : p->sec_name,
			       (size_t)(k - keys), k->name)) {
		return false;
	}
	return k->type(p, k, v, (char *)section_struct(p) + k->offset);
}

/* A new section of kind sec, stored in base: its keys' defaults, none set yet. */
static void section_defaults(struct parse *p, enum section sec, void *base)
{
	memset(p->set_on[sec], 0, sizeof(p->set_on[sec]));
	for (const struct conf_key *k = tables[sec].keys; k->name; k++)
		if (k->def != NULL)
			k->type(p, k, k->def, (char *)base + k->offset);
}

/* Says which required key the section [name] of kind sec, from line on, lacks. */
static void check_required(struct parse *p, enum section sec, const char *name,
			   unsigned line)
{
	const struct conf_key *keys = tables[sec].keys;

	for (const struct conf_key *k = keys; k->name && !p->failed; k++)
		if ((k->flags & KEY_REQUIRED) && p->set_on[sec][k - keys] == 0)
			fail_at(p, line, "[%s] has no %s%s%s%s", name, k->name,
				k->hint ? " (" : "", k->hint ? k->hint : "", k->hint ? ")" : "");
}

const char *pub_config_key(const char *section, size_t i, bool *required,
			   const char **def)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const struct conf_key *k = tables[t].keys;

		if (tables[t].name == NULL || strcmp(tables[t].name, section) != 0)
			continue;
		for (; k->name != NULL && i > 0; k++, i--)
			;
		if (k->name == NULL)
			return NULL;
		*required = (k->flags & KEY_REQUIRED) != 0;
		*def = k->def;
		return k->name;
	}
	return NULL;
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

/* [cluster SLUG]: a new cluster. */
static void begin_cluster(struct parse *p, const char *section, char *const w[2])
{
	struct pub_config *c = p->cfg;

	if (strcmp(w[0], "cluster") != 0 || !pub_slug_valid(w[1])) {
		fail(p, "[%s]: a cluster's slug is lower-case letters, digits "
		     "and '-' (e.g. [cluster email-cluster-a])", section);
		return;
	}
	if (find_cluster(c, w[1])) {
		fail(p, "cluster '%s' is defined twice", w[1]);
		return;
	}
	c->clusters = ms_xreallocarray(c->clusters, c->n_clusters + 1, sizeof(*c->clusters));
	p->cluster = &c->clusters[c->n_clusters++];
	memset(p->cluster, 0, sizeof(*p->cluster));
	p->cluster->slug = ms_xstrdup(w[1]);
	p->cluster->line = p->line;
	p->sec = SEC_CLUSTER;
	section_defaults(p, SEC_CLUSTER, p->cluster);
}

/* [component CLUSTER-SLUG SLUG]: a new component of a cluster defined above. */
static void begin_component(struct parse *p, const char *section, char *const w[3])
{
	struct pub_cluster *cl = find_cluster(p->cfg, w[1]);

	if (strcmp(w[0], "component") != 0 || !pub_slug_valid(w[2])) {
		fail(p, "[%s]: write [component CLUSTER-SLUG COMPONENT-SLUG], "
		     "slugs in lower-case letters, digits and '-'", section);
		return;
	}
	if (cl == NULL) {
		fail(p, "[%s]: cluster '%s' is not defined above this line", section, w[1]);
		return;
	}
	for (size_t i = 0; i < cl->n_components; i++)
		if (strcmp(cl->components[i].slug, w[2]) == 0) {
			fail(p, "component '%s' of cluster '%s' is defined twice", w[2], w[1]);
			return;
		}
	cl->components = ms_xreallocarray(cl->components, cl->n_components + 1,
					  sizeof(*cl->components));
	p->component = &cl->components[cl->n_components++];
	memset(p->component, 0, sizeof(*p->component));
	p->component->slug = ms_xstrdup(w[2]);
	p->component->line = p->line;
	p->cluster = cl;
	p->sec = SEC_COMPONENT;
	section_defaults(p, SEC_COMPONENT, p->component);
}

/* [view NAME]: a reseller's site (its checks that need the whole file: conf_view.c). */
static void begin_view(struct parse *p, const char *section, char *const w[2])
{
	struct pub_config *c = p->cfg;

	if (strcmp(w[0], "view") != 0 || !pub_slug_valid(w[1])) {
		fail(p, "[%s]: a view's name is lower-case letters, digits and '-' "
		     "(e.g. [view reseller-one])", section);
		return;
	}
	for (size_t i = 0; i < c->n_views; i++)
		if (strcmp(c->views[i].name, w[1]) == 0) {
			fail(p, "view '%s' is defined twice (first on line %u)", w[1],
			     c->views[i].line);
			return;
		}
	c->views = ms_xreallocarray(c->views, c->n_views + 1, sizeof(*c->views));
	p->view = &c->views[c->n_views++];
	memset(p->view, 0, sizeof(*p->view));
	p->view->name = ms_xstrdup(w[1]);
	p->view->line = p->line;
	p->sec = SEC_VIEW;
	section_defaults(p, SEC_VIEW, p->view);
}

/* [publisher] and [authors]: once each. */
static void begin_single(struct parse *p, enum section sec, bool *had)
{
	if (*had)
		fail(p, "a second [%s] section", p->sec_name);
	*had = true;
	p->sec = sec;
}

/* The line a key of the current section was set on, 0 when it was not. */
static unsigned set_on_line(const struct parse *p, enum section sec, const char *name)
{
	const struct conf_key *keys = tables[sec].keys;

	for (const struct conf_key *k = keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return p->set_on[sec][k - keys];
	return 0;
}

/* A subscriber is a webhook or an address; what the other kind takes it may not set. */
static void finish_subscriber(struct parse *p)
{
	const struct pub_subscriber *sub = p->subscriber;
	unsigned hook = set_on_line(p, SEC_SUBSCRIBER, "webhook");
	unsigned mail = set_on_line(p, SEC_SUBSCRIBER, "email");
	unsigned secret = set_on_line(p, SEC_SUBSCRIBER, "secret_file");
	unsigned ca = set_on_line(p, SEC_SUBSCRIBER, "ca_file");

	if (hook == 0 && mail == 0)
		fail_at(p, sub->line, "[%s] has no webhook = URL or email = ADDRESS", p->sec_name);
	else if (hook != 0 && mail != 0)
		fail_at(p, hook > mail ? hook : mail, "[%s] has both webhook and email: "
			"make two subscribers", p->sec_name);
	else if (hook != 0 && secret == 0)
		fail_at(p, sub->line, "[%s] has no secret_file (the key its posts are signed "
			"with, mode 600)", p->sec_name);
	else if (mail != 0 && (secret != 0 || ca != 0))
		fail_at(p, secret ? secret : ca, "[%s]: %s is for a webhook, not an e-mail "
			"subscriber", p->sec_name, secret ? "secret_file" : "ca_file");
}

/* [subscriber NAME]: a new subscriber. */
static void begin_subscriber(struct parse *p, const char *section, char *const w[2])
{
	struct pub_config *c = p->cfg;

	if (strcmp(w[0], "subscriber") != 0 || !pub_slug_valid(w[1])) {
		fail(p, "[%s]: a subscriber's name is lower-case letters, digits and '-' "
		     "(e.g. [subscriber acme-noc])", section);
		return;
	}
	if (pub_config_subscriber(c, w[1]) != NULL) {
		fail(p, "subscriber '%s' is defined twice", w[1]);
		return;
	}
	c->subscribers = ms_xreallocarray(c->subscribers, c->n_subscribers + 1,
					  sizeof(*c->subscribers));
	p->subscriber = &c->subscribers[c->n_subscribers++];
	memset(p->subscriber, 0, sizeof(*p->subscriber));
	p->subscriber->name = ms_xstrdup(w[1]);
	p->subscriber->line = p->line;
	p->sec = SEC_SUBSCRIBER;
	section_defaults(p, SEC_SUBSCRIBER, p->subscriber);
}

/* Once the file is read: the clusters subscribers name exist; e-mail needs [smtp]. */
static void check_subscribers(struct parse *p)
{
	const struct pub_config *c = p->cfg;

	for (size_t i = 0; i < c->n_subscribers && !p->failed; i++) {
		const struct pub_subscriber *sub = &c->subscribers[i];

		if (sub->kind == PUB_SUBSCRIBER_EMAIL && c->smtp == NULL)
			fail_at(p, sub->line, "[subscriber %s]: e-mail subscribers need the "
				"[smtp] section", sub->name);
		for (size_t j = 0; j < sub->n_clusters && !p->failed; j++)
			if (find_cluster((struct pub_config *)c, sub->clusters[j]) == NULL)
				fail_at(p, sub->line, "[subscriber %s]: there is no cluster '%s'",
					sub->name, sub->clusters[j]);
	}
}

/* [smtp]: once; how e-mail subscribers are reached. */
static void begin_smtp(struct parse *p)
{
	begin_single(p, SEC_SMTP, &p->have_smtp);
	if (p->failed)
		return;
	p->cfg->smtp = ms_xcalloc(1, sizeof(*p->cfg->smtp));
	p->cfg->smtp->line = p->line;
	section_defaults(p, SEC_SMTP, p->cfg->smtp);
}

/* [smtp]'s login: user and password_file go together. */
static void check_smtp(struct parse *p)
{
	const struct pub_smtp *s = p->cfg->smtp;

	check_required(p, SEC_SMTP, "smtp", s->line);
	if (!p->failed && (s->user == NULL) != (s->password_file == NULL))
		fail_at(p, s->line, "[smtp] has %s but no %s: the relay's login needs both",
			s->user ? "user" : "password_file", s->user ? "password_file" : "user");
}

/* Checks what a section must have once all its lines are read. */
static void finish_section(struct parse *p)
{
	if (p->failed)
		return;
	if (p->sec == SEC_CLUSTER)
		check_required(p, SEC_CLUSTER, p->sec_name, p->cluster->line);
	else if (p->sec == SEC_COMPONENT)
		check_required(p, SEC_COMPONENT, p->sec_name, p->component->line);
	if (!p->failed && p->sec == SEC_COMPONENT && p->component->metric != NULL)
		resolve_metric(p, p->component);
	else if (p->sec == SEC_VIEW)
		check_required(p, SEC_VIEW, p->sec_name, p->view->line);
	else if (p->sec == SEC_SUBSCRIBER)
		finish_subscriber(p);
	else if (p->sec == SEC_SMTP)
		check_smtp(p);
}

static void begin_section(struct parse *p, const char *section)
{
	char *w[3];

	finish_section(p);
	free(p->sec_name);
	p->sec_name = ms_xstrdup(section);
	p->sec = SEC_BAD;
	p->cluster = NULL;
	p->component = NULL;
	p->view = NULL;
	p->subscriber = NULL;

	if (strcmp(section, "publisher") == 0) {
		p->publisher_line = p->line;
		begin_single(p, SEC_PUBLISHER, &p->have_publisher);
	} else if (strcmp(section, "authors") == 0) {
		begin_single(p, SEC_AUTHORS, &p->have_authors);
	} else if (strcmp(section, "smtp") == 0) {
		begin_smtp(p);
	} else if (strncmp(section, "cluster", 7) == 0 && split_words(section, w, 2)) {
		begin_cluster(p, section, w);
		free(w[0]);
		free(w[1]);
	} else if (strncmp(section, "component", 9) == 0 && split_words(section, w, 3)) {
		begin_component(p, section, w);
		free(w[0]);
		free(w[1]);
		free(w[2]);
	} else if (strncmp(section, "view", 4) == 0 && split_words(section, w, 2)) {
		begin_view(p, section, w);
		free(w[0]);
		free(w[1]);
	} else if (strncmp(section, "subscriber", 10) == 0 && split_words(section, w, 2)) {
		begin_subscriber(p, section, w);
		free(w[0]);
		free(w[1]);
	} else {
		fail(p, "unknown section [%s] (use [publisher], [cluster SLUG], "
		     "[component CLUSTER-SLUG SLUG], [view NAME], [subscriber NAME], [smtp] or "
		     "[authors])", section);
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;

	(void)section;	/* section_line() saw the header first */
	if (p->failed)
		return 1;	/* keep inih quiet; the first error is reported */
	switch (p->sec) {
	case SEC_PUBLISHER:
	case SEC_CLUSTER:
	case SEC_COMPONENT:
	case SEC_VIEW:
	case SEC_SUBSCRIBER:
	case SEC_SMTP:
		table_key(p, name, value);
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

/* The line key name of the section of kind sec was set on (0: not set). */

static void check_password_file(struct parse *p)
{
	struct ms_buf why = MS_BUF_INIT;
	const struct pub_smtp *s = p->cfg->smtp;

	if (p->cfg->api_password_file &&
	    !pub_secret_file_private("api_password_file", p->cfg->api_password_file, -1, &why))
		fail_at(p, p->password_line, "%s", why.data);
	else if (s && s->password_file &&
		 !pub_secret_file_private("password_file", s->password_file, -1, &why))
		fail_at(p, set_on_line(p, SEC_SMTP, "password_file"), "%s", why.data);
	ms_buf_free(&why);
}

bool pub_secret_file_private(const char *what, const char *path, int fd,
			     struct ms_buf *err)
{
	struct stat st;

	if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) != 0)
		return true;
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
		return true;
	ms_buf_printf(err, "%s %s is open to %s (mode %04o): it holds a password; "
		      "chmod 600 it, as ssh wants of a key", what, path,
		      st.st_mode & S_IRWXO ? "everyone" : "its group",
		      (unsigned)(st.st_mode & 07777));
	return false;
}

bool pub_secret_read(const char *what, const char *path, char *out, size_t outlen,
		     struct ms_buf *err)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL) {
		ms_buf_printf(err, "cannot open %s %s: %s", what, path, strerror(errno));
		return false;
	}
	/* checked at load time too; this is the file actually read */
	if (!pub_secret_file_private(what, path, fileno(fp), err)) {
		fclose(fp);
		return false;
	}
	if (fgets(out, (int)outlen, fp) == NULL)
		out[0] = '\0';
	fclose(fp);
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n == outlen - 1) {
		memset(out, 0, outlen);
		ms_buf_printf(err, "the first line of %s %s is longer than %zu bytes", what,
			      path, outlen - 2);
		return false;
	}
	out[n] = '\0';
	if (n == 0) {
		ms_buf_printf(err, "%s %s holds nothing on its first line", what, path);
		return false;
	}
	return true;
}

/* Checks that need the whole file: required keys, clusters, feed names. */
static void check_whole(struct parse *p)
{
	struct pub_config *c = p->cfg;

	if (p->failed)
		return;
	ms_buf_reset(p->err);
	if (!p->have_publisher) {
		ms_buf_printf(p->err, "%s: there is no [publisher] section", p->path);
		p->failed = true;
		return;
	}
	check_required(p, SEC_PUBLISHER, "publisher", p->publisher_line);
	if (p->failed)
		return;
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
	if (!p->failed && !pub_config_check_views(c, p->err))
		p->failed = true;
	if (c->smtp) {
		/* the sender's name and the Message-IDs' host (delivery.h) */
		c->smtp->site_title = ms_xstrdup(c->title);
		c->smtp->site_url = ms_xstrdup(c->base_url);
	}
	check_subscribers(p);
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
	p.path = path;
	p.cfg = c;
	p.err = err;
	p.dir = dir_of(path);
	section_defaults(&p, SEC_PUBLISHER, c);
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

const struct pub_subscriber *pub_config_subscriber(const struct pub_config *cfg,
						   const char *name)
{
	for (size_t i = 0; i < cfg->n_subscribers; i++)
		if (strcmp(cfg->subscribers[i].name, name) == 0)
			return &cfg->subscribers[i];
	return NULL;
}

void pub_member_object(const struct pub_member *m, struct ms_buf *out)
{
	ms_buf_reset(out);
	ms_buf_puts(out, m->host);
	if (m->service)
		ms_buf_printf(out, "!%s", m->service);
}

const struct pub_member *pub_config_next_member(const struct pub_config *cfg,
						struct pub_member_cursor *at)
{
	for (; at->cluster < cfg->n_clusters; at->cluster++, at->component = 0) {
		const struct pub_cluster *cl = &cfg->clusters[at->cluster];

		for (; at->component < cl->n_components; at->component++, at->member = 0)
			if (at->member < cl->components[at->component].n_members)
				return &cl->components[at->component].members[at->member++];
	}
	return NULL;
}

static void free_smtp(struct pub_smtp *s)
{
	if (s == NULL)
		return;
	free(s->url);
	free(s->from);
	free(s->user);
	free(s->password_file);
	free(s->ca_file);
	free(s->list_unsubscribe);
	free(s->site_title);
	free(s->site_url);
	free(s);
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
			free(co->metric);
			free(co->metric_label);
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
	for (size_t i = 0; i < c->n_views; i++)
		pub_view_free(&c->views[i]);
	free(c->views);
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
	for (size_t i = 0; i < c->n_subscribers; i++) {
		struct pub_subscriber *sub = &c->subscribers[i];
		free(sub->name);
		free(sub->target);
		free(sub->ca_file);
		free(sub->secret_file);
		for (size_t j = 0; j < sub->n_clusters; j++)
			free(sub->clusters[j]);
		free(sub->clusters);
	}
	free(c->subscribers);
	free_smtp(c->smtp);
	free(c);
}
