/*
 * mountprobe: statfs, stat, sentinel and write test of one mount point,
 * with a report before each step. See mountprobe.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "mountprobe.h"
#include "strbuf.h"
#include "writetest.h"

#define AUTOFS_MAGIC 0x0187	/* statfs f_type of an autofs trigger */

/* One probe under way: what to do, where reports go, the report so far. */
struct run {
	const struct ms_mount_job *job;
	int fd;
	struct ms_mount_report *report;
};

/* The pipe takes a write of up to PIPE_BUF bytes whole: no torn report. */
_Static_assert(sizeof(struct ms_mount_report) <= 4096, "a report fits one pipe write");

static void send_report(const struct run *run)
{
	ssize_t rc = write(run->fd, run->report, sizeof(*run->report));
	(void)rc; /* nobody listens any more: nothing to do about it */
}

/* Says which step comes next, so a probe that hangs there can be named. */
static void report_step(const struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report_step(const struct run *run, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(run->report->doing, sizeof(run->report->doing), fmt, ap);
	va_end(ap);
	send_report(run);
}

static void report_problem(const struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report_problem(const struct run *run, const char *fmt, ...)
{
	struct ms_mount_report *r = run->report;
	size_t len = strlen(r->problem);
	va_list ap;

	if (len && len + 2 < sizeof(r->problem)) {
		memcpy(r->problem + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->problem + len, sizeof(r->problem) - len, fmt, ap);
	va_end(ap);
}

/* The permissions of mode (R_OK, W_OK, X_OK) that path denies this user, as "rwx" letters. */
static void missing_bits(const char *path, int mode, char out[static 4])
{
	static const struct { int bit; char letter; } bits[] = {
		{ R_OK, 'r' }, { W_OK, 'w' }, { X_OK, 'x' },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((mode & bits[i].bit) && faccessat(AT_FDCWD, path, bits[i].bit, AT_EACCESS) != 0 &&
		    errno == EACCES)
			out[n++] = bits[i].letter;
	out[n] = '\0';
}

/*
 * full was refused (EACCES) for a step that needs mode on full itself
 * (F_OK: only reaching it) and search permission on every directory on
 * the way: records the first path that refuses, what it lacks, its mode
 * and owner. When no mode bit explains the refusal (an ACL mask, SELinux,
 * AppArmor), the path is full itself with nothing missing.
 */
static void report_denied(const struct run *run, const char *what, const char *full, int mode)
{
	struct ms_mount_denied *d = &run->report->denied;
	char prefix[4096];
	size_t len = strlen(full);
	struct stat st;

	if (d->what[0])
		return;		/* the first refusal is the one to fix */
	snprintf(d->what, sizeof(d->what), "%s", what);
	snprintf(d->path, sizeof(d->path), "%s", full);
	d->missing[0] = '\0';
	for (size_t end = 1; len < sizeof(prefix) && end <= len; end++) {
		if (end < len && full[end] != '/')
			continue;
		memcpy(prefix, full, end);
		prefix[end] = '\0';
		missing_bits(prefix, end == len ? mode : X_OK, d->missing);
		if (d->missing[0]) {
			/* a path too long for the report is cut: it is only shown */
			size_t n = strnlen(prefix, sizeof(d->path) - 1);
			memcpy(d->path, prefix, n);
			d->path[n] = '\0';
			break;
		}
	}
	d->has_stat = lstat(d->path, &st) == 0;
	if (d->has_stat) {
		d->mode = (unsigned)st.st_mode;
		d->uid = (unsigned long)st.st_uid;
		d->gid = (unsigned long)st.st_gid;
	}
}

/* Monotonic seconds, finer than ms_now_ms(): a local statfs takes microseconds. */
static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opening an automount point's directory mounts it (stat alone no longer does). */
static bool trigger_automount(const struct run *run)
{
	report_step(run, "triggering the automount");
	int fd = open(run->job->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES) {
		report_denied(run, "automount point not openable", run->job->path, R_OK | X_OK);
		return false;
	}
	if (fd < 0) {
		report_problem(run, "automount failed: %s", strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

/* statfs and stat of the root; false when the mount does not answer them. */
static bool probe_root(const struct run *run, struct stat *root)
{
	struct ms_mount_report *r = run->report;
	struct statfs sfs;
	double start = now_seconds();

	report_step(run, "statfs");
	if (statfs(run->job->path, &sfs) != 0) {
		if (errno == EACCES)
			report_denied(run, "mount point not reachable", run->job->path, F_OK);
		else
			report_problem(run, "statfs failed: %s", strerror(errno));
		return false;
	}
	report_step(run, "stat of the root");
	if (stat(run->job->path, root) != 0) {
		if (errno == EACCES)
			report_denied(run, "mount point not reachable", run->job->path, F_OK);
		else
			report_problem(run, "stat failed: %s", strerror(errno));
		return false;
	}
	r->latency = now_seconds() - start;
	if (sfs.f_type == AUTOFS_MAGIC) {
		report_problem(run, "the automount did not mount anything");
		return false;
	}
	r->has_counts = true;
	r->counts = (struct ms_statfs_counts){
		.blocks = sfs.f_blocks, .bfree = sfs.f_bfree, .bavail = sfs.f_bavail,
		.files = sfs.f_files, .ffree = sfs.f_ffree,
		.frsize = sfs.f_frsize ? (uint64_t)sfs.f_frsize : (uint64_t)sfs.f_bsize,
	};
	return true;
}

/* Trailing blanks and line ends do not count: "array-a\n" says "array-a". */
static size_t trimmed_len(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
			 s[n - 1] == '\t'))
		n--;
	return n;
}

static void compare_sentinel(const struct run *run, int fd)
{
	const char *want = run->job->sentinel_content;
	char buf[4096];
	size_t len = 0;
	ssize_t n;

	report_step(run, "reading the sentinel");
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			report_problem(run, "sentinel %s cannot be read: %s", run->job->sentinel,
				       strerror(errno));
			return;
		}
		len += (size_t)n;
	}
	len = trimmed_len(buf, len);
	size_t want_len = trimmed_len(want, strlen(want));
	if (len == want_len && memcmp(buf, want, len) == 0)
		return;
	/* quoted, text after a NUL would vanish: "says 'array-a'" for array-a\0x */
	if (memchr(buf, '\0', len) != NULL) {
		report_problem(run, "sentinel %s holds NUL bytes, expected '%s' (another "
			       "filesystem is mounted here, or the file is damaged)",
			       run->job->sentinel, want);
		return;
	}
	int shown = len > 60 ? 60 : (int)len;
	report_problem(run, "sentinel %s says '%.*s%s', expected '%s' (another filesystem "
		       "is mounted here)", run->job->sentinel, shown, buf,
		       len > 60 ? "..." : "", want);
}

/*
 * The sentinel must be a regular file on this very filesystem: the same
 * name in the directory underneath, or on a mount below, does not count.
 */
static void check_sentinel(const struct run *run, dev_t dev)
{
	const char *rel = run->job->sentinel;
	struct ms_buf full = MS_BUF_INIT;
	struct stat st;

	ms_buf_printf(&full, "%s/%s", strcmp(run->job->path, "/") ? run->job->path : "", rel);
	report_step(run, "opening the sentinel");
	int fd = open(ms_buf_str(&full), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == EACCES) {
		/* the storage is there: this user may not look (a vmail-owned 0700 store) */
		char what[96];
		snprintf(what, sizeof(what), "sentinel %s not readable", rel);
		report_denied(run, what, ms_buf_str(&full), R_OK);
		ms_buf_free(&full);
		return;
	}
	ms_buf_free(&full);
	if (fd < 0) {
		report_problem(run, "sentinel %s is missing (%s): the mount may be empty or "
			       "the wrong filesystem", rel, strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		report_problem(run, "sentinel %s is not a regular file", rel);
	else if (st.st_dev != dev)
		report_problem(run, "sentinel %s is on another filesystem than the mount", rel);
	else if (run->job->sentinel_content)
		compare_sentinel(run, fd);
	close(fd);
}

static void write_progress(void *arg, enum ms_write_step step)
{
	report_step(arg, "write test: %s", ms_write_step_name(step));
}

static void write_test(const struct run *run, dev_t dev)
{
	struct ms_write_result res;
	double start = now_seconds();

	if (ms_write_test(run->job->path, run->job->write_subdir, dev, write_progress,
			  (void *)run, &res)) {
		run->report->wrote = true;
		run->report->write_seconds = now_seconds() - start;
		return;
	}
	if (res.err == EACCES && (res.failed == MS_WRITE_OPEN_DIR ||
				  res.failed == MS_WRITE_CREATE || res.failed == MS_WRITE_REMOVE)) {
		/* a file is created and removed there: write and search permission */
		struct ms_buf dir = MS_BUF_INIT;
		const char *sub = run->job->write_subdir;
		ms_buf_puts(&dir, run->job->path);
		if (sub && sub[0])
			ms_buf_printf(&dir, "%s%s", strcmp(run->job->path, "/") ? "/" : "", sub);
		report_denied(run, "write test not allowed", ms_buf_str(&dir), W_OK | X_OK);
		ms_buf_free(&dir);
		return;
	}
	report_problem(run, "write test failed at %s%s%s: %s%s", ms_write_step_name(res.failed),
		       run->job->write_subdir ? " in " : "",
		       run->job->write_subdir ? run->job->write_subdir : "",
		       res.failed == MS_WRITE_COMPARE ? "what was read back differs"
						     : strerror(res.err),
		       res.err == ELOOP ? " (symlinks are not followed)" : "");
}

void ms_mount_probe_run(const struct ms_mount_job *job, int fd, struct ms_mount_report *report)
{
	struct run run = { job, fd, report };
	struct stat root;

	memset(report, 0, sizeof(*report));
	if ((!job->trigger_automount || trigger_automount(&run)) && probe_root(&run, &root)) {
		if (job->sentinel)
			check_sentinel(&run, root.st_dev);
		if (job->write_test)
			write_test(&run, root.st_dev);
	}
	report->doing[0] = '\0';
	send_report(&run);
}

bool ms_mount_report_last(const char *data, size_t len, struct ms_mount_report *report)
{
	size_t n = len / sizeof(*report);

	if (n == 0)
		return false;
	memcpy(report, data + (n - 1) * sizeof(*report), sizeof(*report));
	/* whatever the bytes, the strings end inside their arrays */
	report->doing[sizeof(report->doing) - 1] = '\0';
	report->problem[sizeof(report->problem) - 1] = '\0';
	return true;
}
