/*
 * check_mail_queue: what the plugin may read, and where (see
 * check_mail_queue.h).
 */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check_mail_queue.h"
#include "fdio.h"
#include "pfconf.h"

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
void drop_privileges(void)
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
void spool_privileges(void)
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
void check_postfix_config_dir(const struct settings *set, const struct snapshot *s)
{
	if (restricted() && s->config_dir != NULL && !each_allowed_config(is_dir, s->config_dir))
		ms_die(MS_UNKNOWN, "%s %s is not /etc/postfix or listed in alternate_config_directories "
		       "of /etc/postfix/main.cf; run as root or list it there",
		       set->instance != NULL ? "the config directory of --instance" : "--config-dir",
		       s->config_dir);
}

/* ... and the queue directory is that of an allowed configuration. */
void check_postfix_queue_dir(const struct settings *set, const struct snapshot *s)
{
	if (restricted() && !each_allowed_config(is_queue_dir_of, s->queue_dir))
		ms_die(MS_UNKNOWN, "%s %s is not a queue directory of a Postfix configuration this "
		       "host allows (alternate_config_directories); run as root or list it there",
		       set->queue_dir != NULL ? "--queue-dir" : "the queue directory", s->queue_dir);
}

/* Exim: its default spools, or spool_directory of its configuration files. */
void check_exim_dir(const struct settings *set, const char *spool)
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
void ask_probe(ms_probe_fn fn, void *question, void *answer, size_t size, struct ms_buf *text)
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
	bool ok = p.state == MS_PROBE_DONE && p.exit_status == 0 && p.answer.len >= size;
	if (ok) {
		memcpy(answer, p.answer.data, size);
		if (p.answer.len > size)
			ms_buf_add(text, p.answer.data + size, p.answer.len - size);
	}
	int sig = p.state == MS_PROBE_FAILED ? p.term_signal : 0;
	ms_probe_free(&p);
	if (!ok)
		ms_die(MS_UNKNOWN, "the child process reading the spool failed%s%s",
		       sig ? ": " : "", sig ? strsignal(sig) : "");
}

int answer_parent(int fd, const void *answer, size_t size, struct ms_buf *text)
{
	bool ok = ms_write_all(fd, answer, size) &&
		  ms_write_all(fd, ms_buf_str(text), text->len);

	ms_buf_free(text);
	return ok ? 0 : 1;
}
