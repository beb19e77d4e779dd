/*
 * check_webmail_send: a real user logs into the webmail, sends a message,
 * and it arrives.
 *
 * The plugin logs in as a browser would (cookies, tokens, the webmail's
 * own forms), checks that the folder list and inbox load, sends a message
 * with a unique token in its Subject through the webmail's compose page,
 * then polls the mailbox over IMAP until the message is there (in the
 * inbox, or in a Junk folder: WARNING) and deletes it again, with the copy
 * the webmail saved in Sent. Every failure names the step it happened in.
 *
 * options -> probe -> verdict -> output.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "curlutil.h"
#include "duration.h"
#include "httpclient.h"
#include "imapprobe.h"
#include "options.h"
#include "plugin.h"
#include "redact.h"
#include "text.h"
#include "webmail.h"
#include "xalloc.h"

#define MAX_JUNK_FOLDERS 8
#define MAX_ATTACHMENT (64L * 1024 * 1024)
#define SEARCH_HEADER "Subject"
/* Every probe message's Subject starts so: other runs' messages are known by it. */
#define PROBE_SUBJECT "mailstatus probe"
/* Probe messages older than this are left-overs of failed runs: removed. */
#define STALE_PROBE_S (24 * 3600)
/* What -t must leave beyond --delivery-timeout for the last search and the clean-up. */
#define DELIVERY_MARGIN_S 5

/* ---- options ---- */

static const struct ms_plugin plugin = {
	.name = "check_webmail_send",
	.label = "WEBMAIL_SEND",
	.purpose =
		"Logs into a webmail as a real user, checks that the mailbox loads, sends a\n"
		"message through the webmail's compose page and waits until it arrives over\n"
		"IMAP; then deletes it. The password comes from --password-file or the\n"
		"environment variable MAILSTATUS_PASSWORD, never from the command line.",
	.options = &webmail_send_options,
};

struct settings {
	const char *url, *webmail, *user, *password_file, *to;
	const char *imap_url, *imap_user, *imap_password_file, *ca_file;
	long attach_size;
	double delivery_timeout;
	bool delivery_timeout_given;	/* else derived from -t */
	const char *junk[MAX_JUNK_FOLDERS];
	size_t njunk;
	bool keep, insecure, imap_cleartext;
	struct ms_thresholds delivery, login;
	char *password, *imap_password;
};

/* The first line of path, without its line end; the run ends UNKNOWN if unreadable. */
static char *read_secret(const char *path, const char *option)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		ms_die(MS_UNKNOWN, "cannot read the password file %s given to %s: %s", path, option,
		       strerror(errno));
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0)
		n = 0;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n == 0) {
		free(line);
		ms_die(MS_UNKNOWN, "the password file %s given to %s is empty", path, option);
	}
	line[n] = '\0';
	return line;
}

static void add_junk_folder(struct settings *s, const char *name, const char *option)
{
	if (s->njunk == MAX_JUNK_FOLDERS)
		ms_usage_error("at most %d folders for %s", MAX_JUNK_FOLDERS, option);
	if (!name[0] || strpbrk(name, "\r\n"))
		ms_usage_error("invalid folder name for %s", option);
	s->junk[s->njunk++] = name;
}

/*
 * getopt_long takes abbreviations: "--password=secret" would be read as
 * --password-file and the secret echoed in the error about the file.
 * Refuse any shortened password option before getopt sees it.
 */
static void refuse_shortened_password_options(int argc, char **argv)
{
	static const char *const secret_opts[] = { "--password-file", "--imap-password-file" };

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		size_t len = strcspn(argv[i], "=");
		for (size_t k = 0; k < 2; k++) {
			const char *full = secret_opts[k];
			if (len > 2 && len < strlen(full) && strncmp(argv[i], full, len) == 0)
				ms_usage_error("the password is never given on the command line: "
					       "use %s=FILE or MAILSTATUS_PASSWORD", full);
		}
	}
}

