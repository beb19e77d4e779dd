/*
 * notify: a pushed state change, from options or the engines' macros.
 * See notify.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistd.h>

#include "atomicfile.h"
#include "notify.h"
#include "text.h"
#include "xalloc.h"

#define NO_OBJECT ((size_t)-1)
#define MAX_NAME 1024		/* of a host or service name */
#define MAX_OUTPUT 4096		/* of the output kept: the first words are the news */
#define PENDING_MAX_LINE 8192
#define PENDING_MAX 10000

/* A notice must fit one line of the notices file to be read back. */
_Static_assert(2 * MAX_NAME + MAX_OUTPUT + 128 < PENDING_MAX_LINE,
	       "a notice does not fit a line of the notices file");

/*
 * An engine macro from the environment: NAGIOS_<name> first, then
 * ICINGA_<name>. An empty value counts as not set (Nagios exports every
 * macro, empty ones too).
 */
static const char *macro(const char *name)
{
	static const char *const prefixes[] = { "NAGIOS_", "ICINGA_" };
	char key[64];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(key, sizeof(key), "%s%s", prefixes[i], name);
		const char *v = getenv(key);
		if (v != NULL && v[0] != '\0')
			return v;
	}
	return NULL;
}

/* The option when given, else the host or service flavour of a macro. */
static const char *value(const char *opt, bool service, const char *host_macro,
			 const char *service_macro)
{
	if (opt != NULL)
		return opt;
	return macro(service ? service_macro : host_macro);
}

static bool parse_int(const char *what, const char *s, long min, long max, long *out,
		      struct ms_buf *err)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < min || x > max) {
		ms_buf_printf(err, "%s must be a number from %ld to %ld, not '%s'", what,
			      min, max, s);
		return false;
	}
	*out = x;
	return true;
}

/* 0-3, or the engines' names for them (OK, UP, WARNING, DOWN, ...). */
static bool parse_state(const char *s, bool service, int *state, struct ms_buf *err)
{
	static const char *const service_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	static const char *const host_names[] = { "UP", "DOWN", "UNREACHABLE" };
	const char *const *names = service ? service_names : host_names;
	size_t n = service ? 4 : 3;
	long x;

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*state = (int)i;
			return true;
		}
	if (!parse_int("the state", s, 0, (long)n - 1, &x, err))
		return false;
	*state = (int)x;
	return true;
}

static bool parse_type(const char *s, bool *hard, struct ms_buf *err)
{
	if (strcasecmp(s, "HARD") == 0 || strcmp(s, "1") == 0)
		*hard = true;
	else if (strcasecmp(s, "SOFT") == 0 || strcmp(s, "0") == 0)
		*hard = false;
	else {
		ms_buf_printf(err, "the state type must be HARD or SOFT, not '%s'", s);
		return false;
	}
	return true;
}

/* A name as the engines give it: printable, one line. */
static bool check_name(const char *what, const char *s, struct ms_buf *err)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_NAME || !ms_utf8_valid(s, n)) {
		ms_buf_printf(err, "the %s is empty, too long or not UTF-8", what);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			ms_buf_printf(err, "the %s contains a control character", what);
			return false;
		}
	return true;
}

/*
 * A downtime notification corrects the depth it was given: Nagios sends
 * DOWNTIMESTART before it counts the downtime ($HOSTDOWNTIME$ is still 0),
 * and the end (Icinga 2: DOWNTIMEEND, DOWNTIMEREMOVED) may come before the
 * count drops. Returns false for other types (nothing to correct).
 */
static bool downtime_notice(const char *type, struct pub_notice *n)
{
	if (type == NULL)
		return false;
	if (strcasecmp(type, "DOWNTIMESTART") == 0) {
		if (n->downtime_depth < 1)
			n->downtime_depth = n->downtime_depth < 0 ? 1 : n->downtime_depth + 1;
		return true;
	}
	if (strcasecmp(type, "DOWNTIMEEND") == 0 || strcasecmp(type, "DOWNTIMECANCELLED") == 0 ||
	    strcasecmp(type, "DOWNTIMEREMOVED") == 0) {
		n->downtime_depth = n->downtime_depth > 0 ? n->downtime_depth - 1 : 0;
		return true;
	}
	return false;
}

/* One line of printable UTF-8, cut between characters to MAX_OUTPUT bytes. */
static char *clean_output(const char *output)
{
	char *s = ms_text_clean(output, strlen(output));

	s[ms_utf8_prefix(s, strlen(s), MAX_OUTPUT)] = '\0';
	return s;
}

