/*
 * check_mail_queue: the Postfix probe (see check_mail_queue.h). Where the
 * spool is (main.cf, postconf, postmulti), whether the master runs, the
 * spool read in a child, and postqueue -j for what the spool cannot say
 * or may not be read for.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_mail_queue.h"
#include "lines.h"
#include "pfconf.h"
#include "pfqscan.h"
#include "postqueue.h"
#include "runcmd.h"
#include "xalloc.h"

static char *postconf_value(const char *config_dir, const char *param);

/* The config directory of a postmulti instance: "NAME GROUP ENABLED DIR". */
static char *instance_config_dir(const char *instance)
{
	char *argv[] = { "postmulti", "-l", "-i", (char *)instance, NULL };
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	char name[256], dir[4096];

	if (!ms_cmd_output(argv, &out, &err))
		ms_die(MS_UNKNOWN, "cannot find the Postfix instance '%s': %s", instance,
		       ms_buf_str(&err));
	int fields = sscanf(ms_buf_str(&out), "%255s %*s %*s %4095s", name, dir);
	ms_buf_free(&out);
	if (fields != 2 || dir[0] != '/')
		ms_die(MS_UNKNOWN, "postmulti -l knows no Postfix instance '%s'", instance);
	return ms_xstrdup(dir);
}

/*
 * queue_directory without running postconf (8 MB, which would be most
 * of the plugin's memory): read from main.cf when it is set there to a
 * plain path, Postfix's built-in /var/spool/postfix when it is not set;
 * postconf only when main.cf refers to other parameters or is unreadable.
 */
static char *postfix_queue_dir(const char *config_dir)
{
	char path[4200], value[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/main.cf", config_dir != NULL ? config_dir : "/etc/postfix");
	ms_step("reading %s", path);
	int r = pfconf_lookup(path, "queue_directory", value, sizeof(value));
	if (r > 0 && value[0] == '/' && strchr(value, '$') == NULL)
		return ms_xstrdup(value);
	if (r == 0 && stat("/var/spool/postfix", &st) == 0 && S_ISDIR(st.st_mode))
		return ms_xstrdup("/var/spool/postfix");
	return postconf_value(config_dir, "queue_directory");
}

static char *postconf_value(const char *config_dir, const char *param)
{
	char *argv[6];
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	int n = 0;

	argv[n++] = "postconf";
	if (config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = (char *)config_dir;
	}
	argv[n++] = "-h";
	argv[n++] = (char *)param;
	argv[n] = NULL;
	if (!ms_cmd_output(argv, &out, &err) || out.len == 0) {
		const char *why = out.len == 0 && err.len == 0 ? "postconf printed nothing"
				  : ms_buf_str(&err);
		ms_buf_free(&out);
		ms_die(MS_UNKNOWN, "cannot read %s from the Postfix configuration: %s; "
		       "give the spool with --queue-dir", param, why);
	}
	return ms_buf_steal(&out);
}

enum master_state { MASTER_RUNNING, MASTER_NO_PID_FILE, MASTER_NOT_LOCKED, MASTER_BAD_PID,
		    MASTER_UNKNOWN };

/* The PID in master.pid: Postfix writes "%*lu\n" (spaces, digits, newline). */
static bool parse_master_pid(const char *buf, long *pid)
{
	char *end;

	errno = 0;
	*pid = strtol(buf, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	return end != buf && *end == '\0' && errno == 0 && *pid > 0 && *pid <= INT32_MAX;
}

/*
 * Is the Postfix master running? Reading the spool works just as well
 * when it is not, and an empty queue of a stopped server is no OK.
 *
 * Decided as `postfix status` decides it (postfix-script runs master -t,
 * which tries to lock pid/master.pid): the running master holds an
 * exclusive flock() on master.pid (open_lock(), INTERNAL_LOCK is flock on
 * Linux) for as long as it lives. The PID in the file is not proof: after
 * a crash or a reboot the PID may belong to another process by now. A
 * shared lock is tried (it cannot be had while the master holds its
 * exclusive one) and dropped at once; like master -t it could, for those
 * microseconds, make a master that is starting right then fail to lock.
 * Where flock() is refused (ENOLCK: some network filesystems), the PID is
 * probed with kill 0 as the last resort.
 */
static enum master_state postfix_master_state(const char *queue_dir, long *pid)
{
	char path[4200], buf[64];

	snprintf(path, sizeof(path), "%s/pid/master.pid", queue_dir);
	/* O_NONBLOCK: a FIFO planted there must not hang the open */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? MASTER_NO_PID_FILE : MASTER_UNKNOWN;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	bool pid_ok = parse_master_pid(buf, pid);
	int locked = flock(fd, LOCK_SH | LOCK_NB);
	int lock_errno = errno;
	close(fd);	/* drops the shared lock, if it was had */
	if (locked != 0 && lock_errno == EWOULDBLOCK)
		return MASTER_RUNNING;	/* the master holds its exclusive lock */
	if (!pid_ok)
		return MASTER_BAD_PID;
	if (locked == 0)
		return MASTER_NOT_LOCKED;
	/* no flock() here: kill 0 (EPERM means it exists) */
	return kill((pid_t)*pid, 0) != 0 && errno == ESRCH ? MASTER_NOT_LOCKED : MASTER_RUNNING;
}

struct spool_question {
	const char *queue_dir;
	struct pfq_scan_opts opts;	/* no queues: only the master's state */
};

struct spool_answer {
	bool no_spool;		/* queue_dir is no directory: nothing else was read */
	char missing[16];	/* a directory every Postfix spool has, not found there */
	enum master_state master;
	long master_pid;
	int scan_errno;		/* 0, or why the scan failed (the sentence follows) */
	struct pfq_scan scan;
};

/*
 * Is dir a Postfix spool? Postfix creates these directories there when
 * it is installed (postfix-files; hold, corrupt and others may wait for
 * its first start); a directory without one of them is some other
 * directory (--queue-dir=/var/spool), not a stopped mail system. The name
 * of the first one missing goes to missing. A directory that may not be
 * looked into is left to the scan, which says so.
 */
static bool looks_like_postfix_spool(const char *dir, char *missing, size_t size)
{
	static const char *const always[] = { "maildrop", "incoming", "active", "deferred", "pid" };
	char path[4200];
	struct stat sb;

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, always[i]);
		if (stat(path, &sb) == 0 ? !S_ISDIR(sb.st_mode) : errno == ENOENT || errno == ENOTDIR) {
			snprintf(missing, size, "%s", always[i]);
			return false;
		}
	}
	return true;
}

