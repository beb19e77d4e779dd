/*
 * pfqueue: counting the Postfix queue and finding its oldest arrival
 * time from the spool, reading as few bytes as possible.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
	 * Six digits of seconds last until the year 2596; the separator
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

/*
 * At most 12 digits of seconds: any time in microseconds then still fits
 * an int64_t, which the hint comparisons rely on.
 */
#define MAX_TIME_DIGITS 12

/* "SECONDS" or "SECONDS MICROSECONDS", as REC_TYPE_TIME_FORMAT writes it. */
static bool parse_time_record(const unsigned char *s, size_t n, int64_t *sec, int32_t *usec)
{
	size_t i = 0;
	int64_t secs = 0, us = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= MAX_TIME_DIGITS)
			return false;	/* past the year 33000: damage, not a date */
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

/*
 * Looking up each file (statx) costs about a microsecond of kernel time,
 * which at 100,000 files is most of the run. The lookups scale over CPUs,
 * so a queue is walked by up to MAX_WALKERS threads at once: each lists
 * every directory (cheap) but looks up, counts and reads only the files
 * whose name hashes to it. No walker keeps a list of names, so memory
 * stays flat however large the queue is.
 */
#define MAX_WALKERS 4

/* A file that may hold a queue's oldest message, read after the walk. */
struct candidate {
	int64_t hint_us;	/* hint of its arrival, microseconds */
	char path[48];		/* relative to the queue directory */
};

/* One walker of one queue. */
struct walk {
	enum pfq_queue queue;
	const char *queue_path;
	int queue_fd;
	unsigned index, nwalkers;	/* this walker takes files hashing to index */
	bool use_hints;		/* false: read every file */
	bool hints_failed;	/* the queue must be walked again, reading all */
	uint64_t read_all_below; /* a queue this small is read whole */
	struct pfq_queue_stats st;
	uint64_t vanished;
	uint64_t seen;		/* files considered, for sampling */
	int64_t min_hint_us;
	struct candidate *cand;
	size_t ncand, cap_cand;
	bool ok;
	int error_errno;
	char error_path[512];
};

#define USEC 1000000LL
#define MAX_HASH_DEPTH 4

static bool fail(struct walk *w, int err, const char *dir, const char *name)
{
	w->error_errno = err;
	snprintf(w->error_path, sizeof(w->error_path), "%s%s%s", dir, *name != '\0' ? "/" : "", name);
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
	w->st.records_read++;
	if (r == PFQ_ARRIVAL_FOUND) {
		note_arrival(&w->st, *sec);
		return true;
	}
	if (r == PFQ_ARRIVAL_MISSING && w->queue == PFQ_MAILDROP && sx != NULL) {
		/* Old postdrop versions wrote no arrival record: the mtime is it. */
		*sec = sx->stx_mtime.tv_sec;
		*usec = 0;
		note_arrival(&w->st, *sec);
		return true;
	}
	w->st.damaged++;
	return true;
}

/* Keeps only the candidates that can still hold the oldest message. */
static void prune_candidates(struct walk *w, int64_t min_hint_us)
{
	size_t keep = 0;

	for (size_t i = 0; i < w->ncand; i++)
		if (w->cand[i].hint_us <= min_hint_us + PFQ_HINT_SLACK * USEC)
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
		prune_candidates(w, hint_us);
	}
	if (hint_us > w->min_hint_us + PFQ_HINT_SLACK * USEC)
		return;
	if (w->ncand == w->cap_cand) {
		if (w->cap_cand >= PFQ_MAX_CANDIDATES / MAX_WALKERS) {
			w->hints_failed = true;
			return;
		}
		ms_xgrow(&w->cand, &w->cap_cand, w->ncand + 1, sizeof(*w->cand));
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
	/* a birth time from a damaged inode must not overflow the microseconds */
	if ((sx->stx_mask & STATX_BTIME) && sx->stx_btime.tv_sec >= 0 &&
	    sx->stx_btime.tv_sec < 1000000000000LL) {
		*hint_us = sx->stx_btime.tv_sec * USEC + sx->stx_btime.tv_nsec / 1000;
		return true;
	}
	return false;
}

