/*
 * check_greylist: does the greylisting gateway defer new senders, and
 * let them through later?
 *
 * It offers a triplet (client address, sender, recipient) the greylister
 * has never seen, through one of its two doors: the Postfix policy
 * protocol (--mode=policy, to postgrey, sqlgrey, policyd...) or SMTP to
 * the MTA in front of it (--mode=smtp, never DATA). A new triplet must be
 * deferred; with --retry-after (or postgrey's --test-time-offset) the same
 * triplet must pass on its second try. --expect=pass turns the first
 * expectation round for whitelisted clients.
 *
 * Reads top to bottom: options -> probe -> verdict -> output.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "netconn.h"
#include "options.h"
#include "plugin.h"
#include "policy.h"
#include "smtp.h"
#include "strbuf.h"
#include "text.h"
#include "tls.h"
#include "xalloc.h"

/* How much of the peer's words the status line quotes. */
#define WORDS_MAX 300
/* What -t must leave beyond --retry-after for the two tries themselves. */
#define RETRY_MARGIN_S 5.0
/* How long RSET/QUIT may take once the verdict is known. */
#define GOODBYE_MS 2000

enum mode { MODE_POLICY, MODE_SMTP };
enum expect { EXPECT_DEFER, EXPECT_PASS };

static const struct ms_plugin plugin = {
	.name = "check_greylist",
	.label = "GREYLIST",
	.purpose =
		"Checks that a greylisting gateway defers a sender it has never seen and,\n"
		"with --retry-after, lets the same sender through on its next try. It asks\n"
		"the greylisting daemon with the Postfix policy protocol (--mode=policy) or\n"
		"the MTA in front of it over SMTP (--mode=smtp), never sending any mail.",
	.options = &greylist_options,
};

struct settings {
	enum mode mode;
	const char *host, *port, *socket;
	const char *sender, *recipient, *client_address, *client_name, *helo;
	enum expect expect;
	double retry_after, test_time_offset;
	bool starttls;
	struct ms_tls_opts tls;
	bool has_cert_days;
	double cert_warn_days, cert_crit_days;
	struct ms_thresholds time;
};

/* ---------------------------------------------------------------- options */

/* Outside text that ends up in a request line must not break it. */
static const char *opt_text(const char *name, const char *arg)
{
	for (const unsigned char *p = (const unsigned char *)arg; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			ms_usage_error("invalid value for %s: no control characters, '<' or '>'",
				       name);
	return arg;
}

/* Greylisters parse client_address as an IP address and ignore the request otherwise. */
static const char *opt_address(const char *name, const char *arg)
{
	unsigned char bin[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, arg, bin) != 1 && inet_pton(AF_INET6, arg, bin) != 1)
		ms_usage_error("invalid address '%s' for %s: give an IPv4 or IPv6 address",
			       arg, name);
	return arg;
}

static void parse_cert_days(const char *name, const char *arg, struct settings *s)
{
	char *copy = ms_xstrdup(arg), *comma = strchr(copy, ',');

	if (comma)
		*comma++ = '\0';
	s->cert_warn_days = ms_opt_double(name, copy, 0, 36500);
	s->cert_crit_days = comma ? ms_opt_double(name, comma, 0, 36500) : 0;
	if (s->cert_crit_days > s->cert_warn_days)
		ms_usage_error("invalid value '%s' for %s: the critical days (%s) exceed the "
			       "warning days", arg, name, comma);
	s->has_cert_days = true;
	free(copy);
}