static void parse(int argc, char **argv, struct settings *s)
{
	const char *name;
	int c;

	refuse_shortened_password_options(argc, argv);
	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1) {
		switch (c) {
		case OPT_URL: s->url = optarg; break;
		case OPT_WEBMAIL: s->webmail = optarg; break;
		case 'u': s->user = optarg; break;
		case OPT_PASSWORD_FILE: s->password_file = optarg; break;
		case OPT_TO: s->to = optarg; break;
		case OPT_ATTACH_SIZE:
			s->attach_size = ms_opt_long(name, optarg, 0, MAX_ATTACHMENT);
			break;
		case OPT_IMAP_URL: s->imap_url = optarg; break;
		case OPT_IMAP_USER: s->imap_user = optarg; break;
		case OPT_IMAP_PASSWORD_FILE: s->imap_password_file = optarg; break;
		case OPT_DELIVERY_TIMEOUT:
			s->delivery_timeout = ms_opt_duration(name, optarg);
			s->delivery_timeout_given = true;
			break;
		case OPT_JUNK_FOLDER: add_junk_folder(s, optarg, name); break;
		case OPT_KEEP: s->keep = true; break;
		case 'w':
			ms_opt_range(name, optarg, MS_RANGE_DURATION, &s->delivery.warning);
			s->delivery.has_warning = true;
			break;
		case 'c':
			ms_opt_range(name, optarg, MS_RANGE_DURATION, &s->delivery.critical);
			s->delivery.has_critical = true;
			break;
		case OPT_LOGIN_WARNING:
			ms_opt_range(name, optarg, MS_RANGE_DURATION, &s->login.warning);
			s->login.has_warning = true;
			break;
		case OPT_LOGIN_CRITICAL:
			ms_opt_range(name, optarg, MS_RANGE_DURATION, &s->login.critical);
			s->login.has_critical = true;
			break;
		case OPT_CA_FILE: s->ca_file = optarg; break;
		case OPT_INSECURE: s->insecure = true; break;
		case OPT_IMAP_CLEARTEXT: s->imap_cleartext = true; break;
		}
	}
}

/* What the run keeps of -t for the last search and the clean-up: 5s, or a quarter of a short -t. */
static double cleanup_reserve(void)
{
	return ms_timeout() / 4 < DELIVERY_MARGIN_S ? ms_timeout() / 4 : DELIVERY_MARGIN_S;
}

/*
 * The delivery timeout and -t agree: without --delivery-timeout the wait
 * lasts as long as -t allows; --delivery-timeout alone raises the default
 * -t to fit; only both given and contradicting is refused, since a wait
 * cut short by -t would end on the timeout instead of "not delivered".
 */
static void settle_timeouts(struct settings *s)
{
	char dt[32], t[32];

	if (!s->delivery_timeout_given) {
		s->delivery_timeout = ms_timeout() - cleanup_reserve();
		return;
	}
	ms_duration_format(dt, sizeof(dt), s->delivery_timeout);
	if (!(s->delivery_timeout > 0))
		ms_usage_error("--delivery-timeout (%s) must be above 0", dt);
	if (s->delivery_timeout + DELIVERY_MARGIN_S <= ms_timeout())
		return;
	if (!ms_timeout_given()) {
		ms_timeout_raise(s->delivery_timeout + DELIVERY_MARGIN_S);
		return;
	}
	ms_duration_format(t, sizeof(t), ms_timeout());
	ms_usage_error("--delivery-timeout (%s) must be at least %ds shorter than -t/--timeout "
		       "(%s): raise -t, lower --delivery-timeout or leave it out (it then follows -t)",
		       dt, DELIVERY_MARGIN_S, t);
}

