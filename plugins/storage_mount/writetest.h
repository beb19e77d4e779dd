/*
 * writetest: does a filesystem take writes? Create, write, fsync, read
 * back, compare, remove.
 *
 * The test file gets a name no one else uses (host, PID and random bits)
 * and is created with O_CREAT | O_EXCL | O_NOFOLLOW inside a directory
 * reached one component at a time with O_NOFOLLOW: a symlink planted in
 * the test directory, or in place of it, is refused, never followed, so
 * the test cannot be turned into a write somewhere else. It runs in a
 * probe child (it may hang on a dead server); progress() is called
 * before each step that may block, so whoever waits knows where it hung.
 */
#ifndef MS_WRITETEST_H
#define MS_WRITETEST_H

#include <stdbool.h>
#include <sys/types.h>

enum ms_write_step {
	MS_WRITE_OPEN_DIR,
	MS_WRITE_CREATE,
	MS_WRITE_WRITE,
	MS_WRITE_FSYNC,
	MS_WRITE_READ,
	MS_WRITE_COMPARE,
	MS_WRITE_REMOVE,
	MS_WRITE_DONE
};

/* "create", "fsync", ...: for messages. */
const char *ms_write_step_name(enum ms_write_step step);

struct ms_write_result {
	enum ms_write_step failed;	/* MS_WRITE_DONE when every step passed */
	int err;			/* errno of the failed step */
};

/*
 * Runs the test in root/subdir (subdir relative, NULL or "" for root
 * itself). The directory must be on device dev (the mount's st_dev), so
 * a write test never lands on another filesystem. Returns true when every
 * step passed.
 */
bool ms_write_test(const char *root, const char *subdir, dev_t dev,
		   void (*progress)(void *arg, enum ms_write_step step), void *arg,
		   struct ms_write_result *res);

#endif
