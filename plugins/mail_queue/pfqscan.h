/*
 * pfqscan: the Postfix queue counted and dated from the spool, exactly.
 *
 * Every complete queue file's arrival record is read (pfqread.h says how
 * that is made fast), so the oldest arrival is exact at any size and
 * however the mail got where it is: requeued with postsuper -r, restored
 * from a backup, picked up late from maildrop. There is no estimate.
 */
#ifndef MS_PFQSCAN_H
#define MS_PFQSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "pfqread.h"
#include "pfqueue.h"
#include "strbuf.h"

/* What a scan found in one queue. */
struct pfq_queue_stats {
	bool scanned;
	uint64_t count;		/* complete queue files */
	uint64_t bytes;		/* their size on disk */
	bool has_oldest;
	int64_t oldest;		/* earliest arrival second of the counted files */
	/*
	 * The earliest inode change second of the counted files. In maildrop
	 * that is when a file got there: postdrop marks it complete, or
	 * postsuper -r renames it in (and keeps its old arrival record, and
	 * its old modification time with -r ALL: a deferred file's is its
	 * next retry).
	 */
	bool has_oldest_ctime;
	int64_t oldest_ctime;
	uint64_t in_progress;	/* files still being written, not counted */
	uint64_t damaged;	/* complete files with no readable arrival record */
	uint64_t records_read;	/* files whose arrival record was read */
};

struct pfq_scan_opts {
	unsigned queues;	/* bit (1 << enum pfq_queue) per queue to scan */
	bool no_uring;		/* read with threads even where io_uring works */
	size_t batch;		/* files read at once; 0: PFQ_BATCH */
};

struct pfq_scan {
	struct pfq_queue_stats q[PFQ_NQUEUES];
	uint64_t vanished;	/* files gone between listing and reading */
	enum pfqr_kind reader;	/* how the files were read */
	int uring_errno;	/* why not io_uring, when it was wanted */
};

/*
 * Counts the queue files under queue_dir and reads every complete file's
 * arrival record, for each queue's exact oldest arrival. Returns 0, or
 * the errno of a queue directory or file that cannot be read (EACCES: no
 * permission) with "cannot read PATH: REASON" added to err; a file that
 * vanishes in the meantime was delivered and is simply not counted. A
 * complete file without a readable arrival record is counted as damaged,
 * not as a message. Memory grows with the largest batch of files read at
 * once (PFQ_BATCH), not with the queue.
 */
#define PFQ_BATCH 65536

int pfq_scan(const char *queue_dir, const struct pfq_scan_opts *opts, struct pfq_scan *out,
	     struct ms_buf *err);

#endif