static int postfix_spool_child(void *arg, int fd)
{
	const struct spool_question *q = arg;
	struct spool_answer a;
	struct ms_buf why = MS_BUF_INIT;

	spool_privileges();
	memset(&a, 0, sizeof(a));
	struct stat sb;
	if (stat(q->queue_dir, &sb) != 0 ? errno == ENOENT || errno == ENOTDIR
					 : !S_ISDIR(sb.st_mode)) {
		a.no_spool = true;
		return answer_parent(fd, &a, sizeof(a), &why);
	}
	if (!looks_like_postfix_spool(q->queue_dir, a.missing, sizeof(a.missing)))
		return answer_parent(fd, &a, sizeof(a), &why);
	a.master = postfix_master_state(q->queue_dir, &a.master_pid);
	if (q->opts.queues != 0)
		a.scan_errno = pfq_scan(q->queue_dir, &q->opts, &a.scan, &why);
	return answer_parent(fd, &a, sizeof(a), &why);
}

static void note_master_state(struct snapshot *s, const struct spool_answer *a)
{
	if (a->master == MASTER_NO_PID_FILE) {
		s->mta_down = true;
		s->down_reason = ms_xasprintf("the Postfix mail system is down (no %s/pid/master.pid)",
					      s->queue_dir);
	} else if (a->master == MASTER_BAD_PID) {
		s->mta_down = true;
		s->down_reason = ms_xasprintf("the Postfix mail system is down (unreadable PID in "
					      "%s/pid/master.pid)", s->queue_dir);
	} else if (a->master == MASTER_NOT_LOCKED) {
		s->mta_down = true;
		s->down_reason = ms_xasprintf("the Postfix mail system is down (no master process "
					      "holds the lock on %s/pid/master.pid, which names PID %ld)",
					      s->queue_dir, a->master_pid);
	}	/* MASTER_UNKNOWN (unreadable): the queue method will say */
}

static void take_queue_stats(struct snapshot *s, const struct pfq_scan *scan)
{
	for (int i = 0; i < PFQ_NQUEUES; i++) {
		const struct pfq_queue_stats *st = &scan->q[i];
		s->q[i].count = st->count;
		s->q[i].bytes = st->bytes;
		s->q[i].has_oldest = st->has_oldest;
		s->q[i].oldest = st->oldest;
		s->damaged += st->damaged;
		s->in_progress += st->in_progress;
		s->records_read += st->records_read;
	}
	s->vanished = scan->vanished;
	s->reader = scan->reader;
	s->uring_errno = scan->uring_errno;
	s->spool_read = true;
	s->corrupt_known = true;
	s->source = ms_xasprintf("the spool %s", s->queue_dir);
}

/* When the oldest file in maildrop got there (see pfqscan.h). */
static void take_maildrop_entered(struct snapshot *s, const struct pfq_scan *scan)
{
	struct queue *md = &s->q[PFQ_MAILDROP];

	md->entered_known = true;
	md->has_entered = scan->q[PFQ_MAILDROP].has_oldest_ctime;
	md->entered = scan->q[PFQ_MAILDROP].oldest_ctime;
}

