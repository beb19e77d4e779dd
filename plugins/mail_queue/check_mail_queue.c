/*
 * check_mail_queue: is mail leaving, or piling up? (Postfix, Exim)
 *
 * Counts the messages per queue and finds the oldest arrival time, from
 * the spool directly (fast, needs read access to it) or from
 * `postqueue -j` / `exim -bp` (what an unprivileged user may run).
 *
 * options -> probe (spool or command) -> verdict -> output.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "eximspool.h"
#include "lines.h"
#include "pfconf.h"
#include "pfqscan.h"
#include "pfqueue.h"
#include "plugin.h"
#include "probe.h"
#include "postqueue.h"
#include "runcmd.h"
#include "tally.h"
#include "text.h"
#include "xalloc.h"

/* ---- options ----------------------------------------------------------- */

enum mta { MTA_AUTO, MTA_POSTFIX, MTA_EXIM };
enum method { METHOD_AUTO, METHOD_SPOOL, METHOD_COMMAND };

enum {
	OPT_MTA = 1,
	OPT_QUEUE_DIR,
	OPT_INSTANCE,
	OPT_CONFIG_DIR,
	OPT_METHOD,
	OPT_QUEUES,
	OPT_AGE_WARNING,
	OPT_AGE_CRITICAL,
	OPT_HOLD_WARNING,
	OPT_HOLD_CRITICAL,
	OPT_MAILDROP_AGE_WARNING,
	OPT_MAILDROP_AGE_CRITICAL,
	OPT_DOWN_STATE,
	OPT_READ_ALL,
	OPT_TOP,
	OPT_DOMAIN_WARNING,
	OPT_DOMAIN_CRITICAL,
};

static const struct option longopts[] = {
	{ "mta", required_argument, NULL, OPT_MTA },
	{ "queue-dir", required_argument, NULL, OPT_QUEUE_DIR },
	{ "instance", required_argument, NULL, OPT_INSTANCE },
	{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "age-warning", required_argument, NULL, OPT_AGE_WARNING },
	{ "age-critical", required_argument, NULL, OPT_AGE_CRITICAL },
	{ "hold-warning", required_argument, NULL, OPT_HOLD_WARNING },
	{ "hold-critical", required_argument, NULL, OPT_HOLD_CRITICAL },
	{ "maildrop-age-warning", required_argument, NULL, OPT_MAILDROP_AGE_WARNING },
	{ "maildrop-age-critical", required_argument, NULL, OPT_MAILDROP_AGE_CRITICAL },
	{ "down-state", required_argument, NULL, OPT_DOWN_STATE },
	{ "read-all", no_argument, NULL, OPT_READ_ALL },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "domain-warning", required_argument, NULL, OPT_DOMAIN_WARNING },
	{ "domain-critical", required_argument, NULL, OPT_DOMAIN_CRITICAL },
	{ NULL, 0, NULL, 0 },
};

static const struct ms_plugin plugin = {
	.name = "check_mail_queue",
	.label = "MAIL_QUEUE",
	.purpose =
		"Counts the messages in the Postfix or Exim queue and finds how old the\n"
		"oldest one is, so a mail server that queues mail instead of sending it\n"
		"is noticed before its users notice. Reads the spool directly when it\n"
		"may (every arrival record, so the oldest age is exact; fast on very\n"
		"large queues) and falls back to postqueue -j or exim -bp when it may\n"
		"not.",
	.synopsis = "[--mta=auto|postfix|exim] [--method=auto|spool|command] "
		    "[--queue-dir=DIR] [--instance=NAME | --config-dir=DIR] [--queues=LIST] "
		    "[-w RANGE] [-c RANGE] [--age-warning=RANGE] [--age-critical=RANGE] "
		    "[--hold-warning=RANGE] [--hold-critical=RANGE] "
		    "[--maildrop-age-warning=RANGE] [--maildrop-age-critical=RANGE] "
		    "[--domain-warning=RANGE] [--domain-critical=RANGE] "
		    "[--down-state=STATE] [--read-all] [--top=N]",
	.options_help =
		" --mta=auto|postfix|exim\n"
		"    The mail server (default auto: Postfix if postconf is installed,\n"
		"    else Exim).\n"
		" --method=auto|spool|command\n"
		"    spool: read the queue directory; command: run postqueue -j or\n"
		"    exim -bp; auto (default): the spool when it is readable, else the\n"
		"    command.\n"
		" --queue-dir=DIR\n"
		"    The spool (default: postconf -h queue_directory, or exim -bP\n"
		"    spool_directory; /var/spool/postfix or /var/spool/exim4).\n"
		" --instance=NAME\n"
		"    The Postfix instance NAME as postmulti -l lists it.\n"
		" --config-dir=DIR\n"
		"    The Postfix configuration directory of the instance (postconf -c,\n"
		"    postqueue -c).\n"
		" --queues=LIST\n"
		"    The queues whose messages are counted and aged, separated by commas.\n"
		"    Postfix: maildrop, incoming, active, deferred, hold, corrupt\n"
		"    (default: maildrop,incoming,active,deferred); Exim: queued, frozen\n"
		"    (default: both).\n"
		" -w, --warning=RANGE\n"
		"    Warning range for the number of counted messages.\n"
		" -c, --critical=RANGE\n"
		"    Critical range for the number of counted messages.\n"
		" --age-warning=RANGE\n"
		"    Warning range for the age of the oldest counted message, in\n"
		"    seconds or with s, m, h, d (e.g. 30m).\n"
		" --age-critical=RANGE\n"
		"    Critical range for that age (e.g. 4h).\n"
		" --hold-warning=RANGE\n"
		"    Warning range for the number of messages on hold (Postfix).\n"
		" --hold-critical=RANGE\n"
		"    Critical range for the number of messages on hold (Postfix).\n"
		" --maildrop-age-warning=RANGE\n"
		"    Warning range for how long the oldest message has waited in maildrop\n"
		"    (since its file got there, not since it arrived: requeued mail is no\n"
		"    stall), which grows when pickup is stalled (Postfix; default 5m,\n"
		"    'none' to turn off).\n"
		" --maildrop-age-critical=RANGE\n"
		"    Critical range for that wait (default 15m, 'none' to turn off).\n"
		" --domain-warning=RANGE\n"
		"    Warning range for the deferred recipients of any one recipient\n"
		"    domain (Postfix; runs postqueue -j).\n"
		" --domain-critical=RANGE\n"
		"    Critical range for the deferred recipients of any one domain.\n"
		" --down-state=STATE\n"
		"    The state when the mail system is down (default critical).\n"
		" --read-all\n"
		"    Accepted for older configurations: every queue file's arrival record\n"
		"    is read in any case, so the oldest age is always exact.\n"
		" --top=N\n"
		"    With -v: how many deferral reasons and recipient domains to list\n"
		"    (default 5).\n",
	.shortopts = "w:c:",
	.longopts = longopts,
};

struct settings {
	enum mta mta;
	enum method method;
	const char *queue_dir;
	const char *instance;
	const char *config_dir;
	const char *queues;	/* as given, checked once the MTA is known */
	struct ms_thresholds total, age, hold, maildrop_age, domain;
	enum ms_state down_state;
	long top;
};

enum level { WARN, CRIT };

/* A warning or critical range from an option; "none" unsets it. */
static void set_threshold(const char *name, const char *arg, int flags,
			  struct ms_thresholds *t, enum level level)
{
	bool *has = level == WARN ? &t->has_warning : &t->has_critical;

	*has = strcmp(arg, "none") != 0;
	if (*has)
		ms_opt_range(name, arg, flags, level == WARN ? &t->warning : &t->critical);
}

