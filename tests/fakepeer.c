/*
 * fakepeer: a scripted TCP peer for the faults a real server will not
 * show (it accepts and never answers, answers garbage, closes in the
 * middle of a reply, splits or trickles its lines).
 *
 *   fakepeer [-f PIDFILE] PORT STEP...
 *
 * Listens on 127.0.0.1:PORT and runs the steps for every connection, each
 * in a child of its own (so a probe like wait_port does not use up the
 * script). PIDFILE is written once it listens: wait for it, not the port.
 * Steps:
 *
 *   send:TEXT        write TEXT (escapes: \r \n \t \\ \xHH)
 *   trickle:MS:TEXT  write TEXT one byte every MS milliseconds
 *   flood:BYTES:TEXT write TEXT over and over until BYTES bytes are out, the
 *                    last copy cut short (a 10 MB line: flood:10485760:x;
 *                    NUL bytes: flood:64:\x00)
 *   file:PATH        write the bytes of the file PATH (binary answers, such
 *                    as a gzip bomb)
 *   sleep:MS         pause
 *   line             read and discard one line from the client
 *   request          read and discard up to an empty line (a policy request)
 *   tls-hello        read and discard one TLS record (the client's
 *                    ClientHello), so a close or a cut-off ServerHello
 *                    after it hits the client in the middle of the handshake
 *   hang             keep the connection open and say nothing, forever
 *   close            close the connection (the default after the last step)
 *
 * It runs until killed; its children die with it. A test program, never
 * installed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: fakepeer [-f PIDFILE] PORT STEP...\n"
		"steps: send:TEXT trickle:MS:TEXT flood:BYTES:TEXT file:PATH sleep:MS line\n"
		"       request tls-hello hang close\n");
	exit(2);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the escapes of s into out (at most as long as s); returns the length. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case 'x':
			if (hex_digit(s[1]) >= 0 && hex_digit(s[2]) >= 0) {
				out[n++] = (char)(hex_digit(s[1]) * 16 + hex_digit(s[2]));
				s += 3;
				break;
			}
			out[n++] = '\\';
			break;
		default: out[n++] = *s++; break;
		}
	}
	return n;
}

static void send_bytes(int fd, const char *text, long delay_ms)
{
	char *buf = malloc(strlen(text) + 1);

	if (!buf)
		_exit(1);
	size_t n = unescape(text, buf);
	for (size_t i = 0; i < n;) {
		size_t chunk = delay_ms > 0 ? 1 : n - i;
		ssize_t w = send(fd, buf + i, chunk, MSG_NOSIGNAL);
		if (w <= 0)
			_exit(0);	/* the client went away: nothing left to do */
		i += (size_t)w;
		if (delay_ms > 0)
			sleep_ms(delay_ms);
	}
	free(buf);
}

/* Sends total bytes made of copies of the (unescaped) text. */
static void flood(int fd, long long total, const char *text)
{
	static char chunk[65536];
	char *pattern = malloc(strlen(text) + 1);
	size_t plen;

	if (!pattern)
		_exit(1);
	plen = unescape(text, pattern);
	if (plen == 0)
		usage();
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = pattern[i % plen];
	/* every chunk starts at a multiple of plen: the pattern stays whole */
	size_t step = sizeof(chunk) - sizeof(chunk) % plen;
	while (total > 0) {
		size_t n = total < (long long)step ? (size_t)total : step;
		for (size_t off = 0; off < n;) {
			ssize_t w = send(fd, chunk + off, n - off, MSG_NOSIGNAL);
			if (w <= 0)
				_exit(0);	/* the client gave up reading */
			off += (size_t)w;
		}
		total -= (long long)n;
	}
	free(pattern);
}

/* Sends the contents of the file at path. */
static void send_file(int fd, const char *path)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "fakepeer: cannot open %s\n", path);
		_exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		for (size_t off = 0; off < n;) {
			ssize_t w = send(fd, chunk + off, n - off, MSG_NOSIGNAL);
			if (w <= 0)
				_exit(0);	/* the client gave up reading */
			off += (size_t)w;
		}
	fclose(f);
}

/* Reads exactly len bytes; false at EOF. */
static int read_exactly(int fd, unsigned char *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return 1;
}

/* Reads one TLS record: a 5-byte header whose last two bytes are the length. */
static void read_tls_record(int fd)
{
	unsigned char head[5], body[16384 + 2048];

	if (!read_exactly(fd, head, sizeof(head)))
		_exit(0);
	size_t len = (size_t)head[3] << 8 | head[4];
	if (head[0] != 0x16 || len > sizeof(body)) {
		fprintf(stderr, "fakepeer: not a TLS handshake record\n");
		_exit(0);
	}
	if (!read_exactly(fd, body, len))
		_exit(0);
}

/* Reads up to a LF; returns the line's length without it, -1 at EOF. */
static long read_line(int fd)
{
	long len = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r <= 0)
			return -1;
		if (c == '\n')
			return len;
		if (c != '\r')
			len++;
	}
}

static void run_step(int fd, const char *step)
{
	if (strncmp(step, "send:", 5) == 0) {
		send_bytes(fd, step + 5, 0);
	} else if (strncmp(step, "trickle:", 8) == 0) {
		char *end;
		long ms = strtol(step + 8, &end, 10);
		if (*end != ':')
			usage();
		send_bytes(fd, end + 1, ms);
	} else if (strncmp(step, "flood:", 6) == 0) {
		char *end;
		long long bytes = strtoll(step + 6, &end, 10);
		if (*end != ':' || bytes < 0)
			usage();
		flood(fd, bytes, end + 1);
	} else if (strncmp(step, "file:", 5) == 0) {
		send_file(fd, step + 5);
	} else if (strcmp(step, "tls-hello") == 0) {
		read_tls_record(fd);
	} else if (strncmp(step, "sleep:", 6) == 0) {
		sleep_ms(strtol(step + 6, NULL, 10));
	} else if (strcmp(step, "line") == 0) {
		if (read_line(fd) < 0)
			_exit(0);
	} else if (strcmp(step, "request") == 0) {
		long len;
		while ((len = read_line(fd)) > 0)
			;
		if (len < 0)
			_exit(0);
	} else if (strcmp(step, "hang") == 0) {
		for (;;)
			pause();
	} else if (strcmp(step, "close") == 0) {
		close(fd);
		_exit(0);
	} else {
		fprintf(stderr, "fakepeer: unknown step '%s'\n", step);
		_exit(2);
	}
}

static int listen_on(const char *port_arg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char *end;
	long port = strtol(port_arg, &end, 10);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (*end || port < 1 || port > 65535)
		usage();
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 16) != 0) {
		fprintf(stderr, "fakepeer: cannot listen on 127.0.0.1:%ld: %s\n", port,
			strerror(errno));
		exit(1);
	}
	return fd;
}

static void write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		fprintf(stderr, "fakepeer: cannot write %s\n", path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "f:")) != -1) {
		if (opt != 'f')
			usage();
		pidfile = optarg;
	}
	if (argc - optind < 2)
		usage();
	int lfd = listen_on(argv[optind]);
	char **steps = argv + optind + 1;

	signal(SIGCHLD, SIG_IGN);	/* children are never waited for */
	if (pidfile)
		write_pidfile(pidfile);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(lfd);
			for (char **s = steps; *s; s++)
				run_step(fd, *s);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
}
