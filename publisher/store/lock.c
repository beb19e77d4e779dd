/*
 * lock: an flock(2) beside the store. See lock.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

int pub_lock_acquire(const char *store_path, long timeout_s, struct ms_buf *err)
{
	struct ms_buf path = MS_BUF_INIT;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	long waited_ms = 0;
	int fd;

	ms_buf_printf(&path, "%s.lock", store_path);
	fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ms_buf_printf(err, "cannot open the lock file %s: %s", path.data,
			      strerror(errno));
		ms_buf_free(&path);
		return -1;
	}
	/* polling keeps the timeout simple and free of signals */
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			ms_buf_printf(err, "cannot lock %s: %s", path.data, strerror(errno));
			goto fail;
		}
		if (waited_ms >= timeout_s * 1000) {
			ms_buf_printf(err, "another mailstatus-publish has held %s for "
				      "%lds (lock_timeout); try again later", path.data,
				      timeout_s);
			goto fail;
		}
		nanosleep(&pause, NULL);
		waited_ms += 50;
	}
	ms_buf_free(&path);
	return fd;
fail:
	close(fd);
	ms_buf_free(&path);
	return -1;
}

void pub_lock_release(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