static void parse_options(int argc, char **argv, struct settings *s)
{
	const char *name;
	int c;

	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1) {
		switch (c) {
		case OPT_MTA:
			if (strcmp(optarg, "auto") == 0)
				s->mta = MTA_AUTO;
			else if (strcmp(optarg, "postfix") == 0)
				s->mta = MTA_POSTFIX;
			else if (strcmp(optarg, "exim") == 0)
				s->mta = MTA_EXIM;
			else
				ms_usage_error("invalid value '%s' for %s (use auto, postfix or exim)",
					       optarg, name);
			break;
		case OPT_METHOD:
			if (strcmp(optarg, "auto") == 0)
				s->method = METHOD_AUTO;
			else if (strcmp(optarg, "spool") == 0)
				s->method = METHOD_SPOOL;
			else if (strcmp(optarg, "command") == 0)
				s->method = METHOD_COMMAND;
			else
				ms_usage_error("invalid value '%s' for %s (use auto, spool or command)",
					       optarg, name);
			break;
		case OPT_QUEUE_DIR:
			s->queue_dir = optarg;
			break;
		case OPT_INSTANCE:
			s->instance = optarg;
			break;
		case OPT_CONFIG_DIR:
			s->config_dir = optarg;
			break;
		case OPT_QUEUES:
			s->queues = optarg;
			break;
		case 'w':
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->total, WARN);
			break;
		case 'c':
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->total, CRIT);
			break;
		case OPT_AGE_WARNING:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->age, WARN);
			break;
		case OPT_AGE_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->age, CRIT);
			break;
		case OPT_HOLD_WARNING:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->hold, WARN);
			break;
		case OPT_HOLD_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->hold, CRIT);
			break;
		case OPT_MAILDROP_AGE_WARNING:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->maildrop_age, WARN);
			break;
		case OPT_MAILDROP_AGE_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_DURATION, &s->maildrop_age, CRIT);
			break;
		case OPT_DOWN_STATE:
			if (!ms_state_parse(optarg, &s->down_state))
				ms_usage_error("invalid state '%s' for %s (use ok, warning, "
					       "critical or unknown)", optarg, name);
			break;
		case OPT_READ_ALL:
			break;	/* what the plugin always does now */
		case OPT_DOMAIN_WARNING:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->domain, WARN);
			break;
		case OPT_DOMAIN_CRITICAL:
			set_threshold(name, optarg, MS_RANGE_PLAIN, &s->domain, CRIT);
			break;
		case OPT_TOP:
			s->top = ms_opt_long(name, optarg, 1, 100);
			break;
		}
	}
	if (s->instance != NULL && s->config_dir != NULL)
		ms_usage_error("--instance and --config-dir both name the Postfix instance; "
			       "give one of them");
}

/* ---- what was found ---------------------------------------------------- */

struct queue {
	const char *name;
	bool counted;		/* part of the total and the oldest age */
	uint64_t count, bytes;
	bool has_oldest;
	int64_t oldest;		/* arrival second */
	bool entered_known;	/* maildrop: the files' times were read from the spool */
	bool has_entered;
	int64_t entered;	/* the second the oldest file got there */
};

#define EXIM_QUEUED 0
#define EXIM_FROZEN 1
#define MAX_QUEUES PFQ_NQUEUES

struct snapshot {
	enum mta mta;
	struct queue q[MAX_QUEUES];
	size_t nq;
	uint64_t damaged, in_progress, vanished, records_read;
	bool spool_read;	/* the spool, not a command, gave the counts */
	enum pfqr_kind reader;	/* and read its files so */
	int uring_errno;	/* why not io_uring */
	bool corrupt_known;	/* the method can see corrupt files */
	char *source;		/* "the spool /var/spool/postfix", "postqueue -j" */
	bool mta_down;
	char *down_reason;
	bool has_details;	/* deferral reasons and domains were tallied */
	char *details_error;
	struct ms_tally reasons, domains;
	/* kept here, reachable until the end, whichever way the run ends */
	char *config_dir, *queue_dir;
};

static void snapshot_init(struct snapshot *s, enum mta mta)
{
	memset(s, 0, sizeof(*s));
	s->mta = mta;
	if (mta == MTA_POSTFIX) {
		s->nq = PFQ_NQUEUES;
		for (int i = 0; i < PFQ_NQUEUES; i++)
			s->q[i].name = pfq_queue_name((enum pfq_queue)i);
	} else {
		s->nq = 2;
		s->q[EXIM_QUEUED].name = "queued";
		s->q[EXIM_FROZEN].name = "frozen";
	}
}

static void snapshot_free(struct snapshot *s)
{
	if (s->has_details) {
		ms_tally_free(&s->reasons);
		ms_tally_free(&s->domains);
	}
	free(s->source);
	free(s->down_reason);
	free(s->details_error);
	free(s->config_dir);
	free(s->queue_dir);
}

static void queue_add(struct queue *q, uint64_t bytes, int64_t arrival)
{
	q->count++;
	q->bytes += bytes;
	if (!q->has_oldest || arrival < q->oldest) {
		q->oldest = arrival;
		q->has_oldest = true;
	}
}

/* Marks the queues named in list (or the defaults) as counted. */
static void choose_queues(struct snapshot *s, const char *list)
{
	if (list == NULL) {
		for (size_t i = 0; i < s->nq; i++)
			s->q[i].counted = s->mta == MTA_EXIM ||
					  (i != PFQ_HOLD && i != PFQ_CORRUPT);
		return;
	}
	for (const char *p = list; ; ) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < s->nq; i++)
			if (strlen(s->q[i].name) == n && strncmp(s->q[i].name, p, n) == 0)
				break;
		if (i == s->nq) {
			struct ms_buf names = MS_BUF_INIT;
			for (size_t j = 0; j < s->nq; j++)
				ms_buf_printf(&names, "%s%s", j ? ", " : "", s->q[j].name);
			ms_usage_error("unknown queue '%.*s' in --queues (%s has %s)", (int)n, p,
				       s->mta == MTA_POSTFIX ? "Postfix" : "Exim", ms_buf_str(&names));
		}
		s->q[i].counted = true;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
}

/* A formatted string of any length, for messages that hold paths. */
static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *str_printf(const char *fmt, ...)
{
	struct ms_buf b = MS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return ms_buf_steal(&b);
}

/* ---- child programs ---------------------------------------------------- */

/*
 * A program's stderr as one line of a message: cleaned, and with runs of
 * blanks squeezed to one (control bytes become blanks), so a program that
 * spews binary before its "fatal:" line does not fill the message with
 * spaces and push that line out of it.
 */
static void add_stderr(struct ms_buf *msg, const struct ms_buf *err)
{
	struct ms_buf clean = MS_BUF_INIT;
	size_t start = msg->len;
	bool after_blank = true;	/* leading blanks go too */

	ms_text_add_line(&clean, err->data ? err->data : "", err->len);
	for (size_t i = 0; i < clean.len; i++) {
		bool blank = clean.data[i] == ' ';
		if (!blank || !after_blank)
			ms_buf_putc(msg, clean.data[i]);
		after_blank = blank;
	}
	if (msg->len > start && msg->data[msg->len - 1] == ' ')
		ms_buf_truncate(msg, msg->len - 1);
	ms_buf_free(&clean);
}

/* ms_cmd_run with the error in err. */
static bool cmd_run(char *const argv[], const struct ms_cmd_opts *opts,
		    struct ms_cmd_result *res, char *err, size_t errlen)
{
	struct ms_buf why = MS_BUF_INIT;
	bool ok = ms_cmd_run(argv, opts, res, &why);

	if (!ok)
		snprintf(err, errlen, "%s", ms_buf_str(&why));
	ms_buf_free(&why);
	return ok;
}

