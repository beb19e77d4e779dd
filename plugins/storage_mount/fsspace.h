/*
 * fsspace: free space and inodes counted the way df(1) counts them, and
 * the "10%" / "50G" limits a plugin compares them against.
 *
 * df leaves the blocks reserved for root out of the picture: "used" is
 * blocks - bfree, "available" is bavail (what an ordinary user, such as
 * the mail server, can still write), and Use% is used / (used + avail),
 * rounded up. A filesystem with 5% reserved is full for the mail server
 * when df says 100%, not when statfs's bfree reaches zero.
 */
#ifndef MS_FSSPACE_H
#define MS_FSSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* The statfs numbers that matter here, in blocks of frsize bytes. */
struct ms_statfs_counts {
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	uint64_t frsize;
};

struct ms_space {
	double size;		/* bytes: blocks * frsize, as df's "Size" */
	double used;		/* bytes: (blocks - bfree) * frsize */
	double avail;		/* bytes: bavail * frsize */
	double capacity;	/* used + avail: what users can have */
	double used_pct;	/* df's Use%: 100 * used / capacity, rounded up */
	double free_pct;	/* 100 - used_pct */
	double files, files_free;
	double files_free_pct;	/* 100 * ffree / files */
};

/* false for a filesystem with no blocks (proc, sysfs, autofs): no space to check. */
bool ms_space_compute(const struct ms_statfs_counts *c, struct ms_space *s);

/* A lower limit on what is free: a percentage or an amount. */
struct ms_space_limit {
	bool set;
	bool percent;
	double value;		/* percent, bytes or inodes */
};

/*
 * Parses "10%", "50G", "512MiB", "1.5T", "100000". Sizes (bytes=true)
 * take binary suffixes K, M, G, T, P with an optional "B" or "iB"; counts
 * (bytes=false) take none. err says what is wrong.
 */
bool ms_space_limit_parse(const char *s, bool bytes, struct ms_space_limit *l,
			  struct ms_buf *err);

/* The limit as an amount of a total (for percentages: that share of total). */
double ms_space_limit_amount(const struct ms_space_limit *l, double total);

/* true when free (out of total) is below the limit. */
bool ms_space_limit_crossed(const struct ms_space_limit *l, double free, double total);

#endif
