/*
 * Unit tests: TLS (plugins/greylist/tls.c) against a TLS peer in a child process, with
 * a key and self-signed certificate made here, so verification, names and
 * expiry dates are known to the test.
 */
#include "config.h"

#include <check.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "helpers.h"
#include "netconn.h"
#include "greylist_suites.h"
#include "tls.h"

/*
 * The deadline ms milliseconds from now, for a deadline that is a safety
 * net and not what the test measures: scaled by check's
 * CK_TIMEOUT_MULTIPLIER like check's own timeouts, so the same test under
 * valgrind (make check-valgrind sets it) is not cut short by the slowdown.
 */
static int64_t safety_deadline(int64_t ms)
{
	const char *env = getenv("CK_TIMEOUT_MULTIPLIER");
	char *end;
	long scale = env ? strtol(env, &end, 10) : 1;

	if (env == NULL || *end != '\0' || scale < 1 || scale > 100)
		scale = 1;
	return ms_now_ms() + ms * scale;
}

#define VALID_DAYS 30

static char *dir, cert_path[256], key_path[256];
static time_t made_at;

static void add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX ctx;

	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ck_assert_ptr_nonnull(ext);
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
}

/* A self-signed certificate for mail.test and 127.0.0.1, valid VALID_DAYS. */
static void make_cert(void)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *cert = X509_new();

	ck_assert_ptr_nonnull(key);
	made_at = time(NULL);
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), (long)VALID_DAYS * 86400);
	X509_set_pubkey(cert, key);
	X509_NAME *name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"mail.test",
				   -1, -1, 0);
	X509_set_issuer_name(cert, name);
	add_ext(cert, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(cert, NID_subject_alt_name, "DNS:mail.test,IP:127.0.0.1");
	ck_assert_int_gt(X509_sign(cert, key, EVP_sha256()), 0);

	dir = temp_dir();
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", dir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", dir);
	FILE *f = fopen(cert_path, "w");
	PEM_write_X509(f, cert);
	fclose(f);
	f = fopen(key_path, "w");
	PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void setup(void)
{
	make_cert();
}

static void teardown(void)
{
	remove_tree(dir);
	free(dir);
}

/* A STARTTLS-like peer: a plain greeting, then TLS, then an echo of one line. */
static pid_t start_tls_peer(int *port, bool inject)
{
	int lfd = listen_loopback(port);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid > 0) {
		close(lfd);
		return pid;
	}
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate_file(ctx, cert_path, SSL_FILETYPE_PEM);
	SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(1);
		const char *greeting = inject ? "220 ready\r\n250 injected\r\n" : "220 ready\r\n";
		if (write(fd, greeting, strlen(greeting)) < 0)
			_exit(1);
		SSL *ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) == 1) {
			char buf[256];
			int n = SSL_read(ssl, buf, sizeof(buf));
			if (n > 0)
				SSL_write(ssl, buf, n);
			SSL_shutdown(ssl);
		}
		SSL_free(ssl);
		close(fd);
	}
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Connects, reads the greeting and tries the handshake with opts. */
static enum ms_net_error handshake(int port, const struct ms_tls_opts *opts, struct ms_conn *c,
				   struct ms_buf *err)
{
	char p[16];
	struct ms_buf line = MS_BUF_INIT;
	int64_t dl = safety_deadline(5000);

	snprintf(p, sizeof(p), "%d", port);
	ck_assert_msg(ms_tcp_connect(c, "127.0.0.1", p, dl, err) == MS_NET_OK, "%s",
		      ms_buf_str(err));
	ck_assert_int_eq(ms_conn_read_line(c, &line, 512, dl, err), MS_NET_OK);
	ck_assert_str_eq(ms_buf_str(&line), "220 ready");
	usleep(50000); /* let any injected bytes arrive */
	ms_buf_free(&line);
	return ms_conn_starttls(c, opts, dl, err);
}