/* Runs argv; *out gets stdout without the last newline. false: err says why. */
static bool run_capture(char *const argv[], struct ms_buf *out, char *err, size_t errlen)
{
	struct ms_cmd_opts opts = { .timeout_ms = -1, .max_output = 64 * 1024 };
	struct ms_cmd_result res;
	char how[64];

	ms_step("running %s", argv[0]);
	if (!cmd_run(argv, &opts, &res, err, errlen))
		return false;
	bool ok = res.exited && res.exit_status == 0;
	if (!ok) {
		struct ms_buf msg = MS_BUF_INIT;
		add_stderr(&msg, &res.err);
		snprintf(err, errlen, "%s %s%s%s", argv[0], ms_cmd_describe(&res, how, sizeof(how)),
			 msg.len ? ": " : "", ms_buf_str(&msg));
		ms_buf_free(&msg);
	} else {
		ms_buf_add(out, res.out.data ? res.out.data : "", res.out.len);
		while (out->len > 0 && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
			ms_buf_truncate(out, out->len - 1);
	}
	ms_cmd_result_free(&res);
	return ok;
}

/* Is this program in PATH? */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (const char *p = path; ; ) {
		size_t n = strcspn(p, ":");
		if (n > 0 && n + strlen(prog) + 2 < sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
			if (access(buf, X_OK) == 0)
				return true;
		}
		if (p[n] == '\0')
			return false;
		p += n + 1;
	}
}

/* ---- Postfix ----------------------------------------------------------- */

static char *postconf_value(const char *config_dir, const char *param);

/* The config directory of a postmulti instance: "NAME GROUP ENABLED DIR". */
static char *instance_config_dir(const char *instance)
{
	char *argv[] = { "postmulti", "-l", "-i", (char *)instance, NULL };
	struct ms_buf out = MS_BUF_INIT;
	char err[512], name[256], dir[4096];

	if (!run_capture(argv, &out, err, sizeof(err)))
		ms_die(MS_UNKNOWN, "cannot find the Postfix instance '%s': %s", instance, err);
	int fields = sscanf(ms_buf_str(&out), "%255s %*s %*s %4095s", name, dir);
	ms_buf_free(&out);
	if (fields != 2 || dir[0] != '/')
		ms_die(MS_UNKNOWN, "postmulti -l knows no Postfix instance '%s'", instance);
	return ms_xstrdup(dir);
}

/*
 * queue_directory without running postconf (8 MB, which would be most
 * of the plugin's memory): read from main.cf when it is set there to a
 * plain path, Postfix's built-in /var/spool/postfix when it is not set;
 * postconf only when main.cf refers to other parameters or is unreadable.
 */
static char *postfix_queue_dir(const char *config_dir)
{
	char path[4200], value[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/main.cf", config_dir != NULL ? config_dir : "/etc/postfix");
	ms_step("reading %s", path);
	int r = pfconf_lookup(path, "queue_directory", value, sizeof(value));
	if (r > 0 && value[0] == '/' && strchr(value, '$') == NULL)
		return ms_xstrdup(value);
	if (r == 0 && stat("/var/spool/postfix", &st) == 0 && S_ISDIR(st.st_mode))
		return ms_xstrdup("/var/spool/postfix");
	return postconf_value(config_dir, "queue_directory");
}

static char *postconf_value(const char *config_dir, const char *param)
{
	char *argv[6];
	struct ms_buf out = MS_BUF_INIT;
	char err[512] = "";
	int n = 0;

	argv[n++] = "postconf";
	if (config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = (char *)config_dir;
	}
	argv[n++] = "-h";
	argv[n++] = (char *)param;
	argv[n] = NULL;
	if (!run_capture(argv, &out, err, sizeof(err)) || out.len == 0) {
		const char *why = out.len == 0 && err[0] == '\0' ? "postconf printed nothing" : err;
		ms_buf_free(&out);
		ms_die(MS_UNKNOWN, "cannot read %s from the Postfix configuration: %s; "
		       "give the spool with --queue-dir", param, why);
	}
	return ms_buf_steal(&out);
}

/* ---- privileges ---------------------------------------------------------- */

/*
 * make install gives the plugin cap_dac_read_search, so that the Nagios
 * user can read the spool. Any local user can run it too: so the
 * capability stays out of the effective set (where it would let the
 * plugin read any file, an --extra-opts file for one), and is raised
 * only in the child that walks the spool (spool_privileges()); and the
 * spool such a user may name is one a Postfix configuration of this host
 * names (restricted_spool()). Everything the plugin execs (postqueue,
 * postconf, exim) gets no capability: none is inheritable.
 */
static bool privileged;	/* AT_SECURE: file capabilities or set-ID */

/* Sets the effective capability set to CAP_DAC_READ_SEARCH or nothing. */
static bool set_effective_caps(bool dac_read_search)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		d[i].effective = 0;
	if (dac_read_search)
		d[CAP_TO_INDEX(CAP_DAC_READ_SEARCH)].effective =
			d[CAP_TO_INDEX(CAP_DAC_READ_SEARCH)].permitted &
			CAP_TO_MASK(CAP_DAC_READ_SEARCH);
	return syscall(SYS_capset, &h, d) == 0;
}

/* First thing in main: no effective capability until the spool is read. */
static void drop_privileges(void)
{
	privileged = getauxval(AT_SECURE) != 0;
	if (privileged && !set_effective_caps(false)) {
		/* not a word of output formatting yet: the runtime is not set up */
		fprintf(stdout, "MAIL_QUEUE UNKNOWN - cannot drop capabilities: %s\n",
			strerror(errno));
		exit(MS_UNKNOWN);
	}
}

/* In the spool child only: the capability back, if the plugin has one. */
static void spool_privileges(void)
{
	if (privileged)
		(void)set_effective_caps(true);
}

/* Is the spool restricted to what this host's configurations name? */
static bool restricted(void)
{
	return privileged && getuid() != 0;
}

static char *trim_slashes(char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	return dir;
}

static bool same_dir(const char *a, const char *b)
{
	char x[4096], y[4096];
	snprintf(x, sizeof(x), "%s", a);
	snprintf(y, sizeof(y), "%s", b);
	return strcmp(trim_slashes(x), trim_slashes(y)) == 0;
}

/*
 * Postfix's own rule for postqueue -c: /etc/postfix, or a directory that
 * alternate_config_directories of /etc/postfix/main.cf lists. Calls fn
 * for each allowed directory until it returns true.
 */
static bool each_allowed_config(bool (*fn)(const char *dir, const void *arg), const void *arg)
{
	static char list[8192];
	static int have = -2;

	if (fn("/etc/postfix", arg))
		return true;
	if (have == -2)
		have = pfconf_lookup("/etc/postfix/main.cf", "alternate_config_directories",
				     list, sizeof(list));
	if (have <= 0)
		return false;
	char copy[sizeof(list)], *save = NULL;
	snprintf(copy, sizeof(copy), "%s", list);
	for (char *t = strtok_r(copy, ", \t\r\n", &save); t != NULL;
	     t = strtok_r(NULL, ", \t\r\n", &save))
		if (t[0] == '/' && strchr(t, '$') == NULL && fn(t, arg))
			return true;
	return false;
}

static bool is_dir(const char *dir, const void *arg)
{
	return same_dir(dir, arg);
}

static bool is_queue_dir_of(const char *config_dir, const void *arg)
{
	char path[4200], value[4096];

	snprintf(path, sizeof(path), "%s/main.cf", config_dir);
	int r = pfconf_lookup(path, "queue_directory", value, sizeof(value));
	if (r == 0)
		snprintf(value, sizeof(value), "/var/spool/postfix");
	else if (r < 0 || value[0] != '/' || strchr(value, '$') != NULL)
		return false;
	return same_dir(value, arg);
}

