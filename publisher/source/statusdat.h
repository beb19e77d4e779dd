/*
 * statusdat: the status.dat that Nagios 4, Naemon and Icinga 1 (and
 * Icinga 2's compat StatusDataWriter) write.
 *
 * One streaming pass in fixed-size chunks: blocks of objects the snapshot
 * does not want are skipped as they go by, so memory does not grow with
 * the size of the monitoring configuration. A file that is truncated
 * (no final newline, a block left open) or is not a status.dat (lines
 * outside blocks, lines without '=', no info block) is an error.
 */
#ifndef PUB_STATUSDAT_H
#define PUB_STATUSDAT_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"

extern const struct pub_source_ops pub_statusdat_source;

/* Parses bytes already in memory (the unit tests' entry point). */
bool pub_statusdat_parse_mem(const char *data, size_t len, struct pub_snapshot *snap,
			     struct ms_buf *err);

#endif
