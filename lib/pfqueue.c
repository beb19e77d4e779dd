/*
 * pfqueue: counting the Postfix queue and finding its oldest arrival
 * time from the spool, reading as few bytes as possible.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfqueue.h"
#include "xalloc.h"

static const char *const queue_names[PFQ_NQUEUES] = {
	"maildrop", "incoming", "active", "deferred", "hold", "corrupt",
};

const char *pfq_queue_name(enum pfq_queue q)
{
	return (unsigned)q < PFQ_NQUEUES ? queue_names[q] : "?";
}

int pfq_queue_parse(const char *s, size_t n)
{
	for (int q = 0; q < PFQ_NQUEUES; q++)
		if (strlen(queue_names[q]) == n && memcmp(queue_names[q], s, n) == 0)
			return q;
	return -1;
}

/* --- queue IDs ---------------------------------------------------------- */

/* Postfix's safe_ultostr() alphabet: digits and consonants. */
static const char base52[] = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

static int base52_digit(char c)
{
	const char *p = c != '\0' ? strchr(base52, c) : NULL;
	return p != NULL ? (int)(p - base52) : -1;
}

#define LONG_ID_SEC_DIGITS 6
#define LONG_ID_USEC_DIGITS 4

bool pfq_long_id_time(const char *name, int64_t *sec, int32_t *usec)
{
	int64_t s = 0, u = 0;
	size_t i;

	/*
	 * Six digits of seconds last until the year 2594; the separator
	 * right after the microseconds tells a long ID from a short one,
	 * whose hexadecimal digits never include 'z'.
	 */
	for (i = 0; i < LONG_ID_SEC_DIGITS; i++) {
		int d = base52_digit(name[i]);
		if (d < 0)
			return false;
		s = s * 52 + d;
	}
	for (; i < LONG_ID_SEC_DIGITS + LONG_ID_USEC_DIGITS; i++) {
		int d = base52_digit(name[i]);
		if (d < 0)
			return false;
		u = u * 52 + d;
	}
	if (name[i] != 'z' || name[i + 1] == '\0' || u > 999999)
		return false;
	*sec = s;
	*usec = (int32_t)u;
	return true;
}

/* --- records ------------------------------------------------------------ */

#define REC_TYPE_TIME 'T'
/* Records that end the envelope part that the arrival record belongs to. */
#define REC_ENDS_ENVELOPE "MNXE"
/* No envelope record before the arrival record is anywhere near this long. */
#define REC_MAX_EARLY_LEN (1u << 20)

/*
 * Reads a record length at buf[*pos]. Returns 1 with *len set, 0 when the
 * bytes end first, -1 when the length is impossible.
 */