/*
 * For a user other than root running the privileged plugin: UNKNOWN
 * unless the config directory is allowed (checked before anything reads
 * it) ...
 */
static void check_postfix_config_dir(const struct settings *set, const struct snapshot *s)
{
	if (restricted() && s->config_dir != NULL && !each_allowed_config(is_dir, s->config_dir))
		ms_die(MS_UNKNOWN, "%s %s is not /etc/postfix or listed in alternate_config_directories "
		       "of /etc/postfix/main.cf; run as root or list it there",
		       set->instance != NULL ? "the config directory of --instance" : "--config-dir",
		       s->config_dir);
}

/* ... and the queue directory is that of an allowed configuration. */
static void check_postfix_queue_dir(const struct settings *set, const struct snapshot *s)
{
	if (restricted() && !each_allowed_config(is_queue_dir_of, s->queue_dir))
		ms_die(MS_UNKNOWN, "%s %s is not a queue directory of a Postfix configuration this "
		       "host allows (alternate_config_directories); run as root or list it there",
		       set->queue_dir != NULL ? "--queue-dir" : "the queue directory", s->queue_dir);
}

/* Exim: its default spools, or spool_directory of its configuration files. */
static void check_exim_dir(const struct settings *set, const char *spool)
{
	static const char *const defaults[] = { "/var/spool/exim4", "/var/spool/exim" };
	static const char *const configs[] = { "/etc/exim4/exim4.conf", "/etc/exim4/exim4.conf.template",
					       "/etc/exim/configure", "/etc/exim/exim.conf",
					       "/etc/exim.conf" };
	char value[4096];

	if (!restricted())
		return;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (same_dir(defaults[i], spool))
			return;
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		if (pfconf_lookup(configs[i], "spool_directory", value, sizeof(value)) > 0 &&
		    same_dir(value, spool))
			return;
	ms_die(MS_UNKNOWN, "%s %s is not the spool directory of this host's Exim configuration; "
	       "run as root", set->queue_dir != NULL ? "--queue-dir" : "the spool directory", spool);
}

/* ---- the spool, read in a child ---------------------------------------- */

/*
 * A spool on a filesystem that hangs (a dead NFS server, a stuck disk)
 * would block the plugin in the kernel, where no signal reaches it; so
 * everything that touches the spool runs in a probe child (probe.h) that
 * answers with a fixed-size struct, and the deadline is kept whatever
 * the kernel does.
 */

/* Runs fn in a child and copies its answer of exactly size bytes. */
static void ask_probe(ms_probe_fn fn, void *question, void *answer, size_t size)
{
	struct ms_probe p;
	struct ms_buf err = MS_BUF_INIT;

	if (!ms_probe_start(&p, fn, question, &err))
		ms_die(MS_UNKNOWN, "cannot start a child process to read the spool: %s",
		       ms_buf_str(&err));
	ms_probe_wait(&p, 1, ms_deadline_at());
	if (p.state == MS_PROBE_TIMED_OUT)
		for (;;)
			pause();	/* the deadline fires now and names the step */
	bool ok = p.state == MS_PROBE_DONE && p.exit_status == 0 && p.answer.len == size;
	if (ok)
		memcpy(answer, p.answer.data, size);
	int sig = p.state == MS_PROBE_FAILED ? p.term_signal : 0;
	ms_probe_free(&p);
	if (!ok)
		ms_die(MS_UNKNOWN, "the child process reading the spool failed%s%s",
		       sig ? ": " : "", sig ? strsignal(sig) : "");
}

static int write_answer(int fd, const void *answer, size_t size)
{
	const char *p = answer;

	while (size > 0) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

enum master_state { MASTER_RUNNING, MASTER_NO_PID_FILE, MASTER_NOT_LOCKED, MASTER_BAD_PID,
		    MASTER_UNKNOWN };

/* The PID in master.pid: Postfix writes "%*lu\n" (spaces, digits, newline). */
static bool parse_master_pid(const char *buf, long *pid)
{
	char *end;

	errno = 0;
	*pid = strtol(buf, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	return end != buf && *end == '\0' && errno == 0 && *pid > 0 && *pid <= INT32_MAX;
}

/*
 * Is the Postfix master running? Reading the spool works just as well
 * when it is not, and an empty queue of a stopped server is no OK.
 *
 * Decided as `postfix status` decides it (postfix-script runs master -t,
 * which tries to lock pid/master.pid): the running master holds an
 * exclusive flock() on master.pid (open_lock(), INTERNAL_LOCK is flock on
 * Linux) for as long as it lives. The PID in the file is not proof: after
 * a crash or a reboot the PID may belong to another process by now. A
 * shared lock is tried (it cannot be had while the master holds its
 * exclusive one) and dropped at once; like master -t it could, for those
 * microseconds, make a master that is starting right then fail to lock.
 * Where flock() is refused (ENOLCK: some network filesystems), the PID is
 * probed with kill 0 as the last resort.
 */
static enum master_state postfix_master_state(const char *queue_dir, long *pid)
{
	char path[4200], buf[64];

	snprintf(path, sizeof(path), "%s/pid/master.pid", queue_dir);
	/* O_NONBLOCK: a FIFO planted there must not hang the open */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? MASTER_NO_PID_FILE : MASTER_UNKNOWN;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	bool pid_ok = parse_master_pid(buf, pid);
	int locked = flock(fd, LOCK_SH | LOCK_NB);
	int lock_errno = errno;
	close(fd);	/* drops the shared lock, if it was had */
	if (locked != 0 && lock_errno == EWOULDBLOCK)
		return MASTER_RUNNING;	/* the master holds its exclusive lock */
	if (!pid_ok)
		return MASTER_BAD_PID;
	if (locked == 0)
		return MASTER_NOT_LOCKED;
	/* no flock() here: kill 0 (EPERM means it exists) */
	return kill((pid_t)*pid, 0) != 0 && errno == ESRCH ? MASTER_NOT_LOCKED : MASTER_RUNNING;
}

struct spool_question {
	const char *queue_dir;
	struct pfq_scan_opts opts;	/* no queues: only the master's state */
};

struct spool_answer {
	bool no_spool;		/* queue_dir is no directory: nothing else was read */
	char missing[16];	/* a directory every Postfix spool has, not found there */
	enum master_state master;
	long master_pid;
	bool scanned;
	struct pfq_scan scan;
};

/*
 * Is dir a Postfix spool? Postfix creates these directories there when
 * it is installed (postfix-files; hold, corrupt and others may wait for
 * its first start); a directory without one of them is some other
 * directory (--queue-dir=/var/spool), not a stopped mail system. The name
 * of the first one missing goes to missing. A directory that may not be
 * looked into is left to the scan, which says so.
 */
static bool looks_like_postfix_spool(const char *dir, char *missing, size_t size)
{
	static const char *const always[] = { "maildrop", "incoming", "active", "deferred", "pid" };
	char path[4200];
	struct stat sb;

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, always[i]);
		if (stat(path, &sb) == 0 ? !S_ISDIR(sb.st_mode) : errno == ENOENT || errno == ENOTDIR) {
			snprintf(missing, size, "%s", always[i]);
			return false;
		}
	}
	return true;
}

static int postfix_spool_child(void *arg, int fd)
{
	const struct spool_question *q = arg;
	struct spool_answer a;

	spool_privileges();
	memset(&a, 0, sizeof(a));
	struct stat sb;
	if (stat(q->queue_dir, &sb) != 0 ? errno == ENOENT || errno == ENOTDIR
					 : !S_ISDIR(sb.st_mode)) {
		a.no_spool = true;
		return write_answer(fd, &a, sizeof(a));
	}
	if (!looks_like_postfix_spool(q->queue_dir, a.missing, sizeof(a.missing)))
		return write_answer(fd, &a, sizeof(a));
	a.master = postfix_master_state(q->queue_dir, &a.master_pid);
	if (q->opts.queues != 0)
		a.scanned = pfq_scan(q->queue_dir, &q->opts, &a.scan);
	return write_answer(fd, &a, sizeof(a));
}