static void check_settings(struct settings *s)
{
	if (!s->url)
		ms_usage_error("--url is required (the webmail's address)");
	if (!s->user)
		ms_usage_error("--user is required (the probe mailbox's login)");
	if (!s->imap_url)
		ms_usage_error("--imap-url is required (where the message must arrive)");
	char *url = ms_http_resolve(s->url, "");
	bool web = url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0);
	free(url);
	if (!web) {
		struct ms_buf shown = MS_BUF_INIT;	/* a password in the URL is not shown */
		ms_redact_text(&shown, s->url, strlen(s->url));
		ms_usage_error("invalid value '%s' for --url: use http://HOST/ or https://HOST/",
			       ms_buf_str(&shown));
	}
	if (!ms_webmail_find(s->webmail))
		ms_usage_error("unknown webmail '%s' for --webmail: use %s", s->webmail,
			       ms_webmail_names());
	if (s->ca_file && s->insecure)
		ms_usage_error("--ca-file and --insecure contradict each other: choose one");
	settle_timeouts(s);
	if (s->njunk == 0) {
		s->junk[s->njunk++] = "Junk";
		s->junk[s->njunk++] = "Spam";
	}
	if (!s->to)
		s->to = s->user;
	if (!s->imap_user)
		s->imap_user = s->user;

	if (s->password_file) {
		s->password = read_secret(s->password_file, "--password-file");
	} else {
		const char *env = getenv("MAILSTATUS_PASSWORD");
		if (!env || !env[0])
			ms_die(MS_UNKNOWN, "no password: give --password-file=FILE or set "
			       "MAILSTATUS_PASSWORD in the environment");
		s->password = ms_xstrdup(env);
	}
	s->imap_password = s->imap_password_file
		? read_secret(s->imap_password_file, "--imap-password-file")
		: ms_xstrdup(s->password);
}

/* ---- probe ---- */

struct run {
	const struct settings *s;
	struct ms_result *r;
	char token[33];
	char sent_at[16];	/* wall clock, for "sent 10:02:11" */
	double login_s, send_s, delivery_s, total_s;	/* NaN until measured */
	int64_t sent_ms;	/* when the send request started */
	struct ms_wm_mailbox mailbox;
	struct ms_wm_sent sent;
	const char *found_in;	/* the folder the message arrived in */
	struct ms_uids found;
	unsigned searches;	/* of the mailbox (not the junk folders) */
	bool junk_missing[MAX_JUNK_FOLDERS];	/* a search found no such folder */
};

static double seconds_since(int64_t start_ms)
{
	return (double)(ms_now_ms() - start_ms) / 1000.0;
}

/* 16 random bytes in hex: the message's unique token. */
static void make_token(char token[33])
{
	unsigned char raw[16];
	static const char hex[] = "0123456789abcdef";

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		/* no entropy source: time and pid still make it unique enough */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf((char *)raw, sizeof(raw), "%08lx%07x", (unsigned long)ts.tv_nsec,
			 (unsigned)getpid());
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		token[2 * i] = hex[raw[i] >> 4];
		token[2 * i + 1] = hex[raw[i] & 15];
	}
	token[32] = '\0';
}

static void perfdata(struct run *run)
{
	const struct settings *s = run->s;
	const struct {
		const char *label;
		double value;
		const struct ms_thresholds *t;
	} values[] = {
		{ "login", run->login_s, &s->login },
		{ "send", run->send_s, NULL },
		{ "delivery", run->delivery_s, &s->delivery },
		{ "total", run->total_s, NULL },
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const struct ms_thresholds *t = values[i].t;
		/* a value not measured is a bare U, without a unit */
		ms_result_perf(run->r, &(struct ms_perf){
			.label = values[i].label, .value = values[i].value,
			.uom = isnan(values[i].value) ? NULL : "s",
			.warn = t && t->has_warning ? &t->warning : NULL,
			.crit = t && t->has_critical ? &t->critical : NULL,
			.has_min = true, .min = 0 });
	}
}

/* Ends the run: what was measured so far goes out with the verdict. */
static _Noreturn void finish(struct run *run)
{
	perfdata(run);
	ms_plugin_exit(run->r);
}

static _Noreturn void webmail_failed(struct run *run, enum ms_wm_failure kind,
				     const struct ms_buf *err)
{
	const struct settings *s = run->s;
	const char *step = ms_step_text();
	const char *text = ms_buf_str(err);

	switch (kind) {
	case MS_WM_LOGIN_FAILED:
		ms_result_add(run->r, MS_CRITICAL, "login failed: %s (user %s)", text, s->user);
		break;
	case MS_WM_STORAGE:
		ms_result_add(run->r, MS_CRITICAL,
			      "webmail cannot reach its IMAP server while %s: %s", step, text);
		break;
	case MS_WM_SEND_FAILED:
		ms_result_add(run->r, MS_CRITICAL, "send failed while %s: %s", step, text);
		break;
	case MS_WM_UNREACHABLE:
		ms_result_add(run->r, MS_CRITICAL, "webmail unreachable while %s: %s", step,
			      text);
		break;
	case MS_WM_FLOW:
	case MS_WM_OK:
		ms_result_add(run->r, MS_UNKNOWN, "the %s flow broke while %s: %s", s->webmail, step,
			      text);
		break;
	}
	finish(run);
}

