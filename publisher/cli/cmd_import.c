/*
 * cmd_import: `mailstatus-publish import-history FILE...`: the engines'
 * logs (Nagios 4's nagios.log and archives, Icinga 2's compat log, plain
 * or gzip-compressed) into the store's history, in one transaction.
 *
 * Only the members the config names are kept: a line of another object
 * costs a parse of its prefix and one hash lookup. Every event is kept
 * once, however often it is read (overlapping archives, the same file
 * twice), and the imported intervals are made again from all of them;
 * what a run recorded wins over them (store.h). A malformed line is
 * counted and said with its file and line, and the rest goes on.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cmdutil.h"
#include "commands.h"
#include "evaluate.h"
#include "history_import.h"
#include "nagioslog.h"
#include "render.h"
#include "source.h"
#include "xalloc.h"

#define META_IMPORTED_UNTIL "history_imported_until"
#define LINE_MAX_BYTES 65536
#define MALFORMED_SAID 20	/* the first ones are said; the rest counted */

struct import {
	char **files;
	int n_files;
	struct pub_snapshot wanted;	/* the objects the config names */
	unsigned long long lines, events, added, malformed;
	bool no_render;			/* the output is left to the next run */
	time_t until;			/* the newest line read */
};

static void malformed(struct import *im, const char *path, unsigned long long line,
		      const char *why)
{
	if (++im->malformed <= MALFORMED_SAID)
		pub_say_error("%s:%llu: %s (skipped)", path, line, why);
}

/* One line: an event of a wanted member goes into the store. */
static bool import_line(struct import *im, struct pub_store *st, const char *path,
			const char *line, size_t len, struct ms_buf *err)
{
	struct pub_log_event ev;
	struct ms_buf obj = MS_BUF_INIT;
	size_t idx;
	bool added = false, ok;

	enum pub_log_line kind = pub_log_parse(line, len, &ev);

	/* the engine logged a change of state when there was one: until its last line, none */
	if (kind != PUB_LOG_MALFORMED && ev.at > im->until)
		im->until = ev.at;
	if (kind == PUB_LOG_MALFORMED)
		malformed(im, path, im->lines, "not a line of the engine's log");
	if (kind != PUB_LOG_EVENT)
		return true;
	idx = pub_snapshot_find(&im->wanted, ev.host, ev.host_len, ev.service, ev.service_len);
	if (idx == (size_t)-1)
		return true;
	ms_buf_puts(&obj, im->wanted.objects[idx].host);
	if (ev.service)
		ms_buf_printf(&obj, "!%s", im->wanted.objects[idx].service);
	ok = pub_store_history_event_add(st, obj.data, ev.at, (int)ev.kind, ev.state, &added,
					 err);
	im->events++;
	im->added += added;
	ms_buf_free(&obj);
	return ok;
}

/*
 * A file read a block at a time and cut into lines where they are, with
 * no copy of each: buf holds the rest of a line and a block after it.
 */
struct reader {
	gzFile f;
	char *buf;
	size_t start, end;	/* the bytes not cut yet */
	bool eof;
};

#define READ_BLOCK (256 * 1024)

/* More bytes after the rest of a line; false at the end or on an error. */
static bool read_more(struct reader *r)
{
	int got;

	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->end -= r->start;
	r->start = 0;
	got = gzread(r->f, r->buf + r->end, READ_BLOCK);
	if (got <= 0) {
		r->eof = true;
		return false;
	}
	r->end += (size_t)got;
	return true;
}

/*
 * The next line (without its newline) in *line, *len; false at the end.
 * Of a line longer than LINE_MAX_BYTES, *cut is set and what is given is
 * not the line: the rest of it is skipped.
 */
static bool next_line(struct reader *r, const char **line, size_t *len, bool *cut)
{
	char *nl;

	*cut = false;
	while ((nl = memchr(r->buf + r->start, '\n', r->end - r->start)) == NULL) {
		if (r->end - r->start > LINE_MAX_BYTES) {
			*cut = true;	/* what is read of it goes */
			r->start = r->end;
		}
		if (r->eof || !read_more(r)) {
			if (r->start == r->end && !*cut)
				return false;
			nl = r->buf + r->end;	/* the last line has no newline */
			break;
		}
	}
	*line = r->buf + r->start;
	*len = (size_t)(nl - *line);
	r->start = (size_t)(nl - r->buf) + (nl < r->buf + r->end);
	return true;
}

