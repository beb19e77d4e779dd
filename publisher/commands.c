/*
 * commands: run, post, edit, incident, maintenance, list, show, render.
 * See commands.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "commands.h"
#include "dates.h"
#include "engine.h"
#include "evaluate.h"
#include "lock.h"
#include "posts.h"
#include "render.h"
#include "source.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

#define MAX_MESSAGE (1u << 20)
#define MAX_TITLE 200

int pub_verbose;

static void say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mailstatus-publish: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --- argument checks ------------------------------------------------ */

static bool parse_id(const char *what, const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v <= 0) {
		say_error("%s must be a positive number, not '%s'", what, s);
		return false;
	}
	*out = v;
	return true;
}

static bool check_title(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > MAX_TITLE) {
		say_error("--title must have 1 to %d bytes, not %zu", MAX_TITLE, n);
		return false;
	}
	if (!ms_utf8_valid(t, n)) {
		say_error("--title is not valid UTF-8");
		return false;
	}
	for (const unsigned char *s = (const unsigned char *)t; *s; s++)
		if (*s < 0x20 || *s == 0x7f) {
			say_error("--title contains a control character");
			return false;
		}
	return true;
}

/* Reads an operator's message: UTF-8 text, not empty, at most 1 MiB. */
static char *read_message(const char *path, size_t *len)
{
	struct ms_buf b = MS_BUF_INIT;
	char chunk[8192];
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		say_error("--message-file %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > MAX_MESSAGE) {
			say_error("--message-file %s: %s", path,
				  n < 0 ? strerror(errno) : "larger than 1 MiB");
			goto fail;
		}
		ms_buf_add(&b, chunk, (size_t)n);
	}
	if (!ms_utf8_valid(b.data ? b.data : "", b.len)) {
		unsigned line = 1;
		size_t i = 0;
		while (i < b.len) {
			size_t k = ms_utf8_seq_len((const unsigned char *)b.data + i, b.len - i);
			if (k == 0)
				break;
			line += b.data[i] == '\n';
			i += k;
		}
		say_error("--message-file %s: line %u is not valid UTF-8 (or holds a NUL byte)",
			  path, line);
		goto fail;
	}
	bool blank = true;
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] != ' ' && b.data[i] != '\n' && b.data[i] != '\t' && b.data[i] != '\r')
			blank = false;
	if (blank) {
		say_error("--message-file %s is empty", path);
		goto fail;
	}
	if (fd != 0)
		close(fd);
	*len = b.len;
	return ms_buf_steal(&b);
fail:
	if (fd > 0)
		close(fd);
	ms_buf_free(&b);
	return NULL;
}

static bool parse_when(const char *opt, const char *s, time_t *t)
{
	if (pub_parse_time(s, t))
		return true;
	say_error("%s '%s' is not a time: write 'YYYY-MM-DD HH:MM' (UTC) or @EPOCH", opt, s);
	return false;
}

static const struct pub_cluster *need_cluster(const struct pub_config *cfg, const char *slug)
{
	const struct pub_cluster *cl;

	if (slug == NULL) {
		say_error("--cluster SLUG is required");
		return NULL;
	}
	if ((cl = pub_config_cluster(cfg, slug)) == NULL)
		say_error("there is no cluster '%s' in %s", slug, cfg->path);
	return cl;
}

/* --- the store session: lock, store, transaction -------------------- */

struct session {
	int lock;
	struct pub_store *st;
	struct ms_buf err;
};

static char *url_host(const char *url)
{
	const char *h = strstr(url, "://") + 3;	/* the config checked the scheme */
	size_t n = strcspn(h, "/:?#");

	return ms_xstrndup(h, n);
}

