/*
 * fuzz_notify: a state change pushed by Nagios or Icinga 2
 * (publisher/source/notify.c): pub_notice_parse, pub_notice_apply, and the
 * pending-notices file a notice is kept in until the source catches up.
 *
 * The input is lines of KEY=VALUE: host, service, state, state_type,
 * output, downtime, changed, type (the options of `notify`), or a macro
 * of the engines' environment (NAGIOS_HOSTNAME=..., ICINGA_SERVICEDESC=...).
 * Beyond "no crash":
 *   - a notice that parses has a clean host, service and output and a
 *     state in range; one that does not says why;
 *   - applied to a snapshot that wants it, the snapshot then shows it;
 *   - saved as the notify command keeps it and loaded back, it is the
 *     same notice (a notice that cannot be read back would stop every
 *     later run).
 */
#include "config.h"

#include "fuzz.h"
#include "fuzz_file.h"
#include "notify.h"
#include "source.h"
#include "text.h"
#include "xalloc.h"

static const char *const macros[] = {
	"HOSTNAME", "SERVICEDESC", "HOSTSTATEID", "SERVICESTATEID", "HOSTSTATETYPE",
	"SERVICESTATETYPE", "HOSTOUTPUT", "SERVICEOUTPUT", "HOSTDOWNTIME",
	"SERVICEDOWNTIME", "LASTHOSTSTATECHANGE", "LASTSERVICESTATECHANGE",
	"NOTIFICATIONTYPE",
};

static void clear_macros(void)
{
	char key[64];

	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		snprintf(key, sizeof(key), "NAGIOS_%s", macros[i]);
		unsetenv(key);
		snprintf(key, sizeof(key), "ICINGA_%s", macros[i]);
		unsetenv(key);
	}
}

/* NAGIOS_X or ICINGA_X for a macro notify reads; nothing else goes to the environment. */
static bool is_macro(const char *key)
{
	const char *m;

	if (strncmp(key, "NAGIOS_", 7) == 0)
		m = key + 7;
	else if (strncmp(key, "ICINGA_", 7) == 0)
		m = key + 7;
	else
		return false;
	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strcmp(m, macros[i]) == 0)
			return true;
	return false;
}

static void take_line(char *line, struct pub_notice_args *a)
{
	char *eq = strchr(line, '=');
	const char *v;

	if (eq == NULL)
		return;
	*eq = '\0';
	v = eq + 1;
	if (is_macro(line))
		setenv(line, v, 1);
	else if (strcmp(line, "host") == 0)
		a->host = v;
	else if (strcmp(line, "service") == 0)
		a->service = v;
	else if (strcmp(line, "state") == 0)
		a->state = v;
	else if (strcmp(line, "state_type") == 0)
		a->state_type = v;
	else if (strcmp(line, "output") == 0)
		a->output = v;
	else if (strcmp(line, "downtime") == 0)
		a->downtime = v;
	else if (strcmp(line, "changed") == 0)
		a->changed = v;
	else if (strcmp(line, "type") == 0)
		a->type = v;
}

static void check_name(const char *s)
{
	if (s[0] == '\0' || !ms_utf8_valid(s, strlen(s)))
		abort();
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

static void check_notice(const struct pub_notice *n)
{
	check_name(n->host);
	if (n->service)
		check_name(n->service);
	if (n->output && n->output[0] != '\0')
		check_name(n->output);	/* cleaned: one line, no tab */
	if (n->state < 0 || n->state > (n->service ? 3 : 2) || n->downtime_depth < -1 ||
	    n->changed < 0)
		abort();
}

/* A snapshot that has seen every object OK since a fixed time. */
static void small_snapshot(struct pub_snapshot *s, const struct pub_notice *n)
{
	pub_snapshot_init(s);
	pub_snapshot_want(s, "gw1.example.net", NULL);
	pub_snapshot_want(s, "gw1.example.net", "greylist");
	pub_snapshot_want(s, "store1.example.net", "mail storage");
	pub_snapshot_want(s, n->host, n->service);	/* the notice's own */
	for (size_t i = 0; i < s->n_objects; i++) {
		s->objects[i].seen = i % 2 == 0;
		s->objects[i].last_hard_change = 1795612000;
		s->objects[i].output = ms_xstrdup("OK");
	}
	s->created = 1795612000;
}

static void check_apply(const struct pub_notice *n)
{
	struct pub_snapshot s;
	size_t idx;

	small_snapshot(&s, n);
	idx = pub_snapshot_find(&s, n->host, strlen(n->host), n->service,
				n->service ? strlen(n->service) : 0);
	if (pub_notice_apply(n, &s)) {
		const struct pub_object *o = &s.objects[idx];
		if (!n->hard || !o->seen || o->hard_state != n->state)
			abort();
		if (n->output && strcmp(o->output, n->output) != 0)
			abort();
		if (n->downtime_depth >= 0 && o->downtime_depth != n->downtime_depth)
			abort();
	}
	pub_snapshot_free(&s);
}

static bool same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Kept in the notices file and read back by the next run: the same notice. */
static void check_pending(struct pub_notice *n)
{
	static char path[128];
	struct pub_pending p = { 0 }, back;
	struct ms_buf err = MS_BUF_INIT;
	struct pub_notice copy = *n;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/store-notices", fuzz_tmpdir());
	copy.host = ms_xstrdup(n->host);
	copy.service = n->service ? ms_xstrdup(n->service) : NULL;
	/* an empty output is kept as none */
	copy.output = n->output && n->output[0] ? ms_xstrdup(n->output) : NULL;
	copy.received = 1795612999;
	pub_pending_add(&p, &copy);
	if (!pub_pending_save(path, &p, &err))
		abort();
	if (!pub_pending_load(path, &back, &err) || back.n != 1)
		abort();	/* the file notify wrote must read back */
	const struct pub_notice *b = &back.list[0];
	if (!same(b->host, p.list[0].host) || !same(b->service, p.list[0].service) ||
	    !same(b->output, p.list[0].output) || b->state != n->state ||
	    b->downtime_depth != n->downtime_depth || b->changed != n->changed ||
	    b->received != 1795612999)
		abort();
	pub_pending_free(&back);
	pub_pending_free(&p);
	if (!pub_pending_save(path, &p, &err))	/* nothing left: removes the file */
		abort();
	ms_buf_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input = fuzz_cstr(data, size), *save = NULL;
	struct pub_notice_args args = { 0 };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;

	clear_macros();
	for (char *line = strtok_r(input, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		take_line(line, &args);
	if (pub_notice_parse(&n, &args, &err)) {
		check_notice(&n);
		check_apply(&n);
		if (n.hard)
			check_pending(&n);
	} else if (err.len == 0) {
		abort();	/* a refusal says why */
	}
	pub_notice_free(&n);
	ms_buf_free(&err);
	clear_macros();
	free(input);
	return 0;
}
