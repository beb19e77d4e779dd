/*
 * netconn: connections with deadlines. See netconn.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"
#include "netconn.h"
#include "tls.h"

static void ms_conn_init(struct ms_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

enum ms_net_error ms_net_fail(struct ms_buf *err, enum ms_net_error code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(err, fmt, ap);
	va_end(ap);
	return code;
}

enum ms_net_error ms_conn_wait(struct ms_conn *c, bool for_write, int64_t deadline,
			       const char *doing, struct ms_buf *err)
{
	struct pollfd pfd = { .fd = c->fd, .events = for_write ? POLLOUT : POLLIN };

	for (;;) {
		int64_t left = deadline - ms_now_ms();
		if (left <= 0)
			return ms_net_fail(err, MS_NET_TIMEOUT, "no answer from %s while %s",
					   c->peer, doing);
		int rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return MS_NET_OK;
		if (rc < 0 && errno != EINTR)
			return ms_net_fail(err, MS_NET_SYSTEM, "poll while %s: %s", doing,
					   strerror(errno));
	}
}

static void format_peer(char *out, size_t size, const struct sockaddr *sa)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		port = ntohs(in->sin_port);
		snprintf(out, size, "%s:%u", addr, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		port = ntohs(in6->sin6_port);
		snprintf(out, size, "[%s]:%u", addr, port);
	}
}

/*
 * Waits for a non-blocking connect to finish: MS_NET_OK when it did,
 * MS_NET_TIMEOUT (err says so) at the deadline, else MS_NET_SYSTEM with
 * errno set to why it failed (the caller words it).
 */
static enum ms_net_error connected(struct ms_conn *c, int64_t deadline, struct ms_buf *err)
{
	struct ms_buf waited = MS_BUF_INIT;
	enum ms_net_error rc = ms_conn_wait(c, true, deadline, "connecting", &waited);

	if (rc == MS_NET_TIMEOUT)
		ms_buf_add(err, waited.data, waited.len);
	ms_buf_free(&waited);
	if (rc != MS_NET_OK)
		return rc;
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
		return MS_NET_OK;
	errno = soerr;
	return MS_NET_SYSTEM;
}

/* One non-blocking connect attempt; on failure err says why. */
static enum ms_net_error connect_one(struct ms_conn *c, const struct addrinfo *ai,
				     int64_t deadline, struct ms_buf *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	if (fd < 0)
		return ms_net_fail(err, MS_NET_SYSTEM, "socket: %s", strerror(errno));
	c->fd = fd;
	format_peer(c->peer, sizeof(c->peer), ai->ai_addr);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return MS_NET_OK;
	enum ms_net_error rc = errno == EINPROGRESS ? connected(c, deadline, err) : MS_NET_SYSTEM;
	if (rc == MS_NET_OK)
		return rc;
	if (rc != MS_NET_TIMEOUT) {
		if (errno == ECONNREFUSED)
			rc = ms_net_fail(err, MS_NET_REFUSED, "connection refused by %s", c->peer);
		else
			rc = ms_net_fail(err, MS_NET_SYSTEM, "cannot connect to %s: %s", c->peer,
					 strerror(errno));
	}
	close(fd);
	c->fd = -1;
	return rc;
}

