/* Helpers shared by the unit tests. See helpers.h. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "strbuf.h"

/* monotonic milliseconds (the helpers serve every runner, the publisher's
 * too, so they do not link the plugin runtime's deadline) */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void capture_run(void (*fn)(void *), void *arg, struct captured *c, int limit_s)
{
	int fds[2];
	struct ms_buf out = MS_BUF_INIT;

	ck_assert_int_eq(pipe(fds), 0);
	fflush(NULL);
	int64_t start = now_ms();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[1]);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	int64_t limit = start + (int64_t)limit_s * 1000;
	for (;;) {
		char chunk[4096];
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int64_t left = limit - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		ssize_t n = read(fds[0], chunk, sizeof(chunk));
		if (n <= 0)
			break;
		ms_buf_add(&out, chunk, (size_t)n);
	}
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	c->elapsed_ms = now_ms() - start;
	c->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	c->out = ms_buf_steal(&out);
}

void captured_free(struct captured *c)
{
	free(c->out);
	c->out = NULL;
}

char *temp_file(const char *content)
{
	char *path = strdup("/tmp/mailstatus-test-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	size_t len = strlen(content);
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

int listen_loopback(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

char *temp_dir(void)
{
	char *path = strdup("/tmp/mailstatus-test-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(path));
	return path;
}

void remove_tree(const char *path)
{
	char *argv[] = { "rm", "-rf", (char *)path, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

struct ms_buf *emptied(struct ms_buf *b)
{
	ms_buf_reset(b);
	return b;
}

int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int wait_process_gone(int pid, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		char path[64], state = '?';
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		int gone = f == NULL || (fscanf(f, "%*d %*s %c", &state) == 1 && state == 'Z');
		if (f)
			fclose(f);
		if (gone)
			return 1;
		if (waited >= timeout_ms)
			return 0;
		usleep(10000);
	}
}
