/*
 * pfqread: the first bytes and the status of many Postfix queue files,
 * read with the I/O overlapped.
 *
 * Finding the oldest message exactly means reading every queue file's
 * arrival record: one lookup and one short read per file. Done one file
 * after another, each file costs several system calls when the cache is
 * warm (most of the time on a large queue) and a disk round trip after
 * another when it is cold. So the files of a batch are read with
 * io_uring: each file is a linked chain (open into a fixed slot, read 256
 * bytes, close) and a statx beside it, PFQR_IN_FLIGHT files at once,
 * submitted and reaped with one system call per round; what must wait
 * for the disk is carried on by the kernel's workers side by side, and
 * the files are read in inode order (the caller sorts them), close to
 * their order on disk. Where io_uring
 * is not available (an old kernel, kernel.io_uring_disabled, a seccomp
 * filter) PFQR_THREADS threads read the batch with plain system calls.
 */
#ifndef MS_PFQREAD_H
#define MS_PFQREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One file to read; the reader fills in the second part. */
struct pfqr_item {
	int dirfd;		/* the directory it is in */
	const char *name;
	uint64_t ino;		/* from the directory listing: the order of reading */

	int err;		/* 0, or the errno of the step that failed: */
	char failed;		/* 's' statx, 'o' open, 'r' read */
	uint16_t mode;
	uint64_t size;
	int64_t mtime, ctime;	/* seconds */
	int arrival;		/* enum pfq_arrival, when err is 0 */
	int64_t sec;		/* the arrival, when PFQ_ARRIVAL_FOUND */
	int32_t usec;
};

enum pfqr_kind { PFQR_URING, PFQR_THREADS };

#define PFQR_IN_FLIGHT 128
#define PFQR_THREADS 8

struct pfqr_reader;

/*
 * A reader: io_uring unless no_uring is set or io_uring cannot be used
 * here (then *uring_errno says why, else it is 0). Never fails: the
 * threads are the fallback.
 */
struct pfqr_reader *pfqr_open(bool no_uring, enum pfqr_kind *kind, int *uring_errno);

/* Reads the n items (in the order given: sort them by inode first). */
void pfqr_read(struct pfqr_reader *r, struct pfqr_item *items, size_t n);

void pfqr_close(struct pfqr_reader *r);

#endif
