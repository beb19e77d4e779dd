/*
 * pfqscan: counting the Postfix queue and finding its exact oldest
 * arrival from the spool: the directories are listed, the files read in
 * batches (pfqread) in inode order, and what was read is added up.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfqscan.h"
#include "xalloc.h"

/* Postfix hashes queues at most a few levels deep (hash_queue_depth). */
#define MAX_HASH_DEPTH 4
/* Directories open at once; a batch is read early to stay under it. */
#define MAX_OPEN_DIRS 256
#define NAMES_CHUNK 65536

/* A directory of the queue, open while its files wait to be read. */
struct dir_slot {
	int fd;			/* -1: free */
	bool listed;		/* its listing is done: closed after the batch */
	char rel[64];		/* its path under the queue directory */
};

/* Names of a batch, in chunks that never move. */
struct names {
	char **chunks;
	size_t nchunks, cap, current, used;
};

struct scan {
	enum pfq_queue queue;
	const char *queue_path;
	struct pfq_queue_stats st;
	uint64_t vanished;
	struct pfqr_reader *reader;
	struct pfqr_item *items;
	size_t n, cap, batch;
	struct names names;
	struct dir_slot dirs[MAX_OPEN_DIRS];
	int error_errno;	/* the failure that ended the scan */
	struct ms_buf *err;	/* and what it was */
};

static const char *names_add(struct names *nm, const char *name)
{
	size_t len = strlen(name) + 1;	/* at most NAME_MAX + 1 */

	if (nm->nchunks == 0 || nm->used + len > NAMES_CHUNK) {
		if (nm->nchunks > 0)
			nm->current++;
		if (nm->current == nm->nchunks) {
			ms_xgrow(&nm->chunks, &nm->cap, nm->nchunks + 1, sizeof(*nm->chunks));
			nm->chunks[nm->nchunks++] = ms_xmalloc(NAMES_CHUNK);
		}
		nm->used = 0;
	}
	char *p = nm->chunks[nm->current] + nm->used;
	memcpy(p, name, len);
	nm->used += len;
	return p;
}

static void names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->nchunks; i++)
		free(nm->chunks[i]);
	free(nm->chunks);
}

static bool fail(struct scan *sc, int err, const char *rel, const char *name)
{
	sc->error_errno = err;
	ms_buf_printf(sc->err, "cannot read %s%s%s%s%s: %s", sc->queue_path, *rel ? "/" : "", rel,
		      *name ? "/" : "", name, strerror(err));
	return false;
}

static const char *rel_of_fd(const struct scan *sc, int fd)
{
	for (int i = 0; i < MAX_OPEN_DIRS; i++)
		if (sc->dirs[i].fd == fd)
			return sc->dirs[i].rel;
	return "?";
}

static void note_earliest(bool *has, int64_t *earliest, int64_t sec)
{
	if (!*has || sec < *earliest) {
		*earliest = sec;
		*has = true;
	}
}

static void count_file(struct scan *sc, const struct pfqr_item *it)
{
	sc->st.count++;
	sc->st.bytes += it->size;
	note_earliest(&sc->st.has_oldest_ctime, &sc->st.oldest_ctime, it->ctime);
}

/* Adds up one file that was read. false: an error that ends the scan. */
static bool account(struct scan *sc, const struct pfqr_item *it)
{
	if (it->err != 0 && it->failed == 's') {
		if (it->err == ENOENT) {
			sc->vanished++;	/* delivered in between */
			return true;
		}
		return fail(sc, it->err, rel_of_fd(sc, it->dirfd), it->name);
	}
	if (!S_ISREG(it->mode))
		return true;	/* not a queue file */
	if (sc->queue == PFQ_CORRUPT) {
		count_file(sc, it);	/* known to be damaged: counted, never dated */
		return true;
	}
	if ((it->mode & S_IXUSR) == 0) {
		sc->st.in_progress++;	/* still being written */
		return true;
	}
	if (it->err != 0) {
		if (it->err == ENOENT) {
			sc->vanished++;
			return true;
		}
		return fail(sc, it->err, rel_of_fd(sc, it->dirfd), it->name);
	}
	sc->st.records_read++;
	if (it->arrival == PFQ_ARRIVAL_FOUND) {
		note_earliest(&sc->st.has_oldest, &sc->st.oldest, it->sec);
	} else if (it->arrival == PFQ_ARRIVAL_MISSING && sc->queue == PFQ_MAILDROP) {
		/* Old postdrop versions wrote no arrival record: the mtime is it. */
		note_earliest(&sc->st.has_oldest, &sc->st.oldest, it->mtime);
	} else {
		sc->st.damaged++;	/* reported, not counted as a message */
		return true;
	}
	count_file(sc, it);
	return true;
}

