/*
 * eximspool: Exim message IDs, -H files and the spool walk.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eximspool.h"

static int base62_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 36;
	return -1;
}

static bool all_base62(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (base62_digit(s[i]) < 0)
			return false;
	return true;
}

bool exim_id_time(const char *s, size_t n, int64_t *sec)
{
	size_t pid_len;

	if (n == 16)
		pid_len = 6;
	else if (n == 23)
		pid_len = 11;
	else
		return false;
	if (s[6] != '-' || s[7 + pid_len] != '-' || !all_base62(s, 6) ||
	    !all_base62(s + 7, pid_len) || !all_base62(s + 8 + pid_len, n - 8 - pid_len))
		return false;
	int64_t t = 0;
	for (size_t i = 0; i < 6; i++)
		t = t * 62 + base62_digit(s[i]);
	*sec = t;
	return true;
}

/* The line at buf[*pos] (without '\n'), or false when no whole line is left. */
static bool next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *nl = *pos < len ? memchr(buf + *pos, '\n', len - *pos) : NULL;

	if (nl == NULL)
		return false;
	*line = buf + *pos;
	*n = (size_t)(nl - *line);
	*pos += *n + 1;
	return true;
}

#define HEADER_FIXED_LINES 4	/* ID-H, user uid gid, <sender>, time count */

enum exim_header exim_parse_header(const char *buf, size_t len, bool whole_file,
				   const char *id)
{
	enum exim_header cut = whole_file ? EXIM_HEADER_MALFORMED : EXIM_HEADER_NEED_MORE;
	size_t pos = 0, n, idlen = strlen(id);
	const char *line;

	for (int i = 0; i < HEADER_FIXED_LINES; i++) {
		if (!next_line(buf, len, &pos, &line, &n))
			return cut;
		if (i == 0 && (n != idlen + 2 || memcmp(line, id, idlen) != 0 ||
			       memcmp(line + idlen, "-H", 2) != 0))
			return EXIM_HEADER_MALFORMED;
		if (i == 2 && (n < 2 || line[0] != '<' || line[n - 1] != '>'))
			return EXIM_HEADER_MALFORMED;
	}
	/* Option lines start with '-'; the first other line ends them. */
	while (next_line(buf, len, &pos, &line, &n)) {
		if (n == 0 || line[0] != '-')
			return EXIM_HEADER_QUEUED;
		if (n >= 7 && memcmp(line, "-frozen", 7) == 0 && (n == 7 || line[7] == ' '))
			return EXIM_HEADER_FROZEN;
	}
	return cut;
}

#define HEADER_FIRST_READ 1024
#define HEADER_MAX_READ 65536	/* ACL variables can make the options long */

static enum exim_header read_header(int dirfd, const char *name, const char *id, int *err)
{
	static char buf[HEADER_MAX_READ];	/* static: too big for a stack frame; one caller */
	size_t have = 0, want = HEADER_FIRST_READ;
	enum exim_header h = EXIM_HEADER_MALFORMED;

	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	*err = 0;
	if (fd < 0) {
		*err = errno;
		return EXIM_HEADER_MALFORMED;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, want - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			break;
		}
		have += (size_t)r;
		if (r > 0 && have < want)
			continue;
		h = exim_parse_header(buf, have, have < want, id);
		if (h != EXIM_HEADER_NEED_MORE)
			break;
		if (want == sizeof(buf)) {
			h = EXIM_HEADER_MALFORMED;
			break;
		}
		want = sizeof(buf);
	}
	close(fd);
	return h;
}

/* A scan under way: the counts, and the first failure. */
struct walk {
	struct exim_scan *s;
	struct ms_buf *err;
	int error;		/* its errno */
};

static bool scan_fail(struct walk *w, int err, const char *dir, const char *name)
{
	w->error = err;
	ms_buf_printf(w->err, "cannot read %s%s%s: %s", dir, *name ? "/" : "", name,
		      strerror(err));
	return false;
}

static void note_oldest(bool *has, int64_t *oldest, int64_t sec)
{
	if (!*has || sec < *oldest) {
		*oldest = sec;
		*has = true;
	}
}

