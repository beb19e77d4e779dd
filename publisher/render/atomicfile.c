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

bool pub_write_atomic(const char *dir, const char *relpath, const void *data,
		      size_t len, bool *changed, struct ms_buf *err)
{
	struct ms_buf path = MS_BUF_INIT, tmp = MS_BUF_INIT;
	bool ok = false;
	int fd = -1;

	*changed = false;
	ms_buf_printf(&path, "%s/%s", dir, relpath);
	char *slash = strrchr(path.data, '/');
	char *parent = ms_xstrndup(path.data, (size_t)(slash - path.data));

	if (same_contents(path.data, data, len)) {
		ok = true;
		goto out;
	}
	if (!pub_mkdirs(parent, err))
		goto out;
	ms_buf_printf(&tmp, "%s/.%s" TEMP_MARKER TEMP_SUFFIX, parent, slash + 1);
	fd = mkstemp(tmp.data);
	/* the errors name the file being replaced, which is what failed to change */
	if (fd < 0) {
		ms_buf_printf(err, "cannot write %s (cannot create a temporary file in "
			      "%s): %s", path.data, parent, strerror(errno));
		goto out;
	}
	if (!ms_write_all(fd, data, len) || fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		ms_buf_printf(err, "cannot write %s: %s", path.data, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		ms_buf_printf(err, "cannot write %s: %s", path.data, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path.data) != 0) {
		ms_buf_printf(err, "cannot rename %s to %s: %s", tmp.data, path.data,
			      strerror(errno));
		goto out;
	}
	if (!fsync_dir(parent)) {
		ms_buf_printf(err, "cannot fsync directory %s: %s", parent, strerror(errno));
		*changed = true;
		ok = false;
		goto out_keep;
	}
	*changed = true;
	ok = true;
	goto out_keep;
out:
	if (fd >= 0)
		close(fd);
	if (tmp.len > 0)
		unlink(tmp.data);
out_keep:
	free(parent);
	ms_buf_free(&path);
	ms_buf_free(&tmp);
	return ok;
}
