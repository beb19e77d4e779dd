/*
 * check_storage_mount: the mail storage is mounted, the right thing is
 * mounted, it answers, it takes writes.
 *
 * The worst storage failure of a mail host is silent: the mount is gone
 * and the mail servers see the empty directory underneath, or the mount
 * hangs and every process touching it hangs too, a naive check included.
 * So per mount point this plugin checks, in this order:
 *
 *   mounted     /proc/self/mountinfo has it (not merely a directory)
 *   identity    type and source as asked (--fstype, --source) and as fstab says
 *   writable    the superblock and the mount are read-write when they should be
 *   errors      ext4's error counter is zero
 *   responsive  statfs and stat answer, in a probe child with a deadline
 *   not empty   the --sentinel file is there and says what it should
 *   writes      --write-test: create, write, fsync, read back, remove
 *   space       free space and inodes, counted as df counts them
 *
 * Nothing in this process touches a mounted filesystem: every call that
 * could block on a dead server runs in a probe child (lib/plugin/probe.h), all
 * mounts at once. A child that does not answer in time is left behind and
 * remembered in --state-dir; while it lingers, later runs report it
 * instead of adding another stuck process.
 *
 * Reads top to bottom: options -> targets -> probe -> verdict -> output.
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "fserrors.h"
#include "fsspace.h"
#include "mountinfo.h"
#include "mountprobe.h"
#include "numfmt.h"
#include "options.h"
#include "plugin.h"
#include "probe.h"
#include "procstat.h"
#include "statefile.h"
#include "strbuf.h"
#include "xalloc.h"

#define MOUNTINFO "/proc/self/mountinfo"
#define PROBE_SHARE 0.8		/* default --probe-timeout: this share of -t */
#define SUMMARY_FAILURES 3	/* failing mounts named on the status line */
#define SETTLE_MS 200		/* for a killed probe to show where it is stuck */
#define OUTPUT_RESERVE_MS 50	/* kept before -t for judging and writing the verdict */

/* ------------------------------------------------------------------ */
/* options                                                             */

static const struct ms_plugin plugin = {
	.name = "check_storage_mount",
	.label = "STORAGE_MOUNT",
	.purpose =
		"Checks that the mail storage is mounted (per /proc/self/mountinfo, not\n"
		"merely a directory), that the right filesystem is mounted, that it is\n"
		"writable, answers statfs and stat in time, holds its sentinel file, takes\n"
		"writes and has free space and inodes. Calls that may hang on a dead server\n"
		"run in probe children; the plugin itself always ends within -t.",
	.options = &storage_mount_options,
};

struct settings {
	char **paths;
	size_t npaths, cap_paths;
	bool fstab_all;
	const char *fstab_file;
	bool fstab_file_given;
	const char *types;
	const char *fstype;
	const char *source;
	bool rw;
	double probe_timeout;	/* seconds; 0 until the default is worked out */
	const char *state_dir;
	const char *sentinel;
	const char *sentinel_content;
	bool autofs_idle_ok;
	bool write_test;
	const char *write_subdir;
	struct ms_space_limit free_warn, free_crit, inode_warn, inode_crit;
};

/* A path below the mount point: relative, and no ".." to climb out of it. */
static bool is_safe_relpath(const char *p)
{
	if (p[0] == '\0' || p[0] == '/')
		return false;
	for (const char *c = p; *c; c += strcspn(c, "/"), c += (*c == '/')) {
		size_t len = strcspn(c, "/");
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return false;
	}
	return true;
}

static void add_path_option(struct settings *s, const char *name, const char *arg)
{
	char *path = ms_path_normalize(arg);

	if (path == NULL)
		ms_usage_error("%s needs an absolute path without '..', not '%s'", name, arg);
	ms_xgrow(&s->paths, &s->cap_paths, s->npaths + 1, sizeof(*s->paths));
	s->paths[s->npaths++] = path;
}

static void limit_option(const char *name, const char *arg, bool bytes,
			 struct ms_space_limit *l)
{
	struct ms_buf err = MS_BUF_INIT;

	if (!ms_space_limit_parse(arg, bytes, l, &err))
		ms_usage_error("invalid limit '%s' for %s: %s", arg, name, ms_buf_str(&err));
}

static void check_settings(struct settings *s)
{
	if (s->npaths == 0 && !s->fstab_all)
		ms_usage_error("nothing to check: name mount points with -p or use --fstab");
	if (s->types && !s->fstab_all)
		ms_usage_error("--type filters --fstab entries; use --fstype for -p mounts");
	if (s->sentinel && !is_safe_relpath(s->sentinel))
		ms_usage_error("--sentinel needs a path relative to the mount point, "
			       "without '..', not '%s'", s->sentinel);
	if (s->sentinel_content && !s->sentinel)
		ms_usage_error("--sentinel-content needs --sentinel to name the file");
	if (s->write_subdir && !is_safe_relpath(s->write_subdir))
		ms_usage_error("--write-test needs a directory relative to the mount point, "
			       "without '..', not '%s'", s->write_subdir);
	if (s->probe_timeout == 0)
		s->probe_timeout = ms_timeout() * PROBE_SHARE;
	else if (s->probe_timeout >= ms_timeout())
		ms_usage_error("--probe-timeout (%gs) must be shorter than -t (%gs), "
			       "so that stuck probes can still be reported",
			       s->probe_timeout, ms_timeout());
}