/* A "ID-H" file: counted as queued or frozen, with its -D file's size. */
static bool visit_header(struct walk *w, int dirfd, const char *dirpath,
			 const char *name, size_t n)
{
	struct exim_scan *s = w->s;
	char id[EXIM_ID_MAX + 1], data[EXIM_ID_MAX + 3];
	int64_t arrival;
	struct stat st;
	int err;

	if (!exim_id_time(name, n - 2, &arrival))
		return true;	/* not a message: hdr.PID files being written, etc. */
	memcpy(id, name, n - 2);
	id[n - 2] = '\0';
	enum exim_header h = read_header(dirfd, name, id, &err);
	if (err == ENOENT) {
		s->vanished++;
		return true;
	}
	if (err != 0)
		return scan_fail(w, err, dirpath, name);
	if (h == EXIM_HEADER_MALFORMED) {
		s->damaged++;
		return true;
	}
	uint64_t *bytes = h == EXIM_HEADER_FROZEN ? &s->frozen_bytes : &s->queued_bytes;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		*bytes += (uint64_t)st.st_size;
	snprintf(data, sizeof(data), "%s-D", id);
	if (fstatat(dirfd, data, &st, AT_SYMLINK_NOFOLLOW) == 0)
		*bytes += (uint64_t)st.st_size;
	if (h == EXIM_HEADER_FROZEN) {
		s->frozen++;
		note_oldest(&s->has_oldest_frozen, &s->oldest_frozen, arrival);
	} else {
		s->queued++;
		note_oldest(&s->has_oldest_queued, &s->oldest_queued, arrival);
	}
	return true;
}

static bool scan_dir(struct walk *w, int dirfd, const char *dirpath, bool top)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	bool ok = true;

	if (d == NULL) {
		int err = errno;
		close(dirfd);
		return scan_fail(w, err, dirpath, "");
	}
	while (ok) {
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno != 0)
				ok = scan_fail(w, errno, dirpath, "");
			break;
		}
		size_t n = strlen(e->d_name);
		if (top && n == 1 && base62_digit(e->d_name[0]) >= 0) {
			/* split_spool_directory: one level of subdirectories */
			char sub[PATH_MAX];
			snprintf(sub, sizeof(sub), "%s/%s", dirpath, e->d_name);
			int fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				ok = errno == ENOENT || errno == ENOTDIR || scan_fail(w, errno, sub, "");
			else
				ok = scan_dir(w, fd, sub, false);
		} else if (n > 2 && strcmp(e->d_name + n - 2, "-H") == 0) {
			ok = visit_header(w, dirfd, dirpath, e->d_name, n);
		}
	}
	closedir(d);
	return ok;
}

int exim_scan_spool(const char *spool_dir, struct exim_scan *out, struct ms_buf *err)
{
	struct walk w = { .s = out, .err = err };
	char path[PATH_MAX];

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/input", spool_dir);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = fd >= 0 ? scan_dir(&w, fd, path, true) : scan_fail(&w, errno, path, "");
	return ok ? 0 : w.error != 0 ? w.error : EIO;
}

/* "281", "2.9K", "12M": exim's rounded sizes. */
static bool parse_bp_size(const char *s, size_t n, uint64_t *bytes)
{
	double v = 0, scale = 1, frac = 0.1;
	bool digits = false, point = false;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9' && !point) {
			v = v * 10 + (c - '0');
		} else if (c >= '0' && c <= '9') {
			v += (c - '0') * frac;
			frac /= 10;
		} else if (c == '.' && !point && digits) {
			point = true;
			continue;
		} else {
			break;
		}
		digits = true;
	}
	if (!digits || v > 1e12)
		return false;
	if (i + 1 == n && (s[i] == 'K' || s[i] == 'M' || s[i] == 'G'))
		scale = s[i] == 'K' ? 1024.0 : s[i] == 'M' ? 1048576.0 : 1073741824.0;
	else if (i != n)
		return false;
	*bytes = (uint64_t)(v * scale + 0.5);
	return true;
}

bool exim_parse_bp_line(const char *line, size_t len, struct exim_bp_message *m)
{
	size_t pos = 0, start[3], end[3];

	/* Three fields: age, size, ID; recipient lines have only one or two. */
	for (int f = 0; f < 3; f++) {
		while (pos < len && line[pos] == ' ')
			pos++;
		start[f] = pos;
		while (pos < len && line[pos] != ' ')
			pos++;
		end[f] = pos;
		if (start[f] == end[f])
			return false;
	}
	size_t n = end[2] - start[2];
	if (!exim_id_time(line + start[2], n, &m->arrival) ||
	    !parse_bp_size(line + start[1], end[1] - start[1], &m->size))
		return false;
	memcpy(m->id, line + start[2], n);
	m->id[n] = '\0';
	static const char mark[] = "*** frozen ***";
	m->frozen = len - pos >= sizeof(mark) - 1 &&
		    memcmp(line + len - (sizeof(mark) - 1), mark, sizeof(mark) - 1) == 0;
	return true;
}
