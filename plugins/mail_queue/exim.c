/*
 * check_mail_queue: the Exim probe (see check_mail_queue.h). The spool
 * read in a child when it may be, else exim -bp.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_mail_queue.h"
#include "eximspool.h"
#include "lines.h"
#include "runcmd.h"
#include "xalloc.h"

static const char *exim_binary(void)
{
	return ms_cmd_in_path("exim4") ? "exim4" : "exim";
}

static char *exim_spool_dir(const struct settings *set)
{
	char *argv[] = { (char *)exim_binary(), "-bP", "spool_directory", NULL };
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	char *dir = NULL;

	if (set->queue_dir != NULL)
		return ms_xstrdup(set->queue_dir);
	/* "spool_directory = /var/spool/exim4"; the default when exim cannot say */
	if (ms_cmd_output(argv, &out, &err)) {
		const char *eq = strchr(ms_buf_str(&out), '=');
		if (eq != NULL && eq[1] == ' ' && eq[2] == '/')
			dir = ms_xstrdup(eq + 2);
	}
	ms_buf_free(&out);
	ms_buf_free(&err);
	return dir != NULL ? dir : ms_xstrdup("/var/spool/exim4");
}

struct bp_run {
	struct snapshot *s;
	uint64_t messages;
	uint64_t strange;	/* lines that are neither messages nor recipients */
};

static void bp_on_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct bp_run *run = arg;
	struct exim_bp_message m;

	if (!too_long && exim_parse_bp_line(line, len, &m)) {
		queue_add(&run->s->q[m.frozen ? EXIM_FROZEN : EXIM_QUEUED], m.size, m.arrival);
		run->messages++;
	} else if (len > 0 && line[0] != ' ') {
		run->strange++;	/* recipient lines are indented; this is not exim -bp */
	}
}

static bool run_exim_bp(struct snapshot *s, struct ms_buf *err)
{
	char *argv[] = { (char *)exim_binary(), "-bp", NULL };
	struct bp_run run = { .s = s };
	struct ms_cmd_result res;

	ms_step("running %s -bp", argv[0]);
	if (!ms_lines_run(argv, 1u << 20, bp_on_line, &run, &res, err))
		return false;
	/* An error or strange output with no message listed is no empty queue. */
	bool ok = res.exited && res.exit_status == 0 &&
		  (run.messages > 0 || (res.err.len == 0 && run.strange == 0));
	s->source = ms_xasprintf("%s -bp", argv[0]);
	if (!ok) {
		char *detail = run.strange == 0 ? NULL
			       : ms_xasprintf("%llu lines it printed are not understood",
					      (unsigned long long)run.strange);
		ms_cmd_failure(err, s->source, &res, detail);
		free(detail);
	}
	ms_cmd_result_free(&res);
	return ok;
}

/* What the spool child answers; the sentence why the scan failed follows. */
struct exim_answer {
	int scan_errno;		/* 0, or why the scan failed */
	struct exim_scan scan;
};

static int exim_spool_child(void *arg, int fd)
{
	struct exim_answer a;
	struct ms_buf why = MS_BUF_INIT;

	spool_privileges();
	a.scan_errno = exim_scan_spool(arg, &a.scan, &why);
	return answer_parent(fd, &a, sizeof(a), &why);
}

void probe_exim(const struct settings *set, struct snapshot *s)
{
	const char *spool = s->queue_dir = exim_spool_dir(set);
	struct ms_buf spool_err = MS_BUF_INIT, cmd_err = MS_BUF_INIT;
	struct exim_answer a;
	const struct exim_scan *scan = &a.scan;

	if (set->method != METHOD_COMMAND)
		check_exim_dir(set, spool);

	if (set->method != METHOD_COMMAND) {
		ms_step("reading the Exim spool in %s", spool);
		ask_probe(exim_spool_child, (void *)spool, &a, sizeof(a), &spool_err);
		if (a.scan_errno == 0) {
			s->q[EXIM_QUEUED].count = scan->queued;
			s->q[EXIM_QUEUED].has_oldest = scan->has_oldest_queued;
			s->q[EXIM_QUEUED].oldest = scan->oldest_queued;
			s->q[EXIM_FROZEN].count = scan->frozen;
			s->q[EXIM_FROZEN].has_oldest = scan->has_oldest_frozen;
			s->q[EXIM_FROZEN].oldest = scan->oldest_frozen;
			s->q[EXIM_QUEUED].bytes = scan->queued_bytes;
			s->q[EXIM_FROZEN].bytes = scan->frozen_bytes;
			s->damaged = scan->damaged;
			s->vanished = scan->vanished;
			s->corrupt_known = true;
			s->source = ms_xasprintf("the spool %s", spool);
			return;
		}
		if (set->method == METHOD_SPOOL || (a.scan_errno != EACCES && a.scan_errno != EPERM))
			ms_die(MS_UNKNOWN, "%s", ms_buf_str(&spool_err));
	}
	if (!run_exim_bp(s, &cmd_err))
		ms_die(MS_UNKNOWN, "%s%s%s; run the plugin as a user in Exim's group or with "
		       "cap_dac_read_search (see check_mail_queue(1))", ms_buf_str(&cmd_err),
		       spool_err.len ? "; and " : "", ms_buf_str(&spool_err));
	ms_buf_free(&spool_err);
}
