/*
 * pfqueue: the Postfix queue, read straight from the spool.
 *
 * A Postfix queue file is a sequence of records: a type byte, the length
 * of the data in 7-bit groups (low group first, the high bit set on all
 * but the last), then the data. cleanup(8) writes the size record 'C'
 * first and the arrival record 'T' ("SECONDS MICROSECONDS") right after
 * it; postdrop(1) starts maildrop files with 'T'. So the arrival time is
 * in the first ~120 bytes of a file, and that is all this module reads.
 *
 * A file is complete once Postfix has given it the owner-execute bit
 * (MAIL_QUEUE_STAT_READY); until then it is still being written and is
 * neither counted nor called corrupt, as showq(8) does. pfqscan.h reads
 * a whole spool with these.
 */
#ifndef MS_PFQUEUE_H
#define MS_PFQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The queues under queue_directory, in the order Postfix moves mail. */
enum pfq_queue {
	PFQ_MAILDROP,
	PFQ_INCOMING,
	PFQ_ACTIVE,
	PFQ_DEFERRED,
	PFQ_HOLD,
	PFQ_CORRUPT,
	PFQ_NQUEUES
};

#define PFQ_ALL_QUEUES ((1u << PFQ_NQUEUES) - 1)

/* "maildrop", "incoming", ... */
const char *pfq_queue_name(enum pfq_queue q);

/* The queue named s (n bytes), or -1. */
int pfq_queue_parse(const char *s, size_t n);

enum pfq_arrival {
	PFQ_ARRIVAL_FOUND,	/* *sec and *usec are set */
	PFQ_ARRIVAL_NEED_MORE,	/* the bytes end inside the records before 'T' */
	PFQ_ARRIVAL_MISSING,	/* the envelope ends without an arrival record */
	PFQ_ARRIVAL_MALFORMED	/* not a queue file, or a broken one */
};

/*
 * Finds the arrival record in the first len bytes of a queue file.
 * whole_file says that buf holds the entire file, so a cut record is
 * damage (MALFORMED) and not a reason to read on (NEED_MORE).
 */
enum pfq_arrival pfq_parse_arrival(const unsigned char *buf, size_t len,
				   bool whole_file, int64_t *sec, int32_t *usec);

/*
 * Reads the arrival record of the queue file name in directory dirfd.
 * Returns -1 with errno set when the file cannot be opened or read
 * (ENOENT: it was delivered in between), else a pfq_arrival value.
 */
int pfq_read_arrival(int dirfd, const char *name, int64_t *sec, int32_t *usec);

#endif
