/*
 * fdio: whole reads and writes on file descriptors.
 *
 * write(2) and read(2) may do part of the job or be interrupted; these
 * loop until all of it is done, so callers handle one outcome.
 */
#ifndef MS_FDIO_H
#define MS_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Writes all len bytes, retrying after EINTR. On failure returns false
 * with errno set (ENOSPC when the kernel accepted nothing without saying
 * why, as a full filesystem can).
 */
bool ms_write_all(int fd, const void *data, size_t len);

#endif