/* One complete queue file: counted, then read now, later or not at all. */
static bool visit_file(struct walk *w, int dirfd, const char *dirpath, const char *rel,
		       const char *name, const struct statx *sx)
{
	uint64_t damaged_before = w->st.damaged;
	int64_t sec, hint_us;
	int32_t usec;
	bool gone;

	w->st.count++;
	w->st.bytes += sx->stx_size;
	if (w->queue == PFQ_CORRUPT)
		return true;	/* known to be damaged: counted, never dated */
	if (!w->use_hints) {
		if (!read_one(w, dirfd, dirpath, name, sx, &gone, &sec, &usec))
			return false;
	} else if (w->hints_failed) {
		return true;	/* the queue is walked again, reading every file */
	} else if (!file_hint(name, sx, &hint_us)) {
		w->hints_failed = true;
		return true;
	} else {
		add_candidate(w, hint_us, rel, name);
		if (w->seen++ % PFQ_SAMPLE_EVERY != 0)
			return true;
		if (!read_one(w, dirfd, dirpath, name, sx, &gone, &sec, &usec))
			return false;
		if (!gone && w->st.damaged == damaged_before && !hint_agrees(hint_us, sec, usec))
			w->hints_failed = true;
	}
	/* Vanished files were delivered; damaged ones are reported, not counted. */
	if (gone || w->st.damaged != damaged_before) {
		w->st.count--;
		w->st.bytes -= sx->stx_size;
		w->vanished += gone;
	}
	return true;
}

/* Which walker a file belongs to (FNV-1a of its name). */
static unsigned walker_of(const char *name, unsigned nwalkers)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % nwalkers;
}

static bool walk_dir(struct walk *w, int dirfd, const char *dirpath, const char *rel, int depth);

static bool visit_subdir(struct walk *w, int dirfd, const char *dirpath, const char *rel,
			 const char *name, int depth)
{
	char subpath[sizeof(w->error_path)], subrel[40];

	if (depth >= MAX_HASH_DEPTH)
		return true;	/* Postfix hashes at most a few levels deep */
	snprintf(subpath, sizeof(subpath), "%s/%s", dirpath, name);
	snprintf(subrel, sizeof(subrel), "%s%s%s", rel, *rel ? "/" : "", name);
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? true : fail(w, errno, subpath, "");
	return walk_dir(w, fd, subpath, subrel, depth + 1);	/* closes fd */
}

static bool visit_entry(struct walk *w, int dirfd, const char *dirpath, const char *rel,
			const struct dirent *e, int depth)
{
	struct statx sx;
	unsigned mask = STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_MTIME | STATX_BTIME;

	if (e->d_type == DT_DIR)
		return visit_subdir(w, dirfd, dirpath, rel, e->d_name, depth);
	if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
		return true;	/* not a queue file */
	if (e->d_type == DT_REG && walker_of(e->d_name, w->nwalkers) != w->index)
		return true;	/* another walker's */
	if (statx(dirfd, e->d_name, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, mask, &sx) != 0) {
		if (errno == ENOENT) {
			w->vanished++;
			return true;
		}
		return fail(w, errno, dirpath, e->d_name);
	}
	if (S_ISDIR(sx.stx_mode))	/* DT_UNKNOWN: every walker descends */
		return visit_subdir(w, dirfd, dirpath, rel, e->d_name, depth);
	if (!S_ISREG(sx.stx_mode) || walker_of(e->d_name, w->nwalkers) != w->index)
		return true;
	if (w->queue != PFQ_CORRUPT && (sx.stx_mode & S_IXUSR) == 0) {
		w->st.in_progress++;
		return true;
	}
	return visit_file(w, dirfd, dirpath, rel, e->d_name, &sx);
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
		if (!visit_entry(w, dirfd, dirpath, rel, e, depth)) {
			ok = false;
			break;
		}
	}
	closedir(d);
	return ok;
}

