/*
 * cmdutil: input checks and the store session of the commands.
 * See cmdutil.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cmdutil.h"
#include "commands.h"
#include "dates.h"
#include "lock.h"
#include "queue.h"
#include "render.h"
#include "text.h"
#include "xalloc.h"

#define MAX_MESSAGE (1u << 20)
#define MAX_TITLE 200

void pub_say_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mailstatus-publish: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Says err, then frees it: the command line is refused. */
int pub_refuse(struct ms_buf *err)
{
	pub_say_error("%s", ms_buf_str(err));
	ms_buf_free(err);
	return PUB_EXIT_USAGE;
}

/* --- argument checks ------------------------------------------------ */

bool pub_parse_id(const char *what, const char *s, long *out, struct ms_buf *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v <= 0) {
		ms_buf_printf(err, "%s must be a positive number, not '%s'", what, s);
		return false;
	}
	*out = v;
	return true;
}

bool pub_check_title(const char *t, struct ms_buf *err)
{
	size_t n = strlen(t);

	if (n == 0 || n > MAX_TITLE) {
		ms_buf_printf(err, "--title must have 1 to %d bytes, not %zu", MAX_TITLE, n);
		return false;
	}
	if (!ms_utf8_valid(t, n)) {
		ms_buf_puts(err, "--title is not valid UTF-8");
		return false;
	}
	for (const unsigned char *s = (const unsigned char *)t; *s; s++)
		if (*s < 0x20 || *s == 0x7f) {
			ms_buf_puts(err, "--title contains a control character");
			return false;
		}
	return true;
}

/* The line of b at which it stops being UTF-8 (or holds a NUL byte). */
static unsigned bad_line(const struct ms_buf *b)
{
	unsigned line = 1;
	size_t i = 0;

	while (i < b->len) {
		size_t k = ms_utf8_seq_len((const unsigned char *)b->data + i, b->len - i);
		if (k == 0 || b->data[i] == '\0')
			break;
		line += b->data[i] == '\n';
		i += k;
	}
	return line;
}

static bool blank(const struct ms_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\n' && b->data[i] != '\t' &&
		    b->data[i] != '\r')
			return false;
	return true;
}