static void note_master_state(struct snapshot *s, const struct spool_answer *a)
{
	if (a->master == MASTER_NO_PID_FILE) {
		s->mta_down = true;
		s->down_reason = str_printf("the Postfix mail system is down (no %s/pid/master.pid)",
					    s->queue_dir);
	} else if (a->master == MASTER_BAD_PID) {
		s->mta_down = true;
		s->down_reason = str_printf("the Postfix mail system is down (unreadable PID in "
					    "%s/pid/master.pid)", s->queue_dir);
	} else if (a->master == MASTER_NOT_LOCKED) {
		s->mta_down = true;
		s->down_reason = str_printf("the Postfix mail system is down (no master process "
					    "holds the lock on %s/pid/master.pid, which names PID %ld)",
					    s->queue_dir, a->master_pid);
	}	/* MASTER_UNKNOWN (unreadable): the queue method will say */
}

static void take_queue_stats(struct snapshot *s, const struct pfq_scan *scan)
{
	for (int i = 0; i < PFQ_NQUEUES; i++) {
		const struct pfq_queue_stats *st = &scan->q[i];
		s->q[i].count = st->count;
		s->q[i].bytes = st->bytes;
		s->q[i].has_oldest = st->has_oldest;
		s->q[i].oldest = st->oldest;
		s->damaged += st->damaged;
		s->in_progress += st->in_progress;
		s->records_read += st->records_read;
	}
	s->vanished = scan->vanished;
	s->reader = scan->reader;
	s->uring_errno = scan->uring_errno;
	s->spool_read = true;
	s->corrupt_known = true;
	s->source = str_printf("the spool %s", s->queue_dir);
}

/* When the oldest file in maildrop got there (see pfqscan.h). */
static void take_maildrop_entered(struct snapshot *s, const struct pfq_scan *scan)
{
	struct queue *md = &s->q[PFQ_MAILDROP];

	md->entered_known = true;
	md->has_entered = scan->q[PFQ_MAILDROP].has_oldest_ctime;
	md->entered = scan->q[PFQ_MAILDROP].oldest_ctime;
}

/*
 * Whether the master runs and what the spool's queues given by queues
 * hold: all of them, only maildrop (for the command method: when its
 * files got there, which postqueue -j does not say), or none. false (with
 * err) when the spool could not be read.
 */
static bool read_postfix_spool(struct snapshot *s, unsigned queues, char *err, size_t errlen,
			       int *err_errno)
{
	struct spool_question q = { .queue_dir = s->queue_dir, .opts = { .queues = queues } };
	struct spool_answer a;

	ms_step(queues == PFQ_ALL_QUEUES ? "reading the Postfix queue in %s"
		: queues != 0 ? "reading %s/pid/master.pid and maildrop"
		: "reading %s/pid/master.pid", s->queue_dir);
	ask_probe(postfix_spool_child, &q, &a, sizeof(a));
	if (a.no_spool)
		ms_die(MS_UNKNOWN, "no Postfix spool at %s (check --queue-dir or queue_directory)",
		       s->queue_dir);
	if (a.missing[0] != '\0')
		ms_die(MS_UNKNOWN, "%s is not a Postfix spool (it has no %s directory); give "
		       "--queue-dir the queue_directory of the Postfix instance (postconf -h "
		       "queue_directory)", s->queue_dir, a.missing);
	note_master_state(s, &a);
	if (queues == 0)
		return true;
	if (!a.scanned) {
		*err_errno = a.scan.error_errno;
		snprintf(err, errlen, "cannot read %s: %s", a.scan.error_path,
			 strerror(a.scan.error_errno));
		return false;
	}
	if (queues == PFQ_ALL_QUEUES)
		take_queue_stats(s, &a.scan);
	take_maildrop_entered(s, &a.scan);
	return true;
}

/* What a postqueue -j run adds up, line by line. */
struct pq_run {
	struct snapshot *s;	/* its queues are filled when count is set */
	bool count;
	bool tally;		/* tally deferral reasons and domains here: */
	struct ms_tally reasons, domains;
	uint64_t bad_lines;
	char first_error[200];
	bool direct;		/* showq was down: postqueue (as root) read the queue itself */
};

static void tally_recipients(struct pq_run *run, const struct pq_message *m)
{
	for (size_t i = 0; i < m->nrecipients; i++) {
		const char *address, *reason;
		pq_message_recipient(m, i, &address, &reason);
		if (reason != NULL)
			ms_tally_add(&run->reasons, reason, strlen(reason));
		if (address != NULL) {
			const char *at = strrchr(address, '@');
			const char *domain = at != NULL ? at + 1 : "(local)";
			ms_tally_add(&run->domains, domain, strlen(domain));
		}
	}
}

static void pq_on_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct pq_run *run = arg;
	struct pq_message m;
	char err[160];

	if (len == 0)
		return;
	if (too_long || !pq_message_parse(line, len, &m, err, sizeof(err))) {
		if (run->bad_lines++ == 0)
			snprintf(run->first_error, sizeof(run->first_error), "%s",
				 too_long ? "a line longer than 64 MiB" : err);
		return;
	}
	int q = pfq_queue_parse(m.queue_name, strlen(m.queue_name));
	if (q < 0) {
		if (run->bad_lines++ == 0)
			snprintf(run->first_error, sizeof(run->first_error), "unknown queue");
	} else {
		if (run->count)
			queue_add(&run->s->q[q], (uint64_t)m.message_size, m.arrival_time);
		if (run->tally && q == PFQ_DEFERRED)
			tally_recipients(run, &m);
	}
	pq_message_free(&m);
}

static void lines_on_stdout(void *arg, const char *data, size_t len)
{
	ms_lines_feed(arg, data, len);
}

#define PQ_MAX_LINE (64u << 20)

/* Runs postqueue -j; false with err set when it gives no usable answer. */
static bool run_postqueue(const char *config_dir, struct pq_run *run, char *err, size_t errlen)
{
	char *argv[5];
	int n = 0;
	struct ms_lines lines;
	struct ms_cmd_result res;
	char how[64];

	argv[n++] = "postqueue";
	if (config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = (char *)config_dir;
	}
	argv[n++] = "-j";
	argv[n] = NULL;
	ms_lines_init(&lines, PQ_MAX_LINE, pq_on_line, run);
	struct ms_cmd_opts opts = { .timeout_ms = -1, .on_stdout = lines_on_stdout,
				    .on_stdout_arg = &lines };
	ms_step("running postqueue -j");
	if (!cmd_run(argv, &opts, &res, err, errlen)) {
		ms_lines_finish(&lines);
		return false;
	}
	ms_lines_finish(&lines);
	/*
	 * Warnings about main.cf do not spoil the answer; an error does, and
	 * so does "mail system is down" unless postqueue goes on, as it does
	 * as root, with "accessing queue directly": it then runs showq itself,
	 * which lists the spool as it is (the caller reports the mail system
	 * down, and those counts).
	 */
	const char *err_text = res.err.data != NULL ? res.err.data : "";
	bool down = strstr(err_text, "ail system is down") != NULL;
	run->direct = down && strstr(err_text, "accessing queue directly") != NULL;
	bool ok = res.exited && res.exit_status == 0 && run->bad_lines == 0 &&
		  strstr(err_text, "fatal:") == NULL && (!down || run->direct);
	if (!ok) {
		struct ms_buf msg = MS_BUF_INIT;
		if (res.err.len > 0)
			add_stderr(&msg, &res.err);
		else if (run->bad_lines > 0)
			ms_buf_printf(&msg, "%llu lines it printed are not understood (%s)",
				      (unsigned long long)run->bad_lines, run->first_error);
		snprintf(err, errlen, "postqueue -j %s%s%s", ms_cmd_describe(&res, how, sizeof(how)),
			 msg.len ? ": " : "", ms_buf_str(&msg));
		ms_buf_free(&msg);
	}
	ms_cmd_result_free(&res);
	return ok;
}

