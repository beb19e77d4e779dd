/*
 * fdio: whole reads and writes on file descriptors. See fdio.h.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "fdio.h"

bool ms_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0) {
			errno = ENOSPC;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}
