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

#include "notify.h"
#include "text.h"
#include "xalloc.h"

#define NO_OBJECT ((size_t)-1)

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

	if (n == 0 || n > 1024 || !ms_utf8_valid(s, n)) {
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
	n->host = ms_xstrdup(host);
	n->service = svc ? ms_xstrdup(service) : NULL;
	n->output = output ? ms_text_clean(output, strlen(output)) : NULL;
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
