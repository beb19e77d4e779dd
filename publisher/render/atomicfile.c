/*
 * atomicfile: temporary file, fsync, rename, fsync of the directory.
 * See atomicfile.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "atomicfile.h"
#include "xalloc.h"

/*
 * A temporary file's name: a dot file (web servers are commonly told not
 * to serve those, globs do not match them) with a marker no other file
 * has, so a later run can tell the ones a killed run left behind.
 */
#define TEMP_MARKER ".mailstatus-publish-"
#define TEMP_SUFFIX "XXXXXX"

/*
 * ".NAME" TEMP_MARKER TEMP_SUFFIX, the marker at the end (a page's own name
 * may hold it), and NAME starting with prefix when one is given.
 */
static bool is_temp_name(const char *name, const char *prefix)
{
	size_t n = strlen(name), tail = strlen(TEMP_MARKER TEMP_SUFFIX);

	if (name[0] != '.' || n < tail + 2 ||
	    strncmp(name + n - tail, TEMP_MARKER, strlen(TEMP_MARKER)) != 0)
		return false;
	return prefix == NULL || strncmp(name + 1, prefix, strlen(prefix)) == 0;
}

size_t pub_remove_stale_temps(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t removed = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (is_temp_name(e->d_name, prefix) && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

static bool fsync_dir(const char *dir);

/* fsyncs the directory holding path ("/" for "/x"); path is left as it was */
static bool fsync_parent(char *path)
{
	char *slash = strrchr(path, '/');
	bool ok;

	if (slash == NULL)
		return fsync_dir(".");
	if (slash == path)
		return fsync_dir("/");
	*slash = '\0';
	ok = fsync_dir(path);
	*slash = '/';
	return ok;
}

bool pub_mkdirs(const char *path, struct ms_buf *err)
{
	char *p = ms_xstrdup(path);

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		bool made = mkdir(p, 0755) == 0;
		if (!made && errno != EEXIST) {
			ms_buf_printf(err, "cannot create directory %s: %s", p, strerror(errno));
			free(p);
			return false;
		}
		/* a new directory survives a power cut only once its parent is synced */
		if (made && !fsync_parent(p)) {
			ms_buf_printf(err, "cannot fsync the directory holding %s: %s", p,
				      strerror(errno));
			free(p);
			return false;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return true;
}

/* true when path holds exactly data */
static bool same_contents(const char *path, const void *data, size_t len)
{
	struct stat st;
	bool same = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len) {
		char *old = ms_xmalloc(len + 1);
		size_t got = 0;
		ssize_t n;
		while (got < len && (n = read(fd, old + got, len - got)) > 0)
			got += (size_t)n;
		same = got == len && memcmp(old, data, len) == 0;
		free(old);
	}
	close(fd);
	return same;
}

static bool fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = fsync(fd) == 0 || errno == EINVAL;	/* some filesystems cannot */
	close(fd);
	return ok;
}

/*
 * The batch (atomicfile.h): the files written, not yet renamed, in the
 * order they were written. At most BATCH_MAX are held (each holds an
 * open descriptor); one more commits those first.
 */
#define BATCH_MAX 64

struct pending {
	int fd;
	char *tmp, *path, *parent;
};

static struct {
	bool open;
	struct pending files[BATCH_MAX];
	size_t n;
} batch;

static void pending_drop(struct pending *p, bool unlink_tmp)
{
	if (p->fd >= 0)
		close(p->fd);
	if (unlink_tmp)
		unlink(p->tmp);
	free(p->tmp);
	free(p->path);
	free(p->parent);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* A file written twice in a batch: the last write is the one. */
static void batch_forget(const char *path)
{
	for (size_t i = 0; i < batch.n; i++)
		if (strcmp(batch.files[i].path, path) == 0) {
			pending_drop(&batch.files[i], true);
			memmove(&batch.files[i], &batch.files[i + 1],
				(batch.n - i - 1) * sizeof(batch.files[0]));
			batch.n--;
			return;
		}
}

/* Starts the write-back of a batched file now, so that the commit's fsync waits for less. */
static void start_writeback(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
#endif
}

/* fsync, close and rename of one file; its directory is synced by the caller. */
static bool pending_finish(struct pending *p, struct ms_buf *err)
{
	int fd = p->fd, rc, saved;

	p->fd = -1;
	rc = fsync(fd);
	saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		ms_buf_printf(err, "cannot write %s: %s", p->path, strerror(saved));
		return false;
	}
	if (rename(p->tmp, p->path) != 0) {
		ms_buf_printf(err, "cannot rename %s to %s: %s", p->tmp, p->path, strerror(errno));
		return false;
	}
	return true;
}

/* The held files: each synced and renamed in order, then each directory synced once. */
static bool batch_flush(struct ms_buf *err)
{
	bool ok = true;
	size_t renamed = 0;	/* the first so many were */

	while (renamed < batch.n && pending_finish(&batch.files[renamed], err))
		renamed++;
	ok = renamed == batch.n;
	for (size_t i = 0; i < renamed; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(batch.files[j].parent, batch.files[i].parent) == 0;
		if (ok && !seen && !fsync_dir(batch.files[i].parent)) {
			ms_buf_printf(err, "cannot fsync directory %s: %s", batch.files[i].parent,
				      strerror(errno));
			ok = false;
		}
	}
	/* what was not renamed goes: those old files stay as they were */
	for (size_t i = 0; i < batch.n; i++)
		pending_drop(&batch.files[i], i >= renamed);
	batch.n = 0;
	return ok;
}

void pub_write_batch_abort(void)
{
	for (size_t i = 0; i < batch.n; i++)
		pending_drop(&batch.files[i], true);
	batch.n = 0;
	batch.open = false;
}

void pub_write_batch_begin(void)
{
	pub_write_batch_abort();	/* what a failed step left is dropped */
	batch.open = true;
}

bool pub_write_batch_commit(struct ms_buf *err)
{
	bool ok = batch_flush(err);

	batch.open = false;
	return ok;
}


/* The temporary file of path in parent, with data in it; -1 with err set. */
static int write_temp(const char *path, const char *parent, const char *name,
		      const void *data, size_t len, struct ms_buf *tmp, struct ms_buf *err)
{
	int fd;

	ms_buf_printf(tmp, "%s/.%s" TEMP_MARKER TEMP_SUFFIX, parent, name);
	fd = mkstemp(tmp->data);
	/* the errors name the file being replaced, which is what failed to change */
	if (fd < 0) {
		ms_buf_printf(err, "cannot write %s (cannot create a temporary file in "
			      "%s): %s", path, parent, strerror(errno));
		return -1;
	}
	if (!ms_write_all(fd, data, len) || fchmod(fd, 0644) != 0) {
		ms_buf_printf(err, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp->data);
		return -1;
	}
	return fd;
}

bool pub_write_atomic(const char *dir, const char *relpath, const void *data,
		      size_t len, bool *changed, struct ms_buf *err)
{
	struct ms_buf path = MS_BUF_INIT, tmp = MS_BUF_INIT;
	struct pending p = { -1, NULL, NULL, NULL };
	bool ok = false;

	*changed = false;
	ms_buf_printf(&path, "%s/%s", dir, relpath);
	char *slash = strrchr(path.data, '/');

	p.parent = ms_xstrndup(path.data, (size_t)(slash - path.data));
	if (batch.open)
		batch_forget(path.data);
	if (same_contents(path.data, data, len)) {
		ok = true;
		goto out;
	}
	if (!pub_mkdirs(p.parent, err) || (batch.n == BATCH_MAX && !batch_flush(err)))
		goto out;
	if ((p.fd = write_temp(path.data, p.parent, slash + 1, data, len, &tmp, err)) < 0)
		goto out;
	p.tmp = ms_buf_steal(&tmp);
	p.path = ms_buf_steal(&path);
	*changed = true;
	if (batch.open) {
		start_writeback(p.fd);
		batch.files[batch.n++] = p;
		return true;
	}
	if (!pending_finish(&p, err)) {
		*changed = false;
		pending_drop(&p, true);
		return false;
	}
	ok = fsync_dir(p.parent);
	if (!ok)
		ms_buf_printf(err, "cannot fsync directory %s: %s", p.parent, strerror(errno));
	pending_drop(&p, false);
	return ok;
out:
	free(p.parent);
	ms_buf_free(&path);
	ms_buf_free(&tmp);
	return ok;
}