/*
 * The spool. true when it was read; false when it may not be read and
 * postqueue should answer instead; any other failure ends the run.
 */
static bool spool_pass(const struct settings *set, struct snapshot *s, char *err, size_t errlen)
{
	int err_errno = 0;

	if (read_postfix_spool(s, PFQ_ALL_QUEUES, err, errlen, &err_errno))
		return true;
	if (s->mta_down)
		ms_die(set->down_state, "%s; %s", s->down_reason, err);
	if (set->method == METHOD_SPOOL || (err_errno != EACCES && err_errno != EPERM))
		ms_die(MS_UNKNOWN, "%s%s", err, err_errno == EACCES ?
		       "; run the plugin with read access to the Postfix spool (see "
		       "check_mail_queue(1): cap_dac_read_search) or use --method=command" : "");
	return false;
}

/*
 * postqueue -j: the counts when count is set (the spool was not read),
 * the deferral reasons and domains when tally is set. A failure ends the
 * run when the counts depended on it; else it is noted for -v.
 */
static void postqueue_pass(const struct settings *set, struct snapshot *s, bool count,
			   bool tally, const char *spool_err)
{
	struct pq_run run = { .s = s, .count = count, .tally = tally };
	char err[700];

	if (tally) {
		ms_tally_init(&run.reasons, 1000);
		ms_tally_init(&run.domains, 5000);
	}
	bool ok = run_postqueue(s->config_dir, &run, err, sizeof(err));
	/* What postqueue says when the master is not running. */
	if (((!ok && strstr(err, "ail system is down") != NULL) || run.direct) && !s->mta_down) {
		s->mta_down = true;
		s->down_reason = ms_xstrdup("the Postfix mail system is down "
					    "(postqueue cannot reach showq)");
	}
	if (tally && ok) {
		s->reasons = run.reasons;
		s->domains = run.domains;
		s->has_details = true;
	} else if (tally) {
		ms_tally_free(&run.reasons);
		ms_tally_free(&run.domains);
	}
	if (!ok && count && s->mta_down)
		ms_die(set->down_state, "%s; %s", s->down_reason, err);
	if (!ok && count)
		ms_die(MS_UNKNOWN, "%s%s%s; let the plugin read the spool (check_mail_queue(1) "
		       "says how), or allow its user to run postqueue", err,
		       spool_err[0] ? "; and the spool: " : "", spool_err);
	if (!ok)
		s->details_error = ms_xstrdup(err);
	else if (count)
		s->source = str_printf("postqueue -j%s%s", spool_err[0] ?
				       " (the spool is not readable)" : "", run.direct ?
				       " (read the queue directly: the mail system is down)" : "");
}

/*
 * The probe for Postfix: the spool when allowed and readable, else
 * postqueue -j; postqueue -j also for the deferral reasons and domains
 * that -v and --domain-* want.
 */
static void probe_postfix(const struct settings *set, struct snapshot *s)
{
	char spool_err[700] = "";
	bool want_details = ms_verbosity() > 0 || set->domain.has_warning ||
			    set->domain.has_critical;

	s->config_dir = set->instance != NULL ? instance_config_dir(set->instance)
			: set->config_dir != NULL ? ms_xstrdup(set->config_dir) : NULL;
	check_postfix_config_dir(set, s);
	s->queue_dir = set->queue_dir != NULL ? ms_xstrdup(set->queue_dir)
		       : postfix_queue_dir(s->config_dir);
	check_postfix_queue_dir(set, s);
	bool counted = false;
	char ignored[700];
	int ignored_errno;
	if (set->method == METHOD_COMMAND)	/* the master, and maildrop if it may be read */
		read_postfix_spool(s, 1u << PFQ_MAILDROP, ignored, sizeof(ignored), &ignored_errno);
	else
		counted = spool_pass(set, s, spool_err, sizeof(spool_err));
	if (!counted || want_details)
		postqueue_pass(set, s, !counted, want_details, spool_err);
}

/* ---- Exim -------------------------------------------------------------- */

static const char *exim_binary(void)
{
	return in_path("exim4") ? "exim4" : "exim";
}

static char *exim_spool_dir(const struct settings *set)
{
	char *argv[] = { (char *)exim_binary(), "-bP", "spool_directory", NULL };
	struct ms_buf out = MS_BUF_INIT;
	char err[512];

	if (set->queue_dir != NULL)
		return ms_xstrdup(set->queue_dir);
	/* "spool_directory = /var/spool/exim4" */
	if (run_capture(argv, &out, err, sizeof(err))) {
		const char *eq = strchr(ms_buf_str(&out), '=');
		if (eq != NULL && eq[1] == ' ' && eq[2] == '/') {
			char *dir = ms_xstrdup(eq + 2);
			ms_buf_free(&out);
			return dir;
		}
	}
	ms_buf_free(&out);
	return ms_xstrdup("/var/spool/exim4");
}

struct bp_run {
	struct snapshot *s;
	uint64_t messages;
	uint64_t strange;	/* lines that are neither messages nor recipients */
};

static void bp_on_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct bp_run *run = arg;
	struct exim_bp_message m;

	if (!too_long && exim_parse_bp_line(line, len, &m)) {
		queue_add(&run->s->q[m.frozen ? EXIM_FROZEN : EXIM_QUEUED], m.size, m.arrival);
		run->messages++;
	} else if (len > 0 && line[0] != ' ') {
		run->strange++;	/* recipient lines are indented; this is not exim -bp */
	}
}

static bool run_exim_bp(struct snapshot *s, char *err, size_t errlen)
{
	char *argv[] = { (char *)exim_binary(), "-bp", NULL };
	struct bp_run run = { .s = s };
	struct ms_lines lines;
	struct ms_cmd_result res;
	char how[64];

	ms_lines_init(&lines, 1u << 20, bp_on_line, &run);
	struct ms_cmd_opts opts = { .timeout_ms = -1, .on_stdout = lines_on_stdout,
				    .on_stdout_arg = &lines };
	ms_step("running %s -bp", argv[0]);
	bool started = cmd_run(argv, &opts, &res, err, errlen);
	ms_lines_finish(&lines);
	if (!started)
		return false;
	/* An error or strange output with no message listed is no empty queue. */
	bool ok = res.exited && res.exit_status == 0 &&
		  (run.messages > 0 || (res.err.len == 0 && run.strange == 0));
	if (!ok) {
		struct ms_buf msg = MS_BUF_INIT;
		if (res.err.len > 0)
			add_stderr(&msg, &res.err);
		else if (run.strange > 0)
			ms_buf_printf(&msg, "%llu lines it printed are not understood",
				      (unsigned long long)run.strange);
		snprintf(err, errlen, "%s -bp %s%s%s", argv[0], ms_cmd_describe(&res, how, sizeof(how)),
			 msg.len ? ": " : "", ms_buf_str(&msg));
		ms_buf_free(&msg);
	}
	ms_cmd_result_free(&res);
	s->source = str_printf("%s -bp", argv[0]);
	return ok;
}

static int exim_spool_child(void *arg, int fd)
{
	struct exim_scan scan;

	spool_privileges();
	if (!exim_scan_spool(arg, &scan) && scan.error_errno == 0)
		scan.error_errno = EIO;	/* a failure always carries an errno */
	return write_answer(fd, &scan, sizeof(scan));
}