START_TEST(verified_with_the_right_ca)
{
	int port;
	pid_t pid = start_tls_peer(&port, false);
	struct ms_tls_opts opts = { .ca_file = cert_path };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_tls_info info;
	struct ms_buf line = MS_BUF_INIT;
	int64_t dl = safety_deadline(5000);

	ck_assert_msg(handshake(port, &opts, &c, &err) == MS_NET_OK, "%s", ms_buf_str(&err));
	ck_assert(ms_conn_tls_info(&c, &info));
	ck_assert_int_eq(info.verify_result, 0);
	ck_assert_ptr_nonnull(strstr(info.subject, "CN=mail.test"));
	ck_assert_str_eq(info.protocol, "TLSv1.3");
	/* the expiry date is the one the certificate was made with */
	ck_assert_int_le(labs((long)(info.not_after - (made_at + VALID_DAYS * 86400L))), 5);
	double days = ms_tls_days_left(&info, made_at);
	ck_assert(days > VALID_DAYS - 0.01 && days < VALID_DAYS + 0.01);
	ck_assert_int_eq(ms_conn_puts(&c, "over tls\r\n", dl, &err), MS_NET_OK);
	ck_assert_msg(ms_conn_read_line(&c, &line, 512, dl, &err) == MS_NET_OK, "%s",
		      ms_buf_str(&err));
	ck_assert_str_eq(ms_buf_str(&line), "over tls");
	ms_conn_close(&c);
	ms_buf_free(&line);
	ms_buf_free(&err);
	stop(pid);
}
END_TEST

START_TEST(self_signed_refused_by_default)
{
	int port;
	pid_t pid = start_tls_peer(&port, false);
	struct ms_tls_opts opts = { 0 };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_int_eq(handshake(port, &opts, &c, &err), MS_NET_VERIFY);
	ck_assert_msg(strstr(ms_buf_str(&err), "self-signed certificate") ||
		      strstr(ms_buf_str(&err), "self signed certificate"), "%s",
		      ms_buf_str(&err));
	ms_conn_close(&c);
	ms_buf_free(&err);
	stop(pid);
}
END_TEST

START_TEST(wrong_name_refused)
{
	int port;
	pid_t pid = start_tls_peer(&port, false);
	struct ms_tls_opts opts = { .ca_file = cert_path, .servername = "other.test" };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_int_eq(handshake(port, &opts, &c, &err), MS_NET_VERIFY);
	ck_assert_msg(strstr(ms_buf_str(&err), "mismatch"), "%s", ms_buf_str(&err));
	ms_conn_close(&c);
	ms_buf_free(&err);
	stop(pid);
}
END_TEST

START_TEST(insecure_connects_but_reports)
{
	int port;
	pid_t pid = start_tls_peer(&port, false);
	struct ms_tls_opts opts = { .insecure = true };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_tls_info info;

	ck_assert_msg(handshake(port, &opts, &c, &err) == MS_NET_OK, "%s", ms_buf_str(&err));
	ck_assert(ms_conn_tls_info(&c, &info));
	ck_assert_int_ne(info.verify_result, 0);
	ck_assert_str_ne(info.verify_error, "");
	ms_conn_close(&c);
	ms_buf_free(&err);
	stop(pid);
}
END_TEST

START_TEST(data_before_handshake_is_refused)
{
	int port;
	pid_t pid = start_tls_peer(&port, true);
	struct ms_tls_opts opts = { .ca_file = cert_path };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_int_ne(handshake(port, &opts, &c, &err), MS_NET_OK);
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&err), "STARTTLS injection"));
	ms_conn_close(&c);
	ms_buf_free(&err);
	stop(pid);
}
END_TEST

START_TEST(peer_that_is_not_tls)
{
	int port;
	int lfd = listen_loopback(&port);
	pid_t pid = fork();

	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		if (write(fd, "220 ready\r\n", 11) < 0)
			_exit(1);
		sleep(1);
		if (write(fd, "500 what?\r\n", 11) < 0)
			_exit(1);
		close(fd);
		_exit(0);
	}
	close(lfd);
	struct ms_tls_opts opts = { .ca_file = cert_path };
	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	ck_assert_int_eq(handshake(port, &opts, &c, &err), MS_NET_TLS);
	ck_assert_msg(strstr(ms_buf_str(&err), "TLS handshake with 127.0.0.1:"), "%s",
		      ms_buf_str(&err));
	ms_conn_close(&c);
	ms_buf_free(&err);
	stop(pid);
}
END_TEST

Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, verified_with_the_right_ca);
	tcase_add_test(tc, self_signed_refused_by_default);
	tcase_add_test(tc, wrong_name_refused);
	tcase_add_test(tc, insecure_connects_but_reports);
	tcase_add_test(tc, data_before_handshake_is_refused);
	tcase_add_test(tc, peer_that_is_not_tls);
	suite_add_tcase(s, tc);
	return s;
}
