/*
 * tls: TLS on an ms_conn with OpenSSL. See tls.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "tls.h"

/* The most specific OpenSSL error left in the queue, as text. */
static void openssl_reason(char *buf, size_t size)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last)
		ERR_error_string_n(last, buf, size);
	else
		snprintf(buf, size, "the peer ended the handshake");
}

static bool is_ip_literal(const char *s)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

static SSL_CTX *make_ctx(const struct ms_tls_opts *opts, struct ms_buf *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char reason[256];

	if (ctx == NULL) {
		openssl_reason(reason, sizeof(reason));
		ms_net_fail(err, MS_NET_TLS, "cannot set up TLS: %s", reason);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	int loaded = (opts->ca_file || opts->ca_path)
		? SSL_CTX_load_verify_locations(ctx, opts->ca_file, opts->ca_path)
		: SSL_CTX_set_default_verify_paths(ctx);
	if (loaded != 1) {
		openssl_reason(reason, sizeof(reason));
		ms_net_fail(err, MS_NET_TLS, "cannot load CA certificates from %s: %s",
			    opts->ca_file ? opts->ca_file : opts->ca_path ? opts->ca_path
								    : "the system store",
			    reason);
		SSL_CTX_free(ctx);
		return NULL;
	}
	/*
	 * Verification runs always; whether a failure ends the handshake is
	 * decided by the mode, so --insecure can still report what was wrong.
	 */
	SSL_CTX_set_verify(ctx, opts->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
	return ctx;
}

static enum ms_net_error set_peer_name(SSL *ssl, const char *name, struct ms_buf *err)
{
	X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
	bool ip = is_ip_literal(name);
	int rc = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name)
		    : X509_VERIFY_PARAM_set1_host(param, name, 0);

	if (!ip)
		SSL_set_tlsext_host_name(ssl, name); /* SNI is for names only */
	if (rc != 1)
		return ms_net_fail(err, MS_NET_TLS, "cannot use '%s' as the TLS peer name", name);
	return MS_NET_OK;
}

/* Waits for what OpenSSL asked for (SSL_ERROR_WANT_READ or _WRITE). */
static enum ms_net_error wait_for(struct ms_conn *c, int ssl_error, int64_t deadline,
				  const char *doing, struct ms_buf *err)
{
	return ms_conn_wait(c, ssl_error == SSL_ERROR_WANT_WRITE, deadline, doing, err);
}

static enum ms_net_error handshake_failed(struct ms_conn *c, int ssl_error, struct ms_buf *err)
{
	char reason[256];
	long vr = SSL_get_verify_result(c->ssl);

	if (vr != X509_V_OK)
		return ms_net_fail(err, MS_NET_VERIFY, "certificate of %s not accepted: %s",
				   c->peer, X509_verify_cert_error_string(vr));
	if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		snprintf(reason, sizeof(reason), "connection closed");
	else
		openssl_reason(reason, sizeof(reason));
	return ms_net_fail(err, MS_NET_TLS, "TLS handshake with %s failed: %s", c->peer, reason);
}

enum ms_net_error ms_conn_starttls(struct ms_conn *c, const struct ms_tls_opts *opts,
				   int64_t deadline, struct ms_buf *err)
{
	if (ms_conn_pending(c) > 0)
		return ms_net_fail(err, MS_NET_TLS, "%s sent data before the TLS handshake "
				   "(refusing it: possible STARTTLS injection)", c->peer);
	ERR_clear_error();
	c->ssl_ctx = make_ctx(opts, err);
	if (c->ssl_ctx == NULL)
		return MS_NET_TLS;
	c->ssl = SSL_new(c->ssl_ctx);
	enum ms_net_error rc = c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1
		? ms_net_fail(err, MS_NET_TLS, "cannot set up TLS for %s", c->peer)
		: set_peer_name(c->ssl, opts->servername ? opts->servername : c->host, err);
	if (rc != MS_NET_OK) {
		ms_tls_shutdown(c);
		return rc;
	}
	for (;;) {
		int done = SSL_connect(c->ssl);
		if (done == 1)
			return MS_NET_OK;
		int e = SSL_get_error(c->ssl, done);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			rc = wait_for(c, e, deadline, "in the TLS handshake", err);
		else
			rc = handshake_failed(c, e, err);
		if (rc == MS_NET_OK)
			continue;
		SSL_free(c->ssl);
		c->ssl = NULL;
		SSL_CTX_free(c->ssl_ctx);
		c->ssl_ctx = NULL;
		return rc;
	}
}

enum ms_net_error ms_tls_read(struct ms_conn *c, void *buf, size_t len, size_t *got,
			      int64_t deadline, struct ms_buf *err)
{
	char reason[256];

	for (;;) {
		ERR_clear_error();
		int rc = SSL_read_ex(c->ssl, buf, len, got);
		if (rc == 1)
			return MS_NET_OK;
		int e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			enum ms_net_error waited = wait_for(c, e, deadline, "waiting for a reply", err);
			if (waited != MS_NET_OK)
				return waited;
			continue;
		}
		if (e == SSL_ERROR_ZERO_RETURN ||
		    (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0))
			return ms_net_fail(err, MS_NET_EOF, "%s closed the connection", c->peer);
		openssl_reason(reason, sizeof(reason));
		return ms_net_fail(err, MS_NET_TLS, "TLS read from %s failed: %s", c->peer, reason);
	}
}

