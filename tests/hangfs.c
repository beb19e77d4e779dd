/*
 * hangfs: a FUSE filesystem that hangs or fails on demand.
 *
 * The stand-in for a dead NFS server in the tests of check_storage_mount
 * (this kernel has no NFS). It holds one file, .mailstore, and obeys a
 * control file that the test writes to:
 *
 *   ok     answer normally
 *   hang   getattr, statfs, readdir, open and read never answer: the
 *          request has been taken from the kernel, so the caller waits
 *          in state D, and SIGKILL does not free it (as with a hard NFS
 *          mount) -- until the control file says something else
 *   eio    those calls fail with EIO
 *   hang-read  only read hangs: the filesystem answers statfs and stat,
 *          then a process reading the file is stuck (a half-dead server)
 *
 * Usage: hangfs CONTROL-FILE MOUNTPOINT [FUSE-OPTIONS]  (runs in the
 * foreground; unmount with umount or fusermount3 -u, or kill it).
 * Not installed.
 */
#define FUSE_USE_VERSION 31

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define SENTINEL "/.mailstore"
#define SENTINEL_TEXT "hangfs\n"
#define POLL_US 50000

static const char *control_path;

enum mode { MODE_OK, MODE_HANG, MODE_HANG_READ, MODE_EIO };

static enum mode read_mode(void)
{
	char buf[16] = "";
	int fd = open(control_path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (strncmp(buf, "hang-read", 9) == 0)
		return MODE_HANG_READ;
	if (strncmp(buf, "hang", 4) == 0)
		return MODE_HANG;
	if (strncmp(buf, "eio", 3) == 0)
		return MODE_EIO;
	return MODE_OK;
}

/*
 * Every call passes here: it blocks while told to hang (reads also while
 * told to hang-read), then fails or goes on.
 */
static int gate_op(bool is_read)
{
	enum mode m;

	while ((m = read_mode()) == MODE_HANG || (is_read && m == MODE_HANG_READ))
		usleep(POLL_US);
	return m == MODE_EIO ? -EIO : 0;
}

static int gate(void)
{
	return gate_op(false);
}

static void *hang_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* no caching: every stat reaches us, as a dead server would be reached */
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	return NULL;
}

static int hang_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	int rc = gate();

	(void)fi;
	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (strcmp(path, SENTINEL) == 0) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)strlen(SENTINEL_TEXT);
	} else {
		return -ENOENT;
	}
	return 0;
}

static int hang_statfs(const char *path, struct statvfs *sv)
{
	int rc = gate();

	(void)path;
	if (rc)
		return rc;
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = sv->f_frsize = 4096;
	sv->f_blocks = 1000;
	sv->f_bfree = sv->f_bavail = 600;
	sv->f_files = 100;
	sv->f_ffree = 90;
	sv->f_namemax = 255;
	return 0;
}

static int hang_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
			struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	int rc = gate();

	(void)off;
	(void)fi;
	(void)flags;
	if (rc)
		return rc;
	if (strcmp(path, "/") != 0)
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, SENTINEL + 1, NULL, 0, 0);
	return 0;
}

static int hang_open(const char *path, struct fuse_file_info *fi)
{
	int rc = gate();

	if (rc)
		return rc;
	if (strcmp(path, SENTINEL) != 0)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	return 0;
}

static int hang_read(const char *path, char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	size_t len = strlen(SENTINEL_TEXT);
	int rc = gate_op(true);

	(void)fi;
	if (rc)
		return rc;
	if (strcmp(path, SENTINEL) != 0)
		return -ENOENT;
	if (off < 0 || (size_t)off >= len)
		return 0;
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	memcpy(buf, SENTINEL_TEXT + off, size);
	return (int)size;
}

static const struct fuse_operations ops = {
	.init = hang_init,
	.getattr = hang_getattr,
	.statfs = hang_statfs,
	.readdir = hang_readdir,
	.open = hang_open,
	.read = hang_read,
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s CONTROL-FILE MOUNTPOINT [FUSE-OPTIONS]\n", argv[0]);
		return 2;
	}
	control_path = argv[1];
	/* fuse_main's own command line: foreground, then the mount point and options */
	char **fargv = calloc((size_t)argc + 4, sizeof(*fargv));
	int n = 0;
	if (fargv == NULL)
		return 1;
	fargv[n++] = argv[0];
	fargv[n++] = "-f";
	fargv[n++] = "-o";
	fargv[n++] = "fsname=hangfs,subtype=hangfs";
	for (int i = 2; i < argc; i++)
		fargv[n++] = argv[i];
	int rc = fuse_main(n, fargv, &ops, NULL);
	free(fargv);
	return rc;
}