static void parse_option(int c, const char *name, struct settings *s)
{
	switch (c) {
	case OPT_MODE:
		if (strcmp(optarg, "policy") == 0)
			s->mode = MODE_POLICY;
		else if (strcmp(optarg, "smtp") == 0)
			s->mode = MODE_SMTP;
		else
			ms_usage_error("invalid mode '%s' for %s: use policy or smtp", optarg, name);
		break;
	case 'H': s->host = opt_text(name, optarg); break;
	case 'p':
		ms_opt_long(name, optarg, 1, 65535);
		s->port = optarg;
		break;
	case OPT_SOCKET: s->socket = optarg; break;
	case OPT_SENDER: s->sender = opt_text(name, optarg); break;
	case OPT_RECIPIENT: s->recipient = opt_text(name, optarg); break;
	case OPT_CLIENT_ADDRESS: s->client_address = opt_address(name, optarg); break;
	case OPT_CLIENT_NAME: s->client_name = opt_text(name, optarg); break;
	case OPT_HELO: s->helo = opt_text(name, optarg); break;
	case OPT_EXPECT:
		if (strcmp(optarg, "defer") == 0)
			s->expect = EXPECT_DEFER;
		else if (strcmp(optarg, "pass") == 0)
			s->expect = EXPECT_PASS;
		else
			ms_usage_error("invalid value '%s' for %s: use defer or pass", optarg, name);
		break;
	case OPT_RETRY_AFTER: s->retry_after = ms_opt_duration(name, optarg); break;
	case OPT_TEST_TIME_OFFSET: s->test_time_offset = ms_opt_duration(name, optarg); break;
	case 'S': s->starttls = true; break;
	case OPT_CA_FILE: s->tls.ca_file = optarg; break;
	case OPT_CA_PATH: s->tls.ca_path = optarg; break;
	case OPT_SERVERNAME: s->tls.servername = opt_text(name, optarg); break;
	case OPT_INSECURE: s->tls.insecure = true; break;
	case OPT_CERT_DAYS: parse_cert_days(name, optarg, s); break;
	case 'w':
		ms_opt_range(name, optarg, MS_RANGE_DURATION, &s->time.warning);
		s->time.has_warning = true;
		break;
	case 'c':
		ms_opt_range(name, optarg, MS_RANGE_DURATION, &s->time.critical);
		s->time.has_critical = true;
		break;
	}
}

/* Combinations that cannot work, said before anything is sent. */
static void check_settings(const struct settings *s)
{
	bool smtp = s->mode == MODE_SMTP;

	if (!s->host && !s->socket)
		ms_usage_error("no greylister to ask: give -H HOST%s", smtp ? "" : " or --socket=PATH");
	if (s->host && s->socket)
		ms_usage_error("give either -H HOST or --socket=PATH, not both");
	if (smtp && s->socket)
		ms_usage_error("--socket is for --mode=policy; SMTP goes to -H HOST");
	if (smtp && !s->recipient)
		ms_usage_error("--mode=smtp needs --recipient=ADDRESS: a mailbox the MX accepts "
			       "mail for (not postmaster@ or abuse@, which greylisters whitelist)");
	if (smtp && (s->client_address || s->client_name))
		ms_usage_error("--client-address and --client-name are for --mode=policy: over "
			       "SMTP the greylister sees this host's own address");
	if (smtp && s->test_time_offset > 0)
		ms_usage_error("--test-time-offset is for --mode=policy (postgrey's "
			       "policy_test_time); use --retry-after over SMTP");
	if (!smtp && (s->starttls || s->has_cert_days))
		ms_usage_error("--starttls and --cert-days are for --mode=smtp");
	if (!s->starttls && (s->has_cert_days || s->tls.ca_file || s->tls.ca_path ||
			     s->tls.insecure || s->tls.servername))
		ms_usage_error("--cert-days, --ca-file, --ca-path, --servername and --insecure "
			       "need --starttls");
	if (s->retry_after > 0 && s->test_time_offset > 0)
		ms_usage_error("give either --retry-after or --test-time-offset, not both");
	if (s->expect == EXPECT_PASS && (s->retry_after > 0 || s->test_time_offset > 0))
		ms_usage_error("--expect=pass checks a first try; it does not go with "
			       "--retry-after or --test-time-offset");
	if (s->retry_after > 0 && s->retry_after + RETRY_MARGIN_S > ms_timeout())
		ms_die(MS_UNKNOWN, "the timeout (%gs) is too short to wait --retry-after=%gs "
		       "and ask again: set -t to at least %g", ms_timeout(), s->retry_after,
		       s->retry_after + RETRY_MARGIN_S);
}

static void parse(int argc, char **argv, struct settings *s)
{
	const char *name;
	int c;

	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1)
		parse_option(c, name, s);
	if (!s->port)
		s->port = s->mode == MODE_SMTP ? "25" : "10023";
	check_settings(s);
}

/* --------------------------------------------------------------- triplet */

static uint64_t random64(void)
{
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	/* no entropy yet (early boot): the time and pid still make it unique */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec << 32) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 16);
}