static void probe_exim(const struct settings *set, struct snapshot *s)
{
	const char *spool = s->queue_dir = exim_spool_dir(set);
	char spool_err[700] = "", cmd_err[700] = "";
	struct exim_scan scan;

	if (set->method != METHOD_COMMAND)
		check_exim_dir(set, spool);

	if (set->method != METHOD_COMMAND) {
		ms_step("reading the Exim spool in %s", spool);
		ask_probe(exim_spool_child, (void *)spool, &scan, sizeof(scan));
		if (scan.error_errno == 0) {
			s->q[EXIM_QUEUED].count = scan.queued;
			s->q[EXIM_QUEUED].has_oldest = scan.has_oldest_queued;
			s->q[EXIM_QUEUED].oldest = scan.oldest_queued;
			s->q[EXIM_FROZEN].count = scan.frozen;
			s->q[EXIM_FROZEN].has_oldest = scan.has_oldest_frozen;
			s->q[EXIM_FROZEN].oldest = scan.oldest_frozen;
			s->q[EXIM_QUEUED].bytes = scan.queued_bytes;
			s->q[EXIM_FROZEN].bytes = scan.frozen_bytes;
			s->damaged = scan.damaged;
			s->vanished = scan.vanished;
			s->corrupt_known = true;
			s->source = str_printf("the spool %s", spool);
			return;
		}
		snprintf(spool_err, sizeof(spool_err), "cannot read %s: %s", scan.error_path,
			 strerror(scan.error_errno));
		if (set->method == METHOD_SPOOL ||
		    (scan.error_errno != EACCES && scan.error_errno != EPERM))
			ms_die(MS_UNKNOWN, "%s", spool_err);
	}
	if (!run_exim_bp(s, cmd_err, sizeof(cmd_err)))
		ms_die(MS_UNKNOWN, "%s%s%s; run the plugin as a user in Exim's group or with "
		       "cap_dac_read_search (see check_mail_queue(1))", cmd_err,
		       spool_err[0] ? "; and " : "", spool_err);
}

static enum mta detect_mta(void)
{
	if (in_path("postconf"))
		return MTA_POSTFIX;
	if (in_path("exim4") || in_path("exim"))
		return MTA_EXIM;
	ms_die(MS_UNKNOWN, "neither Postfix (postconf) nor Exim (exim4, exim) is in PATH; "
	       "say which with --mta and where its spool is with --queue-dir");
}

/* ---- verdict and output ------------------------------------------------ */

struct totals {
	uint64_t count, bytes;
	bool has_oldest;
	int64_t oldest;
};

static struct totals count_totals(const struct snapshot *s)
{
	struct totals t = { 0 };

	for (size_t i = 0; i < s->nq; i++) {
		const struct queue *q = &s->q[i];
		if (!q->counted)
			continue;
		t.count += q->count;
		t.bytes += q->bytes;
		if (q->has_oldest && (!t.has_oldest || q->oldest < t.oldest)) {
			t.oldest = q->oldest;
			t.has_oldest = true;
		}
	}
	return t;
}

static double age_of(int64_t arrival, time_t now)
{
	return arrival < now ? (double)(now - arrival) : 0;
}

/*
 * "1234 messages queued (deferred 1200, active 34), oldest 4h12m, 25 on
 * hold"; the held messages are left out when hold_alerts: the hold check
 * then names them itself ("25 messages on hold"), and once is enough.
 */
static void summary_text(struct ms_buf *b, const struct snapshot *s, const struct totals *t,
			 time_t now, bool hold_alerts)
{
	char dur[32];
	int parts = 0;

	if (t->count == 0)
		ms_buf_puts(b, "no messages queued");
	else
		ms_buf_printf(b, "%llu message%s queued", (unsigned long long)t->count,
			      t->count == 1 ? "" : "s");
	for (size_t i = 0; i < s->nq && t->count > 0; i++) {
		if (!s->q[i].counted || s->q[i].count == 0)
			continue;
		ms_buf_printf(b, "%s%s %llu", parts++ ? ", " : " (", s->q[i].name,
			      (unsigned long long)s->q[i].count);
	}
	if (parts > 0)
		ms_buf_putc(b, ')');
	if (t->has_oldest)
		ms_buf_printf(b, ", oldest %s", ms_duration_format(dur, sizeof(dur),
								   age_of(t->oldest, now)));
	for (size_t i = 0; i < s->nq; i++) {
		bool hold = s->mta == MTA_POSTFIX && i == PFQ_HOLD;
		if (!s->q[i].counted && s->q[i].count > 0 && !(hold && hold_alerts))
			ms_buf_printf(b, ", %llu %s", (unsigned long long)s->q[i].count,
				      hold ? "on hold" : s->q[i].name);
	}
}

static void add_perf(struct ms_result *r, const char *label, double value, const char *uom,
		     const struct ms_thresholds *t)
{
	ms_result_perf(r, &(struct ms_perf){
		.label = label, .value = value, .uom = uom,
		.warn = t != NULL && t->has_warning ? &t->warning : NULL,
		.crit = t != NULL && t->has_critical ? &t->critical : NULL,
		.has_min = true, .min = 0 });
}

/*
 * How long the oldest message has waited in maildrop for pickup: since
 * its file got there (the spool says when), which is not its arrival
 * for mail requeued with postsuper -r: pickup wakes up once a minute
 * and takes it then. Only where the maildrop directory could not be
 * read (postqueue -j run by a user who may not) is it the arrival.
 * false when maildrop is empty.
 */
static bool maildrop_wait(const struct queue *md, time_t now, double *wait)
{
	if (md->entered_known) {
		/* files postqueue lists that the spool did not have yet: just came */
		*wait = md->has_entered ? age_of(md->entered, now) : 0;
		return md->count > 0;
	}
	*wait = md->has_oldest ? age_of(md->oldest, now) : 0;
	return md->has_oldest;
}