static void parse_options(int argc, char **argv, struct settings *s)
{
	const char *name;
	int c;

	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1) {
		switch (c) {
		case 'p': add_path_option(s, name, optarg); break;
		case OPT_FSTAB: s->fstab_all = true; break;
		case OPT_FSTAB_FILE:
			s->fstab_file = optarg;
			s->fstab_file_given = true;
			break;
		case OPT_TYPE: s->types = optarg; break;
		case OPT_FSTYPE: s->fstype = optarg; break;
		case OPT_SOURCE: s->source = optarg; break;
		case OPT_RW: s->rw = true; break;
		case OPT_PROBE_TIMEOUT:
			s->probe_timeout = ms_opt_duration(name, optarg);
			if (s->probe_timeout <= 0)
				ms_usage_error("%s must be more than 0", name);
			break;
		case OPT_STATE_DIR: s->state_dir = optarg; break;
		case OPT_SENTINEL: s->sentinel = optarg; break;
		case OPT_SENTINEL_CONTENT: s->sentinel_content = optarg; break;
		case OPT_AUTOFS_IDLE_OK: s->autofs_idle_ok = true; break;
		case OPT_WRITE_TEST:
			s->write_test = true;
			s->write_subdir = optarg;
			break;
		case OPT_FREE_WARNING: limit_option(name, optarg, true, &s->free_warn); break;
		case OPT_FREE_CRITICAL: limit_option(name, optarg, true, &s->free_crit); break;
		case OPT_INODE_WARNING: limit_option(name, optarg, false, &s->inode_warn); break;
		case OPT_INODE_CRITICAL: limit_option(name, optarg, false, &s->inode_crit); break;
		}
	}
	check_settings(s);
}

/* ------------------------------------------------------------------ */
/* targets: the mount points to check, and what mountinfo and fstab say */

struct target {
	char *path;				/* normalized mount point */
	const struct ms_fstab_entry *fstab;	/* its fstab entry, or NULL */
	const struct ms_mount *mount;		/* NULL: not mounted */
	bool idle_autofs;			/* an automount not triggered yet */
	bool probed;
	struct ms_probe probe;
	char *probe_error;			/* why it could not be started */
	bool has_report;
	struct ms_mount_report report;
	bool lingering;				/* an earlier probe is still stuck */
	struct ms_linger linger;
	struct ms_proc_info stuck;		/* the stuck probe's state */
	bool has_stuck;
	bool missing;				/* not mounted, and nothing there */
	char kind;				/* not mounted: what is there ('d' a
						   directory, 'f' a file, 'l' a symlink,
						   'o' other; 0 unknown) */
	/* the verdict */
	enum ms_state state;
	struct ms_buf problems;
	struct ms_buf details;
};

struct run {
	struct ms_mount_table mounts;
	struct ms_mount_table remounts;	/* mountinfo again after automounts */
	struct ms_fstab fstab;
	struct target *targets;
	size_t ntargets, cap_targets;
	int state_fd;			/* -1: no memory of stuck probes */
	struct ms_buf state_error;	/* why not, or why one was not remembered */
};

static struct target *find_target(struct run *run, const char *path)
{
	for (size_t i = 0; i < run->ntargets; i++)
		if (strcmp(run->targets[i].path, path) == 0)
			return &run->targets[i];
	return NULL;
}

static void add_target(struct run *run, const char *path)
{
	if (find_target(run, path))
		return;
	ms_xgrow(&run->targets, &run->cap_targets, run->ntargets + 1, sizeof(*run->targets));
	struct target *t = &run->targets[run->ntargets++];
	memset(t, 0, sizeof(*t));
	t->path = ms_xstrdup(path);
	t->probe.fd = -1;
}

static void load_tables(const struct settings *s, struct run *run)
{
	struct ms_buf err = MS_BUF_INIT;

	ms_step("reading %s", MOUNTINFO);
	if (!ms_mountinfo_read(MOUNTINFO, &run->mounts, &err))
		ms_die(MS_UNKNOWN, "%s (is /proc mounted?)", ms_buf_str(&err));
	bool system_fstab = !s->fstab_all && !s->fstab_file_given;
	/* no /etc/fstab (a container): -p mounts are checked without it */
	if (system_fstab && access(s->fstab_file, F_OK) != 0)
		return;
	ms_step("reading %s", s->fstab_file);
	/*
	 * -p alone only compares with the system's fstab: a line there that
	 * cannot be parsed is skipped, as mount(8) does, instead of making
	 * every check UNKNOWN. --fstab and --fstab-file still insist.
	 */
	bool ok = system_fstab
		? ms_fstab_read_lenient(s->fstab_file, &run->fstab, &err)
		: ms_fstab_read(s->fstab_file, &run->fstab, &err);
	if (!ok)
		ms_die(MS_UNKNOWN, "%s (give a readable --fstab-file)", ms_buf_str(&err));
}