bool pub_notice_parse(struct pub_notice *n, const struct pub_notice_args *a,
		      struct ms_buf *err)
{
	const char *host = a->host ? a->host : macro("HOSTNAME");
	const char *service = a->service ? a->service : macro("SERVICEDESC");
	const char *state, *type, *output, *downtime, *changed;
	long x;

	memset(n, 0, sizeof(*n));
	n->downtime_depth = -1;
	if (host == NULL) {
		ms_buf_puts(err, "no host: give --host, or run from Nagios/Icinga with "
			    "NAGIOS_HOSTNAME or ICINGA_HOSTNAME set");
		return false;
	}
	if (service != NULL && service[0] == '\0')
		service = NULL;
	if (!check_name("host name", host, err) ||
	    (service && !check_name("service name", service, err)))
		return false;
	bool svc = service != NULL;
	state = value(a->state, svc, "HOSTSTATEID", "SERVICESTATEID");
	type = value(a->state_type, svc, "HOSTSTATETYPE", "SERVICESTATETYPE");
	output = value(a->output, svc, "HOSTOUTPUT", "SERVICEOUTPUT");
	downtime = value(a->downtime, svc, "HOSTDOWNTIME", "SERVICEDOWNTIME");
	changed = value(a->changed, svc, "LASTHOSTSTATECHANGE", "LASTSERVICESTATECHANGE");
	if (state == NULL) {
		ms_buf_printf(err, "no state for %s%s%s: give --state, or set %s",
			      host, svc ? "!" : "", svc ? service : "",
			      svc ? "NAGIOS_SERVICESTATEID" : "NAGIOS_HOSTSTATEID");
		return false;
	}
	if (!parse_state(state, svc, &n->state, err))
		return false;
	/* without a type a notification is about a HARD state: Nagios sends no other */
	n->hard = true;
	if (type && !parse_type(type, &n->hard, err))
		return false;
	if (downtime) {
		if (!parse_int("the downtime depth", downtime, 0, 1000000, &x, err))
			return false;
		n->downtime_depth = (int)x;
	}
	if (changed) {
		/* Icinga 2's $service.last_state_change$ has a fraction: drop it */
		char whole[32];
		size_t digits = strspn(changed, "0123456789");
		if (digits > 0 && digits < sizeof(whole) && changed[digits] == '.' &&
		    strspn(changed + digits + 1, "0123456789") == strlen(changed + digits + 1)) {
			memcpy(whole, changed, digits);
			whole[digits] = '\0';
			changed = whole;
		}
		if (!parse_int("the time of the state change", changed, 0, 1L << 40, &x, err))
			return false;
		n->changed = (time_t)x;
	}
	/* PROBLEM, RECOVERY and the like say nothing of downtimes */
	(void)downtime_notice(a->type ? a->type : macro("NOTIFICATIONTYPE"), n);
	n->host = ms_xstrdup(host);
	n->service = svc ? ms_xstrdup(service) : NULL;
	n->output = output ? clean_output(output) : NULL;
	return true;
}

void pub_notice_free(struct pub_notice *n)
{
	free(n->host);
	free(n->service);
	free(n->output);
	memset(n, 0, sizeof(*n));
}

bool pub_notice_apply(const struct pub_notice *n, struct pub_snapshot *snap)
{
	size_t idx = pub_snapshot_find(snap, n->host, strlen(n->host), n->service,
				       n->service ? strlen(n->service) : 0);
	struct pub_object *o;

	if (idx == NO_OBJECT || !n->hard)
		return false;
	o = &snap->objects[idx];
	/*
	 * The source may already know better: Nagios writes status.dat every
	 * few seconds, so a notice is usually newer, but a late or repeated
	 * one must not undo a change the source has seen since.
	 */
	if (o->seen && n->changed != 0 && o->last_hard_change > n->changed)
		return false;
	if (o->seen && o->hard_state == n->state &&
	    (n->downtime_depth < 0 || o->downtime_depth == n->downtime_depth))
		return false;
	o->seen = true;
	o->hard_state = n->state;
	/* the engine just checked it, whatever the source's copy says */
	o->pending = false;
	if (n->received > o->last_check)
		o->last_check = n->received;
	if (n->downtime_depth >= 0)
		o->downtime_depth = n->downtime_depth;
	if (n->changed != 0)
		o->last_hard_change = n->changed;
	if (n->output) {
		free(o->output);
		o->output = ms_xstrdup(n->output);
	}
	return true;
}

/* --- the notices the source has not caught up with ------------------- */

char *pub_pending_path(const char *store)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_printf(&b, "%s-notices", store);
	return ms_buf_steal(&b);
}

static bool same_object(const struct pub_notice *a, const struct pub_notice *b)
{
	if (strcmp(a->host, b->host) != 0)
		return false;
	if ((a->service == NULL) != (b->service == NULL))
		return false;
	return a->service == NULL || strcmp(a->service, b->service) == 0;
}

