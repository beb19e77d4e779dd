/*
 * eximspool: the Exim queue, from the spool or from `exim -bp`.
 *
 * Every queued message has two files in SPOOL/input (or in its
 * subdirectory named by the ID's sixth character, with
 * split_spool_directory): ID-H (envelope and headers) and ID-D (body).
 * A message ID encodes its arrival second in its first six base-62
 * characters:
 *
 *   1hDxyz-0001ab-Cd          16 characters, Exim before 4.97
 *   1rA2bC-00000001aB-cdef    23 characters, Exim 4.97 and later
 *
 * A frozen message has a "-frozen TIME" line among the options that
 * follow the fourth line of its -H file.
 */
#ifndef MS_EXIMSPOOL_H
#define MS_EXIMSPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define EXIM_ID_MAX 23

/* true when s (n bytes) is a message ID of either format; *sec: its arrival. */
bool exim_id_time(const char *s, size_t n, int64_t *sec);

enum exim_header {
	EXIM_HEADER_QUEUED,
	EXIM_HEADER_FROZEN,
	EXIM_HEADER_NEED_MORE,	/* the bytes end inside the option lines */
	EXIM_HEADER_MALFORMED
};

/*
 * Reads the first lines of a -H file: the ID line (which must name id),
 * user, sender, arrival, then the option lines. whole_file: buf is the
 * whole file.
 */
enum exim_header exim_parse_header(const char *buf, size_t len, bool whole_file,
				   const char *id);

struct exim_scan {
	uint64_t queued, frozen;	/* messages, by state */
	uint64_t queued_bytes, frozen_bytes;	/* size of their -H and -D files */
	bool has_oldest_queued, has_oldest_frozen;
	int64_t oldest_queued, oldest_frozen;
	uint64_t damaged;		/* -H files that are not Exim's */
	uint64_t vanished;
};

/*
 * Scans SPOOL/input. Returns 0, or the errno of what could not be read
 * (EACCES: no permission) with "cannot read PATH: REASON" added to err.
 */
int exim_scan_spool(const char *spool_dir, struct exim_scan *out, struct ms_buf *err);

/* A message line of `exim -bp`. */
struct exim_bp_message {
	char id[EXIM_ID_MAX + 1];
	int64_t arrival;	/* from the ID */
	uint64_t size;		/* bytes, as rounded by exim ("2.9K" is 2969) */
	bool frozen;
};

/*
 * One line of `exim -bp`: "  25m  2.9K 1hDxyz-0001ab-Cd <sender> *** frozen ***".
 * Returns true for a message line; false for recipient and blank lines
 * and anything else.
 */
bool exim_parse_bp_line(const char *line, size_t len, struct exim_bp_message *m);

#endif