char *pub_read_message(const char *path, size_t *len, struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT;
	char chunk[8192];
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		ms_buf_printf(err, "--message-file %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > MAX_MESSAGE) {
			ms_buf_printf(err, "--message-file %s: %s", path,
				      n < 0 ? strerror(errno) : "larger than 1 MiB");
			goto fail;
		}
		ms_buf_add(&b, chunk, (size_t)n);
	}
	if (!ms_utf8_valid(b.data ? b.data : "", b.len)) {
		ms_buf_printf(err, "--message-file %s: line %u is not valid UTF-8 (or holds "
			      "a NUL byte)", path, bad_line(&b));
		goto fail;
	}
	if (blank(&b)) {
		ms_buf_printf(err, "--message-file %s is empty", path);
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

bool pub_parse_when(const char *opt, const char *s, time_t *t, struct ms_buf *err)
{
	if (pub_parse_time(s, t)) {
		/* a command told to act as if it were TIME renders as of TIME too */
		if (strcmp(opt, "--now") == 0)
			pub_render_set_clock(*t);
		return true;
	}
	ms_buf_printf(err, "%s '%s' is not a time: write 'YYYY-MM-DD HH:MM' (UTC) or @EPOCH",
		      opt, s);
	return false;
}

const struct pub_cluster *pub_need_cluster(const struct pub_config *cfg, const char *slug,
					   struct ms_buf *err)
{
	const struct pub_cluster *cl;

	if (slug == NULL) {
		ms_buf_puts(err, "--cluster SLUG is required");
		return NULL;
	}
	if ((cl = pub_config_cluster(cfg, slug)) == NULL)
		ms_buf_printf(err, "there is no cluster '%s' in %s", slug, cfg->path);
	return cl;
}

/* --- the store session: lock, store, transaction -------------------- */

static char *url_host(const char *url)
{
	const char *h = strstr(url, "://") + 3;	/* the config checked the scheme */
	size_t n = strcspn(h, "/:?#");

	return ms_xstrndup(h, n);
}

bool pub_session_lock(const struct pub_config *cfg, struct pub_session *s)
{
	char *dir = ms_xstrdup(cfg->store), *slash = strrchr(dir, '/');
	bool ok;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->lock = -1;
	if (slash && slash != dir)
		*slash = '\0';
	ok = (slash == NULL || slash == dir || pub_mkdirs(dir, &s->err)) &&
	     (s->lock = pub_lock_acquire(cfg->store, cfg->lock_timeout, &s->err)) >= 0;
	/*
	 * The pending notices' file is written atomically beside the store;
	 * other stores may share the directory: only this one's files.
	 */
	if (ok)
		pub_remove_stale_temps(slash == NULL ? "." : slash == dir ? "/" : dir,
				       slash == NULL ? s->cfg->store : slash + 1);
	free(dir);
	return ok;
}

bool pub_session_store(struct pub_session *s)
{
	char *host = url_host(s->cfg->base_url);

	s->st = pub_store_open(s->cfg->store, host, &s->err);
	free(host);
	if (s->st != NULL)
		pub_queue_attach(s->cfg, s->st);	/* a new post's deliveries, with it */
	return s->st != NULL;
}

void pub_session_close(struct pub_session *s)
{
	pub_store_close(s->st);
	pub_lock_release(s->lock);
	ms_buf_free(&s->err);
}

enum pub_work pub_work_done(bool ok)
{
	return ok ? PUB_WORK_DONE : PUB_WORK_FAILED;
}

static int exit_status(enum pub_work r)
{
	return r == PUB_WORK_DONE || r == PUB_WORK_STORED ? PUB_EXIT_OK
	       : r == PUB_WORK_REFUSED ? PUB_EXIT_USAGE : PUB_EXIT_FAILURE;
}

/* Begins, works, then commits and renders or rolls back; says what went wrong. */
int pub_session_run(struct pub_session *s, pub_work_fn *work, void *arg)
{
	enum pub_work r = PUB_WORK_FAILED;
	size_t changed = 0;

	if (pub_store_begin(s->st, &s->err))
		r = work != NULL ? work(s->cfg, s->st, arg, &s->err) : PUB_WORK_DONE;
	if (r != PUB_WORK_DONE && r != PUB_WORK_STORED) {
		pub_store_rollback(s->st);
		pub_say_error(r == PUB_WORK_REFUSED ? "%s" : "%s; nothing was changed",
			      s->err.data);
		return exit_status(r);
	}
	if (!pub_store_commit(s->st, &s->err)) {
		pub_say_error("%s; nothing was changed", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	if (r == PUB_WORK_STORED)
		return PUB_EXIT_OK;
	if (!pub_render_all(s->cfg, s->st, &changed, &s->err)) {
		pub_say_error("the store is updated but the output is not: %s "
			      "(the next run renders again)", s->err.data);
		return PUB_EXIT_FAILURE;
	}
	if (pub_verbose)
		printf("%zu output file(s) updated\n", changed);
	return PUB_EXIT_OK;
}

int pub_session(const struct pub_config *cfg, pub_work_fn *work, void *arg)
{
	struct pub_session s;
	int rc;

	if (pub_session_lock(cfg, &s) && pub_session_store(&s)) {
		rc = pub_session_run(&s, work, arg);
	} else {
		pub_say_error("%s", s.err.data);
		rc = PUB_EXIT_FAILURE;
	}
	pub_session_close(&s);
	return rc;
}

int pub_session_read(const struct pub_config *cfg, pub_work_fn *work, void *arg)
{
	struct pub_session s = { .cfg = cfg, .lock = -1, .err = MS_BUF_INIT };
	enum pub_work r = PUB_WORK_FAILED;

	if ((s.st = pub_store_open_readonly(cfg->store, &s.err)) != NULL)
		r = work(cfg, s.st, arg, &s.err);
	if (r != PUB_WORK_DONE)
		pub_say_error("%s", s.err.data);
	pub_session_close(&s);
	return exit_status(r);
}

/*
 * getopt_long for a command: argv[0] is the command name; options may
 * come before or after its operands ("edit 3 --message-file F").
 */
int pub_next_opt(int argc, char **argv, const struct option *opts, const char *cmd,
		 struct ms_buf *err)
{
	int c = getopt_long(argc, argv, "", opts, NULL);

	if (c == '?')	/* getopt said which option */
		ms_buf_printf(err, "%s: see mailstatus-publish --help", cmd);
	return c;
}

void pub_reset_getopt(void)
{
	optind = 0;	/* glibc: 0 re-initialises fully */
	opterr = 1;
}
