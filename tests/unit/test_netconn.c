/*
 * Unit tests: connections and line reading (plugins/greylist/netconn.c) against small
 * scripted peers on loopback, for the faults a real server will not show.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "helpers.h"
#include "netconn.h"
#include "greylist_suites.h"

typedef void (*peer_fn)(int fd);

static void say(int fd, const char *s)
{
	ssize_t rc = write(fd, s, strlen(s));
	(void)rc;
}

/* Starts a peer that accepts one connection and runs fn on it. */
static pid_t start_peer(peer_fn fn, int *port)
{
	int lfd = listen_loopback(port);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			fn(fd);
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void stop_peer(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static enum ms_net_error connect_to(struct ms_conn *c, int port, struct ms_buf *err)
{
	char p[16];

	snprintf(p, sizeof(p), "%d", port);
	return ms_tcp_connect(c, "127.0.0.1", p, ms_now_ms() + 5000, err);
}

static void split_lines_peer(int fd)
{
	char buf[256];

	say(fd, "220 hello\r\n");
	usleep(50000);
	say(fd, "part");
	usleep(50000);
	say(fd, "ial\r\n250-multi\n250 last\r");
	usleep(50000);
	say(fd, "\n");
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0)
		ck_assert_int_eq(write(fd, buf, (size_t)n), n);
	usleep(200000);
}

START_TEST(lines_split_across_packets)
{
	int port;
	pid_t pid = start_peer(split_lines_peer, &port);
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_buf line = MS_BUF_INIT;
	int64_t dl = ms_now_ms() + 5000;

	ck_assert_msg(connect_to(&c, port, &err) == MS_NET_OK, "%s", ms_buf_str(&err));
	const char *expect[] = { "220 hello", "partial", "250-multi", "250 last" };
	for (int i = 0; i < 4; i++) {
		ck_assert_msg(ms_conn_read_line(&c, &line, 1000, dl, &err) == MS_NET_OK, "%s",
			      ms_buf_str(&err));
		ck_assert_str_eq(ms_buf_str(&line), expect[i]);
	}
	ck_assert_int_eq(ms_conn_puts(&c, "EHLO probe\r\n", dl, &err), MS_NET_OK);
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 1000, dl, &err), MS_NET_OK);
	ck_assert_str_eq(ms_buf_str(&line), "EHLO probe");
	ms_conn_close(&c);
	ms_buf_free(&line);
	stop_peer(pid);
}
END_TEST

static void silent_peer(int fd)
{
	(void)fd;
	sleep(30);
}

START_TEST(silent_peer_times_out)
{
	int port;
	pid_t pid = start_peer(silent_peer, &port);
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_buf line = MS_BUF_INIT;

	ck_assert_int_eq(connect_to(&c, port, &err), MS_NET_OK);
	int64_t start = ms_now_ms();
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 1000, start + 200, &err), MS_NET_TIMEOUT);
	ck_assert_int_lt(ms_now_ms() - start, 2000);
	ck_assert_msg(strstr(ms_buf_str(&err), "no answer from 127.0.0.1:"), "%s",
		      ms_buf_str(&err));
	ms_conn_close(&c);
	ms_buf_free(&line);
	ms_buf_free(&err);
	stop_peer(pid);
}
END_TEST

static void flood_peer(int fd)
{
	char chunk[4096];

	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 256; i++)
		if (write(fd, chunk, sizeof(chunk)) < 0)
			break;
}

START_TEST(overlong_line_is_refused)
{
	int port;
	pid_t pid = start_peer(flood_peer, &port);
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_buf line = MS_BUF_INIT;

	ck_assert_int_eq(connect_to(&c, port, &err), MS_NET_OK);
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 2048, ms_now_ms() + 5000, &err),
			 MS_NET_TOO_LONG);
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&err), "longer than 2048 bytes"));
	ck_assert_int_le(line.cap, 64 * 1024); /* memory stays bounded */
	ms_conn_close(&c);
	ms_buf_free(&line);
	ms_buf_free(&err);
	stop_peer(pid);
}
END_TEST

static void half_line_peer(int fd)
{
	say(fd, "250 ok\r\n25");
	ssize_t rc = write(fd, "\0", 1);
	(void)rc;
}

START_TEST(eof_in_the_middle_of_a_line)
{
	int port;
	pid_t pid = start_peer(half_line_peer, &port);
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_buf line = MS_BUF_INIT;
	int64_t dl = ms_now_ms() + 5000;

	ck_assert_int_eq(connect_to(&c, port, &err), MS_NET_OK);
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 100, dl, &err), MS_NET_OK);
	ck_assert_str_eq(ms_buf_str(&line), "250 ok");
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 100, dl, &err), MS_NET_EOF);
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&err), "in the middle of a line"));
	ck_assert_uint_eq(line.len, 3); /* "25" and the NUL byte */
	ms_conn_close(&c);
	ms_buf_free(&line);
	ms_buf_free(&err);
	waitpid(pid, NULL, 0);
}
END_TEST

START_TEST(refused_and_unresolvable)
{
	int port;
	int lfd = listen_loopback(&port);
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;

	close(lfd); /* nothing listens there now */
	ck_assert_int_eq(connect_to(&c, port, &err), MS_NET_REFUSED);
	ck_assert_msg(strstr(ms_buf_str(&err), "connection refused by 127.0.0.1:"), "%s",
		      ms_buf_str(&err));
	ck_assert_int_eq(ms_tcp_connect(&c, "host.invalid", "25", ms_now_ms() + 5000,
					emptied(&err)), MS_NET_RESOLVE);
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&err), "cannot resolve host.invalid"));
	ms_buf_free(&err);
}
END_TEST

START_TEST(unix_socket)
{
	char *dir = temp_dir();
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_buf line = MS_BUF_INIT;

	snprintf(path, sizeof(path), "%s/policy.sock", dir);
	ck_assert_int_eq(ms_unix_connect(&c, path, ms_now_ms() + 1000, &err), MS_NET_REFUSED);

	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(sun.sun_path, path, sizeof(path));
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		say(fd, "action=DUNNO\n\n");
		free(dir);	/* the child's copy: valgrind checks it for leaks too */
		_exit(0);
	}
	close(lfd);
	ck_assert_msg(ms_unix_connect(&c, path, ms_now_ms() + 5000, emptied(&err)) == MS_NET_OK,
		      "%s", ms_buf_str(&err));
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 512, ms_now_ms() + 5000, &err), MS_NET_OK);
	ck_assert_str_eq(ms_buf_str(&line), "action=DUNNO");
	ck_assert_int_eq(ms_conn_read_line(&c, &line, 512, ms_now_ms() + 5000, &err), MS_NET_OK);
	ck_assert_str_eq(ms_buf_str(&line), "");
	ms_conn_close(&c);
	ms_buf_free(&line);
	ms_buf_free(&err);
	waitpid(pid, NULL, 0);
	remove_tree(dir);
	free(dir);
}
END_TEST

Suite *netconn_suite(void)
{
	Suite *s = suite_create("netconn");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, lines_split_across_packets);
	tcase_add_test(tc, silent_peer_times_out);
	tcase_add_test(tc, overlong_line_is_refused);
	tcase_add_test(tc, eof_in_the_middle_of_a_line);
	tcase_add_test(tc, refused_and_unresolvable);
	tcase_add_test(tc, unix_socket);
	suite_add_tcase(s, tc);
	return s;
}
