/*
 * killpoint: an LD_PRELOAD library that kills its process at the Nth
 * write-side system call, to test what a crash at that point leaves on
 * disk (tests/integration/80-publisher-crash-safety.sh).
 *
 *   KILLPOINT_AT=N       raise(SIGKILL) at the Nth counted call, before it
 *                        runs; a write of more than one byte is torn: its
 *                        first half is written, then the process dies
 *   KILLPOINT_COUNT=FILE at exit, write the number of calls counted
 *
 * Counted: write, pwrite, pwrite64, writev, fsync, fdatasync, ftruncate,
 * ftruncate64, rename, renameat, renameat2, unlink, unlinkat, and close
 * of a descriptor that was written since it was opened. SQLite's unix
 * VFS calls these through libc (its syscall table holds their dynamic
 * addresses), so its journal and database writes are counted too.
 * Writes to standard output and error are not counted: a kill there
 * tests nothing on disk.
 *
 * Built without the sanitizers: it is loaded into programs built with
 * or without them (with ASan, set ASAN_OPTIONS=verify_asan_link_order=0).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_TRACKED_FD 4096

static unsigned long kill_at;	/* 0: never */
static unsigned long counted;
static unsigned char written[MAX_TRACKED_FD];	/* fds written since open */

__attribute__((constructor)) static void killpoint_init(void)
{
	const char *at = getenv("KILLPOINT_AT");

	if (at != NULL && *at != '\0')
		kill_at = strtoul(at, NULL, 10);
}

static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		abort();
	return fn;
}

/* real_NAME: the next definition of NAME (libc's, or ASan's interceptor) */
#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(name) *)real(#name)

/* The write-side call about to run: true when it is the one to die at. */
static int due(void)
{
	return ++counted == kill_at;
}

static void die(void)
{
	raise(SIGKILL);
	_exit(137);	/* not reached */
}

static void mark_written(int fd)
{
	if (fd >= 0 && fd < MAX_TRACKED_FD)
		written[fd] = 1;
}

static int ours(int fd)
{
	return fd != STDOUT_FILENO && fd != STDERR_FILENO;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write);

	if (ours(fd)) {
		mark_written(fd);
		if (due()) {
			if (n > 1)
				real_write(fd, buf, n / 2);
			die();
		}
	}
	return real_write(fd, buf, n);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	REAL(writev);

	if (ours(fd)) {
		mark_written(fd);
		if (due())
			die();
	}
	return real_writev(fd, iov, cnt);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite);

	mark_written(fd);
	if (due()) {
		if (n > 1)
			real_pwrite(fd, buf, n / 2, off);
		die();
	}
	return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	REAL(pwrite64);

	mark_written(fd);
	if (due()) {
		if (n > 1)
			real_pwrite64(fd, buf, n / 2, off);
		die();
	}
	return real_pwrite64(fd, buf, n, off);
}

#define COUNTED(ret, name, params, args) \
	ret name params \
	{ \
		REAL(name); \
		if (due()) \
			die(); \
		return real_##name args; \
	}

COUNTED(int, fsync, (int fd), (fd))
COUNTED(int, fdatasync, (int fd), (fd))
COUNTED(int, ftruncate, (int fd, off_t len), (fd, len))
COUNTED(int, ftruncate64, (int fd, off64_t len), (fd, len))
COUNTED(int, rename, (const char *from, const char *to), (from, to))
COUNTED(int, renameat, (int fd1, const char *from, int fd2, const char *to),
	(fd1, from, fd2, to))
COUNTED(int, renameat2, (int fd1, const char *from, int fd2, const char *to,
			 unsigned flags), (fd1, from, fd2, to, flags))
COUNTED(int, unlink, (const char *path), (path))
COUNTED(int, unlinkat, (int fd, const char *path, int flags), (fd, path, flags))

int close(int fd)
{
	REAL(close);

	if (fd >= 0 && fd < MAX_TRACKED_FD && written[fd]) {
		written[fd] = 0;
		if (due())
			die();
	}
	return real_close(fd);
}

__attribute__((destructor)) static void killpoint_report(void)
{
	const char *path = getenv("KILLPOINT_COUNT");
	char line[32];
	FILE *fp;

	if (path == NULL || *path == '\0')
		return;
	snprintf(line, sizeof(line), "%lu\n", counted);
	/* fopen/fputs go through glibc's internal write, which is not counted */
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(line, fp);
		fclose(fp);
	}
}