static int by_inode(const void *a, const void *b)
{
	const struct pfqr_item *x = a, *y = b;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * Reads the batch (in inode order, which on a cold cache is close to the
 * order of the inodes and blocks on disk), adds it up and closes the
 * directories that are done.
 */
static bool flush(struct scan *sc)
{
	bool ok = true;

	if (sc->n > 0) {	/* no items: no array yet */
		qsort(sc->items, sc->n, sizeof(*sc->items), by_inode);
		pfqr_read(sc->reader, sc->items, sc->n);
	}
	for (size_t i = 0; i < sc->n && ok; i++)
		ok = account(sc, &sc->items[i]);
	sc->n = 0;
	sc->names.current = 0;
	sc->names.used = 0;
	for (int i = 0; i < MAX_OPEN_DIRS; i++)
		if (sc->dirs[i].fd >= 0 && sc->dirs[i].listed) {
			close(sc->dirs[i].fd);
			sc->dirs[i].fd = -1;
		}
	return ok;
}

static bool add_file(struct scan *sc, int slot, const struct dirent *e)
{
	if (sc->n == sc->batch && !flush(sc))
		return false;
	if (sc->n == sc->cap)
		ms_xgrow(&sc->items, &sc->cap, sc->n + 1, sizeof(*sc->items));
	struct pfqr_item *it = &sc->items[sc->n++];
	memset(it, 0, sizeof(*it));
	it->dirfd = sc->dirs[slot].fd;
	it->name = names_add(&sc->names, e->d_name);
	it->ino = e->d_ino;
	return true;
}

/* A free directory slot, reading the batch first when there is none; -1 if none. */
static int free_slot(struct scan *sc)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < MAX_OPEN_DIRS; i++)
			if (sc->dirs[i].fd < 0)
				return i;
		if (pass == 0 && !flush(sc))
			return -2;
	}
	return -1;
}

static bool list_dir(struct scan *sc, int slot, int depth);

/* "parent/name", cut to fit (it only names the directory in messages). */
static void join_rel(char *rel, size_t size, const char *parent, const char *name)
{
	size_t len = 0;

	for (const char *part[2] = { parent, name }, **p = part; p < part + 2; p++) {
		if (**p == '\0')
			continue;
		if (len > 0 && len + 1 < size)
			rel[len++] = '/';
		size_t n = strlen(*p);
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(rel + len, *p, n);
		len += n;
	}
	rel[len] = '\0';
}

static bool visit_subdir(struct scan *sc, int parent, const char *name, int depth)
{
	if (depth >= MAX_HASH_DEPTH)
		return true;	/* Postfix hashes at most a few levels deep */
	int slot = free_slot(sc);
	if (slot == -2)
		return false;
	if (slot < 0)
		return fail(sc, EMFILE, sc->dirs[parent].rel, name);
	int fd = openat(sc->dirs[parent].fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? true : fail(sc, errno, sc->dirs[parent].rel, name);
	struct dir_slot *d = &sc->dirs[slot];
	d->fd = fd;
	d->listed = false;
	join_rel(d->rel, sizeof(d->rel), sc->dirs[parent].rel, name);
	return list_dir(sc, slot, depth + 1);
}

/* The type of an entry the directory does not tell (DT_UNKNOWN). */
static bool entry_type(struct scan *sc, int slot, struct dirent *e, bool *gone)
{
	struct stat st;

	*gone = false;
	if (fstatat(sc->dirs[slot].fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT) {
			*gone = true;
			sc->vanished++;
			return true;
		}
		return fail(sc, errno, sc->dirs[slot].rel, e->d_name);
	}
	e->d_type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
	return true;
}

/* Lists one directory of a queue, adding its files to the batch. */
static bool list_dir(struct scan *sc, int slot, int depth)
{
	int fd = dup(sc->dirs[slot].fd);	/* the slot's own stays open for the reads */
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	bool ok = true, gone;
	struct dirent *e;

	if (d == NULL) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return fail(sc, err, sc->dirs[slot].rel, "");
	}
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno != 0)
				ok = fail(sc, errno, sc->dirs[slot].rel, "");
			break;
		}
		if (e->d_name[0] == '.')
			continue;	/* ".", ".." and nothing Postfix makes */
		if (e->d_type == DT_UNKNOWN) {
			if (!(ok = entry_type(sc, slot, e, &gone)))
				break;
			if (gone)
				continue;
		}
		if (e->d_type == DT_DIR)
			ok = visit_subdir(sc, slot, e->d_name, depth);
		else if (e->d_type == DT_REG)
			ok = add_file(sc, slot, e);
		if (!ok)
			break;
	}
	closedir(d);
	sc->dirs[slot].listed = true;
	return ok;
}

static bool scan_queue(struct scan *sc, const char *qpath)
{
	memset(&sc->st, 0, sizeof(sc->st));
	sc->st.scanned = true;
	sc->queue_path = qpath;
	int fd = open(qpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(sc, errno, "", "");
	sc->dirs[0] = (struct dir_slot){ .fd = fd };
	bool ok = list_dir(sc, 0, 0);
	if (ok)
		ok = flush(sc);
	for (int i = 0; i < MAX_OPEN_DIRS; i++)
		if (sc->dirs[i].fd >= 0) {
			close(sc->dirs[i].fd);
			sc->dirs[i].fd = -1;
		}
	sc->n = 0;
	return ok;
}

int pfq_scan(const char *queue_dir, const struct pfq_scan_opts *opts, struct pfq_scan *out,
	     struct ms_buf *err)
{
	struct scan sc = { .err = err };
	char qpath[PATH_MAX];
	bool ok = true;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < MAX_OPEN_DIRS; i++)
		sc.dirs[i].fd = -1;
	sc.batch = opts->batch > 0 ? opts->batch : PFQ_BATCH;
	sc.reader = pfqr_open(opts->no_uring, &out->reader, &out->uring_errno);
	for (int i = 0; i < PFQ_NQUEUES && ok; i++) {
		if ((opts->queues & (1u << i)) == 0)
			continue;
		snprintf(qpath, sizeof(qpath), "%s/%s", queue_dir, pfq_queue_name((enum pfq_queue)i));
		sc.queue = (enum pfq_queue)i;
		ok = scan_queue(&sc, qpath);
		out->q[i] = sc.st;
		out->vanished += sc.vanished;
		sc.vanished = 0;
	}
	pfqr_close(sc.reader);
	names_free(&sc.names);
	free(sc.items);
	return ok ? 0 : sc.error_errno != 0 ? sc.error_errno : EIO;
}
