/*
 * nagioslog: a line of the engines' logs. See nagioslog.h.
 */
#include "config.h"

#include <string.h>

#include "nagioslog.h"

/* The line types read, after "[TIME] ": whether a host's, and what they say. */
#define PREFIX(s) s, sizeof(s) - 1
static const struct {
	const char *prefix;
	size_t len;
	bool host;
	enum { T_STATE, T_CURRENT, T_DOWNTIME, T_FLAP } type;
} types[] = {
	{ PREFIX("SERVICE ALERT: "), false, T_STATE },
	{ PREFIX("HOST ALERT: "), true, T_STATE },
	{ PREFIX("CURRENT SERVICE STATE: "), false, T_CURRENT },
	{ PREFIX("CURRENT HOST STATE: "), true, T_CURRENT },
	{ PREFIX("INITIAL SERVICE STATE: "), false, T_CURRENT },
	{ PREFIX("INITIAL HOST STATE: "), true, T_CURRENT },
	{ PREFIX("SERVICE DOWNTIME ALERT: "), false, T_DOWNTIME },
	{ PREFIX("HOST DOWNTIME ALERT: "), true, T_DOWNTIME },
	{ PREFIX("SERVICE FLAPPING ALERT: "), false, T_FLAP },
	{ PREFIX("HOST FLAPPING ALERT: "), true, T_FLAP },
};

/* The fields of the rest of a line, split at ';' (at most max). */
struct fields {
	const char *f[6];
	size_t len[6];
	size_t n;
};

static void split(const char *s, size_t len, size_t max, struct fields *fs)
{
	fs->n = 0;
	while (fs->n < max) {
		const char *semi = fs->n + 1 < max ? memchr(s, ';', len) : NULL;
		size_t l = semi ? (size_t)(semi - s) : len;

		fs->f[fs->n] = s;
		fs->len[fs->n++] = l;
		if (semi == NULL)
			break;
		s = semi + 1;
		len -= l + 1;
	}
}

static bool field_is(const struct fields *fs, size_t i, const char *word)
{
	return fs->len[i] == strlen(word) && memcmp(fs->f[i], word, fs->len[i]) == 0;
}

/* The index of fs->f[i] in words (NULL-terminated), or -1. */
static int field_word(const struct fields *fs, size_t i, const char *const *words)
{
	for (int w = 0; words[w] != NULL; w++)
		if (field_is(fs, i, words[w]))
			return w;
	return -1;
}

/* "[1733491200] ": the time, and where the rest begins; false when it is not there. */
static bool timestamp(const char *line, size_t len, time_t *at, size_t *rest)
{
	long long t = 0;
	size_t i = 1;

	if (len < 4 || line[0] != '[')
		return false;
	for (; i < len && i < 19 && line[i] >= '0' && line[i] <= '9'; i++)
		t = t * 10 + (line[i] - '0');
	if (i == 1 || i + 1 >= len || line[i] != ']' || line[i + 1] != ' ')
		return false;
	*at = (time_t)t;
	*rest = i + 2;
	return true;
}

/* The state, hard state or start/stop word after the host (and service). */
static enum pub_log_line read_what(int type, bool host, const struct fields *fs, size_t at,
				   struct pub_log_event *ev)
{
	static const char *const host_states[] = { "UP", "DOWN", "UNREACHABLE", NULL };
	static const char *const svc_states[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN", NULL };
	static const char *const starts[] = { "STARTED", NULL };
	static const char *const ends[] = { "STOPPED", "CANCELLED", "DISABLED", NULL };

	if (type == T_STATE || type == T_CURRENT) {
		if (fs->n < at + 2)
			return PUB_LOG_MALFORMED;
		ev->kind = PUB_LOG_STATE;
		ev->state = field_word(fs, at, host ? host_states : svc_states);
		if (ev->state < 0 || !(field_is(fs, at + 1, "HARD") || field_is(fs, at + 1, "SOFT")))
			return PUB_LOG_MALFORMED;
		/* a SOFT alert is not a state yet; at rotation the state is the hard one */
		return field_is(fs, at + 1, "HARD") ? PUB_LOG_EVENT : PUB_LOG_OTHER;
	}
	if (fs->n < at + 1)
		return PUB_LOG_MALFORMED;
	if (field_word(fs, at, starts) == 0)
		ev->kind = type == T_DOWNTIME ? PUB_LOG_DOWNTIME_START : PUB_LOG_FLAP_START;
	else if (field_word(fs, at, ends) >= 0)
		ev->kind = type == T_DOWNTIME ? PUB_LOG_DOWNTIME_END : PUB_LOG_FLAP_END;
	else
		return PUB_LOG_MALFORMED;
	return PUB_LOG_EVENT;
}

enum pub_log_line pub_log_parse(const char *line, size_t len, struct pub_log_event *ev)
{
	struct fields fs;
	size_t rest, t, at;

	memset(ev, 0, sizeof(*ev));
	if (!timestamp(line, len, &ev->at, &rest))
		return len > 0 && line[0] == '[' ? PUB_LOG_MALFORMED : PUB_LOG_OTHER;
	line += rest;
	len -= rest;
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		if (len >= types[t].len && memcmp(line, types[t].prefix, types[t].len) == 0)
			break;
	if (t == sizeof(types) / sizeof(types[0]))
		return PUB_LOG_OTHER;
	line += types[t].len;
	len -= types[t].len;
	/* host;[service;]what;... : the output may hold ';', so split no further */
	split(line, len, 6, &fs);
	at = types[t].host ? 1 : 2;
	if (fs.n < at || fs.len[0] == 0 || (!types[t].host && fs.len[1] == 0))
		return PUB_LOG_MALFORMED;
	ev->host = fs.f[0];
	ev->host_len = fs.len[0];
	if (!types[t].host) {
		ev->service = fs.f[1];
		ev->service_len = fs.len[1];
	}
	return read_what(types[t].type, types[t].host, &fs, at, ev);
}
