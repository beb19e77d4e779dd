/*
 * tls: TLS on an ms_conn with OpenSSL, verified by default.
 *
 * ms_conn_starttls() upgrades a connected ms_conn (after the protocol's
 * STARTTLS exchange, or at once for implicit TLS). The peer's certificate
 * chain is checked against the system's CAs (or ca_file / ca_path) and its
 * name against servername (default: the host the connection was made to;
 * an IP address is matched against the certificate's IP entries). With
 * insecure set nothing is enforced, but the verification result is still
 * recorded for the caller to report.
 */
#ifndef MS_TLS_H
#define MS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "netconn.h"

struct ms_tls_opts {
	const char *ca_file;	/* PEM bundle of trusted CAs, or NULL */
	const char *ca_path;	/* hashed CA directory, or NULL */
	const char *servername;	/* name to verify and send as SNI; NULL: c->host */
	bool insecure;		/* do not fail on verification errors */
};

struct ms_tls_info {
	time_t not_after;	/* the peer certificate's expiry (UTC) */
	time_t not_before;
	long verify_result;	/* X509_V_OK (0) or the OpenSSL error code */
	char verify_error[128];	/* "" or the reason it failed */
	char subject[256];
	char issuer[256];
	char protocol[32];	/* "TLSv1.3" */
	char cipher[64];
};

/*
 * Refuses to start while the peer already sent more bytes than the caller
 * read: data sent before the handshake must not be read as if it came
 * through TLS (the STARTTLS command injection flaw, CVE-2011-0411).
 */
enum ms_net_error ms_conn_starttls(struct ms_conn *c, const struct ms_tls_opts *opts,
				   int64_t deadline, struct ms_buf *err);

/* Details of the established TLS session; false when not in TLS. */
bool ms_conn_tls_info(const struct ms_conn *c, struct ms_tls_info *info);

/* Whole days from now until the certificate expires (negative: expired). */
double ms_tls_days_left(const struct ms_tls_info *info, time_t now);

/* Internal to netconn.c. */
enum ms_net_error ms_tls_read(struct ms_conn *c, void *buf, size_t len, size_t *got,
			      int64_t deadline, struct ms_buf *err);
enum ms_net_error ms_tls_write(struct ms_conn *c, const void *buf, size_t len,
			       int64_t deadline, struct ms_buf *err);
void ms_tls_shutdown(struct ms_conn *c);

#endif
