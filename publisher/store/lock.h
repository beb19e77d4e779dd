/*
 * lock: one publisher at a time per store.
 *
 * cron starting a run while the last one still renders, or an operator
 * posting during a run: each takes an exclusive flock(2) on STORE.lock
 * and waits for it (up to a timeout), so the read-decide-write of one run
 * never interleaves with another. SQLite transactions protect the store
 * itself; the lock also covers the rendering that follows a commit.
 */
#ifndef PUB_LOCK_H
#define PUB_LOCK_H

#include <stdbool.h>

#include "strbuf.h"

/* Returns the lock's file descriptor, or -1 with err set. */
int pub_lock_acquire(const char *store_path, long timeout_s, struct ms_buf *err);
void pub_lock_release(int fd);

#endif