/*
 * Appends v in letters g..z only. Greylisters normalize senders so that
 * VERP and bounce addresses share one entry: postgrey turns every number
 * into '#', sqlgrey drops hexadecimal runs. A local part with neither
 * digits nor a-f stays unique.
 */
static void add_letters(struct ms_buf *b, uint64_t v, int count)
{
	static const char alphabet[] = "ghijklmnopqrstuvwxyz";

	for (int i = 0; i < count; i++) {
		ms_buf_putc(b, alphabet[v % 20]);
		v /= 20;
	}
}

/*
 * "mailstatus-probe-<time><random>@domain": a sender never seen before.
 * Without a domain the domain is new too ("probe-<random>.example.com"):
 * sqlgrey whitelists a sender domain for a client once two of its
 * addresses passed greylisting there, and the probe's passes must never
 * add up to that.
 */
static char *unique_sender(const char *domain)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_puts(&b, "mailstatus-probe-");
	add_letters(&b, (uint64_t)time(NULL), 8);
	add_letters(&b, random64(), 8);
	if (domain) {
		ms_buf_printf(&b, "@%s", domain);
	} else {
		ms_buf_puts(&b, "@probe-");
		add_letters(&b, random64(), 8);
		ms_buf_puts(&b, ".example.com");
	}
	return ms_buf_steal(&b);
}

/*
 * The probe's client address, from the three TEST-NET /24s (RFC 5737):
 * 761 addresses, a prime, stepped once a minute. Whatever the check
 * interval (in whole minutes below 761), consecutive runs then visit every
 * address before one comes back, so no address collects the passes that
 * earn postgrey's client auto-whitelist (5) or sqlgrey's AWL.
 */
static char *rotating_client_address(void)
{
	static const char *const nets[] = { "192.0.2", "198.51.100", "203.0.113" };
	unsigned i = (unsigned)((time(NULL) / 60) % 761);
	char buf[32];

	snprintf(buf, sizeof(buf), "%s.%u", nets[i / 254], i % 254 + 1);
	return ms_xstrdup(buf);
}

struct triplet {
	char *sender, *recipient, *client_address;
};

static void make_triplet(const struct settings *s, struct triplet *t)
{
	if (!s->sender)
		t->sender = unique_sender(NULL);
	else if (s->sender[0] == '@' && s->sender[1])
		t->sender = unique_sender(s->sender + 1);
	else
		t->sender = ms_xstrdup(s->sender);
	t->recipient = ms_xstrdup(s->recipient ? s->recipient : "probe@example.net");
	t->client_address = s->client_address ? ms_xstrdup(s->client_address)
					      : rotating_client_address();
}

static void free_triplet(struct triplet *t)
{
	free(t->sender);
	free(t->recipient);
	free(t->client_address);
}

/* ------------------------------------------------------------------ probe */

/* What one try of the triplet brought. */
enum outcome {
	OUT_DEFERRED,		/* greylisted */
	OUT_PASSED,
	OUT_REJECTED,
	OUT_POLICY_DOWN,	/* the MTA lost its greylisting service */
	OUT_DEFERRED_OTHER,	/* the MTA deferred it, not for greylisting */
	OUT_OTHER		/* a policy action that is no greylisting decision */
};

struct attempt {
	enum outcome outcome;
	char *words;		/* the peer's reply, for the status line */
	double seconds;		/* the reply time -w/-c judge */
	/* smtp mode: the parts of the session */
	double connect_s, greeting_s, total_s;
	bool has_tls;
	struct ms_tls_info tls;
	bool sender_refused;	/* deferred for the sender's address (4.1.7, 4.1.8) */
};

/*
 * The hint for a gateway that refuses the probe's sender before the
 * policy check: reject_unknown_sender_domain answers 450 4.1.8 for the
 * default sender's domain, which does not resolve.
 */
#define SENDER_DOMAIN_HINT \
	" (the MX rejects the probe's sender domain: give --sender=@A-DOMAIN-THAT-RESOLVES)"