static _Noreturn void imap_failed(struct run *run, struct ms_imap *imap, const char *doing,
				  enum ms_curl_failure kind, const struct ms_buf *err)
{
	if (kind == MS_CURL_LOGIN)
		ms_result_add(run->r, MS_CRITICAL, "IMAP login failed for %s at %s: %s",
			      run->s->imap_user, ms_imap_server(imap), ms_buf_str(err));
	else
		ms_result_add(run->r, MS_CRITICAL, "IMAP failed while %s on %s: %s", doing,
			      ms_imap_server(imap), ms_buf_str(err));
	finish(run);
}

/* Login, mailbox, send through the webmail; any failure ends the run. */
static void use_webmail(struct run *run, struct ms_http *http)
{
	const struct settings *s = run->s;
	const struct ms_webmail_ops *ops = ms_webmail_find(s->webmail);
	struct ms_buf err = MS_BUF_INIT, subject = MS_BUF_INIT, body = MS_BUF_INIT;
	struct ms_webmail *wm;
	enum ms_wm_failure kind;

	if ((kind = ops->open(http, s->url, &wm, &err)) != MS_WM_OK)
		webmail_failed(run, kind, &err);
	int64_t start = ms_now_ms();
	if ((kind = ops->login(wm, s->user, s->password, &err)) != MS_WM_OK)
		webmail_failed(run, kind, &err);
	run->login_s = seconds_since(start);
	if ((kind = ops->mailbox(wm, &run->mailbox, &err)) != MS_WM_OK)
		webmail_failed(run, kind, &err);

	ms_buf_printf(&subject, PROBE_SUBJECT " %s", run->token);
	ms_buf_printf(&body, "This message tests that webmail sends and mail arrives.\n"
		      "It is deleted again by check_webmail_send; token %s.\n", run->token);
	struct ms_wm_message msg = {
		.to = s->to, .subject = ms_buf_str(&subject), .body = ms_buf_str(&body),
		.attach_size = (size_t)s->attach_size,
	};
	time_t now = time(NULL);
	strftime(run->sent_at, sizeof(run->sent_at), "%H:%M:%S", localtime(&now));
	run->sent_ms = ms_now_ms();
	if ((kind = ops->send(wm, &msg, &run->sent, &err)) != MS_WM_OK)
		webmail_failed(run, kind, &err);
	run->send_s = seconds_since(run->sent_ms);
	ops->logout(wm);
	ops->close(wm);
	ms_buf_free(&subject);
	ms_buf_free(&body);
}

/* One search of folder; false when the folder does not exist. */
static bool search_folder(struct run *run, struct ms_imap *imap, const char *folder,
			  bool must_exist)
{
	struct ms_buf err = MS_BUF_INIT;
	enum ms_curl_failure kind = ms_imap_search_header(imap, folder, SEARCH_HEADER, run->token,
							  &run->found, &err);

	if (kind == MS_CURL_OK)
		return true;
	if (kind == MS_CURL_PROTOCOL && !must_exist) {
		ms_buf_free(&err);
		return false;
	}
	imap_failed(run, imap, "searching for the message", kind, &err);
}

/*
 * One round: the mailbox, then the junk folders that exist. Sets
 * run->found_in when the message is there.
 */
static void search_round(struct run *run, struct ms_imap *imap)
{
	const struct settings *s = run->s;

	ms_step("waiting for IMAP to show the message in %s on %s", ms_imap_mailbox(imap),
		ms_imap_server(imap));
	search_folder(run, imap, ms_imap_mailbox(imap), true);
	run->searches++;
	if (run->found.n) {
		run->found_in = ms_imap_mailbox(imap);
		return;
	}
	for (size_t i = 0; i < s->njunk; i++) {
		if (run->junk_missing[i])
			continue;
		ms_step("looking for the message in %s on %s", s->junk[i], ms_imap_server(imap));
		run->junk_missing[i] = !search_folder(run, imap, s->junk[i], false);
		if (run->found.n) {
			run->found_in = s->junk[i];
			return;
		}
	}
}

