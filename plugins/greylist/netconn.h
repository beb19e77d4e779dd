/*
 * netconn: a connection to a peer with a deadline on every step.
 *
 * TCP (IPv4 and IPv6, host names resolved) or a unix socket; reads are
 * buffered so line protocols (SMTP, the Postfix policy protocol) read one
 * line at a time; after ms_conn_starttls() (tls.h) the same calls go
 * through TLS. Every call takes an absolute deadline on the monotonic
 * clock (see ms_deadline_within()) and fails with MS_NET_TIMEOUT when it
 * passes; nothing here can block past it.
 *
 * A call that can fail returns MS_NET_OK (0) or the kind of failure, and
 * then adds a sentence naming the peer and what failed to err.
 */
#ifndef MS_NETCONN_H
#define MS_NETCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum ms_net_error {
	MS_NET_OK = 0,
	MS_NET_RESOLVE,		/* the host name did not resolve */
	MS_NET_REFUSED,		/* nothing listens there */
	MS_NET_TIMEOUT,		/* the deadline passed */
	MS_NET_EOF,		/* the peer closed the connection */
	MS_NET_TOO_LONG,	/* a line longer than the caller allows */
	MS_NET_SYSTEM,		/* any other system error */
	MS_NET_TLS,		/* the TLS handshake or a TLS read/write failed */
	MS_NET_VERIFY		/* the peer's certificate was not accepted */
};

#define MS_CONN_BUFSIZE 16384

struct ms_conn {
	int fd;
	struct ssl_st *ssl;		/* set by ms_conn_starttls() */
	struct ssl_ctx_st *ssl_ctx;
	char host[256];			/* as the caller named it */
	char peer[128];			/* the address connected to, "[::1]:25" */
	unsigned char buf[MS_CONN_BUFSIZE];
	size_t start, end;		/* unread bytes are buf[start..end) */
};

/*
 * Connects to host:port, trying each address in turn until the deadline;
 * err gets why the last one failed.
 */
enum ms_net_error ms_tcp_connect(struct ms_conn *c, const char *host, const char *port,
				 int64_t deadline, struct ms_buf *err);

enum ms_net_error ms_unix_connect(struct ms_conn *c, const char *path, int64_t deadline,
				  struct ms_buf *err);

/* Writes all of data (never raises SIGPIPE). */
enum ms_net_error ms_conn_write(struct ms_conn *c, const void *data, size_t len,
				int64_t deadline, struct ms_buf *err);
enum ms_net_error ms_conn_puts(struct ms_conn *c, const char *s, int64_t deadline,
			       struct ms_buf *err);

/*
 * Reads one line into line (replacing its contents), without the LF or
 * CRLF that ends it. A line of more than max bytes is MS_NET_TOO_LONG;
 * the peer closing before a full line is MS_NET_EOF. NUL bytes are kept
 * (line->len counts them).
 */
enum ms_net_error ms_conn_read_line(struct ms_conn *c, struct ms_buf *line, size_t max,
				    int64_t deadline, struct ms_buf *err);

/* Bytes received but not yet read by the caller. */
size_t ms_conn_pending(const struct ms_conn *c);

/* Closes the connection (sending a TLS close_notify when in TLS). */
void ms_conn_close(struct ms_conn *c);

/* Internal to netconn.c and tls.c: wait until fd is ready or deadline. */
enum ms_net_error ms_conn_wait(struct ms_conn *c, bool for_write, int64_t deadline,
			       const char *doing, struct ms_buf *err);
/* Adds the sentence to err and returns code. */
enum ms_net_error ms_net_fail(struct ms_buf *err, enum ms_net_error code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