void pub_pending_add(struct pub_pending *p, struct pub_notice *n)
{
	for (size_t i = 0; i < p->n; i++)
		if (same_object(&p->list[i], n)) {
			pub_notice_free(&p->list[i]);
			memmove(&p->list[i], &p->list[i + 1], (p->n - i - 1) * sizeof(*p->list));
			p->n--;
			break;
		}
	p->list = ms_xreallocarray(p->list, p->n + 1, sizeof(*p->list));
	p->list[p->n++] = *n;
	memset(n, 0, sizeof(*n));
}

/*
 * One line: received, changed, state, downtime depth, host, service (""
 * for a host), output, separated by tabs. Names and outputs never hold a
 * tab or a newline (checked or cleaned on the way in).
 */
static bool parse_line(char *line, struct pub_notice *n)
{
	char *field[7];
	char *s = line, *end;
	long long v[4];

	for (size_t i = 0; i < 7; i++) {
		field[i] = s;
		s = strchr(s, '\t');
		if ((s == NULL) != (i == 6))
			return false;
		if (s)
			*s++ = '\0';
	}
	for (size_t i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtoll(field[i], &end, 10);
		if (errno != 0 || end == field[i] || *end != '\0' || v[i] < -1)
			return false;
	}
	/* what the writer writes: a state 0-3, a depth -1 (not told) to 1000000 */
	if (v[2] < 0 || v[2] > 3 || v[3] > 1000000 || field[4][0] == '\0')
		return false;
	memset(n, 0, sizeof(*n));
	n->received = (time_t)v[0];
	n->changed = (time_t)v[1];
	n->state = (int)v[2];
	n->downtime_depth = (int)v[3];
	n->hard = true;
	n->host = ms_xstrdup(field[4]);
	n->service = field[5][0] ? ms_xstrdup(field[5]) : NULL;
	n->output = field[6][0] ? ms_xstrdup(field[6]) : NULL;
	return true;
}

bool pub_pending_load(const char *path, struct pub_pending *p, struct ms_buf *err)
{
	FILE *fp = fopen(path, "r");
	char line[PENDING_MAX_LINE];
	unsigned long lineno = 0;
	struct pub_notice n;

	memset(p, 0, sizeof(*p));
	if (fp == NULL) {
		if (errno == ENOENT)
			return true;
		ms_buf_printf(err, "cannot open %s: %s", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);
		lineno++;
		if (len == 0 || line[len - 1] != '\n' || p->n >= PENDING_MAX) {
			ms_buf_printf(err, "%s:%lu: cut short or too long; remove the file", path,
				      lineno);
			fclose(fp);
			pub_pending_free(p);
			return false;
		}
		line[len - 1] = '\0';
		if (!parse_line(line, &n)) {
			ms_buf_printf(err, "%s:%lu: not a notice; remove the file", path, lineno);
			fclose(fp);
			pub_pending_free(p);
			return false;
		}
		pub_pending_add(p, &n);
	}
	fclose(fp);
	return true;
}

size_t pub_pending_apply(struct pub_pending *p, struct pub_snapshot *snap)
{
	size_t kept = 0, applied = 0;

	for (size_t i = 0; i < p->n; i++) {
		/* the source's data was written after the notice: it knows */
		if (snap->created > p->list[i].received) {
			pub_notice_free(&p->list[i]);
			continue;
		}
		if (pub_notice_apply(&p->list[i], snap))
			applied++;
		p->list[kept++] = p->list[i];
	}
	p->n = kept;
	return applied;
}

bool pub_pending_save(const char *path, const struct pub_pending *p, struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? ms_xstrndup(path, (size_t)(slash - path)) : ms_xstrdup(".");
	bool changed, ok;

	if (p->n == 0) {
		free(dir);
		if (unlink(path) != 0 && errno != ENOENT) {
			ms_buf_printf(err, "cannot remove %s: %s", path, strerror(errno));
			return false;
		}
		return true;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct pub_notice *n = &p->list[i];
		ms_buf_printf(&b, "%lld\t%lld\t%d\t%d\t%s\t%s\t%s\n", (long long)n->received,
			      (long long)n->changed, n->state, n->downtime_depth, n->host,
			      n->service ? n->service : "", n->output ? n->output : "");
	}
	ok = pub_write_atomic(dir, slash ? slash + 1 : path, b.data, b.len, &changed, err);
	ms_buf_free(&b);
	free(dir);
	return ok;
}

void pub_pending_free(struct pub_pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		pub_notice_free(&p->list[i]);
	free(p->list);
	memset(p, 0, sizeof(*p));
}