/*
 * Whether the master runs and what the spool's queues given by queues
 * hold: all of them, only maildrop (for the command method: when its
 * files got there, which postqueue -j does not say), or none. false when
 * the spool could not be read: err gets why, *err_errno its errno.
 */
static bool read_postfix_spool(struct snapshot *s, unsigned queues, struct ms_buf *err,
			       int *err_errno)
{
	struct spool_question q = { .queue_dir = s->queue_dir, .opts = { .queues = queues } };
	struct spool_answer a;

	ms_step(queues == PFQ_ALL_QUEUES ? "reading the Postfix queue in %s"
		: queues != 0 ? "reading %s/pid/master.pid and maildrop"
		: "reading %s/pid/master.pid", s->queue_dir);
	ask_probe(postfix_spool_child, &q, &a, sizeof(a), err);
	if (a.no_spool)
		ms_die(MS_UNKNOWN, "no Postfix spool at %s (check --queue-dir or queue_directory)",
		       s->queue_dir);
	if (a.missing[0] != '\0')
		ms_die(MS_UNKNOWN, "%s is not a Postfix spool (it has no %s directory); give "
		       "--queue-dir the queue_directory of the Postfix instance (postconf -h "
		       "queue_directory)", s->queue_dir, a.missing);
	note_master_state(s, &a);
	if (queues == 0)
		return true;
	if (a.scan_errno != 0) {
		*err_errno = a.scan_errno;
		return false;
	}
	if (queues == PFQ_ALL_QUEUES)
		take_queue_stats(s, &a.scan);
	take_maildrop_entered(s, &a.scan);
	return true;
}

/* What a postqueue -j run adds up, line by line. */
struct pq_run {
	struct snapshot *s;	/* its queues are filled when count is set */
	bool count;
	bool tally;		/* tally deferral reasons and domains here: */
	struct ms_tally reasons, domains;
	uint64_t bad_lines;
	struct ms_buf first_error;	/* what was wrong with the first of them */
	bool down;		/* postqueue says the mail system is down */
	bool direct;		/* and, as root, read the queue itself (showq was down) */
};

static void tally_recipients(struct pq_run *run, const struct pq_message *m)
{
	for (size_t i = 0; i < m->nrecipients; i++) {
		const char *address, *reason;
		pq_message_recipient(m, i, &address, &reason);
		if (reason != NULL)
			ms_tally_add(&run->reasons, reason, strlen(reason));
		if (address != NULL) {
			const char *at = strrchr(address, '@');
			const char *domain = at != NULL ? at + 1 : "(local)";
			ms_tally_add(&run->domains, domain, strlen(domain));
		}
	}
}

static void pq_on_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct pq_run *run = arg;
	struct pq_message m;
	struct ms_buf err = MS_BUF_INIT;

	if (len == 0)
		return;
	if (too_long || !pq_message_parse(line, len, &m, &err)) {
		if (run->bad_lines++ == 0)
			ms_buf_puts(&run->first_error,
				    too_long ? "a line longer than 64 MiB" : ms_buf_str(&err));
		ms_buf_free(&err);
		return;
	}
	int q = pfq_queue_parse(m.queue_name, strlen(m.queue_name));
	if (q < 0) {
		if (run->bad_lines++ == 0)
			ms_buf_puts(&run->first_error, "unknown queue");
	} else {
		if (run->count)
			queue_add(&run->s->q[q], (uint64_t)m.message_size, m.arrival_time);
		if (run->tally && q == PFQ_DEFERRED)
			tally_recipients(run, &m);
	}
	pq_message_free(&m);
}

#define PQ_MAX_LINE (64u << 20)

/* Runs postqueue -j; false with err set when it gives no usable answer. */
static bool run_postqueue(const char *config_dir, struct pq_run *run, struct ms_buf *err)
{
	char *argv[5];
	int n = 0;
	struct ms_cmd_result res;

	argv[n++] = "postqueue";
	if (config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = (char *)config_dir;
	}
	argv[n++] = "-j";
	argv[n] = NULL;
	ms_step("running postqueue -j");
	if (!ms_lines_run(argv, PQ_MAX_LINE, pq_on_line, run, &res, err))
		return false;
	/*
	 * Warnings about main.cf do not spoil the answer; an error does, and
	 * so does "mail system is down" unless postqueue goes on, as it does
	 * as root, with "accessing queue directly": it then runs showq itself,
	 * which lists the spool as it is (the caller reports the mail system
	 * down, and those counts).
	 */
	const char *err_text = res.err.data != NULL ? res.err.data : "";
	run->down = strstr(err_text, "ail system is down") != NULL;
	run->direct = run->down && strstr(err_text, "accessing queue directly") != NULL;
	bool ok = res.exited && res.exit_status == 0 && run->bad_lines == 0 &&
		  strstr(err_text, "fatal:") == NULL && (!run->down || run->direct);
	if (!ok) {
		char *detail = run->bad_lines == 0 ? NULL
			       : ms_xasprintf("%llu lines it printed are not understood (%s)",
					      (unsigned long long)run->bad_lines,
					      ms_buf_str(&run->first_error));
		ms_cmd_failure(err, "postqueue -j", &res, detail);
		free(detail);
	}
	ms_cmd_result_free(&res);
	return ok;
}

