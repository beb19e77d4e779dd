/*
 * statefile: the records of probes left behind. See statefile.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "mountinfo.h"
#include "numfmt.h"
#include "statefile.h"
#include "xalloc.h"

#define MAGIC "mailstatus-probe 1"
#define RECORD_MAX 8192

/* The bits parse_field sets: pid, start_ticks, since, step, path. */
#define ALL_FIELDS 31u

void ms_linger_free(struct ms_linger *l)
{
	free(l->path);
	memset(l, 0, sizeof(*l));
}

/* Octal-escapes what would break the line: control bytes and backslash. */
static void add_escaped(struct ms_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\')
			ms_buf_printf(b, "\\%03o", c);
		else
			ms_buf_putc(b, (char)c);
	}
}

void ms_linger_format(struct ms_buf *b, const struct ms_linger *l)
{
	ms_buf_printf(b, MAGIC "\npid=%ld\nstart_ticks=%llu\nsince=%lld\nstep=",
		      (long)l->pid, l->start_ticks, l->since);
	add_escaped(b, l->step);
	ms_buf_puts(b, "\npath=");
	add_escaped(b, l->path ? l->path : "");
	ms_buf_putc(b, '\n');
}

/* Stores one "key=value" line in l; false for an unknown key or a bad value. */
static bool parse_field(const char *line, size_t n, struct ms_linger *l, unsigned *seen)
{
	const char *eq = memchr(line, '=', n);
	unsigned long long v;

	if (eq == NULL)
		return false;
	size_t klen = (size_t)(eq - line);
	const char *val = eq + 1;
	size_t vlen = n - klen - 1;
#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(line, k, klen) == 0)
	if (KEY_IS("pid")) {
		if (!ms_parse_uint(val, vlen, INT32_MAX, &v) || v == 0)
			return false;
		l->pid = (pid_t)v;
		*seen |= 1;
	} else if (KEY_IS("start_ticks")) {
		if (!ms_parse_uint(val, vlen, UINT64_MAX, &v))
			return false;
		l->start_ticks = v;
		*seen |= 2;
	} else if (KEY_IS("since")) {
		if (!ms_parse_uint(val, vlen, INT64_MAX, &v))
			return false;
		l->since = (long long)v;
		*seen |= 4;
	} else if (KEY_IS("step")) {
		char *step = ms_unescape_octal(val, vlen);
		snprintf(l->step, sizeof(l->step), "%s", step);
		free(step);
		*seen |= 8;
	} else if (KEY_IS("path")) {
		free(l->path);
		l->path = ms_unescape_octal(val, vlen);
		*seen |= 16;
	} else {
		return false;
	}
#undef KEY_IS
	return true;
}

bool ms_linger_parse(const char *text, size_t n, struct ms_linger *l)
{
	size_t mlen = strlen(MAGIC);
	unsigned seen = 0;

	memset(l, 0, sizeof(*l));
	if (n < mlen + 1 || memcmp(text, MAGIC "\n", mlen + 1) != 0 ||
	    memchr(text, '\0', n) != NULL)
		return false;
	const char *p = text + mlen + 1, *end = text + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || !parse_field(p, (size_t)(nl - p), l, &seen)) {
			ms_linger_free(l);
			return false;
		}
		p = nl + 1;
	}
	if (seen != ALL_FIELDS) {
		ms_linger_free(l);
		return false;
	}
	return true;
}

/* FNV-1a, 64 bits: a stable file name for any path, no path text in it. */
void ms_linger_name(const char *path, char *name, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(name, size, "storage-mount-%016" PRIx64 ".probe", h);
}

int ms_statedir_open(const char *dir, struct ms_buf *err)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		ms_buf_printf(err, "cannot create the state directory %s: %s "
			      "(create it for the plugin's user or choose another --state-dir)",
			      dir, strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ms_buf_printf(err, "cannot open the state directory %s: %s (%s)", dir,
			      strerror(errno), errno == ELOOP || errno == ENOTDIR
			      ? "it must be a directory, not a symlink"
			      : "use a directory of the plugin's user with mode 0700");
		return -1;
	}
	const char *why = NULL;
	if (fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (st.st_uid != geteuid())
		why = "it belongs to another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = "others may write to it";
	else if (faccessat(fd, ".", W_OK, AT_EACCESS) != 0)
		why = "it is not writable";
	if (why) {
		ms_buf_printf(err, "refusing the state directory %s: %s "
			      "(use a directory of the plugin's user with mode 0700)", dir, why);
		close(fd);
		return -1;
	}
	return fd;
}

bool ms_linger_load(int dirfd, const char *path, struct ms_linger *l)
{
	char name[64], buf[RECORD_MAX];
	size_t len = 0;

	memset(l, 0, sizeof(*l));
	ms_linger_name(path, name, sizeof(name));
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	ssize_t n;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	/* a record of another path with the same hash is not ours */
	if (!ms_linger_parse(buf, len, l) || strcmp(l->path, path) != 0) {
		ms_linger_free(l);
		return false;
	}
	return true;
}

bool ms_linger_save(int dirfd, const struct ms_linger *l, struct ms_buf *err)
{
	char name[64], tmp[96];
	struct ms_buf b = MS_BUF_INIT;

	ms_linger_name(l->path, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
	unlinkat(dirfd, tmp, 0); /* left by a run with our PID that died halfway */
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ms_buf_printf(err, "cannot create %s in the state directory: %s", tmp,
			      strerror(errno));
		return false;
	}
	ms_linger_format(&b, l);
	bool ok = ms_write_all(fd, b.data, b.len);
	int saved = errno;
	ok = (close(fd) == 0) && ok;
	if (ok && renameat(dirfd, tmp, dirfd, name) != 0) {
		saved = errno;
		ok = false;
	}
	if (!ok) {
		ms_buf_printf(err, "cannot write %s in the state directory: %s", name,
			      strerror(saved));
		unlinkat(dirfd, tmp, 0);
	}
	ms_buf_free(&b);
	return ok;
}

void ms_linger_forget(int dirfd, const char *path)
{
	char name[64];

	ms_linger_name(path, name, sizeof(name));
	unlinkat(dirfd, name, 0);
}