/*
 * Deletes the webmail's copy of the probe in Sent (unless --keep); a
 * failure is a WARNING, or only a line of long output when quiet.
 */
static void delete_sent_copy(struct run *run, struct ms_imap *imap, bool quiet)
{
	struct ms_buf err = MS_BUF_INIT;
	struct ms_uids copy = { 0 };

	if (run->s->keep || !run->sent.saved_in[0] ||
	    (run->found_in && strcmp(run->sent.saved_in, run->found_in) == 0))
		return;
	ms_step("deleting the copy in %s", run->sent.saved_in);
	if (ms_imap_search_header(imap, run->sent.saved_in, SEARCH_HEADER, run->token, &copy,
				  &err) != MS_CURL_OK ||
	    ms_imap_delete(imap, run->sent.saved_in, &copy, &err) != MS_CURL_OK) {
		if (quiet)
			ms_result_line(run->r, "could not delete the copy in %s: %s",
				       run->sent.saved_in, ms_buf_str(&err));
		else
			ms_result_add(run->r, MS_WARNING, "could not delete the copy in %s: %s",
				      run->sent.saved_in, ms_buf_str(&err));
	}
	ms_uids_free(&copy);
	ms_buf_free(&err);
}

/*
 * Not delivered: the Sent copy goes now; the message itself, when it
 * arrives late, goes with the next runs' removal of old probe messages.
 * cut: -t ended the wait before the delivery timeout (a slow login).
 */
static _Noreturn void not_delivered(struct run *run, struct ms_imap *imap, bool cut)
{
	char took[32], t[32];

	ms_duration_format(took, sizeof(took),
			   cut ? seconds_since(run->sent_ms) : run->s->delivery_timeout);
	ms_duration_format(t, sizeof(t), ms_timeout());
	ms_result_add(run->r, MS_CRITICAL, "not delivered after %s%s%s%s (sent %s, token %s, %u "
		      "IMAP searches of %s empty)", took, cut ? ", all the time -t " : "",
		      cut ? t : "", cut ? " left for it" : "", run->sent_at, run->token,
		      run->searches, ms_imap_mailbox(imap));
	delete_sent_copy(run, imap, true);
	finish(run);
}

/*
 * When the wait ends: the delivery timeout after sending, or earlier when
 * -t would not leave the clean-up its time (*cut says so).
 */
static int64_t wait_until(const struct run *run, bool *cut)
{
	int64_t by_delivery = run->sent_ms + (int64_t)(run->s->delivery_timeout * 1000);
	int64_t by_deadline = ms_deadline_at() - (int64_t)(cleanup_reserve() * 1000);

	*cut = by_deadline < by_delivery;
	return *cut ? by_deadline : by_delivery;
}