/* 4.1.7 (bad sender address) or 4.1.8 (bad sender domain), or their 5.x.x. */
static bool sender_refused(const struct ms_smtp_reply *r)
{
	return (r->enhanced[0] == '4' || r->enhanced[0] == '5') &&
	       (strcmp(r->enhanced + 1, ".1.7") == 0 || strcmp(r->enhanced + 1, ".1.8") == 0);
}

/* Seconds on the monotonic clock, finer than ms_now_ms(): replies take microseconds. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Rounded to microseconds, so perfdata does not print clock noise. */
static double round_us(double seconds)
{
	return (double)(int64_t)(seconds * 1e6 + 0.5) / 1e6;
}

static double seconds_since(double start)
{
	return round_us(now_s() - start);
}

static const char *peer_name(const struct settings *s, char *buf, size_t size)
{
	if (s->socket)
		snprintf(buf, size, "unix:%s", s->socket);
	else if (strchr(s->host, ':'))	/* an IPv6 address */
		snprintf(buf, size, "[%s]:%s", s->host, s->port);
	else
		snprintf(buf, size, "%s:%s", s->host, s->port);
	return buf;
}

/*
 * A step that could not be done (rc, err) is CRITICAL with the step and
 * the reason. When the reason is that the plugin's own deadline passed,
 * the deadline handler reports it (with the -t STATE) in a moment: wait
 * for it, so the same fault always gets the same verdict.
 */
static void step_done(const char *step, enum ms_net_error rc, const struct ms_buf *err)
{
	if (rc == MS_NET_OK)
		return;
	if (rc == MS_NET_TIMEOUT && ms_now_ms() >= ms_deadline_at())
		for (;;)
			pause();
	ms_die(MS_CRITICAL, "%s: %s", step, ms_buf_str(err));
}

static enum outcome policy_outcome(enum ms_policy_verdict v)
{
	switch (v) {
	case MS_POLICY_DEFER: return OUT_DEFERRED;
	case MS_POLICY_PASS: return OUT_PASSED;
	case MS_POLICY_REJECT: return OUT_REJECTED;
	case MS_POLICY_OTHER: break;
	}
	return OUT_OTHER;
}

/* A Postfix-like queue instance, new for each try. */
static void make_instance(char *buf, size_t size)
{
	snprintf(buf, size, "%" PRIx64 ".%" PRIx64 ".0", random64() & 0xfffff,
		 (uint64_t)time(NULL));
}

/* "action=..." for the status line, cut to WORDS_MAX bytes on a character boundary. */
static char *policy_words(const char *action)
{
	struct ms_buf b = MS_BUF_INIT;
	size_t n = strlen(action), keep = ms_utf8_prefix(action, n, WORDS_MAX);

	ms_buf_puts(&b, "action=");
	ms_buf_add(&b, action, keep);
	if (keep < n)
		ms_buf_puts(&b, "...");
	return ms_buf_steal(&b);
}

/* One policy request on a connection of its own. */
static void policy_try(const struct settings *s, const struct triplet *t, int64_t test_time,
		       struct attempt *a)
{
	char peer[300], instance[64];
	struct ms_conn conn;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_policy_reply reply;

	peer_name(s, peer, sizeof(peer));
	make_instance(instance, sizeof(instance));
	const struct ms_policy_request rq = {
		.client_address = t->client_address, .client_name = s->client_name,
		.helo_name = s->helo, .sender = t->sender, .recipient = t->recipient,
		.instance = instance, .test_time = test_time,
	};
	double start = now_s();

	ms_step("connecting to the greylister at %s", peer);
	step_done("connecting to the greylister", s->socket
		  ? ms_unix_connect(&conn, s->socket, ms_deadline_within(-1), &err)
		  : ms_tcp_connect(&conn, s->host, s->port, ms_deadline_within(-1), &err), &err);
	ms_step("waiting for the policy reply from %s", peer);
	step_done("asking the greylister",
		  ms_policy_query(&conn, &rq, &reply, ms_deadline_within(-1), &err), &err);
	a->seconds = a->total_s = seconds_since(start);
	a->outcome = policy_outcome(ms_policy_classify(reply.action));
	a->words = policy_words(reply.action);
	ms_policy_reply_free(&reply);
	ms_conn_close(&conn);
}

