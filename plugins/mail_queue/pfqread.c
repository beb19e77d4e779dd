/*
 * pfqread: the arrival records and status of a batch of queue files,
 * with io_uring, or with threads where io_uring cannot be used.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfqread.h"
#include "pfqueue.h"
#include "xalloc.h"

/* The records cleanup writes before 'T' take ~100 bytes (see pfqueue.h). */
#define FIRST_READ 256
#define STATX_WANT (STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_MTIME | STATX_CTIME)
#define STATX_FLAGS (AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC)

/* The steps of one file's chain, in the low bits of a CQE's user_data. */
enum step { STEP_STATX, STEP_OPEN, STEP_READ, STEP_CLOSE, NSTEPS };

/* One file in flight: its fixed-file slot is its index. */
struct slot {
	size_t item;
	int pending;		/* CQEs still to come */
	int res[NSTEPS];
	struct statx sx;
	unsigned char buf[FIRST_READ];
};

struct pfqr_reader {
	enum pfqr_kind kind;
	bool ring_ok;
	struct io_uring ring;
	struct slot *slots;
};

static void set_status(struct pfqr_item *it, const struct statx *sx)
{
	it->mode = sx->stx_mode;
	it->size = sx->stx_size;
	it->mtime = sx->stx_mtime.tv_sec;
	it->ctime = sx->stx_ctime.tv_sec;
}

/* The whole read the plain way: also for a record beyond FIRST_READ. */
static void read_sync(struct pfqr_item *it)
{
	struct statx sx;

	it->err = 0;
	if (statx(it->dirfd, it->name, STATX_FLAGS, STATX_WANT, &sx) != 0) {
		it->err = errno;
		it->failed = 's';
		return;
	}
	set_status(it, &sx);
	if (!S_ISREG(sx.stx_mode))
		return;	/* not a queue file: the caller skips it */
	it->arrival = pfq_read_arrival(it->dirfd, it->name, &it->sec, &it->usec);
	if (it->arrival < 0) {
		it->err = errno;
		it->failed = 'r';
	}
}

/* ---- threads ----------------------------------------------------------- */

struct thread_job {
	struct pfqr_item *items;
	size_t n;
	atomic_size_t next;
};

#define THREAD_CHUNK 16

static void *thread_main(void *arg)
{
	struct thread_job *job = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&job->next, THREAD_CHUNK);
		if (i >= job->n)
			return NULL;
		size_t end = job->n - i < THREAD_CHUNK ? job->n : i + THREAD_CHUNK;
		for (; i < end; i++)
			read_sync(&job->items[i]);
	}
}

/*
 * Several threads, so that a cold cache has several reads waiting on the
 * disk at once, as the kernel's workers do for io_uring; none more than
 * there are chunks for (a queue of a few files is read in this one).
 */
static void threads_read(struct pfqr_item *items, size_t n)
{
	struct thread_job job = { .items = items, .n = n };
	pthread_t tid[PFQR_THREADS];
	bool started[PFQR_THREADS] = { false };
	size_t extra = n / THREAD_CHUNK > PFQR_THREADS ? PFQR_THREADS : n / THREAD_CHUNK;

	atomic_init(&job.next, 0);
	for (size_t i = 0; i < extra; i++)
		started[i] = pthread_create(&tid[i], NULL, thread_main, &job) == 0;
	thread_main(&job);	/* also whatever no thread could be started for */
	for (size_t i = 0; i < extra; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
}

/* ---- io_uring ---------------------------------------------------------- */

static void sqe_data(struct io_uring_sqe *sqe, unsigned slot, enum step step, unsigned flags)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)slot * NSTEPS + step);
	sqe->flags |= flags;
}

/*
 * Queues one file's requests into slot s: a chain of open into fixed file
 * s, read, close, and beside it a statx. A failure cancels the rest of
 * the chain, except that the close is hard-linked to the read: an open
 * file is always closed. The statx is not part of the chain: io_uring
 * always hands it to a worker thread, and the chain, which the kernel
 * mostly completes within the submitting call, need not wait for it.
 */