static int rec_get_len(const unsigned char *buf, size_t n, size_t *pos, size_t *len)
{
	size_t value = 0;

	for (unsigned shift = 0; ; shift += 7) {
		if (shift > 28)
			return -1;	/* Postfix's own limit: an int */
		if (*pos >= n)
			return 0;
		unsigned char c = buf[(*pos)++];
		value |= (size_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			break;
	}
	*len = value;
	return 1;
}

/* "SECONDS" or "SECONDS MICROSECONDS", as REC_TYPE_TIME_FORMAT writes it. */
static bool parse_time_record(const unsigned char *s, size_t n, int64_t *sec, int32_t *usec)
{
	size_t i = 0;
	int64_t secs = 0, us = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= 15)
			return false;	/* no time fits in 15 digits that is not absurd */
		secs = secs * 10 + (s[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < n) {
		if (s[i++] != ' ' || i == n)
			return false;
		size_t start = i;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (i - start < 6)
				us = us * 10 + (s[i] - '0');
			else
				return false;
		if (i != n)
			return false;
	}
	*sec = secs;
	*usec = (int32_t)us;
	return true;
}

enum pfq_arrival pfq_parse_arrival(const unsigned char *buf, size_t len,
				   bool whole_file, int64_t *sec, int32_t *usec)
{
	enum pfq_arrival cut = whole_file ? PFQ_ARRIVAL_MALFORMED : PFQ_ARRIVAL_NEED_MORE;
	size_t pos = 0;

	while (pos < len) {
		unsigned char type = buf[pos++];
		size_t n;

		/* Record types are printable ASCII letters and punctuation. */
		if (type < 0x21 || type > 0x7e)
			return PFQ_ARRIVAL_MALFORMED;
		int got = rec_get_len(buf, len, &pos, &n);
		if (got < 0)
			return PFQ_ARRIVAL_MALFORMED;
		if (got == 0)
			return cut;
		if (type == REC_TYPE_TIME) {
			if (n > len - pos)
				return cut;
			return parse_time_record(buf + pos, n, sec, usec)
			       ? PFQ_ARRIVAL_FOUND : PFQ_ARRIVAL_MALFORMED;
		}
		if (strchr(REC_ENDS_ENVELOPE, type) != NULL)
			return PFQ_ARRIVAL_MISSING;
		if (n > REC_MAX_EARLY_LEN)
			return PFQ_ARRIVAL_MALFORMED;
		if (n > len - pos)
			return cut;
		pos += n;
	}
	return whole_file ? PFQ_ARRIVAL_MISSING : PFQ_ARRIVAL_NEED_MORE;
}

/* The first read covers the records cleanup writes before 'T' (~100 bytes). */
#define ARRIVAL_FIRST_READ 256
#define ARRIVAL_MAX_READ 8192

/* Reads until buf is full or the file ends; returns the bytes read or -1. */
static ssize_t read_full(int fd, unsigned char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int pfq_read_arrival(int dirfd, const char *name, int64_t *sec, int32_t *usec)
{
	unsigned char buf[ARRIVAL_MAX_READ];
	size_t have = 0, want = ARRIVAL_FIRST_READ;
	int result = -1;

	/* O_NONBLOCK: a FIFO planted in the spool must not hang the open. */
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read_full(fd, buf + have, want - have);
		if (n < 0)
			break;
		have += (size_t)n;
		bool whole = have < want;
		result = pfq_parse_arrival(buf, have, whole, sec, usec);
		if (result != PFQ_ARRIVAL_NEED_MORE)
			break;
		if (want == sizeof(buf)) {
			/* 8 KiB of envelope and still no arrival record: not Postfix's. */
			result = PFQ_ARRIVAL_MALFORMED;
			break;
		}
		want = sizeof(buf);
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return result;
}

/* --- the spool walk ----------------------------------------------------- */

/* A file that may hold a queue's oldest message, read after the walk. */
struct candidate {
	int64_t hint_us;	/* hint of its arrival, microseconds */
	char path[48];		/* relative to the queue directory */
};

struct walk {
	const struct pfq_scan_opts *opts;
	struct pfq_scan *out;
	enum pfq_queue queue;
	struct pfq_queue_stats *st;
	int queue_fd;
	bool use_hints;		/* false: read every file */
	bool hints_failed;	/* the queue must be walked again, reading all */
	uint64_t seen;		/* files considered, for sampling */
	int64_t min_hint_us;
	struct candidate *cand;
	size_t ncand, cap_cand;
};

#define USEC 1000000LL
#define MAX_HASH_DEPTH 4

static bool fail(struct walk *w, int err, const char *dir, const char *name)
{
	w->out->error_errno = err;
	snprintf(w->out->error_path, sizeof(w->out->error_path), "%s%s%s",
		 dir, *name != '\0' ? "/" : "", name);
	return false;
}

static void note_arrival(struct pfq_queue_stats *st, int64_t sec)
{
	if (!st->has_oldest || sec < st->oldest) {
		st->oldest = sec;
		st->has_oldest = true;
	}
}

/* Does an arrival read from a file agree with the hint taken for it? */
static bool hint_agrees(int64_t hint_us, int64_t sec, int32_t usec)
{
	int64_t arrival_us = sec * USEC + usec;
	return arrival_us >= hint_us - PFQ_HINT_SLACK * USEC && arrival_us <= hint_us + USEC;
}

/*
 * Reads one file's arrival record and counts the answer. Returns false
 * only on an error that ends the scan; *gone says the file vanished.
 */
static bool read_one(struct walk *w, int dirfd, const char *dirpath, const char *name,
		     const struct statx *sx, bool *gone, int64_t *sec, int32_t *usec)
{
	int r = pfq_read_arrival(dirfd, name, sec, usec);

	*gone = false;
	if (r < 0) {
		if (errno == ENOENT) {
			*gone = true;
			return true;
		}
		return fail(w, errno, dirpath, name);
	}
	w->st->records_read++;
	if (r == PFQ_ARRIVAL_FOUND) {
		note_arrival(w->st, *sec);
		return true;
	}
	if (r == PFQ_ARRIVAL_MISSING && w->queue == PFQ_MAILDROP && sx != NULL) {
		/* Old postdrop versions wrote no arrival record: the mtime is it. */
		*sec = sx->stx_mtime.tv_sec;
		*usec = 0;
		note_arrival(w->st, *sec);
		return true;
	}
	w->st->damaged++;
	return true;
}

/* Keeps only the candidates that can still hold the oldest message. */
static void prune_candidates(struct walk *w)
{
	size_t keep = 0;

	for (size_t i = 0; i < w->ncand; i++)
		if (w->cand[i].hint_us <= w->min_hint_us + PFQ_HINT_SLACK * USEC)
			w->cand[keep++] = w->cand[i];
	w->ncand = keep;
}

static void add_candidate(struct walk *w, int64_t hint_us, const char *rel, const char *name)
{
	struct candidate c = { .hint_us = hint_us };
	int len = snprintf(c.path, sizeof(c.path), "%s%s%s", rel, *rel ? "/" : "", name);

	if (len < 0 || (size_t)len >= sizeof(c.path)) {
		w->hints_failed = true;	/* not a Postfix name; read everything */
		return;
	}
	if (hint_us < w->min_hint_us) {
		w->min_hint_us = hint_us;
		prune_candidates(w);
	}
	if (hint_us > w->min_hint_us + PFQ_HINT_SLACK * USEC)
		return;
	if (w->ncand == w->cap_cand) {
		if (w->cap_cand == PFQ_MAX_CANDIDATES) {
			w->hints_failed = true;
			return;
		}
		ms_xgrow(&w->cand, &w->cap_cand, w->ncand + 1, sizeof(*w->cand));
		if (w->cap_cand > PFQ_MAX_CANDIDATES)
			w->cap_cand = PFQ_MAX_CANDIDATES;
	}
	w->cand[w->ncand++] = c;
}

/* The hint for a file: its long queue ID's time, else its birth time. */
static bool file_hint(const char *name, const struct statx *sx, int64_t *hint_us)
{
	int64_t sec;
	int32_t usec;

	if (pfq_long_id_time(name, &sec, &usec)) {
		*hint_us = sec * USEC + usec;
		return true;
	}
	if (sx->stx_mask & STATX_BTIME) {
		*hint_us = sx->stx_btime.tv_sec * USEC + sx->stx_btime.tv_nsec / 1000;
		return true;
	}
	return false;
}

/* One complete queue file: counted, then read now, later or not at all. */
static bool visit_file(struct walk *w, int dirfd, const char *dirpath, const char *rel,
		       const char *name, const struct statx *sx)
{
	struct pfq_queue_stats *st = w->st;
	int64_t sec, hint_us;
	int32_t usec;
	bool gone;

	uint64_t damaged_before = st->damaged;

	st->count++;
	st->bytes += sx->stx_size;
	if (w->queue == PFQ_CORRUPT)
		return true;	/* known to be damaged: counted, never dated */
	if (!w->use_hints || w->hints_failed) {
		if (!read_one(w, dirfd, dirpath, name, sx, &gone, &sec, &usec))
			return false;
	} else if (!file_hint(name, sx, &hint_us)) {
		w->hints_failed = true;
		return true;
	} else {
		add_candidate(w, hint_us, rel, name);
		if (w->seen++ % PFQ_SAMPLE_EVERY != 0)
			return true;
		if (!read_one(w, dirfd, dirpath, name, sx, &gone, &sec, &usec))
			return false;
		if (!gone && st->damaged == damaged_before && !hint_agrees(hint_us, sec, usec))
			w->hints_failed = true;
	}
	/* Vanished files were delivered; damaged ones are reported, not counted. */
	if (gone || st->damaged != damaged_before) {
		st->count--;
		st->bytes -= sx->stx_size;
		w->out->vanished += gone;
	}
	return true;
}

static bool walk_dir(struct walk *w, int dirfd, const char *dirpath, const char *rel, int depth);

static bool visit_entry(struct walk *w, int dirfd, const char *dirpath, const char *rel,
			const char *name, int depth)
{
	struct statx sx;
	unsigned mask = STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_MTIME | STATX_BTIME;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, mask, &sx) != 0) {
		if (errno == ENOENT) {
			w->out->vanished++;
			return true;
		}
		return fail(w, errno, dirpath, name);
	}
	if (S_ISDIR(sx.stx_mode)) {
		if (depth >= MAX_HASH_DEPTH)
			return true;	/* Postfix hashes at most two levels deep */
		char subpath[sizeof(w->out->error_path)], subrel[40];
		snprintf(subpath, sizeof(subpath), "%s/%s", dirpath, name);
		snprintf(subrel, sizeof(subrel), "%s%s%s", rel, *rel ? "/" : "", name);
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOENT ? true : fail(w, errno, subpath, "");
		bool ok = walk_dir(w, fd, subpath, subrel, depth + 1);
		return ok;	/* walk_dir closed fd */
	}
	if (!S_ISREG(sx.stx_mode))
		return true;	/* not a queue file */
	if (w->queue != PFQ_CORRUPT && (sx.stx_mode & S_IXUSR) == 0) {
		w->st->in_progress++;
		return true;
	}
	return visit_file(w, dirfd, dirpath, rel, name, &sx);
}

