/*
 * probe: run a function in a child that may hang. See probe.h.
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
#include "probe.h"
#include "xalloc.h"

#define ANSWER_MAX 65536

/*
 * A probe left behind must not hold the plugin's output open: Nagios (and
 * a shell's $(...)) read it until end-of-file, which would then wait for
 * the stuck probe. So the child lets go of stdin, stdout and stderr, after
 * moving its answer pipe out of their way (a plugin may be started with
 * them closed). Returns the answer fd to use.
 */
static int detach_stdio(int answer_fd)
{
	if (answer_fd <= STDERR_FILENO) {
		int moved = fcntl(answer_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
		if (moved >= 0) {
			close(answer_fd);
			answer_fd = moved;
		}
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fd == answer_fd)
			continue;
		if (null >= 0)
			dup2(null, fd);
		else
			close(fd);
	}
	if (null > STDERR_FILENO)
		close(null);
	return answer_fd;
}

bool ms_probe_start(struct ms_probe *p, ms_probe_fn fn, void *arg, struct ms_buf *err)
{
	int fds[2];

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->started_ms = ms_now_ms();
	if (pipe2(fds, O_CLOEXEC) != 0) {
		p->state = MS_PROBE_FAILED;
		ms_buf_printf(err, "pipe: %s", strerror(errno));
		return false;
	}
	fflush(NULL); /* the child must not write our buffered output again */
	pid_t pid = fork();
	if (pid < 0) {
		p->state = MS_PROBE_FAILED;
		ms_buf_printf(err, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		close(fds[0]);
		signal(SIGALRM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		_exit(fn(arg, detach_stdio(fds[1])));
	}
	close(fds[1]);
	p->pid = pid;
	p->fd = fds[0];
	p->state = MS_PROBE_RUNNING;
	ms_deadline_watch_child(pid);
	return true;
}

/* The pipe closed: the child has finished (or is about to). */
static void finish(struct ms_probe *p, int64_t deadline)
{
	int status;

	close(p->fd);
	p->fd = -1;
	p->ended_ms = ms_now_ms();
	/* closing the pipe is the child's last act; reaping follows at once */
	for (;;) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid)
			break;
		if ((r < 0 && errno != EINTR) || ms_now_ms() >= deadline) {
			p->state = MS_PROBE_TIMED_OUT;
			kill(p->pid, SIGKILL);
			return;
		}
		usleep(500);
	}
	ms_deadline_unwatch_child(p->pid);
	if (WIFEXITED(status)) {
		p->state = MS_PROBE_DONE;
		p->exit_status = WEXITSTATUS(status);
	} else {
		p->state = MS_PROBE_FAILED;
		p->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
}

static void read_answer(struct ms_probe *p, int64_t deadline)
{
	char chunk[4096];
	ssize_t n = read(p->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		size_t room = ANSWER_MAX - (p->answer.len < ANSWER_MAX ? p->answer.len : ANSWER_MAX);
		ms_buf_add(&p->answer, chunk, (size_t)n < room ? (size_t)n : room);
		return;
	}
	finish(p, deadline);
}

void ms_probe_wait(struct ms_probe *probes, size_t n, int64_t deadline)
{
	struct pollfd *pfd = ms_xcalloc(n, sizeof(*pfd));

	for (;;) {
		size_t running = 0;
		for (size_t i = 0; i < n; i++) {
			pfd[i].fd = probes[i].state == MS_PROBE_RUNNING ? probes[i].fd : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			running += pfd[i].fd >= 0;
		}
		int64_t left = deadline - ms_now_ms();
		if (running == 0 || left <= 0)
			break;
		int rc = poll(pfd, n, left > 60000 ? 60000 : (int)left);
		if (rc < 0 && errno != EINTR)
			break;
		for (size_t i = 0; rc > 0 && i < n; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents)
				read_answer(&probes[i], deadline);
	}
	for (size_t i = 0; i < n; i++) {
		struct ms_probe *p = &probes[i];
		if (p->state != MS_PROBE_RUNNING)
			continue;
		/* stuck (perhaps in the kernel): kill it, never wait for it */
		p->state = MS_PROBE_TIMED_OUT;
		p->ended_ms = ms_now_ms();
		kill(p->pid, SIGKILL);
		ms_deadline_unwatch_child(p->pid);
	}
	free(pfd);
}

void ms_probe_free(struct ms_probe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	ms_buf_free(&p->answer);
}