/* An fstab entry that --fstab checks: a real mount point, not noauto, of a wanted type. */
static bool fstab_entry_wanted(const struct settings *s, const struct ms_fstab_entry *e)
{
	if (e->mount_point == NULL || strcmp(e->vfstype, "swap") == 0)
		return false;
	if (ms_opt_find(e->opts, "noauto", NULL))
		return false;
	if (s->types == NULL)
		return true;
	for (const char *p = e->vfstype; *p; p += strcspn(p, ","), p += (*p == ',')) {
		char type[64];
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(type))
			continue;
		memcpy(type, p, len);
		type[len] = '\0';
		if (ms_type_in_list(type, s->types))
			return true;
	}
	return false;
}

static void resolve_mount(struct target *t, const struct ms_mount_table *mounts)
{
	t->mount = ms_mount_at(mounts, t->path);
	t->idle_autofs = t->mount && ms_mount_is_idle_autofs(mounts, t->mount);
	if (t->mount)
		return;
	/* an indirect automount: the path appears below the autofs mount when used */
	const struct ms_mount *parent = ms_mount_containing(mounts, t->path);
	if (parent && strcmp(parent->fstype, "autofs") == 0) {
		t->mount = parent;
		t->idle_autofs = true;
	}
}

static void collect_targets(const struct settings *s, struct run *run)
{
	for (size_t i = 0; i < s->npaths; i++)
		add_target(run, s->paths[i]);
	for (size_t i = 0; s->fstab_all && i < run->fstab.n; i++) {
		const struct ms_fstab_entry *e = &run->fstab.entries[i];
		if (fstab_entry_wanted(s, e))
			add_target(run, e->mount_point);
	}
	if (run->ntargets == 0)
		ms_die(MS_UNKNOWN, "%s lists no mount point to check%s%s (check the file "
		       "or --type)", s->fstab_file, s->types ? " of type " : "",
		       s->types ? s->types : "");
	for (size_t i = 0; i < run->ntargets; i++) {
		struct target *t = &run->targets[i];
		t->fstab = ms_fstab_find(&run->fstab, t->path);
		resolve_mount(t, &run->mounts);
	}
}

/* ------------------------------------------------------------------ */
/* probe: what may hang runs in a child                                */

/*
 * Runs in a probe child for a path that is not mounted: what is there?
 * Answers "ERRNO KIND" (KIND: d directory, f regular file, l symlink, o other).
 */
static int exists_child(void *arg, int fd)
{
	struct stat st;
	char answer[32];
	int e = lstat(arg, &st) == 0 ? 0 : errno;
	char kind = e ? '-' : S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f'
		  : S_ISLNK(st.st_mode) ? 'l' : 'o';
	int n = snprintf(answer, sizeof(answer), "%d %c\n", e, kind);

	return write(fd, answer, (size_t)n) == n ? 0 : 1;
}

/* Runs in the probe child; its reports through fd are all the parent learns. */
static int probe_child(void *arg, int fd)
{
	struct ms_mount_report report;

	ms_mount_probe_run(arg, fd, &report);
	return 0;
}

static bool wants_probe(const struct settings *s, const struct target *t)
{
	return t->mount && !(t->idle_autofs && s->autofs_idle_ok);
}

/* Opens --state-dir; without it the run goes on, but cannot remember stuck probes. */
static void open_state_dir(const struct settings *s, struct run *run)
{
	ms_step("opening the state directory %s", s->state_dir);
	run->state_fd = ms_statedir_open(s->state_dir, &run->state_error);
}

/* A probe of an earlier run that is still stuck: report it, do not add another. */
static void recall_lingering(struct run *run, struct target *t)
{
	struct ms_proc_info pi;

	if (run->state_fd < 0 || !ms_linger_load(run->state_fd, t->path, &t->linger))
		return;
	/* the same PID and start time: that process, not a later one with its PID */
	if (ms_proc_read("/proc", t->linger.pid, &pi) &&
	    pi.start_ticks == t->linger.start_ticks && pi.state != 'Z') {
		t->lingering = true;
		t->stuck = pi;
		t->has_stuck = true;
		return;
	}
	ms_linger_forget(run->state_fd, t->path);
	ms_linger_free(&t->linger);
}

/*
 * The kernel state of probes that did not answer. Right after SIGKILL a
 * probe may still be running on its way back into an uninterruptible wait
 * (FUSE, NFS): give them all a moment, together, to settle. (Where the
 * kernel never shows wait channels, that moment is spent in vain, but
 * only when a probe is stuck, and at most SETTLE_MS.)
 */
static void read_stuck_states(struct run *run)
{
	int64_t until = ms_now_ms() + SETTLE_MS;
	int64_t latest = ms_deadline_at() - OUTPUT_RESERVE_MS;

	if (until > latest)
		until = latest; /* the verdict must still be written before -t */

	for (;;) {
		bool running = false;
		for (size_t i = 0; i < run->ntargets; i++) {
			struct target *t = &run->targets[i];
			if (!t->probed || t->probe.state != MS_PROBE_TIMED_OUT)
				continue;
			t->has_stuck = ms_proc_read("/proc", t->probe.pid, &t->stuck) &&
				       t->stuck.state != 'Z';
			/* on its way into the wait, or in it with the channel not shown yet */
			running |= t->has_stuck && (t->stuck.state == 'R' ||
						    (t->stuck.state == 'D' && !t->stuck.wchan[0]));
		}
		if (!running || ms_now_ms() >= until)
			return;
		usleep(5000);
	}
}