/* Walks one directory of a queue; takes over dirfd and closes it. */
static bool walk_dir(struct walk *w, int dirfd, const char *dirpath, const char *rel, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	bool ok = true;

	if (d == NULL) {
		int err = errno;
		close(dirfd);
		return fail(w, err, dirpath, "");
	}
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno != 0)
				ok = fail(w, errno, dirpath, "");
			break;
		}
		if (e->d_name[0] == '.')
			continue;	/* ".", ".." and nothing Postfix makes */
		if (!visit_entry(w, dirfd, dirpath, rel, e->d_name, depth)) {
			ok = false;
			break;
		}
	}
	closedir(d);
	return ok;
}

/*
 * Reads the candidates the walk kept and checks them against their
 * hints. false with w->hints_failed when the answer cannot be trusted.
 */
static bool read_candidates(struct walk *w, const char *qpath)
{
	for (size_t i = 0; i < w->ncand && !w->hints_failed; i++) {
		int64_t sec;
		int32_t usec;
		bool gone;
		uint64_t damaged = w->st->damaged;

		if (!read_one(w, w->queue_fd, qpath, w->cand[i].path, NULL, &gone, &sec, &usec))
			return false;
		/*
		 * A candidate that vanished or is damaged may have been the
		 * oldest; only a walk that reads everything can say which is now.
		 */
		if (gone || w->st->damaged != damaged ||
		    !hint_agrees(w->cand[i].hint_us, sec, usec))
			w->hints_failed = true;
	}
	return true;
}