static void *walker_main(void *arg)
{
	struct walk *w = arg;
	/* A descriptor of its own: a dup() would share the directory offset. */
	int fd = openat(w->queue_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		w->ok = fail(w, errno, w->queue_path, "");
	else
		w->ok = walk_dir(w, fd, w->queue_path, "", 0);
	return NULL;
}

static unsigned walker_count(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 1 : cpus > MAX_WALKERS ? MAX_WALKERS : (unsigned)cpus;
}

/* Adds what walker w found to the queue's totals in into. */
static void merge_walker(struct walk *into, const struct walk *w)
{
	into->st.count += w->st.count;
	into->st.bytes += w->st.bytes;
	if (w->st.has_oldest)
		note_arrival(&into->st, w->st.oldest);
	into->st.in_progress += w->st.in_progress;
	into->st.damaged += w->st.damaged;
	into->st.records_read += w->st.records_read;
	into->vanished += w->vanished;
	into->hints_failed |= w->hints_failed;
	if (w->min_hint_us < into->min_hint_us)
		into->min_hint_us = w->min_hint_us;
	if (into->ncand + w->ncand > into->cap_cand)
		ms_xgrow(&into->cand, &into->cap_cand, into->ncand + w->ncand, sizeof(*w->cand));
	if (w->ncand > 0)
		memcpy(into->cand + into->ncand, w->cand, w->ncand * sizeof(*w->cand));
	into->ncand += w->ncand;
}

/*
 * Runs the walkers of one queue (the first in this thread) and merges
 * their findings into *total. false on an error, copied into *total.
 */
static bool run_walkers(struct walk *total, bool use_hints)
{
	struct walk w[MAX_WALKERS];
	pthread_t tid[MAX_WALKERS];
	bool started[MAX_WALKERS] = { false };
	unsigned n = walker_count();

	for (unsigned i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].queue = total->queue;
		w[i].queue_path = total->queue_path;
		w[i].queue_fd = total->queue_fd;
		w[i].index = i;
		w[i].nwalkers = n;
		w[i].use_hints = use_hints;
		w[i].min_hint_us = INT64_MAX;
	}
	/* A thread that cannot start leaves its share to this one, later. */
	for (unsigned i = 1; i < n; i++)
		started[i] = pthread_create(&tid[i], NULL, walker_main, &w[i]) == 0;
	walker_main(&w[0]);
	for (unsigned i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			walker_main(&w[i]);
	}
	bool ok = true;
	for (unsigned i = 0; i < n; i++) {
		if (!w[i].ok && ok) {
			ok = false;
			total->error_errno = w[i].error_errno;
			memcpy(total->error_path, w[i].error_path, sizeof(total->error_path));
		}
		merge_walker(total, &w[i]);
		free(w[i].cand);
	}
	prune_candidates(total, total->min_hint_us);
	return ok;
}

/*
 * Reads the candidates the walkers kept and checks them against their
 * hints; sets hints_failed when the answer cannot be trusted.
 */
static bool read_candidates(struct walk *w)
{
	for (size_t i = 0; i < w->ncand && !w->hints_failed; i++) {
		int64_t sec;
		int32_t usec;
		bool gone;
		uint64_t damaged = w->st.damaged;

		if (!read_one(w, w->queue_fd, w->queue_path, w->cand[i].path, NULL, &gone, &sec, &usec))
			return false;
		/*
		 * A candidate that vanished or is damaged may have been the
		 * oldest; only a walk that reads everything can say which is now.
		 */
		if (gone || w->st.damaged != damaged || !hint_agrees(w->cand[i].hint_us, sec, usec))
			w->hints_failed = true;
	}
	return true;
}

/* Walks one queue, trusting checked hints when allowed; false on errors. */
static bool walk_queue(struct walk *q, bool use_hints)
{
	memset(&q->st, 0, sizeof(q->st));
	q->st.scanned = true;
	q->hints_failed = false;
	q->vanished = 0;
	q->min_hint_us = INT64_MAX;
	q->ncand = 0;

	bool ok = run_walkers(q, use_hints);
	if (ok && use_hints && q->st.count < q->read_all_below)
		q->hints_failed = true;	/* small: walked again reading every record */
	if (ok && use_hints && !q->hints_failed)
		ok = read_candidates(q);
	q->st.hints_used = ok && use_hints && !q->hints_failed && q->st.count > 0;
	return ok;
}

bool pfq_scan(const char *queue_dir, const struct pfq_scan_opts *opts, struct pfq_scan *out)
{
	struct walk q = { 0 };
	char qpath[sizeof(q.error_path)];
	bool ok = true;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < PFQ_NQUEUES && ok; i++) {
		if ((opts->queues & (1u << i)) == 0)
			continue;
		snprintf(qpath, sizeof(qpath), "%s/%s", queue_dir, pfq_queue_name((enum pfq_queue)i));
		q.queue = (enum pfq_queue)i;
		q.read_all_below = opts->read_all_below ? opts->read_all_below : PFQ_READ_ALL_BELOW;
		q.queue_path = qpath;
		q.queue_fd = open(qpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (q.queue_fd < 0) {
			ok = fail(&q, errno, qpath, "");
			break;
		}
		ok = walk_queue(&q, !opts->read_all);
		/*
		 * A small queue has every arrival record read: that is cheap
		 * there, and a requeued message (old arrival record, new name
		 * and birth time) that no sample reads cannot hide.
		 */
		bool small = ok && !opts->read_all && q.st.count < q.read_all_below;
		if (ok && !opts->read_all && q.hints_failed)
			ok = walk_queue(&q, false);
		q.st.small_read = ok && small;
		close(q.queue_fd);
		out->q[i] = q.st;
		out->vanished += q.vanished;
	}
	if (!ok) {
		out->error_errno = q.error_errno;
		memcpy(out->error_path, q.error_path, sizeof(out->error_path));
	}
	free(q.cand);
	return ok;
}
