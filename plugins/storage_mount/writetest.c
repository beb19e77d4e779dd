/*
 * writetest: create, write, fsync, read back, compare, remove. See writetest.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "writetest.h"

#define TEST_SIZE 4096

const char *ms_write_step_name(enum ms_write_step step)
{
	static const char *const names[] = {
		[MS_WRITE_OPEN_DIR] = "opening the directory",
		[MS_WRITE_CREATE] = "create",
		[MS_WRITE_WRITE] = "write",
		[MS_WRITE_FSYNC] = "fsync",
		[MS_WRITE_READ] = "read back",
		[MS_WRITE_COMPARE] = "compare",
		[MS_WRITE_REMOVE] = "remove",
		[MS_WRITE_DONE] = "done",
	};
	return (unsigned)step <= MS_WRITE_DONE ? names[step] : "?";
}

/*
 * Opens root/subdir one component at a time, never following a symlink.
 * Returns the directory descriptor or -1 with errno set. O_PATH: the test
 * needs search permission on the way and write permission in the
 * directory, not the right to list any of them.
 */
#define TEST_DIR_FLAGS (O_PATH | O_DIRECTORY | O_CLOEXEC)

static int open_test_dir(const char *root, const char *subdir)
{
	int fd = open(root, TEST_DIR_FLAGS);
	const char *p = subdir ? subdir : "";

	while (fd >= 0 && *p) {
		char name[256];
		size_t len = strcspn(p, "/");
		if (len >= sizeof(name)) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len + (p[len] == '/');
		if (len == 0 || strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		int next = openat(fd, name, TEST_DIR_FLAGS | O_NOFOLLOW);
		int saved = errno;
		struct stat st;
		/* O_DIRECTORY says ENOTDIR for a symlink: say what it is */
		if (next < 0 && saved == ENOTDIR &&
		    fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			saved = ELOOP;
		close(fd);
		errno = saved;
		fd = next;
	}
	return fd;
}

/* A name no other run, here or on another host sharing the mount, uses. */
static void unique_name(char *name, size_t size, uint64_t token)
{
	char host[64] = "localhost";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (char *c = host; *c; c++)
		if (*c == '/' || *c == '.')
			*c = '_';
	snprintf(name, size, ".mailstatus-write-test.%s.%ld.%016llx", host, (long)getpid(),
		 (unsigned long long)token);
}

static uint64_t random_token(void)
{
	uint64_t token;
	struct timespec ts;

	if (getrandom(&token, sizeof(token), GRND_NONBLOCK) == (ssize_t)sizeof(token))
		return token;
	/* no entropy yet (early boot): unique enough with the PID in the name */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec;
}

/* Fills buf with bytes derived from token: a wrong block reads back different. */
static void fill_pattern(unsigned char *buf, size_t n, uint64_t token)
{
	uint64_t x = token | 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
}

static bool read_all(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0) {
			errno = EIO; /* shorter than written */
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

struct run {
	void (*progress)(void *arg, enum ms_write_step step);
	void *arg;
	struct ms_write_result *res;
};

static void step(struct run *run, enum ms_write_step s)
{
	if (run->progress)
		run->progress(run->arg, s);
}

static bool fail(struct run *run, enum ms_write_step s, int err)
{
	if (run->res->failed == MS_WRITE_DONE) {
		run->res->failed = s;
		run->res->err = err;
	}
	return false;
}

/* Write, fsync, read back, compare: the steps between create and remove. */
static bool exercise(struct run *run, int fd, uint64_t token)
{
	unsigned char want[TEST_SIZE], got[TEST_SIZE];

	fill_pattern(want, sizeof(want), token);
	step(run, MS_WRITE_WRITE);
	if (!ms_write_all(fd, want, sizeof(want)))
		return fail(run, MS_WRITE_WRITE, errno);
	step(run, MS_WRITE_FSYNC);
	if (fsync(fd) != 0)
		return fail(run, MS_WRITE_FSYNC, errno);
	step(run, MS_WRITE_READ);
	if (!read_all(fd, got, sizeof(got)))
		return fail(run, MS_WRITE_READ, errno);
	step(run, MS_WRITE_COMPARE);
	if (memcmp(want, got, sizeof(want)) != 0)
		return fail(run, MS_WRITE_COMPARE, EIO);
	return true;
}

bool ms_write_test(const char *root, const char *subdir, dev_t dev,
		   void (*progress)(void *arg, enum ms_write_step step), void *arg,
		   struct ms_write_result *res)
{
	struct run run = { progress, arg, res };
	struct stat st;
	char name[160];
	uint64_t token = random_token();

	res->failed = MS_WRITE_DONE;
	res->err = 0;
	step(&run, MS_WRITE_OPEN_DIR);
	int dirfd = open_test_dir(root, subdir);
	if (dirfd < 0)
		return fail(&run, MS_WRITE_OPEN_DIR, errno);
	int err = 0;
	if (fstat(dirfd, &st) != 0)
		err = errno;
	else if (st.st_dev != dev)
		err = EXDEV; /* another filesystem: a mount on top, or the wrong one */
	if (err) {
		close(dirfd);
		return fail(&run, MS_WRITE_OPEN_DIR, err);
	}
	unique_name(name, sizeof(name), token);
	step(&run, MS_WRITE_CREATE);
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		close(dirfd);
		return fail(&run, MS_WRITE_CREATE, errno);
	}
	bool ok = exercise(&run, fd, token);
	if (close(fd) != 0 && ok)
		ok = fail(&run, MS_WRITE_WRITE, errno);
	/* removed whatever happened before: no test file stays behind */
	step(&run, MS_WRITE_REMOVE);
	if (unlinkat(dirfd, name, 0) != 0 && ok)
		ok = fail(&run, MS_WRITE_REMOVE, errno);
	close(dirfd);
	return ok;
}
