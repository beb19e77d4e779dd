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
 * neither counted nor called corrupt, as showq(8) does.
 *
 * Long queue IDs ("4jZJmF6fycz1bYC4") carry the second the file was
 * created in their first six characters (base 52). That, or the file's
 * birth time, is a hint of its arrival time that costs no read; see
 * pfq_scan() for how the hints are used and checked.
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

/*
 * The arrival second encoded in a long queue ID: six base-52 digits of
 * seconds, four of microseconds, then 'z' and the inode number. false
 * for short (hexadecimal) IDs and anything else.
 */
bool pfq_long_id_time(const char *name, int64_t *sec, int32_t *usec);

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

/* What a scan found in one queue. */
struct pfq_queue_stats {
	bool scanned;
	uint64_t count;		/* complete queue files */
	uint64_t bytes;		/* their size on disk */
	bool has_oldest;
	int64_t oldest;		/* earliest arrival second of the counted files */
	uint64_t in_progress;	/* files still being written, not counted */
	uint64_t damaged;	/* complete files with no readable arrival record */
	uint64_t records_read;	/* files whose arrival record was read */
	bool hints_used;	/* oldest found from hints, verified (see pfq_scan) */
	bool small_read;	/* every record read: under PFQ_READ_ALL_BELOW files */
};

struct pfq_scan_opts {
	unsigned queues;	/* bit (1 << enum pfq_queue) per queue to scan */
	bool read_all;		/* read every file's arrival record */
	uint64_t read_all_below; /* queue size under which every record is read;
				    0: PFQ_READ_ALL_BELOW */
};

struct pfq_scan {
	struct pfq_queue_stats q[PFQ_NQUEUES];
	uint64_t vanished;	/* files gone between listing and reading */
	int error_errno;	/* with a failed scan */
	char error_path[512];	/* what could not be read */
};

/*
 * Counts the queue files under queue_dir and finds each queue's oldest
 * arrival time. Returns false when a queue directory or file cannot be
 * read (error_errno, error_path say which); a file that vanishes in the
 * meantime was delivered and is simply not counted.
 *
 * Unless read_all is set, a queue of fewer than PFQ_READ_ALL_BELOW
 * complete files has every arrival record read (reading 10,000 costs
 * about 35 ms), so its oldest arrival is exact whatever the names and
 * birth times say. Only a larger queue's oldest arrival is found from hints
 * (the long queue ID's time, else the birth time) without reading every
 * file: the files whose hint lies within PFQ_HINT_SLACK seconds of the
 * smallest hint are read, and so is every PFQ_SAMPLE_EVERY-th file. If
 * each arrival read lies in [hint - PFQ_HINT_SLACK, hint + 1], the hints
 * agree with the records and no unread file can be older than the
 * oldest one read. If any read disagrees (a spool restored from backup;
 * mail requeued with postsuper -r or picked up late from maildrop, when
 * one such file is among those read), if a queue has no hints (short IDs
 * on a filesystem without birth times), or if more than
 * PFQ_MAX_CANDIDATES files crowd the oldest seconds, the queue is
 * scanned again reading every file. A few such files that are not read
 * can make the oldest arrival look later than it is (in a queue of
 * PFQ_READ_ALL_BELOW files or more); read_all rules that out. Unread damaged files are counted as messages.
 */
#define PFQ_READ_ALL_BELOW 20000
#define PFQ_HINT_SLACK 2
#define PFQ_SAMPLE_EVERY 64
#define PFQ_MAX_CANDIDATES 16384

bool pfq_scan(const char *queue_dir, const struct pfq_scan_opts *opts,
	      struct pfq_scan *out);

#endif
