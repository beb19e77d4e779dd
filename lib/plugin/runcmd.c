/*
 * runcmd: run a program with a deadline. See runcmd.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "runcmd.h"
#include "text.h"

#define DEFAULT_MAX_OUTPUT (16u << 20)

void ms_cmd_result_free(struct ms_cmd_result *res)
{
	ms_buf_free(&res->out);
	ms_buf_free(&res->err);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: wire up the pipes and exec; reports errno on the status pipe. */
static _Noreturn void exec_child(char *const argv[], const struct ms_cmd_opts *opts,
				 int in, int out, int err, int status)
{
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		goto fail;
	for (char *const *e = opts->env_add; e && *e; e++)
		if (putenv(*e) != 0)
			goto fail;
	execvp(argv[0], argv);
fail:;
	int e = errno;
	ssize_t rc = write(status, &e, sizeof(e));
	(void)rc;
	_exit(127);
}

struct stream {
	int fd;
	struct ms_buf *buf;
	bool *truncated;
	bool to_callback;
};

/* Reads what is there from s; returns false at EOF or error. */
static bool drain(struct stream *s, const struct ms_cmd_opts *opts, size_t max)
{
	char chunk[65536];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (s->to_callback) {
		opts->on_stdout(opts->on_stdout_arg, chunk, (size_t)n);
		return true;
	}
	size_t room = s->buf->len < max ? max - s->buf->len : 0;
	if ((size_t)n > room)
		*s->truncated = true;
	ms_buf_add(s->buf, chunk, (size_t)n > room ? room : (size_t)n);
	return true;
}

/* Feeds input to the child and collects its output until EOF or deadline. */
static bool pump(int in, int out, int err, const struct ms_cmd_opts *opts,
		 struct ms_cmd_result *res, int64_t deadline)
{
	size_t max = opts->max_output ? opts->max_output : DEFAULT_MAX_OUTPUT;
	struct stream streams[2] = {
		{ out, &res->out, &res->out_truncated, opts->on_stdout != NULL },
		{ err, &res->err, &res->err_truncated, false },
	};
	size_t written = 0;

	while (streams[0].fd >= 0 || streams[1].fd >= 0) {
		struct pollfd pfd[3];
		int64_t left = deadline - ms_now_ms();
		if (left <= 0)
			return false;
		for (int i = 0; i < 2; i++) {
			pfd[i].fd = streams[i].fd;
			pfd[i].events = POLLIN;
		}
		pfd[2].fd = in;
		pfd[2].events = POLLOUT;
		int rc = poll(pfd, 3, left > 60000 ? 60000 : (int)left);
		if (rc < 0 && errno != EINTR)
			return false;
		for (int i = 0; rc > 0 && i < 2; i++)
			if (pfd[i].revents && !drain(&streams[i], opts, max))
				close_fd(&streams[i].fd);
		if (rc > 0 && in >= 0 && pfd[2].revents) {
			ssize_t n = write(in, opts->input + written, opts->input_len - written);
			if (n > 0)
				written += (size_t)n;
			if (n < 0 || written == opts->input_len)
				close_fd(&in);
		}
	}
	close_fd(&in);
	return true;
}

/* Waits for pid until deadline; false if it is still running then. */
static bool reap(pid_t pid, int *status, int64_t deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;
		if (ms_now_ms() >= deadline)
			return false;
		usleep(2000);
	}
}

static void record_status(struct ms_cmd_result *res, int status)
{
	if (WIFEXITED(status)) {
		res->exited = true;
		res->exit_status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->signaled = true;
		res->term_signal = WTERMSIG(status);
	}
}

static bool make_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC) == 0;
}