/* A probe that did not answer: remember it, so the next run does not add another. */
static void remember_stuck(struct run *run, struct target *t)
{
	struct ms_buf err = MS_BUF_INIT;

	if (!t->has_stuck || run->state_fd < 0)
		return;
	struct ms_linger l = {
		.pid = t->probe.pid,
		.start_ticks = t->stuck.start_ticks,
		.since = (long long)time(NULL) -
			 (ms_now_ms() - t->probe.started_ms) / 1000,
		.path = t->path,
	};
	snprintf(l.step, sizeof(l.step), "%s", t->has_report ? t->report.doing : "starting");
	if (!ms_linger_save(run->state_fd, &l, &err)) {
		ms_buf_reset(&run->state_error);	/* the last one is said */
		ms_buf_printf(&run->state_error, "cannot remember the stuck probe of %s: %s",
			      t->path, ms_buf_str(&err));
		ms_buf_free(&err);
	}
}

/* Each running probe holds a pipe: let a long fstab use what the hard limit allows. */
static void raise_fd_limit(size_t probes)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
	    rl.rlim_cur < (rlim_t)probes + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void probe_all(const struct settings *s, struct run *run)
{
	struct ms_probe *probes = ms_xcalloc(run->ntargets, sizeof(*probes));
	struct ms_mount_job *jobs = ms_xcalloc(run->ntargets, sizeof(*jobs));
	struct ms_buf err = MS_BUF_INIT;
	size_t n = 0;

	raise_fd_limit(run->ntargets);
	for (size_t i = 0; i < run->ntargets; i++) {
		struct target *t = &run->targets[i];
		if (!wants_probe(s, t))
			continue;
		recall_lingering(run, t);
		if (t->lingering)
			continue;
		jobs[n] = (struct ms_mount_job){
			.path = t->path, .trigger_automount = t->idle_autofs,
			.sentinel = s->sentinel, .sentinel_content = s->sentinel_content,
			.write_test = s->write_test, .write_subdir = s->write_subdir };
		if (!ms_probe_start(&probes[n], probe_child, &jobs[n], &err))
			t->probe_error = ms_buf_steal(&err);
		n++;
	}
	/*
	 * A path that is not mounted: is there a directory underneath at all?
	 * Asked in a child too (its parent may be a hung mount).
	 */
	size_t nall = n;
	for (size_t i = 0; i < run->ntargets; i++)
		if (!run->targets[i].mount)	/* one that cannot start knows nothing */
			ms_probe_start(&probes[nall++], exists_child, run->targets[i].path, &err);
	ms_buf_free(&err);
	ms_step("waiting for the probes of %zu mount%s (statfs, stat%s%s)", n,
		n == 1 ? "" : "s", s->sentinel ? ", sentinel" : "",
		s->write_test ? ", write test" : "");
	ms_probe_wait(probes, nall, ms_deadline_within((int64_t)(s->probe_timeout * 1000)));
	for (size_t i = 0, k = n; i < run->ntargets; i++) {
		struct target *t = &run->targets[i];
		if (t->mount)
			continue;
		struct ms_probe *p = &probes[k++];
		int e = 0;
		char kind = 0;
		if (p->state == MS_PROBE_DONE && p->answer.len &&
		    sscanf(ms_buf_str(&p->answer), "%d %c", &e, &kind) == 2 && e == 0)
			t->kind = kind;
		t->missing = e == ENOENT || e == ENOTDIR;
		ms_probe_free(p);
	}
	ms_step("reading what the probes found");
	n = 0;
	for (size_t i = 0; i < run->ntargets; i++) {
		struct target *t = &run->targets[i];
		if (!wants_probe(s, t) || t->lingering)
			continue;
		t->probed = true;
		t->probe = probes[n++];
		t->has_report = ms_mount_report_last(t->probe.answer.data, t->probe.answer.len,
						     &t->report);
	}
	read_stuck_states(run);
	for (size_t i = 0; i < run->ntargets; i++)
		if (run->targets[i].probed && run->targets[i].probe.state == MS_PROBE_TIMED_OUT)
			remember_stuck(run, &run->targets[i]);
	free(probes);
	free(jobs);
}

/* Automounts triggered by the probes are mounts now: see what they are. */
static void reresolve_automounts(struct run *run)
{
	struct ms_buf err = MS_BUF_INIT;
	bool any = false;

	for (size_t i = 0; i < run->ntargets; i++)
		any |= run->targets[i].probed && run->targets[i].idle_autofs;
	if (!any)
		return;
	ms_step("reading %s again after the automounts", MOUNTINFO);
	if (!ms_mountinfo_read(MOUNTINFO, &run->remounts, &err))
		ms_die(MS_UNKNOWN, "%s (is /proc mounted?)", ms_buf_str(&err));
	for (size_t i = 0; i < run->ntargets; i++) {
		struct target *t = &run->targets[i];
		if (t->probed && t->idle_autofs)
			resolve_mount(t, &run->remounts);
	}
}

