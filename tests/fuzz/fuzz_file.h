/*
 * fuzz_file.h: the input as a file, for parsers that take a path
 * (pub_config_load, pub_pending_load, --message-file).
 *
 * One memfd per name and process, emptied and rewritten for each input:
 * no disk, nothing left behind, and "/proc/self/fd/N" opens it afresh at
 * offset 0 as fopen(path) in the parser expects.
 */
#ifndef MS_FUZZ_FILE_H
#define MS_FUZZ_FILE_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct fuzz_file {
	int fd;			/* 0 until first used */
	char path[64];
};

/* Puts data into f (created on first use); returns its path. */
static inline const char *fuzz_file_put(struct fuzz_file *f, const char *name,
					const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (f->fd <= 0) {
		f->fd = memfd_create(name, MFD_CLOEXEC);
		if (f->fd < 0)
			abort();
		snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	}
	if (ftruncate(f->fd, 0) != 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(f->fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return f->path;
}

static char fuzz_dir[64];

static inline int fuzz_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void fuzz_tmpdir_remove(void)
{
	nftw(fuzz_dir, fuzz_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A directory of this process, for what the code under test writes
 * itself (a store, the pending notices, the site); removed at exit.
 */
static inline const char *fuzz_tmpdir(void)
{
	if (fuzz_dir[0] == '\0') {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/mailstatus-fuzz-XXXXXX");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_tmpdir_remove);
	}
	return fuzz_dir;
}

#endif