enum ms_net_error ms_tcp_connect(struct ms_conn *c, const char *host, const char *port,
				 int64_t deadline, struct ms_buf *err)
{
	struct addrinfo hints, *res = NULL;

	ms_conn_init(c);
	snprintf(c->host, sizeof(c->host), "%s", host);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
		/* AI_ADDRCONFIG hides ::1 and 127.0.0.1 on hosts with only lo */
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(host, port, &hints, &res);
	}
	if (rc != 0)
		return ms_net_fail(err, MS_NET_RESOLVE, "cannot resolve %s port %s: %s", host, port,
				   rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	/* each address in turn; what the last one said is the reason */
	struct ms_buf why = MS_BUF_INIT;
	enum ms_net_error result = MS_NET_SYSTEM;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		ms_buf_reset(&why);
		result = connect_one(c, ai, deadline, &why);
		if (result == MS_NET_OK || result == MS_NET_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (result != MS_NET_OK)
		ms_buf_add(err, why.data, why.len);
	ms_buf_free(&why);
	return result;
}

enum ms_net_error ms_unix_connect(struct ms_conn *c, const char *path, int64_t deadline,
				  struct ms_buf *err)
{
	struct sockaddr_un sun;

	ms_conn_init(c);
	snprintf(c->host, sizeof(c->host), "%s", path);
	snprintf(c->peer, sizeof(c->peer), "unix:%s", path);
	if (strlen(path) >= sizeof(sun.sun_path))
		return ms_net_fail(err, MS_NET_SYSTEM, "socket path too long: %s", path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return ms_net_fail(err, MS_NET_SYSTEM, "socket: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return MS_NET_OK;
	enum ms_net_error rc = errno == EINPROGRESS || errno == EAGAIN
			       ? connected(c, deadline, err) : MS_NET_SYSTEM;
	if (rc == MS_NET_OK)
		return rc;
	if (rc != MS_NET_TIMEOUT)
		rc = ms_net_fail(err, errno == ECONNREFUSED || errno == ENOENT
				      ? MS_NET_REFUSED : MS_NET_SYSTEM,
				 "cannot connect to %s: %s", c->peer, strerror(errno));
	close(c->fd);
	c->fd = -1;
	return rc;
}

enum ms_net_error ms_conn_write(struct ms_conn *c, const void *data, size_t len,
				int64_t deadline, struct ms_buf *err)
{
	const char *p = data;

	if (c->ssl)
		return ms_tls_write(c, data, len, deadline, err);
	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			enum ms_net_error rc = ms_conn_wait(c, true, deadline, "sending", err);
			if (rc != MS_NET_OK)
				return rc;
			continue;
		}
		return ms_net_fail(err, errno == EPIPE || errno == ECONNRESET ? MS_NET_EOF
				   : MS_NET_SYSTEM, "cannot send to %s: %s", c->peer, strerror(errno));
	}
	return MS_NET_OK;
}

enum ms_net_error ms_conn_puts(struct ms_conn *c, const char *s, int64_t deadline,
			       struct ms_buf *err)
{
	return ms_conn_write(c, s, strlen(s), deadline, err);
}

/* Refills the buffer with at least one byte; a failure on EOF, error or deadline. */
static enum ms_net_error fill(struct ms_conn *c, int64_t deadline, struct ms_buf *err)
{
	if (c->start == c->end)
		c->start = c->end = 0;
	if (c->end == sizeof(c->buf)) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->ssl) {
		size_t got = 0;
		enum ms_net_error rc = ms_tls_read(c, c->buf + c->end, sizeof(c->buf) - c->end,
						   &got, deadline, err);
		if (rc == MS_NET_OK)
			c->end += got;
		return rc;
	}
	for (;;) {
		ssize_t n = recv(c->fd, c->buf + c->end, sizeof(c->buf) - c->end, 0);
		if (n > 0) {
			c->end += (size_t)n;
			return MS_NET_OK;
		}
		if (n == 0)
			return ms_net_fail(err, MS_NET_EOF, "%s closed the connection", c->peer);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			enum ms_net_error rc = ms_conn_wait(c, false, deadline,
							    "waiting for a reply", err);
			if (rc != MS_NET_OK)
				return rc;
			continue;
		}
		return ms_net_fail(err, errno == ECONNRESET ? MS_NET_EOF : MS_NET_SYSTEM,
				   "cannot read from %s: %s", c->peer, strerror(errno));
	}
}

enum ms_net_error ms_conn_read_line(struct ms_conn *c, struct ms_buf *line, size_t max,
				    int64_t deadline, struct ms_buf *err)
{
	ms_buf_reset(line);
	for (;;) {
		unsigned char *base = c->buf + c->start;
		size_t avail = c->end - c->start;
		unsigned char *nl = memchr(base, '\n', avail);
		if (nl) {
			size_t len = (size_t)(nl - base);
			c->start += len + 1;
			if (len > 0 && base[len - 1] == '\r')
				len--;
			if (line->len + len > max)
				goto too_long;
			ms_buf_add(line, base, len);
			return MS_NET_OK;
		}
		/* no newline yet: move what we have into line and read more */
		if (line->len + avail > max + 1) /* +1: a CR may precede the LF */
			goto too_long;
		ms_buf_add(line, base, avail);
		c->start = c->end = 0;
		struct ms_buf why = MS_BUF_INIT;
		enum ms_net_error rc = fill(c, deadline, &why);
		if (rc == MS_NET_EOF && line->len > 0)
			ms_net_fail(err, MS_NET_EOF, "%s closed the connection in the middle of a line",
				    c->peer);
		else if (rc != MS_NET_OK)
			ms_buf_add(err, why.data, why.len);
		ms_buf_free(&why);
		if (rc != MS_NET_OK)
			return rc;
		/* a CR kept at the end of line belongs to a CRLF split across reads */
		if (line->len && line->data[line->len - 1] == '\r' && c->buf[c->start] == '\n') {
			ms_buf_truncate(line, line->len - 1);
			c->start++;
			return MS_NET_OK;
		}
	}
too_long:
	return ms_net_fail(err, MS_NET_TOO_LONG, "%s sent a line longer than %zu bytes", c->peer,
			   max);
}

size_t ms_conn_pending(const struct ms_conn *c)
{
	return c->end - c->start;
}

void ms_conn_close(struct ms_conn *c)
{
	ms_tls_shutdown(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->start = c->end = 0;
}