static void queue_chain(struct pfqr_reader *r, unsigned s, const struct pfqr_item *it)
{
	struct slot *sl = &r->slots[s];
	struct io_uring_sqe *sqe;

	/*
	 * The kernel fills these later, unseen by memcheck: cleared, they do
	 * not read as uninitialised under valgrind (and a short read leaves
	 * nothing of the last file behind).
	 */
	memset(&sl->sx, 0, sizeof(sl->sx));
	memset(sl->buf, 0, sizeof(sl->buf));
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_statx(sqe, it->dirfd, it->name, STATX_FLAGS, STATX_WANT, &sl->sx);
	sqe_data(sqe, s, STEP_STATX, 0);
	/* O_NONBLOCK: a FIFO planted in the spool must not hang the open */
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_openat_direct(sqe, it->dirfd, it->name,
				    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0, s);
	sqe_data(sqe, s, STEP_OPEN, IOSQE_IO_LINK);
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_read(sqe, (int)s, sl->buf, sizeof(sl->buf), 0);
	sqe_data(sqe, s, STEP_READ, IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK);
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_close_direct(sqe, s);
	sqe_data(sqe, s, STEP_CLOSE, 0);
	sl->pending = NSTEPS;
	memset(sl->res, 0, sizeof(sl->res));
}

/* What a finished chain says about its file. */
static void finish_chain(const struct slot *sl, struct pfqr_item *it)
{
	it->err = 0;
	if (sl->res[STEP_STATX] < 0) {
		it->err = -sl->res[STEP_STATX];
		it->failed = 's';
		return;
	}
	set_status(it, &sl->sx);
	if (!S_ISREG(sl->sx.stx_mode))
		return;
	for (int step = STEP_OPEN; step <= STEP_READ; step++)
		if (sl->res[step] < 0) {
			it->err = -sl->res[step];
			it->failed = step == STEP_OPEN ? 'o' : 'r';
			return;
		}
	size_t got = (size_t)sl->res[STEP_READ];
	it->arrival = pfq_parse_arrival(sl->buf, got, got < sizeof(sl->buf), &it->sec, &it->usec);
	if (it->arrival == PFQ_ARRIVAL_NEED_MORE)
		read_sync(it);	/* a long envelope before 'T': rare */
}

/* Takes the completions there are; returns how many chains finished. */
static size_t reap(struct pfqr_reader *r, struct pfqr_item *items, unsigned *free_slots,
		   unsigned *nfree)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	size_t finished = 0;

	io_uring_for_each_cqe(&r->ring, head, cqe) {
		uint64_t data = io_uring_cqe_get_data64(cqe);
		unsigned s = (unsigned)(data / NSTEPS);
		struct slot *sl = &r->slots[s];

		sl->res[data % NSTEPS] = cqe->res;
		seen++;
		if (--sl->pending == 0) {
			finish_chain(sl, &items[sl->item]);
			free_slots[(*nfree)++] = s;
			finished++;
		}
	}
	io_uring_cq_advance(&r->ring, seen);
	return finished;
}

/*
 * Keeps PFQR_IN_FLIGHT chains going. If the ring fails (it should not),
 * the files in flight and the rest are read the plain way, and the ring
 * is not used again (pfqr_close waits for what it still has).
 */
static void uring_read(struct pfqr_reader *r, struct pfqr_item *items, size_t n)
{
	unsigned free_slots[PFQR_IN_FLIGHT], nfree = PFQR_IN_FLIGHT;
	size_t next = 0, done = 0;

	for (unsigned i = 0; i < PFQR_IN_FLIGHT; i++)
		free_slots[i] = PFQR_IN_FLIGHT - 1 - i;
	while (done < n) {
		while (nfree > 0 && next < n && io_uring_sq_space_left(&r->ring) >= NSTEPS) {
			unsigned s = free_slots[--nfree];
			r->slots[s].item = next;
			queue_chain(r, s, &items[next++]);
		}
		int e = io_uring_submit_and_wait(&r->ring, 1);
		if (e < 0 && e != -EINTR && e != -EAGAIN && e != -EBUSY) {
			r->ring_ok = false;
			break;
		}
		done += reap(r, items, free_slots, &nfree);
	}
	if (r->ring_ok)
		return;
	for (unsigned s = 0; s < PFQR_IN_FLIGHT; s++)
		if (r->slots[s].pending > 0)
			read_sync(&items[r->slots[s].item]);
	threads_read(items + next, n - next);
}