static bool session_open(const struct pub_config *cfg, struct session *s)
{
	char *dir = ms_xstrdup(cfg->store), *slash = strrchr(dir, '/');
	char *host = url_host(cfg->base_url);
	bool ok;

	memset(s, 0, sizeof(*s));
	s->lock = -1;
	if (slash && slash != dir)
		*slash = '\0';
	ok = (slash == NULL || slash == dir || pub_mkdirs(dir, &s->err)) &&
	     (s->lock = pub_lock_acquire(cfg->store, cfg->lock_timeout, &s->err)) >= 0 &&
	     (s->st = pub_store_open(cfg->store, host, &s->err)) != NULL;
	free(dir);
	free(host);
	if (!ok)
		say_error("%s", s->err.data);
	return ok;
}

static void session_close(struct session *s)
{
	pub_store_close(s->st);
	pub_lock_release(s->lock);
	ms_buf_free(&s->err);
}

/* Commits, then renders; says what went wrong. */
static int session_finish(const struct pub_config *cfg, struct session *s, bool ok)
{
	size_t changed = 0;

	if (!ok) {
		pub_store_rollback(s->st);
		say_error("%s; nothing was changed", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	if (!pub_store_commit(s->st, &s->err)) {
		say_error("%s; nothing was changed", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	if (!pub_render_all(cfg, s->st, &changed, &s->err)) {
		say_error("the store is updated but the output is not: %s "
			  "(the next run renders again)", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	if (pub_verbose)
		printf("%zu output file(s) updated\n", changed);
	return PUB_EXIT_OK;
}

/*
 * getopt_long for a command: argv[0] is the command name; options may
 * come before or after its operands ("edit 3 --message-file F").
 */
static int next_opt(int argc, char **argv, const struct option *opts, const char *cmd)
{
	int c = getopt_long(argc, argv, "", opts, NULL);

	if (c == '?')
		say_error("%s: see mailstatus-publish --help", cmd);
	return c;
}

static void reset_getopt(void)
{
	optind = 0;	/* glibc: 0 re-initialises fully */
	opterr = 1;
}

/* --- run -------------------------------------------------------------- */

static int cmd_run(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	time_t now = time(NULL);
	const struct pub_source_ops *ops;
	const char *location;
	char why[256];
	struct pub_snapshot snap;
	struct pub_eval ev = { 0 };
	struct pub_run_stats stats = { 0 };
	struct session s;
	struct ms_buf missing = MS_BUF_INIT;
	bool ok, stale;
	int c, rc;

	reset_getopt();
	while ((c = next_opt(argc, argv, opts, "run")) != -1) {
		if (c != 'n' || !parse_when("--now", optarg, &now))
			return PUB_EXIT_USAGE;
	}
	if (optind != argc) {
		say_error("run takes no arguments ('%s')", argv[optind]);
		return PUB_EXIT_USAGE;
	}
	if (!pub_source_find(cfg->source, &ops, &location, why, sizeof(why))) {
		say_error("%s", why);
		return PUB_EXIT_USAGE;
	}
	/* under the lock: two runs must not apply their snapshots out of order */
	if (!session_open(cfg, &s)) {
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	pub_snapshot_init(&snap);
	pub_want_objects(cfg, &snap);
	if (!ops->read(location, &snap, &s.err)) {
		say_error("cannot read the monitoring state: %s; nothing was changed",
			  s.err.data);
		rc = PUB_EXIT_FAILURE;
		goto out;
	}
	pub_missing_members(cfg, &snap, &missing);
	if (missing.len > 0) {
		say_error("%s does not report %s (named in %s); nothing was changed",
			  location, missing.data, cfg->path);
		rc = PUB_EXIT_FAILURE;
		goto out;
	}
	stale = cfg->stale_after > 0 && snap.created > 0 &&
		now - snap.created > cfg->stale_after;
	ok = pub_store_begin(s.st, &s.err);
	if (ok && stale) {
		char since[32];
		snprintf(since, sizeof(since), "%lld", (long long)snap.created);
		ok = pub_store_meta_set(s.st, PUB_META_STALE_SINCE, since, &s.err);
	} else if (ok) {
		pub_evaluate(cfg, &snap, &ev);
		ok = pub_store_meta_set(s.st, PUB_META_STALE_SINCE, NULL, &s.err) &&
		     pub_engine_apply(cfg, s.st, &snap, &ev, now, &stats, &s.err);
	}
	rc = session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK && stale) {
		char date[PUB_DATE_MAX];
		say_error("the monitoring data is stale: %s was last written %s, more than "
			  "%lds ago (stale_after); the feeds say the status is unknown",
			  location, pub_rfc822(date, snap.created, false), cfg->stale_after);
		rc = PUB_EXIT_STALE;
	} else if (rc == PUB_EXIT_OK && pub_verbose) {
		printf("%zu post(s) published, %zu state change(s), %zu cluster(s) in "
		       "hold-down\n", stats.posts, stats.transitions, stats.pending);
	}
out:
	ms_buf_free(&missing);
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	session_close(&s);
	return rc;
}

/* --- post, edit --------------------------------------------------------- */

static int cmd_post(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "incident", required_argument, NULL, 'i' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *title = NULL, *file = NULL;
	const struct pub_cluster *cl;
	long incident = 0;
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct pub_incident inc = { 0 };
	struct session s;
	char *msg;
	size_t len;
	bool ok, found = false;
	int c, rc;

	reset_getopt();
	while ((c = next_opt(argc, argv, opts, "post")) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 't': title = optarg; break;
		case 'm': file = optarg; break;
		case 'i':
			if (!parse_id("--incident", optarg, &incident))
				return PUB_EXIT_USAGE;
			break;
		case 'n':
			if (!parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if ((cl = need_cluster(cfg, slug)) == NULL)
		return PUB_EXIT_USAGE;
	if (title == NULL || file == NULL) {
		say_error("post needs --title and --message-file");
		return PUB_EXIT_USAGE;
	}
	if (!check_title(title) || (msg = read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (!session_open(cfg, &s)) {
		free(msg);
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err);
	if (ok && incident > 0) {
		ok = pub_store_incident_get(s.st, incident, &inc, &found, &s.err);
		if (ok && (!found || strcmp(inc.cluster, cl->slug) != 0)) {
			pub_store_rollback(s.st);
			say_error("there is no incident %ld of cluster %s", incident, cl->slug);
			rc = PUB_EXIT_USAGE;
			goto out;
		}
	}
	if (ok) {
		pub_compose_message(title, msg, len, NULL, &p);
		p.cluster = ms_xstrdup(cl->slug);
		p.incident = incident;
		p.kind = ms_xstrdup("manual");
		p.author = ms_xstrdup(cfg->author);
		p.published_at = p.updated_at = now;
		ok = pub_store_post_add(s.st, &p, &s.err);
	}
	rc = session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("post %ld published (guid %s)\n", p.id, p.guid);
out:
	pub_incident_free(&inc);
	pub_post_free(&p);
	free(msg);
	session_close(&s);
	return rc;
}

static int cmd_edit(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	long id;
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct session s;
	char *msg;
	size_t len;
	bool ok, found = false;
	int c, rc;

	reset_getopt();
	while ((c = next_opt(argc, argv, opts, "edit")) != -1) {
		if (c == 'm')
			file = optarg;
		else if (c != 'n' || !parse_when("--now", optarg, &now))
			return PUB_EXIT_USAGE;
	}
	if (optind != argc - 1 || file == NULL) {
		say_error("usage: edit POST-ID --message-file FILE");
		return PUB_EXIT_USAGE;
	}
	if (!parse_id("POST-ID", argv[optind], &id) || (msg = read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (!session_open(cfg, &s)) {
		free(msg);
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err) && pub_store_post_get(s.st, id, &p, &found, &s.err);
	if (ok && !found) {
		pub_store_rollback(s.st);
		say_error("there is no post %ld", id);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	if (ok) {
		/* the guid stays: readers see the same item with new words */
		pub_compose_message(p.title, msg, len, NULL, &p);
		ok = pub_store_post_set_body(s.st, id, p.body_html, p.summary, now, &s.err);
	}
	rc = session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("post %ld updated (guid %s)\n", id, p.guid);
out:
	pub_post_free(&p);
	free(msg);
	session_close(&s);
	return rc;
}

/* --- incident open|resolve --------------------------------------------- */

static int incident_open(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *title = NULL, *file = NULL;
	const struct pub_cluster *cl;
	time_t now = time(NULL);
	struct pub_post p = { 0 };
	struct session s;
	long open = 0, number = 0;
	char *msg;
	size_t len;
	bool ok;
	int c, rc;

	while ((c = next_opt(argc, argv, opts, "incident open")) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 't': title = optarg; break;
		case 'm': file = optarg; break;
		case 'n':
			if (!parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if ((cl = need_cluster(cfg, slug)) == NULL)
		return PUB_EXIT_USAGE;
	if (title == NULL || file == NULL) {
		say_error("incident open needs --cluster, --title and --message-file");
		return PUB_EXIT_USAGE;
	}
	if (!check_title(title) || (msg = read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (!session_open(cfg, &s)) {
		free(msg);
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err) &&
	     pub_store_incident_open_of(s.st, cl->slug, &open, &s.err);
	if (ok && open) {
		pub_store_rollback(s.st);
		say_error("cluster %s already has incident %ld open; post to it with "
			  "post --incident %ld", cl->slug, open, open);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	if (ok)
		ok = pub_store_incident_create(s.st, cl->slug, title, now, &number, &s.err);
	if (ok) {
		pub_compose_message(title, msg, len, NULL, &p);
		p.cluster = ms_xstrdup(cl->slug);
		p.incident = number;
		p.kind = ms_xstrdup("manual");
		p.author = ms_xstrdup(cfg->author);
		p.published_at = p.updated_at = now;
		ok = pub_store_post_add(s.st, &p, &s.err);
	}
	rc = session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("incident %ld opened, post %ld\n", number, p.id);
out:
	pub_post_free(&p);
	free(msg);
	session_close(&s);
	return rc;
}

static int incident_resolve(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message-file", required_argument, NULL, 'm' },
		{ "no-post", no_argument, NULL, 'q' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	bool no_post = false;
	time_t now = time(NULL);
	struct pub_incident inc = { 0 };
	struct pub_post p = { 0 };
	struct session s;
	struct ms_buf title = MS_BUF_INIT, lead = MS_BUF_INIT;
	char *msg = NULL;
	size_t len = 0;
	long number;
	bool ok, found = false;
	int c, rc;

	while ((c = next_opt(argc, argv, opts, "incident resolve")) != -1) {
		if (c == 'm')
			file = optarg;
		else if (c == 'q')
			no_post = true;
		else if (c != 'n' || !parse_when("--now", optarg, &now))
			return PUB_EXIT_USAGE;
	}
	if (optind != argc - 1 || (no_post && file)) {
		say_error("usage: incident resolve NUMBER [--message-file FILE | --no-post]");
		return PUB_EXIT_USAGE;
	}
	if (!parse_id("NUMBER", argv[optind], &number) ||
	    (file && (msg = read_message(file, &len)) == NULL))
		return PUB_EXIT_USAGE;
	if (!session_open(cfg, &s)) {
		free(msg);
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_begin(s.st, &s.err) &&
	     pub_store_incident_get(s.st, number, &inc, &found, &s.err);
	if (ok && (!found || inc.resolved_at)) {
		pub_store_rollback(s.st);
		say_error(found ? "incident %ld is already resolved" : "there is no incident %ld",
			  number);
		rc = PUB_EXIT_USAGE;
		goto out;
	}
	if (ok && no_post) {
		/* the incident's last post already says it is over */
		ok = pub_store_incident_resolve(s.st, number, now, &s.err);
	} else if (ok) {
		const struct pub_cluster *cl = pub_config_cluster(cfg, inc.cluster);
		ms_buf_printf(&title, "%s [Resolved]", inc.title);
		ms_buf_printf(&lead, "Incident %ld on %s is resolved.", number,
			      cl ? cl->name : inc.cluster);
		pub_compose_message(title.data, msg ? msg : "", len, lead.data, &p);
		p.cluster = ms_xstrdup(inc.cluster);
		p.incident = number;
		p.kind = ms_xstrdup("manual");
		p.author = ms_xstrdup(cfg->author);
		p.published_at = p.updated_at = now;
		ok = pub_store_incident_resolve(s.st, number, now, &s.err) &&
		     pub_store_post_add(s.st, &p, &s.err);
	}
	rc = session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK && no_post)
		printf("incident %ld resolved\n", number);
	else if (rc == PUB_EXIT_OK)
		printf("incident %ld resolved, post %ld\n", number, p.id);
out:
	ms_buf_free(&title);
	ms_buf_free(&lead);
	pub_incident_free(&inc);
	pub_post_free(&p);
	free(msg);
	session_close(&s);
	return rc;
}

static int cmd_incident(const struct pub_config *cfg, int argc, char **argv)
{
	reset_getopt();
	if (argc >= 2 && strcmp(argv[1], "open") == 0)
		return incident_open(cfg, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "resolve") == 0)
		return incident_resolve(cfg, argc - 1, argv + 1);
	say_error("usage: incident open|resolve ...");
	return PUB_EXIT_USAGE;
}

/* --- maintenance schedule ------------------------------------------- */

static int cmd_maintenance(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "title", required_argument, NULL, 't' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *file = NULL, *title = NULL;
	const struct pub_cluster *cl;
	time_t now = time(NULL), start = 0, end = 0;
	struct pub_maintenance m = { 0 };
	struct pub_post p = { 0 };
	struct session s;
	struct ms_buf t = MS_BUF_INIT, lead = MS_BUF_INIT;
	char d1[PUB_DATE_MAX], d2[PUB_DATE_MAX];
	char *msg;
	size_t len;
	bool ok, have_start = false, have_end = false;
	int c, rc;

	reset_getopt();
	if (argc < 2 || strcmp(argv[1], "schedule") != 0) {
		say_error("usage: maintenance schedule --cluster SLUG --start TIME --end TIME "
			  "--message-file FILE");
		return PUB_EXIT_USAGE;
	}
	argc--;
	argv++;
	while ((c = next_opt(argc, argv, opts, "maintenance schedule")) != -1) {
		switch (c) {
		case 'c': slug = optarg; break;
		case 'm': file = optarg; break;
		case 't': title = optarg; break;
		case 's':
			if (!parse_when("--start", optarg, &start))
				return PUB_EXIT_USAGE;
			have_start = true;
			break;
		case 'e':
			if (!parse_when("--end", optarg, &end))
				return PUB_EXIT_USAGE;
			have_end = true;
			break;
		case 'n':
			if (!parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if ((cl = need_cluster(cfg, slug)) == NULL)
		return PUB_EXIT_USAGE;
	if (!have_start || !have_end || file == NULL) {
		say_error("maintenance schedule needs --start, --end and --message-file");
		return PUB_EXIT_USAGE;
	}
	if (end <= start) {
		say_error("--end must be after --start");
		return PUB_EXIT_USAGE;
	}
	if (end <= now) {
		say_error("--end is in the past: there is nothing left to announce");
		return PUB_EXIT_USAGE;
	}
	if ((title && !check_title(title)) || (msg = read_message(file, &len)) == NULL)
		return PUB_EXIT_USAGE;
	if (title == NULL)
		ms_buf_printf(&t, "%s: Scheduled Maintenance", cl->name);
	else
		ms_buf_puts(&t, title);
	ms_buf_printf(&lead, "Scheduled maintenance of %s from %s to %s.", cl->name,
		      pub_rfc822(d1, start, false), pub_rfc822(d2, end, false));
	if (!session_open(cfg, &s)) {
		free(msg);
		session_close(&s);
		ms_buf_free(&t);
		ms_buf_free(&lead);
		return PUB_EXIT_FAILURE;
	}
	pub_compose_message(t.data, msg, len, lead.data, &p);
	p.cluster = ms_xstrdup(cl->slug);
	p.kind = ms_xstrdup("maintenance");
	p.author = ms_xstrdup(cfg->author);
	p.published_at = p.updated_at = now;
	ok = pub_store_begin(s.st, &s.err) && pub_store_post_add(s.st, &p, &s.err);
	if (ok) {
		m.cluster = ms_xstrdup(cl->slug);
		m.starts_at = start;
		m.ends_at = end;
		m.message = ms_xstrndup(msg, len);
		m.post = p.id;
		ok = pub_store_maintenance_add(s.st, &m, &s.err);
	}
	rc = session_finish(cfg, &s, ok);
	if (rc == PUB_EXIT_OK)
		printf("maintenance %ld scheduled, announced in post %ld\n", m.id, p.id);
	pub_maintenance_free(&m);
	pub_post_free(&p);
	ms_buf_free(&t);
	ms_buf_free(&lead);
	free(msg);
	session_close(&s);
	return rc;
}

/* --- list, show, render ---------------------------------------------- */

static int cmd_list(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL;
	long limit = 0;
	struct pub_post *posts = NULL;
	struct pub_incident *incs = NULL;
	size_t n = 0, ni = 0;
	struct session s;
	char date[PUB_DATE_MAX];
	int c;
	bool ok;

	reset_getopt();
	while ((c = next_opt(argc, argv, opts, "list")) != -1) {
		if (c == 'c')
			slug = optarg;
		else if (c != 'l' || !parse_id("--limit", optarg, &limit))
			return PUB_EXIT_USAGE;
	}
	if (slug && need_cluster(cfg, slug) == NULL)
		return PUB_EXIT_USAGE;
	if (!session_open(cfg, &s)) {
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	ok = pub_store_incidents(s.st, &incs, &ni, &s.err) &&
	     pub_store_posts(s.st, slug ? &slug : NULL, slug ? 1 : 0, limit, &posts, &n, &s.err);
	if (ok) {
		printf("Incidents:\n");
		for (size_t i = 0; i < ni; i++)
			if (slug == NULL || strcmp(incs[i].cluster, slug) == 0)
				printf("  %-6ld %-8s %s  %s  %s\n", incs[i].number,
				       incs[i].resolved_at ? "resolved" : "open",
				       pub_rfc3339(date, incs[i].opened_at), incs[i].cluster,
				       incs[i].title);
		printf("Posts:\n");
		for (size_t i = 0; i < n; i++) {
			printf("  %-6ld %s  %-11s %s", posts[i].id,
			       pub_rfc3339(date, posts[i].published_at), posts[i].kind,
			       posts[i].cluster);
			if (posts[i].incident)
				printf(" [Incident %ld]", posts[i].incident);
			printf("  %s\n", posts[i].title);
		}
	} else {
		say_error("%s", s.err.data);
	}
	for (size_t i = 0; i < ni; i++)
		pub_incident_free(&incs[i]);
	free(incs);
	pub_posts_free(posts, n);
	session_close(&s);
	return ok ? PUB_EXIT_OK : PUB_EXIT_FAILURE;
}

static void show_post(const struct pub_config *cfg, const struct pub_post *p)
{
	char d1[PUB_DATE_MAX], d2[PUB_DATE_MAX];

	printf("Post:      %ld\nTitle:     %s\nCluster:   %s\nKind:      %s\n", p->id,
	       p->title, p->cluster, p->kind);
	if (p->incident)
		printf("Incident:  %ld\n", p->incident);
	printf("Published: %s\nUpdated:   %s\nAuthor:    %s\nGuid:      %s\n"
	       "Link:      %sposts/%ld.html\n\n%s\n", pub_rfc822(d1, p->published_at, false),
	       pub_rfc822(d2, p->updated_at, false), p->author, p->guid, cfg->base_url,
	       p->id, p->body_html);
}

static int cmd_show(const struct pub_config *cfg, int argc, char **argv)
{
	bool incident = argc == 3 && strcmp(argv[1], "incident") == 0;
	struct pub_incident inc = { 0 };
	struct pub_post p = { 0 }, *posts = NULL;
	size_t n = 0;
	struct session s;
	char date[PUB_DATE_MAX];
	long id;
	bool ok, found = false;

	if (!(argc == 2 || incident)) {
		say_error("usage: show POST-ID | show incident NUMBER");
		return PUB_EXIT_USAGE;
	}
	if (!parse_id(incident ? "NUMBER" : "POST-ID", argv[argc - 1], &id))
		return PUB_EXIT_USAGE;
	if (!session_open(cfg, &s)) {
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	if (incident) {
		ok = pub_store_incident_get(s.st, id, &inc, &found, &s.err) &&
		     (!found || pub_store_incident_posts(s.st, id, &posts, &n, &s.err));
		if (ok && found) {
			printf("Incident:  %ld\nTitle:     %s\nCluster:   %s\nOpened:    %s\n",
			       inc.number, inc.title, inc.cluster,
			       pub_rfc822(date, inc.opened_at, false));
			if (inc.identified_at)
				printf("Identified: %s: %s\n",
				       pub_rfc822(date, inc.identified_at, false),
				       inc.identified_text ? inc.identified_text : "");
			if (inc.resolved_at)
				printf("Resolved:  %s\n", pub_rfc822(date, inc.resolved_at, false));
			for (size_t i = 0; i < n; i++) {
				printf("\n");
				show_post(cfg, &posts[i]);
			}
		}
	} else {
		ok = pub_store_post_get(s.st, id, &p, &found, &s.err);
		if (ok && found)
			show_post(cfg, &p);
	}
	if (!ok)
		say_error("%s", s.err.data);
	else if (!found)
		say_error("there is no %s %ld", incident ? "incident" : "post", id);
	pub_incident_free(&inc);
	pub_post_free(&p);
	pub_posts_free(posts, n);
	session_close(&s);
	return !ok ? PUB_EXIT_FAILURE : found ? PUB_EXIT_OK : PUB_EXIT_USAGE;
}

static int cmd_render(const struct pub_config *cfg, int argc, char **argv)
{
	struct session s;
	int rc;

	if (argc != 1) {
		say_error("render takes no arguments ('%s')", argv[1]);
		return PUB_EXIT_USAGE;
	}
	if (!session_open(cfg, &s)) {
		session_close(&s);
		return PUB_EXIT_FAILURE;
	}
	rc = session_finish(cfg, &s, pub_store_begin(s.st, &s.err));
	session_close(&s);
	return rc;
}

const struct pub_command pub_commands[] = {
	{ "run", cmd_run, "[--now TIME]" },
	{ "post", cmd_post, "--cluster SLUG [--incident N] --title TITLE --message-file FILE" },
	{ "edit", cmd_edit, "POST-ID --message-file FILE" },
	{ "incident", cmd_incident, "open --cluster SLUG --title TITLE --message-file FILE\n"
	  "           | resolve NUMBER [--message-file FILE | --no-post]" },
	{ "maintenance", cmd_maintenance, "schedule --cluster SLUG --start TIME --end TIME\n"
	  "           [--title TITLE] --message-file FILE" },
	{ "list", cmd_list, "[--cluster SLUG] [--limit N]" },
	{ "show", cmd_show, "POST-ID | incident NUMBER" },
	{ "render", cmd_render, "" },
	{ NULL, NULL, NULL },
};

const struct pub_command *pub_command_find(const char *name)
{
	for (const struct pub_command *c = pub_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