/* Searches with a short backoff until the message is found or time is up. */
static void await_delivery(struct run *run, struct ms_imap *imap)
{
	int64_t pause_ms = 250;
	bool cut;
	int64_t until = wait_until(run, &cut);

	for (;;) {
		search_round(run, imap);
		if (run->found.n)
			break;
		int64_t left = until - ms_now_ms();
		if (left <= 0)
			not_delivered(run, imap, cut);
		int64_t nap = pause_ms < left ? pause_ms : left;
		ms_step("waiting %.2gs before searching IMAP again for the message", nap / 1000.0);
		struct timespec ts = { (time_t)(nap / 1000), (long)(nap % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		pause_ms = pause_ms * 2 > 2000 ? 2000 : pause_ms * 2;
	}
	run->delivery_s = seconds_since(run->sent_ms);
}

/*
 * The seed's storage symptom: the webmail shows no folders, or an empty
 * inbox, while IMAP has mail in it. Probe messages do not count: ours, and
 * those of other runs sharing the mailbox (one check per webmail server),
 * which arrive at any time between the webmail's listing and this count.
 */
static void compare_mailbox(struct run *run, struct ms_imap *imap)
{
	const struct ms_wm_mailbox *mb = &run->mailbox;
	struct ms_buf err = MS_BUF_INIT;
	enum ms_curl_failure kind;
	struct ms_buf criteria = MS_BUF_INIT;
	struct ms_uids others = { 0 };

	if (mb->folders == 0 || !mb->has_inbox) {
		ms_result_add(run->r, MS_CRITICAL, "mailbox appears empty: the webmail lists %zu "
			      "folders and no INBOX", mb->folders);
		return;
	}
	if (mb->inbox_messages != 0)
		return;
	ms_step("counting the messages in INBOX on %s", ms_imap_server(imap));
	ms_buf_puts(&criteria, "NOT SUBJECT ");
	ms_imap_quote(&criteria, PROBE_SUBJECT);
	kind = ms_imap_search(imap, "INBOX", ms_buf_str(&criteria), &others, &err);
	if (kind != MS_CURL_OK)
		imap_failed(run, imap, "counting the messages in INBOX", kind, &err);
	ms_buf_free(&criteria);
	if (others.n > 0)
		ms_result_add(run->r, MS_CRITICAL, "mailbox appears empty: the webmail lists no "
			      "messages in INBOX while IMAP has %zu", others.n);
	ms_uids_free(&others);
}

/* An IMAP date (25-Nov-2026), in English whatever the locale. */
static void imap_date(char *buf, size_t len, time_t when)
{
	static const char *const month[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	localtime_r(&when, &tm);
	snprintf(buf, len, "%d-%s-%d", tm.tm_mday, month[tm.tm_mon], tm.tm_year + 1900);
}

/*
 * Probe messages older than a day in folder are left-overs of failed runs
 * (not delivered in time, arrived later; or a run killed half-way): they
 * would stay for ever. Younger ones may be another run's, still waited for.
 */
static void remove_stale(struct run *run, struct ms_imap *imap, const char *folder,
			 bool must_exist)
{
	struct ms_buf err = MS_BUF_INIT, criteria = MS_BUF_INIT;
	struct ms_uids old = { 0 };
	enum ms_curl_failure kind;
	char date[32];

	imap_date(date, sizeof(date), time(NULL) - STALE_PROBE_S);
	ms_buf_puts(&criteria, "SUBJECT ");
	ms_imap_quote(&criteria, PROBE_SUBJECT);
	ms_buf_printf(&criteria, " OR BEFORE %s SENTBEFORE %s", date, date);
	ms_step("removing probe messages older than a day from %s", folder);
	kind = ms_imap_search(imap, folder, ms_buf_str(&criteria), &old, &err);
	if (kind != MS_CURL_OK) {
		if (kind != MS_CURL_PROTOCOL || must_exist)
			ms_result_add(run->r, MS_WARNING, "could not look for old probe messages "
				      "in %s: %s", folder, ms_buf_str(&err));
	} else if (ms_imap_delete(imap, folder, &old, &err) != MS_CURL_OK) {
		ms_result_add(run->r, MS_WARNING, "could not delete %zu old probe messages from "
			      "%s: %s", old.n, folder, ms_buf_str(&err));
	} else if (old.n) {
		ms_result_line(run->r, "removed %zu probe messages older than a day from %s",
			       old.n, folder);
	}
	ms_buf_free(&criteria);
	ms_buf_free(&err);
	ms_uids_free(&old);
}

/*
 * Deletes the probe message and the webmail's copy in Sent, and what
 * failed runs left behind in the mailbox, Sent and the junk folders.
 * The junk folders come last and only those not known to be missing:
 * libcurl drops the connection after a failed SELECT, and every command
 * after one would log in again.
 */
static void clean_up(struct run *run, struct ms_imap *imap)
{
	const struct settings *s = run->s;
	const char *mailbox = ms_imap_mailbox(imap);
	const char *sent = run->sent.saved_in[0] ? run->sent.saved_in : "Sent";
	struct ms_buf err = MS_BUF_INIT;

	ms_step("deleting the probe message from %s", run->found_in);
	if (ms_imap_delete(imap, run->found_in, &run->found, &err) != MS_CURL_OK) {
		ms_result_add(run->r, MS_WARNING, "could not delete the probe message from %s: %s",
			      run->found_in, ms_buf_str(&err));
		ms_buf_free(&err);
		return;
	}
	delete_sent_copy(run, imap, false);

	remove_stale(run, imap, mailbox, true);
	if (strcmp(sent, mailbox) != 0)
		remove_stale(run, imap, sent, run->sent.saved_in[0] != '\0');
	for (size_t i = 0; i < s->njunk; i++)
		if (!run->junk_missing[i] && strcmp(s->junk[i], mailbox) != 0 &&
		    strcmp(s->junk[i], sent) != 0)
			remove_stale(run, imap, s->junk[i], false);
}

/* ---- verdict ---- */

static void verdict(struct run *run, const char *mailbox)
{
	const struct settings *s = run->s;
	char login[32], send[32], delivery[32];
	enum ms_state st;

	ms_duration_format(login, sizeof(login), run->login_s);
	ms_duration_format(send, sizeof(send), run->send_s);
	ms_duration_format(delivery, sizeof(delivery), run->delivery_s);

	st = ms_thresholds_state(&s->login, run->login_s);
	if (st != MS_OK)
		ms_result_add(run->r, st, "login took %s", login);
	if (strcmp(run->found_in, mailbox) != 0)
		ms_result_add(run->r, MS_WARNING, "delivered to Junk: the message arrived in %s, "
			      "not %s (the spam filter misclassifies customers' mail)",
			      run->found_in, mailbox);
	st = ms_thresholds_state(&s->delivery, run->delivery_s);
	if (st != MS_OK)
		ms_result_add(run->r, st, "delivery took %s", delivery);
	ms_result_add(run->r, MS_OK, "sent through %s and delivered to %s in %s (login %s, "
		      "send %s)", s->webmail, run->found_in, delivery, login, send);
	if (s->keep)
		ms_result_line(run->r, "kept the probe message (token %s)", run->token);
}

/* ---- output ---- */

static void report_overhead(struct run *run, struct ms_http *http, struct ms_imap *imap)
{
	if (ms_verbosity() < 1)
		return;
	char dt[32];
	ms_duration_format(dt, sizeof(dt), run->s->delivery_timeout);
	ms_result_line(run->r, "token %s, sent %s", run->token, run->sent_at);
	ms_result_line(run->r, "delivery timeout %s%s", dt,
		       run->s->delivery_timeout_given ? "" : " (what -t leaves for it)");
	ms_result_line(run->r, "HTTP: %u requests over %u connections; IMAP: %u commands over %u "
		       "connections", ms_http_requests(http), ms_http_connections(http),
		       ms_imap_requests(imap), ms_imap_connections(imap));
}

int main(int argc, char **argv)
{
	struct settings s = { .webmail = "roundcube" };
	struct ms_buf err = MS_BUF_INIT;

	ms_plugin_init(&plugin, &argc, &argv);
	parse(argc, argv, &s);
	check_settings(&s);

	struct ms_curl_tls tls = { .ca_file = s.ca_file, .insecure = s.insecure };
	struct ms_http_opts hopts = { .tls = tls, .verbose = ms_verbosity() };
	struct ms_imap_opts iopts = { .url = s.imap_url, .user = s.imap_user,
				      .password = s.imap_password, .tls = tls,
				      .cleartext = s.imap_cleartext, .verbose = ms_verbosity() };
	if (!ms_curl_global_init(&err))
		ms_die(MS_UNKNOWN, "%s", ms_buf_str(&err));
	struct ms_imap *imap = ms_imap_new(&iopts, &err);
	if (!imap)
		ms_usage_error("invalid value for --imap-url: %s", ms_buf_str(&err));
	struct ms_http *http = ms_http_new(&hopts, &err);
	if (!http)
		ms_die(MS_UNKNOWN, "%s", ms_buf_str(&err));

	struct run run = { .s = &s, .r = ms_result_new(plugin.label),
			   .login_s = NAN, .send_s = NAN, .delivery_s = NAN, .total_s = NAN };
	make_token(run.token);
	int64_t start = ms_now_ms();
	use_webmail(&run, http);
	await_delivery(&run, imap);
	compare_mailbox(&run, imap);
	if (!s.keep)
		clean_up(&run, imap);
	run.total_s = seconds_since(start);

	verdict(&run, ms_imap_mailbox(imap));
	report_overhead(&run, http, imap);
	ms_uids_free(&run.found);
	ms_imap_free(imap);
	ms_http_free(http);
	free(s.password);
	free(s.imap_password);
	curl_global_cleanup();
	finish(&run);
}