/* ------------------------------------------------------------------ */
/* verdict                                                             */

static void flag(struct target *t, enum ms_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void flag(struct target *t, enum ms_state state, const char *fmt, ...)
{
	va_list ap;

	if (t->problems.len)
		ms_buf_puts(&t->problems, "; ");
	va_start(ap, fmt);
	ms_buf_vprintf(&t->problems, fmt, ap);
	va_end(ap);
	t->state = ms_state_worst(t->state, state);
}

static void detail(struct target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void detail(struct target *t, const char *fmt, ...)
{
	va_list ap;

	if (t->details.len)
		ms_buf_puts(&t->details, ", ");
	va_start(ap, fmt);
	ms_buf_vprintf(&t->details, fmt, ap);
	va_end(ap);
}

static void judge_identity(const struct settings *s, struct target *t)
{
	const struct ms_mount *m = t->mount;
	const struct ms_fstab_entry *e = t->fstab;

	if (s->fstype && !ms_fstype_matches(m->fstype, s->fstype))
		flag(t, MS_CRITICAL, "is %s, expected %s", m->fstype, s->fstype);
	if (s->source && !ms_source_matches(m->source, s->source))
		flag(t, MS_CRITICAL, "mounted from %s, expected %s", m->source, s->source);
	/* a bind mount shows the device it came from, not fstab's directory */
	if (e == NULL || ms_opt_find(e->opts, "bind", NULL) || ms_opt_find(e->opts, "rbind", NULL))
		return;
	if (!ms_fstype_matches(m->fstype, e->vfstype))
		flag(t, MS_CRITICAL, "is %s, fstab line %d says %s", m->fstype, e->line,
		     e->vfstype);
	if (!ms_source_matches(m->source, e->spec))
		flag(t, MS_CRITICAL, "mounted from %s, fstab line %d says %s", m->source,
		     e->line, e->spec);
}

/*
 * The superblock options decide: errors=remount-ro turns the whole
 * filesystem read-only while the per-mount flags may still say rw. Newer
 * kernels keep "rw" there too and add "emergency_ro" (ext4 after errors).
 */
static void judge_writable(const struct settings *s, struct target *t)
{
	bool expect_rw = s->rw || (t->fstab && !ms_opt_find(t->fstab->opts, "ro", NULL));
	bool emergency_ro = ms_opt_find(t->mount->super_opts, "emergency_ro", NULL);
	bool super_ro = ms_opt_find(t->mount->super_opts, "ro", NULL);
	bool mount_ro = ms_opt_find(t->mount->mount_opts, "ro", NULL);

	if (!emergency_ro && !super_ro && !mount_ro) {
		detail(t, "rw");
		return;
	}
	if (!expect_rw) {
		detail(t, "ro");
		return;
	}
	if (emergency_ro)
		flag(t, MS_CRITICAL, "read-only: the filesystem went read-only after errors "
		     "(emergency_ro)");
	else if (super_ro)
		flag(t, MS_CRITICAL, "read-only: the filesystem itself is read-only (remounted "
		     "read-only after errors?)");
	else
		flag(t, MS_CRITICAL, "read-only: mounted read-only");
}

static void judge_fs_errors(struct target *t)
{
	struct ms_fs_errors e;
	char when[64] = "an unrecorded time";

	if (!ms_fs_errors_read("/sys", t->mount->fstype, t->mount->major, t->mount->minor, &e) ||
	    e.count == 0)
		return;
	if (e.last_time > 0) {
		time_t tt = (time_t)e.last_time;
		struct tm tm;
		if (gmtime_r(&tt, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	flag(t, MS_WARNING, "%s recorded %llu error%s, the last at %s (run fsck)",
	     t->mount->fstype, e.count, e.count == 1 ? "" : "s", when);
}

/*
 * "probe PID 123 left behind, state D, wchan request_wait_answer", or
 * "probe PID 123 stopped" when SIGKILL got it out (a killable wait).
 */
static void describe_stuck(struct ms_buf *b, const struct target *t, pid_t pid)
{
	if (!t->has_stuck) {
		ms_buf_printf(b, "probe PID %ld stopped", (long)pid);
		return;
	}
	ms_buf_printf(b, "probe PID %ld left behind, state %c", (long)pid, t->stuck.state);
	if (t->stuck.wchan[0])
		ms_buf_printf(b, ", wchan %s", t->stuck.wchan);
}

static void judge_lingering(struct target *t)
{
	struct ms_buf b = MS_BUF_INIT;
	char age[32];
	long long secs = (long long)time(NULL) - t->linger.since;

	describe_stuck(&b, t, t->linger.pid);
	ms_duration_format(age, sizeof(age), secs > 0 ? (double)secs : 0);
	flag(t, MS_CRITICAL, "still not responding: a probe started %s ago is stuck in %s "
	     "(%s); not probing again until it ends", age, t->linger.step, ms_buf_str(&b));
	ms_buf_free(&b);
}

/* A user's or group's name, or its number when the system has no name for it. */
static const char *user_name(char *buf, size_t size, unsigned long uid)
{
	struct passwd *pw = getpwuid((uid_t)uid);

	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "%lu", uid);
	return buf;
}

static const char *group_name(char *buf, size_t size, unsigned long gid)
{
	struct group *gr = getgrgid((gid_t)gid);

	if (gr)
		snprintf(buf, size, "%s", gr->gr_name);
	else
		snprintf(buf, size, "%lu", gid);
	return buf;
}

/* "search (x)", "write and search (wx)": what the letters grant on a directory or a file. */
static void permission_words(struct ms_buf *b, const char *letters, bool dir)
{
	for (const char *l = letters; *l; l++) {
		if (l != letters)
			ms_buf_puts(b, l[1] ? ", " : " and ");
		ms_buf_puts(b, *l == 'r' ? "read" : *l == 'w' ? "write" : dir ? "search" : "execute");
	}
	ms_buf_printf(b, " (%s)", letters);
}

/*
 * A step the probe was refused for want of permission: the plugin's
 * trouble, not the storage's (UNKNOWN), with the path that refuses, the
 * user, and what to change.
 */
static void judge_denied(struct target *t)
{
	const struct ms_mount_denied *d = &t->report.denied;
	char me[64], owner[64], group[64];
	struct ms_buf b = MS_BUF_INIT;

	user_name(me, sizeof(me), (unsigned long)geteuid());
	ms_buf_printf(&b, "%s by user %s: ", d->what, me);
	if (!d->has_stat) {
		ms_buf_printf(&b, "permission denied on %s", d->path);
	} else {
		ms_buf_printf(&b, "%s is mode %04o, owner %s, group %s, ", d->path, d->mode & 07777,
			      user_name(owner, sizeof(owner), d->uid),
			      group_name(group, sizeof(group), d->gid));
		if (d->missing[0]) {
			ms_buf_printf(&b, "which gives %s no ", me);
			permission_words(&b, d->missing, S_ISDIR(d->mode));
			ms_buf_printf(&b, " permission: grant it (setfacl -m u:%s:%s %s) or run the "
				      "check as a user who may", me, d->missing, d->path);
		} else {
			ms_buf_puts(&b, "which allows it: an ACL, SELinux or AppArmor refuses it");
		}
	}
	flag(t, MS_UNKNOWN, "%s", ms_buf_str(&b));
	ms_buf_free(&b);
}

static void judge_probe(struct target *t)
{
	struct ms_buf b = MS_BUF_INIT;

	switch (t->probe.state) {
	case MS_PROBE_TIMED_OUT:
		describe_stuck(&b, t, t->probe.pid);
		flag(t, MS_CRITICAL, "not responding after %.1fs (%s did not return; %s)",
		     (double)(t->probe.ended_ms - t->probe.started_ms) / 1000.0,
		     t->has_report && t->report.doing[0] ? t->report.doing : "the probe",
		     ms_buf_str(&b));
		break;
	case MS_PROBE_FAILED:
		if (t->probe_error != NULL)
			flag(t, MS_UNKNOWN, "could not probe: %s", t->probe_error);
		else
			flag(t, MS_UNKNOWN, "could not probe: probe killed by signal %d",
			     t->probe.term_signal);
		break;
	case MS_PROBE_DONE:
		if (!t->has_report || t->report.doing[0])
			flag(t, MS_UNKNOWN, "the probe ended without a report");
		else if (t->report.problem[0])
			flag(t, MS_CRITICAL, "%s", t->report.problem);
		break;
	case MS_PROBE_RUNNING:
		break;
	}
	if (t->has_report && t->report.denied.what[0])
		judge_denied(t);
	if (t->has_report && t->report.has_counts)
		detail(t, "answered in %.2f ms", t->report.latency * 1000);
	if (t->has_report && t->report.wrote)
		detail(t, "write test %.2f ms", t->report.write_seconds * 1000);
	ms_buf_free(&b);
}

/* 1.5 GiB, 512 MiB, 12 KiB: for status text only. */
static const char *human_bytes(char *buf, size_t size, double v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

static void judge_space(const struct settings *s, struct target *t, const struct ms_space *sp)
{
	char avail[32], cap[32], limit[32];

	human_bytes(avail, sizeof(avail), sp->avail);
	human_bytes(cap, sizeof(cap), sp->capacity);
	const struct ms_space_limit *hit =
		ms_space_limit_crossed(&s->free_crit, sp->avail, sp->capacity) ? &s->free_crit :
		ms_space_limit_crossed(&s->free_warn, sp->avail, sp->capacity) ? &s->free_warn : NULL;
	if (hit) {
		human_bytes(limit, sizeof(limit), ms_space_limit_amount(hit, sp->capacity));
		flag(t, hit == &s->free_crit ? MS_CRITICAL : MS_WARNING,
		     "%s free of %s (%g%% used), below %s", avail, cap, sp->used_pct, limit);
	} else {
		detail(t, "%g%% used, %s free of %s", sp->used_pct, avail, cap);
	}
	if (sp->files == 0)
		return; /* no inode counts (btrfs, vfat, ...) */
	hit = ms_space_limit_crossed(&s->inode_crit, sp->files_free, sp->files) ? &s->inode_crit :
	      ms_space_limit_crossed(&s->inode_warn, sp->files_free, sp->files) ? &s->inode_warn : NULL;
	if (hit)
		flag(t, hit == &s->inode_crit ? MS_CRITICAL : MS_WARNING,
		     "%.0f inodes free of %.0f, below %.0f", sp->files_free, sp->files,
		     ms_space_limit_amount(hit, sp->files));
}

static void judge(const struct settings *s, struct target *t)
{
	struct ms_space sp;

	t->state = MS_OK;
	if (t->mount == NULL && t->missing) {
		flag(t, MS_CRITICAL, "does not exist (not mounted, and no directory there)");
		return;
	}
	if (t->mount == NULL && t->kind && t->kind != 'd') {
		/* not a mount point that has gone: -p names the wrong thing */
		flag(t, MS_UNKNOWN, "is %s, not a mount point: give -p the directory the storage "
		     "is mounted on, as /proc/self/mountinfo lists it",
		     t->kind == 'f' ? "a regular file" : t->kind == 'l' ? "a symlink" :
		     "neither a directory nor a file");
		return;
	}
	if (t->mount == NULL) {
		flag(t, MS_CRITICAL, "not mounted (the directory underneath is what users "
		     "would see)");
		return;
	}
	if (t->idle_autofs && !t->probed && !t->lingering) {
		detail(t, "idle automount, not triggered");
		return;
	}
	detail(t, "%s from %s", t->mount->fstype, t->mount->source);
	judge_identity(s, t);
	judge_writable(s, t);
	judge_fs_errors(t);
	if (t->lingering)
		judge_lingering(t);
	else if (t->probed)
		judge_probe(t);
	if (t->has_report && t->report.has_counts && ms_space_compute(&t->report.counts, &sp))
		judge_space(s, t, &sp);
}

/* ------------------------------------------------------------------ */
/* output                                                              */

/* "N" (alert above N) or "N:" (alert below N); a limit beyond the capacity is 0. */
static void perf_range(struct ms_range *r, double v, bool lower)
{
	char num[MS_NUMBER_MAX], text[MS_NUMBER_MAX + 2];
	struct ms_buf err = MS_BUF_INIT;	/* a number always parses */

	snprintf(text, sizeof(text), lower ? "%s:" : "%s",
		 ms_format_number(num, v > 0 ? floor(v) : 0));
	ms_range_parse(text, MS_RANGE_PLAIN, r, &err);
	ms_buf_free(&err);
}

static void add_perf(struct ms_result *r, const char *path, const char *what, double value,
		     const char *uom, const struct ms_range *warn, const struct ms_range *crit,
		     bool has_max, double max)
{
	struct ms_buf label = MS_BUF_INIT;

	ms_buf_printf(&label, "%s_%s", path, what);
	ms_result_perf(r, &(struct ms_perf){
		.label = ms_buf_str(&label), .value = value, .uom = uom, .warn = warn,
		.crit = crit, .has_min = true, .min = 0, .has_max = has_max, .max = max });
	ms_buf_free(&label);
}

/*
 * Used bytes with the free-space limits turned into used-bytes thresholds
 * (free below X is used above capacity - X), free inodes with "N:".
 */
static void space_perf(struct ms_result *r, const struct settings *s, const struct target *t,
		       const struct ms_space *sp)
{
	struct ms_range w, c;
	const struct ms_space_limit *fw = &s->free_warn, *fc = &s->free_crit;

	if (fw->set)
		perf_range(&w, sp->capacity - ms_space_limit_amount(fw, sp->capacity), false);
	if (fc->set)
		perf_range(&c, sp->capacity - ms_space_limit_amount(fc, sp->capacity), false);
	add_perf(r, t->path, "used", sp->used, "B", fw->set ? &w : NULL, fc->set ? &c : NULL,
		 true, sp->capacity);
	add_perf(r, t->path, "used_pct", sp->used_pct, "%", NULL, NULL, true, 100);
	if (sp->files == 0)
		return;
	const struct ms_space_limit *iw = &s->inode_warn, *ic = &s->inode_crit;
	if (iw->set)
		perf_range(&w, ms_space_limit_amount(iw, sp->files), true);
	if (ic->set)
		perf_range(&c, ms_space_limit_amount(ic, sp->files), true);
	add_perf(r, t->path, "inodes_free", sp->files_free, "", iw->set ? &w : NULL,
		 ic->set ? &c : NULL, true, sp->files);
}

/* Seconds to the microsecond: more digits would be clock noise. */
static double microseconds(double seconds)
{
	return round(seconds * 1e6) / 1e6;
}

static void target_perf(struct ms_result *r, const struct settings *s, const struct target *t)
{
	struct ms_space sp;
	struct ms_range probe_crit;

	if (!t->has_report)
		return;
	if (t->report.has_counts && ms_space_compute(&t->report.counts, &sp))
		space_perf(r, s, t, &sp);
	if (t->report.has_counts) {
		char num[MS_NUMBER_MAX];
		struct ms_buf err = MS_BUF_INIT;	/* a number always parses */
		ms_range_parse(ms_format_number(num, s->probe_timeout), MS_RANGE_PLAIN,
			       &probe_crit, &err);
		ms_buf_free(&err);
		add_perf(r, t->path, "latency", microseconds(t->report.latency), "s", NULL,
			 &probe_crit, false, 0);
	}
	if (t->report.wrote)
		add_perf(r, t->path, "write", microseconds(t->report.write_seconds), "s", NULL,
			 NULL, false, 0);
}

static int state_rank(enum ms_state s)
{
	return s == MS_CRITICAL ? 0 : s == MS_WARNING ? 1 : s == MS_UNKNOWN ? 2 : 3;
}

/* Failing mounts first, worst first; otherwise in the order given. */
static int by_state(const void *a, const void *b)
{
	const struct target *x = *(const struct target *const *)a;
	const struct target *y = *(const struct target *const *)b;
	int d = state_rank(x->state) - state_rank(y->state);

	return d ? d : (x < y ? -1 : x > y);
}

/* The failing mounts, worst first, then how many are OK. */
static void summarize(struct ms_result *r, struct target **sorted, size_t n, size_t ok)
{
	struct ms_buf b = MS_BUF_INIT;
	size_t shown = 0;

	for (size_t i = 0; i < n && sorted[i]->state != MS_OK; i++) {
		if (shown == SUMMARY_FAILURES) {
			ms_buf_printf(&b, "; %zu more failing", n - ok - shown);
			break;
		}
		ms_buf_printf(&b, "%s%s %s", shown ? "; " : "", sorted[i]->path,
			      ms_buf_str(&sorted[i]->problems));
		shown++;
	}
	if (ok == n && n == 1)
		ms_buf_printf(&b, "%s: %s", sorted[0]->path, ms_buf_str(&sorted[0]->details));
	else if (ok == n)
		ms_buf_printf(&b, "%zu mounts OK", n);
	else
		ms_buf_printf(&b, "; %zu of %zu mount%s OK", ok, n, n == 1 ? "" : "s");
	ms_result_summary(r, "%s", ms_buf_str(&b));
	ms_buf_free(&b);
}

static void report(const struct settings *s, struct run *run)
{
	struct ms_result *r = ms_result_new(plugin.label);
	struct target **sorted = ms_xcalloc(run->ntargets, sizeof(*sorted));
	size_t ok = 0;

	for (size_t i = 0; i < run->ntargets; i++) {
		sorted[i] = &run->targets[i];
		ok += run->targets[i].state == MS_OK;
	}
	qsort(sorted, run->ntargets, sizeof(*sorted), by_state);
	summarize(r, sorted, run->ntargets, ok);
	for (size_t i = 0; i < run->ntargets; i++) {
		const struct target *t = sorted[i];
		if (t->state == MS_OK)
			ms_result_add(r, MS_OK, "%s: %s", t->path, ms_buf_str(&t->details));
		else if (t->details.len)
			ms_result_add(r, t->state, "%s %s (%s)", t->path, ms_buf_str(&t->problems),
				      ms_buf_str(&t->details));
		else
			ms_result_add(r, t->state, "%s %s", t->path, ms_buf_str(&t->problems));
		if (ms_verbosity() > 0 && t->mount)
			ms_result_line(r, "%s: mount %d, %s %s, mount options %s, superblock %s",
				       t->path, t->mount->id, t->mount->fstype, t->mount->source,
				       t->mount->mount_opts, t->mount->super_opts);
	}
	/*
	 * The state directory only remembers stuck probes for later runs: a
	 * problem with it is said, but the mounts' verdict stays what it is.
	 */
	if (run->state_error.len > 0)
		ms_result_line(r, "%s; stuck probes are not remembered across runs",
			       ms_buf_str(&run->state_error));
	if (ms_verbosity() > 0)
		for (size_t i = 0; i < run->fstab.nskipped; i++)
			ms_result_line(r, "%s: line %d skipped (no device, mount point and type), "
				       "as mount(8) does", s->fstab_file, run->fstab.skipped[i]);
	for (size_t i = 0; i < run->ntargets; i++)
		target_perf(r, s, &run->targets[i]);
	free(sorted);
	ms_plugin_exit(r);
}

int main(int argc, char **argv)
{
	struct settings s = { .fstab_file = DEFAULT_FSTAB };
	struct run run = { .state_fd = -1 };
	char state_dir[64];

	snprintf(state_dir, sizeof(state_dir), "%s-%lu", DEFAULT_STATE_DIR,
		 (unsigned long)getuid());
	s.state_dir = state_dir;

	ms_plugin_init(&plugin, &argc, &argv);
	parse_options(argc, argv, &s);
	load_tables(&s, &run);
	collect_targets(&s, &run);
	open_state_dir(&s, &run);
	probe_all(&s, &run);
	reresolve_automounts(&run);
	ms_step("judging what was found");
	for (size_t i = 0; i < run.ntargets; i++)
		judge(&s, &run.targets[i]);
	report(&s, &run);
}