/*
 * The spool. true when it was read; false when it may not be read and
 * postqueue should answer instead; any other failure ends the run.
 */
static bool spool_pass(const struct settings *set, struct snapshot *s, struct ms_buf *err)
{
	int err_errno = 0;

	if (read_postfix_spool(s, PFQ_ALL_QUEUES, err, &err_errno))
		return true;
	if (s->mta_down)
		ms_die(set->down_state, "%s; %s", s->down_reason, ms_buf_str(err));
	if (set->method == METHOD_SPOOL || (err_errno != EACCES && err_errno != EPERM))
		ms_die(MS_UNKNOWN, "%s%s", ms_buf_str(err), err_errno == EACCES ?
		       "; run the plugin with read access to the Postfix spool (see "
		       "check_mail_queue(1): cap_dac_read_search) or use --method=command" : "");
	return false;
}

/*
 * postqueue -j: the counts when count is set (the spool was not read),
 * the deferral reasons and domains when tally is set. A failure ends the
 * run when the counts depended on it; else it is noted for -v.
 */
static void postqueue_pass(const struct settings *set, struct snapshot *s, bool count,
			   bool tally, const char *spool_err)
{
	struct pq_run run = { .s = s, .count = count, .tally = tally };
	struct ms_buf err = MS_BUF_INIT;

	if (tally) {
		ms_tally_init(&run.reasons, 1000);
		ms_tally_init(&run.domains, 5000);
	}
	bool ok = run_postqueue(s->config_dir, &run, &err);
	ms_buf_free(&run.first_error);
	/* What postqueue says when the master is not running. */
	if (((!ok && run.down) || run.direct) && !s->mta_down) {
		s->mta_down = true;
		s->down_reason = ms_xstrdup("the Postfix mail system is down "
					    "(postqueue cannot reach showq)");
	}
	if (tally && ok) {
		s->reasons = run.reasons;
		s->domains = run.domains;
		s->has_details = true;
	} else if (tally) {
		ms_tally_free(&run.reasons);
		ms_tally_free(&run.domains);
	}
	if (!ok && count && s->mta_down)
		ms_die(set->down_state, "%s; %s", s->down_reason, ms_buf_str(&err));
	if (!ok && count)
		ms_die(MS_UNKNOWN, "%s%s%s; let the plugin read the spool (check_mail_queue(1) "
		       "says how), or allow its user to run postqueue", ms_buf_str(&err),
		       spool_err[0] ? "; and the spool: " : "", spool_err);
	if (!ok)
		s->details_error = ms_buf_steal(&err);
	else if (count)
		s->source = ms_xasprintf("postqueue -j%s%s", spool_err[0] ?
					 " (the spool is not readable)" : "", run.direct ?
					 " (read the queue directly: the mail system is down)" : "");
}

/*
 * The probe for Postfix: the spool when allowed and readable, else
 * postqueue -j; postqueue -j also for the deferral reasons and domains
 * that -v and --domain-* want.
 */
void probe_postfix(const struct settings *set, struct snapshot *s)
{
	struct ms_buf spool_err = MS_BUF_INIT, ignored = MS_BUF_INIT;
	bool want_details = ms_verbosity() > 0 || set->domain.has_warning ||
			    set->domain.has_critical;

	s->config_dir = set->instance != NULL ? instance_config_dir(set->instance)
			: set->config_dir != NULL ? ms_xstrdup(set->config_dir) : NULL;
	check_postfix_config_dir(set, s);
	s->queue_dir = set->queue_dir != NULL ? ms_xstrdup(set->queue_dir)
		       : postfix_queue_dir(s->config_dir);
	check_postfix_queue_dir(set, s);
	bool counted = false;
	int ignored_errno;
	if (set->method == METHOD_COMMAND)	/* the master, and maildrop if it may be read */
		read_postfix_spool(s, 1u << PFQ_MAILDROP, &ignored, &ignored_errno);
	else
		counted = spool_pass(set, s, &spool_err);
	if (!counted || want_details)
		postqueue_pass(set, s, !counted, want_details, ms_buf_str(&spool_err));
	ms_buf_free(&spool_err);
	ms_buf_free(&ignored);
}