/*
 * Can this kernel run the whole chain (statx and fixed-file open and
 * close came in 5.6 and 5.15)? Tried on "/", which anyone may open.
 * Returns 0 or an errno.
 */
static int uring_selftest(struct pfqr_reader *r)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int res[3] = { -EIO, -EIO, -EIO };

	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_statx(sqe, AT_FDCWD, "/", STATX_FLAGS, STATX_WANT, &r->slots[0].sx);
	sqe_data(sqe, 0, 0, IOSQE_IO_LINK);
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_openat_direct(sqe, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0, 0);
	sqe_data(sqe, 0, 1, IOSQE_IO_LINK);
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_close_direct(sqe, 0);
	sqe_data(sqe, 0, 2, 0);
	int e = io_uring_submit(&r->ring);
	if (e < 0)
		return -e;
	for (int got = 0; got < 3; got++) {
		if ((e = io_uring_wait_cqe(&r->ring, &cqe)) < 0)
			return -e;
		uint64_t step = io_uring_cqe_get_data64(cqe);
		if (step < 3)
			res[step] = cqe->res;
		io_uring_cqe_seen(&r->ring, cqe);
	}
	for (int i = 0; i < 3; i++)
		if (res[i] < 0)
			return -res[i];
	return 0;
}

static int uring_open(struct pfqr_reader *r)
{
	/* more of the kernel's workers than its default for reads, which is a few per CPU */
	unsigned workers[2] = { 64, 64 };
	/*
	 * One thread submits and reaps, so completions can wait for it to
	 * ask (DEFER_TASKRUN, Linux 6.1) instead of interrupting it; without
	 * those flags where they are unknown.
	 */
	int e = io_uring_queue_init(PFQR_IN_FLIGHT * NSTEPS, &r->ring,
				    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);

	if (e == -EINVAL)
		e = io_uring_queue_init(PFQR_IN_FLIGHT * NSTEPS, &r->ring, 0);
	if (e < 0)
		return -e;
	r->slots = ms_xcalloc(PFQR_IN_FLIGHT, sizeof(*r->slots));
	if ((e = io_uring_register_files_sparse(&r->ring, PFQR_IN_FLIGHT)) < 0 ||
	    (e = -uring_selftest(r)) < 0) {
		io_uring_queue_exit(&r->ring);
		free(r->slots);
		r->slots = NULL;
		return -e;
	}
	(void)io_uring_register_iowq_max_workers(&r->ring, workers);	/* a wish */
	r->ring_ok = true;
	return 0;
}

/* ---- the reader -------------------------------------------------------- */

struct pfqr_reader *pfqr_open(bool no_uring, enum pfqr_kind *kind, int *uring_errno)
{
	struct pfqr_reader *r = ms_xcalloc(1, sizeof(*r));

	*uring_errno = no_uring ? 0 : uring_open(r);
	r->kind = !no_uring && *uring_errno == 0 ? PFQR_URING : PFQR_THREADS;
	*kind = r->kind;
	return r;
}

void pfqr_read(struct pfqr_reader *r, struct pfqr_item *items, size_t n)
{
	if (r->kind == PFQR_URING && r->ring_ok)
		uring_read(r, items, n);
	else
		threads_read(items, n);
}

void pfqr_close(struct pfqr_reader *r)
{
	if (r == NULL)
		return;
	if (r->slots != NULL)
		io_uring_queue_exit(&r->ring);
	free(r->slots);
	free(r);
}