/* A sub-check; its text also joins the first line when it alerts. */
static void sub_check(struct ms_result *r, struct ms_buf *line, enum ms_state st,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void sub_check(struct ms_result *r, struct ms_buf *line, enum ms_state st,
		      const char *fmt, ...)
{
	struct ms_buf text = MS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(&text, fmt, ap);
	va_end(ap);
	ms_result_add(r, st, "%s", ms_buf_str(&text));
	if (st != MS_OK && line != NULL)
		ms_buf_printf(line, "; %s", ms_buf_str(&text));
	ms_buf_free(&text);
}

/* --domain-warning/-critical: each recipient domain of the deferred queue. */
static void domain_checks(struct ms_result *r, struct ms_buf *line, const struct settings *set,
			  const struct snapshot *s)
{
	const struct ms_thresholds *t = &set->domain;

	if (!t->has_warning && !t->has_critical)
		return;
	if (!s->has_details) {
		sub_check(r, line, MS_UNKNOWN, "no per-domain counts: %s",
			  s->details_error != NULL ? s->details_error : "postqueue -j did not run");
		return;
	}
	size_t n = s->domains.nkeys, alerts = 0;
	struct ms_tally_entry *all = ms_xcalloc(n > 0 ? n : 1, sizeof(*all));
	n = ms_tally_top(&s->domains, all, n);
	for (size_t i = 0; i < n; i++) {
		enum ms_state st = ms_thresholds_state(t, (double)all[i].count);
		if (st == MS_OK)
			continue;
		/* the few worst in the first line; all of them as sub-checks */
		sub_check(r, alerts++ < 3 ? line : NULL, st, "%llu deferred recipients at %s",
			  (unsigned long long)all[i].count, all[i].key);
	}
	free(all);
}

static void verdict(struct ms_result *r, const struct settings *set, const struct snapshot *s,
		    const struct totals *t, time_t now)
{
	char dur[32];
	struct ms_buf summary = MS_BUF_INIT, line = MS_BUF_INIT;

	enum ms_state hold_state = s->mta == MTA_POSTFIX
				   ? ms_thresholds_state(&set->hold, (double)s->q[PFQ_HOLD].count)
				   : MS_OK;

	/* The first line: the mail system's state first, then the counts. */
	summary_text(&summary, s, t, now, hold_state != MS_OK);
	ms_buf_printf(&line, "%s%s%s", s->mta_down ? s->down_reason : "", s->mta_down ? "; " : "",
		      ms_buf_str(&summary));
	enum ms_state st = ms_thresholds_state(&set->total, (double)t->count);
	if (t->has_oldest)
		st = ms_state_worst(st, ms_thresholds_state(&set->age, age_of(t->oldest, now)));
	ms_result_add(r, st, "%s", ms_buf_str(&summary));
	ms_buf_free(&summary);
	if (s->mta_down)
		ms_result_add(r, set->down_state, "%s", s->down_reason);

	if (s->mta == MTA_POSTFIX) {
		const struct queue *hold = &s->q[PFQ_HOLD];
		if (hold_state != MS_OK)
			sub_check(r, &line, hold_state, "%llu message%s on hold",
				  (unsigned long long)hold->count, hold->count == 1 ? "" : "s");
		double wait;
		if (maildrop_wait(&s->q[PFQ_MAILDROP], now, &wait)) {
			st = ms_thresholds_state(&set->maildrop_age, wait);
			if (st != MS_OK)
				sub_check(r, &line, st, "a message waits in maildrop for pickup "
					  "since %s", ms_duration_format(dur, sizeof(dur), wait));
		}
	}
	if (s->mta == MTA_POSTFIX)
		domain_checks(r, &line, set, s);
	uint64_t corrupt = s->damaged + (s->mta == MTA_POSTFIX ? s->q[PFQ_CORRUPT].count : 0);
	if (corrupt > 0)
		sub_check(r, &line, MS_WARNING, "%llu corrupt queue file%s",
			  (unsigned long long)corrupt, corrupt == 1 ? "" : "s");
	ms_result_summary(r, "%s", ms_buf_str(&line));
	ms_buf_free(&line);
}

static void perfdata(struct ms_result *r, const struct settings *set, const struct snapshot *s,
		     const struct totals *t, time_t now)
{
	add_perf(r, "total", (double)t->count, NULL, &set->total);
	for (size_t i = 0; i < s->nq; i++) {
		const struct ms_thresholds *th = s->mta == MTA_POSTFIX && i == PFQ_HOLD
						 ? &set->hold : NULL;
		if (s->mta == MTA_POSTFIX && i == PFQ_CORRUPT)	/* U: postqueue cannot see them */
			add_perf(r, "corrupt", s->corrupt_known ? (double)(s->q[i].count + s->damaged)
				 : NAN, NULL, NULL);
		else
			add_perf(r, s->q[i].name, (double)s->q[i].count, NULL, th);
	}
	add_perf(r, "oldest_age", t->has_oldest ? age_of(t->oldest, now) : 0, "s", &set->age);
	add_perf(r, "size", (double)t->bytes, "B", NULL);
}

/* With -v: where the numbers come from, and what is holding mail up. */
static void long_output(struct ms_result *r, const struct settings *set,
			const struct snapshot *s, time_t now)
{
	char dur[32];
	struct ms_tally_entry top[100];

	if (ms_verbosity() == 0)
		return;
	char how[200] = "";
	if (s->spool_read && s->reader == PFQR_URING)
		snprintf(how, sizeof(how), "; every arrival record read (exact), with io_uring");
	else if (s->spool_read)
		snprintf(how, sizeof(how), "; every arrival record read (exact), with up to %d threads "
			 "(no io_uring: %s)", PFQR_THREADS, strerror(s->uring_errno));
	ms_result_line(r, "read from %s%s", s->source, how);
	if (s->records_read > 0)
		ms_result_line(r, "arrival records read: %llu", (unsigned long long)s->records_read);
	for (size_t i = 0; i < s->nq; i++) {
		const struct queue *q = &s->q[i];
		if (q->count == 0)
			continue;
		struct ms_buf b = MS_BUF_INIT;
		ms_buf_printf(&b, "%s: %llu message%s, %llu bytes", q->name,
			      (unsigned long long)q->count, q->count == 1 ? "" : "s",
			      (unsigned long long)q->bytes);
		if (q->has_oldest)
			ms_buf_printf(&b, ", oldest %s (arrived %lld)",
				      ms_duration_format(dur, sizeof(dur), age_of(q->oldest, now)),
				      (long long)q->oldest);
		double wait;
		if (s->mta == MTA_POSTFIX && i == PFQ_MAILDROP && maildrop_wait(q, now, &wait))
			ms_buf_printf(&b, ", waiting for pickup since %s%s",
				      ms_duration_format(dur, sizeof(dur), wait), q->entered_known ? ""
				      : " (its arrival: the maildrop directory is not readable)");
		ms_result_line(r, "%s%s", ms_buf_str(&b), q->counted ? "" : " (not counted)");
		ms_buf_free(&b);
	}
	if (s->in_progress > 0)
		ms_result_line(r, "%llu file%s still being written (not counted)",
			       (unsigned long long)s->in_progress, s->in_progress == 1 ? "" : "s");
	if (s->vanished > 0)
		ms_result_line(r, "%llu file%s delivered during the scan (not counted)",
			       (unsigned long long)s->vanished, s->vanished == 1 ? "" : "s");
	if (s->details_error != NULL)
		ms_result_line(r, "deferral reasons unavailable: %s", s->details_error);
	if (!s->has_details)
		return;
	size_t n = ms_tally_top(&s->reasons, top, (size_t)set->top);
	if (n > 0)
		ms_result_line(r, "top deferral reasons (of %llu deferred recipients):",
			       (unsigned long long)s->reasons.total);
	for (size_t i = 0; i < n; i++)
		ms_result_line(r, "  %llu  %s", (unsigned long long)top[i].count, top[i].key);
	n = ms_tally_top(&s->domains, top, (size_t)set->top);
	if (n > 0)
		ms_result_line(r, "top recipient domains of the deferred queue:");
	for (size_t i = 0; i < n; i++)
		ms_result_line(r, "  %llu  %s", (unsigned long long)top[i].count, top[i].key);
}

int main(int argc, char **argv)
{
	struct settings set = { .down_state = MS_CRITICAL, .top = 5 };
	struct snapshot snap;

	drop_privileges();	/* before anything reads a file */
	ms_plugin_init(&plugin, &argc, &argv);
	/* on by default: local submissions that never leave are the classic */
	set_threshold("--maildrop-age-warning", "5m", MS_RANGE_DURATION, &set.maildrop_age, WARN);
	set_threshold("--maildrop-age-critical", "15m", MS_RANGE_DURATION, &set.maildrop_age, CRIT);
	parse_options(argc, argv, &set);

	enum mta mta = set.mta != MTA_AUTO ? set.mta : detect_mta();
	snapshot_init(&snap, mta);
	choose_queues(&snap, set.queues);
	if (mta == MTA_POSTFIX)
		probe_postfix(&set, &snap);
	else
		probe_exim(&set, &snap);

	time_t now = time(NULL);
	struct totals t = count_totals(&snap);
	struct ms_result *r = ms_result_new(plugin.label);
	verdict(r, &set, &snap, &t, now);
	perfdata(r, &set, &snap, &t, now);
	long_output(r, &set, &snap, now);
	snapshot_free(&snap);
	ms_plugin_exit(r);
}