/* The reply must be 2NN, or the session ends CRITICAL with its words. */
static void smtp_expect_ok(const char *what, const struct ms_smtp_reply *r)
{
	if (r->code / 100 == 2)
		return;
	struct ms_buf words = MS_BUF_INIT;
	ms_smtp_reply_describe(r, &words, WORDS_MAX);
	ms_die(MS_CRITICAL, "%s: %s%s", what, ms_buf_str(&words),
	       sender_refused(r) ? SENDER_DOMAIN_HINT : "");
}

static void smtp_ehlo(struct ms_conn *conn, const struct settings *s, struct ms_smtp_reply *r)
{
	struct ms_buf err = MS_BUF_INIT;
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "EHLO %s", s->helo);
	ms_step("waiting for the EHLO reply from %s", conn->peer);
	step_done("EHLO", ms_smtp_command(conn, cmd, r, ms_deadline_within(-1), &err), &err);
	smtp_expect_ok("EHLO refused", r);
}

static void smtp_starttls(struct ms_conn *conn, const struct settings *s,
			  struct ms_smtp_reply *r, struct attempt *a)
{
	struct ms_buf err = MS_BUF_INIT;

	if (!ms_smtp_has_extension(r, "STARTTLS"))
		ms_die(MS_CRITICAL, "STARTTLS: %s does not offer it after EHLO", conn->peer);
	ms_step("starting TLS with %s", conn->peer);
	enum ms_net_error rc = ms_smtp_starttls(conn, &s->tls, r, ms_deadline_within(-1), &err);
	if (rc == MS_NET_VERIFY)
		ms_die(MS_CRITICAL, "STARTTLS: %s (give --ca-file, or --insecure to accept it "
		       "anyway)", ms_buf_str(&err));
	step_done("STARTTLS", rc, &err);
	a->has_tls = ms_conn_tls_info(conn, &a->tls);
	smtp_ehlo(conn, s, r);
}

/* One SMTP session up to RCPT TO; never DATA. */
static void smtp_try(const struct settings *s, const struct triplet *t, struct attempt *a)
{
	char peer[300];
	struct ms_conn conn;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_smtp_reply r;
	double start = now_s();

	ms_smtp_reply_init(&r);
	ms_step("connecting to %s", peer_name(s, peer, sizeof(peer)));
	step_done("connecting", ms_tcp_connect(&conn, s->host, s->port, ms_deadline_within(-1),
					       &err), &err);
	double connected = now_s();
	a->connect_s = round_us(connected - start);

	ms_step("waiting for the greeting from %s", conn.peer);
	step_done("waiting for the greeting",
		  ms_smtp_read_reply(&conn, &r, ms_deadline_within(-1), &err), &err);
	a->greeting_s = seconds_since(connected);
	smtp_expect_ok("greeting", &r);

	smtp_ehlo(&conn, s, &r);
	if (s->starttls)
		smtp_starttls(&conn, s, &r, a);

	ms_step("waiting for the MAIL FROM reply from %s", conn.peer);
	step_done("MAIL FROM", ms_smtp_mail_from(&conn, t->sender, &r, ms_deadline_within(-1), &err),
		  &err);
	smtp_expect_ok("MAIL FROM refused", &r);

	ms_step("waiting for the RCPT TO reply from %s", conn.peer);
	double rcpt_start = now_s();
	step_done("RCPT TO",
		  ms_smtp_rcpt_to(&conn, t->recipient, &r, ms_deadline_within(-1), &err), &err);
	a->seconds = seconds_since(rcpt_start);
	a->total_s = seconds_since(start);

	static const enum outcome by_rcpt[] = {
		[MS_RCPT_ACCEPTED] = OUT_PASSED, [MS_RCPT_GREYLISTED] = OUT_DEFERRED,
		[MS_RCPT_POLICY_DOWN] = OUT_POLICY_DOWN, [MS_RCPT_DEFERRED] = OUT_DEFERRED_OTHER,
		[MS_RCPT_REJECTED] = OUT_REJECTED,
	};
	a->outcome = by_rcpt[ms_smtp_classify_rcpt(&r)];
	a->sender_refused = a->outcome == OUT_DEFERRED_OTHER && sender_refused(&r);
	struct ms_buf words = MS_BUF_INIT;
	ms_smtp_reply_describe(&r, &words, WORDS_MAX);
	a->words = ms_buf_steal(&words);
	ms_smtp_reply_free(&r);

	ms_step("saying goodbye to %s", conn.peer);
	ms_smtp_goodbye(&conn, ms_deadline_within(GOODBYE_MS));
}