/* Walks one queue, using hints when allowed; false on errors. */
static bool walk_queue(struct walk *w, const char *queue_dir, bool use_hints)
{
	char qpath[sizeof(w->out->error_path)];
	struct pfq_queue_stats *st = w->st;

	snprintf(qpath, sizeof(qpath), "%s/%s", queue_dir, pfq_queue_name(w->queue));
	memset(st, 0, sizeof(*st));
	st->scanned = true;
	w->use_hints = use_hints;
	w->hints_failed = false;
	w->seen = 0;
	w->min_hint_us = INT64_MAX;
	w->ncand = 0;

	w->queue_fd = open(qpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->queue_fd < 0)
		return fail(w, errno, qpath, "");
	int walk_fd = dup(w->queue_fd);
	if (walk_fd < 0) {
		int err = errno;
		close(w->queue_fd);
		return fail(w, err, qpath, "");
	}
	bool ok = walk_dir(w, walk_fd, qpath, "", 0);
	if (ok && use_hints && !w->hints_failed)
		ok = read_candidates(w, qpath);
	close(w->queue_fd);
	st->hints_used = ok && use_hints && !w->hints_failed && st->count > 0;
	return ok;
}

bool pfq_scan(const char *queue_dir, const struct pfq_scan_opts *opts, struct pfq_scan *out)
{
	struct walk w = { .opts = opts, .out = out };
	bool ok = true;

	memset(out, 0, sizeof(*out));
	for (int q = 0; q < PFQ_NQUEUES && ok; q++) {
		if ((opts->queues & (1u << q)) == 0)
			continue;
		w.queue = (enum pfq_queue)q;
		w.st = &out->q[q];
		ok = walk_queue(&w, queue_dir, !opts->read_all);
		if (ok && w.use_hints && w.hints_failed)
			ok = walk_queue(&w, queue_dir, false);
	}
	free(w.cand);
	return ok;
}