/* A file, plain or gzip (zlib reads both); false when it cannot be read. */
static bool import_file(struct import *im, struct pub_store *st, const char *path,
			struct ms_buf *err)
{
	struct reader r = { gzopen(path, "rb"), NULL, 0, 0, false };
	const char *line;
	size_t len;
	bool ok = true, cut;
	int zerr;

	if (r.f == NULL) {
		ms_buf_printf(err, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
		return false;
	}
	/*
	 * zlib's buffer a quarter of the block: a plain file's blocks are then
	 * read straight into ours, not through zlib's buffer and copied
	 */
	gzbuffer(r.f, READ_BLOCK / 4);
	r.buf = ms_xmalloc(LINE_MAX_BYTES + READ_BLOCK + 1);
	while (ok && next_line(&r, &line, &len, &cut)) {
		im->lines++;
		if (cut) {
			malformed(im, path, im->lines, "a line longer than 64 KiB");
			continue;
		}
		if (len > 0 && line[len - 1] == '\r')
			len--;
		ok = import_line(im, st, path, line, len, err);
	}
	if (ok && !gzeof(r.f)) {
		const char *why = gzerror(r.f, &zerr);
		ms_buf_printf(err, "%s: cannot read: %s", path,
			      zerr == Z_ERRNO ? strerror(errno) : why);
		ok = false;
	}
	free(r.buf);
	gzclose(r.f);
	return ok;
}

static enum pub_work import_work(const struct pub_config *cfg, struct pub_store *st, void *arg,
				 struct ms_buf *err)
{
	struct import *im = arg;
	char *before = NULL, until[32];
	bool ok = true;

	for (int i = 0; ok && i < im->n_files; i++) {
		unsigned long long lines = im->lines;
		im->lines = 0;	/* line numbers count per file */
		ok = import_file(im, st, im->files[i], err);
		im->lines += lines;
	}
	ok = ok && pub_store_meta_get(st, META_IMPORTED_UNTIL, &before, err);
	if (ok && before != NULL && strtoll(before, NULL, 10) > (long long)im->until)
		im->until = (time_t)strtoll(before, NULL, 10);
	free(before);
	snprintf(until, sizeof(until), "%lld", (long long)im->until);
	ok = ok && (im->until == 0 || (pub_store_meta_set(st, META_IMPORTED_UNTIL, until, err) &&
				       pub_history_rebuild(cfg, st, im->until, pub_render_clock(),
							   err)));
	if (!ok)
		return PUB_WORK_FAILED;
	return im->no_render ? PUB_WORK_STORED : PUB_WORK_DONE;
}

int pub_cmd_import_history(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },	/* renders as of that time */
		{ "no-render", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct import im = { 0 };
	struct ms_buf err = MS_BUF_INIT;
	time_t now;
	int rc, c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "import-history", &err)) != -1) {
		if (c == 'r')
			im.no_render = true;
		else if (c != 'n' || !pub_parse_when("--now", optarg, &now, &err))
			return pub_refuse(&err);
	}
	if (optind >= argc) {
		pub_say_error("import-history: name the log files to read (nagios.log, "
			      "archives/*.log, Icinga 2's compat log; .gz too)");
		return PUB_EXIT_USAGE;
	}
	im.files = argv + optind;
	im.n_files = argc - optind;
	pub_snapshot_init(&im.wanted);
	pub_want_objects(cfg, &im.wanted);
	rc = pub_session(cfg, import_work, &im);
	if (rc == PUB_EXIT_OK)
		printf("%llu line(s) read, %llu event(s) of the configured members (%llu new), "
		       "%llu malformed line(s) skipped\n", im.lines, im.events, im.added,
		       im.malformed);
	pub_snapshot_free(&im.wanted);
	return rc;
}