static void try_triplet(const struct settings *s, const struct triplet *t, int64_t test_time,
			struct attempt *a)
{
	if (s->mode == MODE_SMTP)
		smtp_try(s, t, a);
	else
		policy_try(s, t, test_time, a);
}

/* Sleeps the whole duration, whatever signals come in between. */
static void wait_seconds(double seconds)
{
	int64_t until = ms_now_ms() + (int64_t)(seconds * 1000.0);
	int64_t left;

	ms_step("waiting %gs before trying the same triplet again", seconds);
	while ((left = until - ms_now_ms()) > 0) {
		struct timespec ts = { .tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
}

/*
 * The learning check's second try: after --retry-after, or at once with
 * postgrey's clock set --test-time-offset ahead. later says which.
 */
static void try_again(const struct settings *s, const struct triplet *t, struct attempt *a,
		      char *later, size_t size)
{
	char took[32];

	if (s->retry_after > 0) {
		wait_seconds(s->retry_after);
		try_triplet(s, t, 0, a);
		snprintf(later, size, "after %s",
			 ms_duration_format(took, sizeof(took), s->retry_after));
	} else {
		try_triplet(s, t, (int64_t)time(NULL) + (int64_t)s->test_time_offset, a);
		snprintf(later, size, "at policy_test_time +%s",
			 ms_duration_format(took, sizeof(took), s->test_time_offset));
	}
}

/* ---------------------------------------------------------------- verdict */

static void free_attempt(struct attempt *a)
{
	free(a->words);
}

/* The first try, judged against --expect. */
static void judge_first(struct ms_result *r, const struct settings *s, const struct attempt *a)
{
	bool want_pass = s->expect == EXPECT_PASS;

	switch (a->outcome) {
	case OUT_DEFERRED:
		if (want_pass)
			ms_result_add(r, MS_CRITICAL, "expected to pass, but deferred (%s)", a->words);
		else
			ms_result_add(r, MS_OK, "new triplet deferred (%s)", a->words);
		break;
	case OUT_PASSED:
		if (want_pass)
			ms_result_add(r, MS_OK, "passed as expected (%s)", a->words);
		else
			ms_result_add(r, MS_CRITICAL, "greylisting is not active: a new triplet "
				      "passed on its first try (%s)", a->words);
		break;
	case OUT_REJECTED:
		ms_result_add(r, MS_CRITICAL, "new triplet rejected (%s)", a->words);
		break;
	case OUT_POLICY_DOWN:
		ms_result_add(r, MS_CRITICAL, "greylisting service unavailable behind the MTA (%s)",
			      a->words);
		break;
	case OUT_DEFERRED_OTHER:
		ms_result_add(r, MS_CRITICAL, "deferred, but not by greylisting (%s)%s", a->words,
			      a->sender_refused ? SENDER_DOMAIN_HINT : "");
		break;
	case OUT_OTHER:
		ms_result_add(r, MS_CRITICAL, "unexpected reply, not a greylisting decision (%s)",
			      a->words);
		break;
	}
}

/* The second try, "later" (after the wait, or at postgrey's test time), must pass. */
static void judge_retry(struct ms_result *r, const char *later, const struct attempt *first,
			const struct attempt *again)
{
	if (again->outcome == OUT_PASSED)
		ms_result_add(r, MS_OK, "new triplet deferred (%s), passed %s (%s)",
			      first->words, later, again->words);
	else if (again->outcome == OUT_DEFERRED)
		ms_result_add(r, MS_CRITICAL, "triplet still deferred %s (%s)", later, again->words);
	else	/* rejected, unavailable...: judged as a try that must pass */
		judge_first(r, &(struct settings){ .expect = EXPECT_PASS }, again);
}

static void judge_time(struct ms_result *r, const struct settings *s, const struct attempt *a)
{
	enum ms_state st = ms_thresholds_state(&s->time, a->seconds);
	char took[32];

	if (st != MS_OK)
		ms_result_add(r, st, "%s reply took %s", s->mode == MODE_SMTP ? "RCPT TO" : "policy",
			      ms_duration_format(took, sizeof(took), a->seconds));
}

static void judge_certificate(struct ms_result *r, const struct settings *s,
			      const struct attempt *a)
{
	if (!a->has_tls)
		return;
	double days = ms_tls_days_left(&a->tls, time(NULL));
	char when[32];
	struct tm tm;

	gmtime_r(&a->tls.not_after, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	ms_result_line(r, "TLS %s %s, certificate %s (issuer %s) expires %s", a->tls.protocol,
		       a->tls.cipher, a->tls.subject, a->tls.issuer, when);
	if (a->tls.verify_result != 0)
		ms_result_line(r, "certificate not verified (--insecure): %s", a->tls.verify_error);
	if (!s->has_cert_days)
		return;
	if (days < 0)
		ms_result_add(r, MS_CRITICAL, "the TLS certificate expired %.0f days ago (%s)",
			      -days, when);
	else if (days <= s->cert_crit_days)
		ms_result_add(r, MS_CRITICAL, "the TLS certificate expires in %.0f days (%s)",
			      days, when);
	else if (days <= s->cert_warn_days)
		ms_result_add(r, MS_WARNING, "the TLS certificate expires in %.0f days (%s)",
			      days, when);
}

/* ----------------------------------------------------------------- output */

/* -v: each try's reply and timing in the long output. */
static void describe_tries(struct ms_result *r, const struct attempt *first,
			   const struct attempt *again)
{
	const struct attempt *tries[] = { first, again };
	char took[32];

	for (size_t i = 0; i < 2 && tries[i]; i++)
		ms_result_line(r, "%s try: %s in %s", i == 0 ? "first" : "second", tries[i]->words,
			       ms_duration_format(took, sizeof(took), tries[i]->total_s));
}

static void add_perf(struct ms_result *r, const struct settings *s, const struct attempt *a)
{
	const struct ms_range *w = s->time.has_warning ? &s->time.warning : NULL;
	const struct ms_range *c = s->time.has_critical ? &s->time.critical : NULL;
	bool smtp = s->mode == MODE_SMTP;

	ms_result_perf(r, &(struct ms_perf){ .label = "time", .value = a->total_s, .uom = "s",
					     .warn = smtp ? NULL : w, .crit = smtp ? NULL : c,
					     .has_min = true });
	if (!smtp)
		return;
	ms_result_perf(r, &(struct ms_perf){ .label = "connect", .value = a->connect_s,
					     .uom = "s", .has_min = true });
	ms_result_perf(r, &(struct ms_perf){ .label = "greeting", .value = a->greeting_s,
					     .uom = "s", .has_min = true });
	ms_result_perf(r, &(struct ms_perf){ .label = "rcpt", .value = a->seconds, .uom = "s",
					     .warn = w, .crit = c, .has_min = true });
}

int main(int argc, char **argv)
{
	struct settings s = { .mode = MODE_POLICY, .expect = EXPECT_DEFER,
			      .helo = "mailstatus-probe.example.com" };
	struct triplet t;
	struct attempt first = { 0 }, again = { 0 };

	ms_plugin_init(&plugin, &argc, &argv);
	parse(argc, argv, &s);
	make_triplet(&s, &t);

	try_triplet(&s, &t, 0, &first);
	/* learning is only worth checking once the first try was deferred */
	bool learning = first.outcome == OUT_DEFERRED && s.expect == EXPECT_DEFER &&
			(s.retry_after > 0 || s.test_time_offset > 0);
	char later[96] = "";
	if (learning)
		try_again(&s, &t, &again, later, sizeof(later));

	struct ms_result *r = ms_result_new(plugin.label);
	if (learning)
		judge_retry(r, later, &first, &again);
	else
		judge_first(r, &s, &first);
	judge_time(r, &s, &first);
	judge_certificate(r, &s, &first);
	ms_result_line(r, "triplet: client %s, sender <%s>, recipient <%s>",
		       s.mode == MODE_SMTP ? "(this host)" : t.client_address, t.sender,
		       t.recipient);
	if (ms_verbosity() > 0)
		describe_tries(r, &first, learning ? &again : NULL);
	add_perf(r, &s, &first);

	free_attempt(&first);
	free_attempt(&again);
	free_triplet(&t);
	ms_plugin_exit(r);
}