enum ms_net_error ms_tls_write(struct ms_conn *c, const void *buf, size_t len,
			       int64_t deadline, struct ms_buf *err)
{
	const char *p = buf;
	char reason[256];

	while (len > 0) {
		size_t done = 0;
		ERR_clear_error();
		int rc = SSL_write_ex(c->ssl, p, len, &done);
		if (rc == 1) {
			p += done;
			len -= done;
			continue;
		}
		int e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			enum ms_net_error waited = wait_for(c, e, deadline, "sending", err);
			if (waited != MS_NET_OK)
				return waited;
			continue;
		}
		openssl_reason(reason, sizeof(reason));
		return ms_net_fail(err, MS_NET_TLS, "TLS write to %s failed: %s", c->peer, reason);
	}
	return MS_NET_OK;
}

void ms_tls_shutdown(struct ms_conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl); /* best effort: the socket is non-blocking */
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ssl_ctx) {
		SSL_CTX_free(c->ssl_ctx);
		c->ssl_ctx = NULL;
	}
}

static time_t asn1_to_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

bool ms_conn_tls_info(const struct ms_conn *c, struct ms_tls_info *info)
{
	memset(info, 0, sizeof(*info));
	if (c->ssl == NULL)
		return false;
	X509 *cert = SSL_get1_peer_certificate(c->ssl);
	info->verify_result = SSL_get_verify_result(c->ssl);
	if (info->verify_result != X509_V_OK)
		snprintf(info->verify_error, sizeof(info->verify_error), "%s",
			 X509_verify_cert_error_string(info->verify_result));
	snprintf(info->protocol, sizeof(info->protocol), "%s", SSL_get_version(c->ssl));
	snprintf(info->cipher, sizeof(info->cipher), "%s", SSL_get_cipher_name(c->ssl));
	if (cert) {
		info->not_after = asn1_to_time(X509_get0_notAfter(cert));
		info->not_before = asn1_to_time(X509_get0_notBefore(cert));
		X509_NAME_oneline(X509_get_subject_name(cert), info->subject,
				  sizeof(info->subject));
		X509_NAME_oneline(X509_get_issuer_name(cert), info->issuer,
				  sizeof(info->issuer));
		X509_free(cert);
	}
	return true;
}

double ms_tls_days_left(const struct ms_tls_info *info, time_t now)
{
	return difftime(info->not_after, now) / 86400.0;
}