bool ms_cmd_run(char *const argv[], const struct ms_cmd_opts *opts,
		struct ms_cmd_result *res, struct ms_buf *err)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, st[2] = { -1, -1 }, in[2] = { -1, -1 };
	int64_t deadline = ms_deadline_within(opts->timeout_ms);

	memset(res, 0, sizeof(*res));
	if (!make_pipe(out) || !make_pipe(errp) || !make_pipe(st) ||
	    (opts->input && !make_pipe(in))) {
		ms_buf_printf(err, "cannot run %s: pipe: %s", argv[0], strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		ms_buf_printf(err, "cannot run %s: fork: %s", argv[0], strerror(errno));
		goto fail;
	}
	if (pid == 0)
		exec_child(argv, opts, in[0], out[1], errp[1], st[1]);
	setpgid(pid, pid); /* also here, so the group exists before we may kill it */
	ms_deadline_watch_child(pid);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	close_fd(&st[1]);
	close_fd(&in[0]);

	int child_errno = 0;
	ssize_t n;
	do
		n = read(st[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close_fd(&st[0]);
	if (n == sizeof(child_errno)) {
		int status;
		waitpid(pid, &status, 0);
		ms_deadline_unwatch_child(pid);
		ms_buf_printf(err, "cannot run %s: %s", argv[0], strerror(child_errno));
		goto fail;
	}
	if (in[1] >= 0)
		fcntl(in[1], F_SETFL, O_NONBLOCK);

	/* a child that exits before reading its input must not kill us */
	struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
	sigaction(SIGPIPE, &ignore, &saved);
	int status = 0;
	bool finished = pump(in[1], out[0], errp[0], opts, res, deadline);
	in[1] = -1; /* pump closed it */
	sigaction(SIGPIPE, &saved, NULL);
	if (!finished || !reap(pid, &status, deadline)) {
		res->timed_out = true;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ms_deadline_unwatch_child(pid);
	record_status(res, status);
	close_fd(&out[0]);
	close_fd(&errp[0]);
	return true;
fail:
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&st[0]);
	close_fd(&st[1]);
	close_fd(&in[0]);
	close_fd(&in[1]);
	ms_cmd_result_free(res);
	return false;
}

const char *ms_cmd_describe(const struct ms_cmd_result *res, char *buf, size_t size)
{
	if (res->timed_out)
		snprintf(buf, size, "timed out");
	else if (res->signaled)
		snprintf(buf, size, "killed by signal %d (%s)", res->term_signal,
			 strsignal(res->term_signal));
	else if (res->exited)
		snprintf(buf, size, "exited with status %d", res->exit_status);
	else
		snprintf(buf, size, "ended for an unknown reason");
	return buf;
}

/* A program's stderr as one line of a message (see ms_cmd_failure). */
static void add_stderr(struct ms_buf *msg, const struct ms_buf *err)
{
	struct ms_buf clean = MS_BUF_INIT;
	size_t start = msg->len;
	bool after_blank = true;	/* leading blanks go too */

	ms_text_add_line(&clean, err->data ? err->data : "", err->len);
	for (size_t i = 0; i < clean.len; i++) {
		bool blank = clean.data[i] == ' ';
		if (!blank || !after_blank)
			ms_buf_putc(msg, clean.data[i]);
		after_blank = blank;
	}
	if (msg->len > start && msg->data[msg->len - 1] == ' ')
		ms_buf_truncate(msg, msg->len - 1);
	ms_buf_free(&clean);
}

void ms_cmd_failure(struct ms_buf *err, const char *name, const struct ms_cmd_result *res,
		    const char *detail)
{
	struct ms_buf msg = MS_BUF_INIT;
	char how[64];

	if (res->err.len > 0)
		add_stderr(&msg, &res->err);
	else if (detail != NULL)
		ms_buf_puts(&msg, detail);
	ms_buf_printf(err, "%s %s%s%s", name, ms_cmd_describe(res, how, sizeof(how)),
		      msg.len ? ": " : "", ms_buf_str(&msg));
	ms_buf_free(&msg);
}

bool ms_cmd_output(char *const argv[], struct ms_buf *out, struct ms_buf *err)
{
	struct ms_cmd_opts opts = { .timeout_ms = -1, .max_output = 64 * 1024 };
	struct ms_cmd_result res;

	ms_step("running %s", argv[0]);
	if (!ms_cmd_run(argv, &opts, &res, err))
		return false;
	bool ok = res.exited && res.exit_status == 0;
	if (!ok) {
		ms_cmd_failure(err, argv[0], &res, NULL);
	} else {
		ms_buf_add(out, res.out.data ? res.out.data : "", res.out.len);
		while (out->len > 0 && (out->data[out->len - 1] == '\n' ||
					out->data[out->len - 1] == '\r'))
			ms_buf_truncate(out, out->len - 1);
	}
	ms_cmd_result_free(&res);
	return ok;
}

bool ms_cmd_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (const char *p = path; ; ) {
		size_t n = strcspn(p, ":");
		if (n > 0 && n + strlen(prog) + 2 < sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
			if (access(buf, X_OK) == 0)
				return true;
		}
		if (p[n] == '\0')
			return false;
		p += n + 1;
	}
}
