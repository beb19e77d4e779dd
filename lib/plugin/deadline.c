/*
 * deadline: the plugin's overall timeout. See deadline.h.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "numfmt.h"
#include "strbuf.h"
#include "text.h"

#define MESSAGE_MAX 2048
#define STEP_MAX 512
#define MAX_WATCHED 256

static char label[128] = "PLUGIN";
static enum ms_format format = MS_FORMAT_CLASSIC;
static double timeout_seconds = 10;
static enum ms_state timeout_state = MS_CRITICAL;
static int64_t deadline_at = INT64_MAX;
static char step[STEP_MAX] = "starting";

/*
 * Two message buffers: ms_step() fills the one not in use, then flips
 * `active`, so the handler always writes a complete message.
 */
static char message[2][MESSAGE_MAX];
static size_t message_len[2];
static volatile sig_atomic_t active;

static volatile pid_t watched[MAX_WATCHED];

int64_t ms_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void compose(struct ms_buf *b)
{
	char num[MS_NUMBER_MAX];
	struct ms_buf summary = MS_BUF_INIT;

	ms_buf_printf(&summary, "timed out after %ss while %s",
		      ms_format_number(num, timeout_seconds), step);
	if (format == MS_FORMAT_JSON) {
		json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:[], s:[], s:[]}",
				      "name", label, "state", ms_state_name(timeout_state),
				      "exit_code", (int)timeout_state,
				      "summary", ms_buf_str(&summary),
				      "checks", "long_output", "perfdata");
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s)
			ms_buf_printf(b, "%s\n", s);
		free(s);
		json_decref(o);
	}
	if (b->len == 0)
		ms_buf_printf(b, "%s %s - %s\n", label, ms_state_name(timeout_state),
			      ms_buf_str(&summary));
	ms_buf_free(&summary);
}

/* Re-renders the message the handler would print now. */
static void prepare_message(void)
{
	struct ms_buf b = MS_BUF_INIT;
	int next = !active;

	compose(&b);
	size_t n = b.len < MESSAGE_MAX ? b.len : MESSAGE_MAX;
	memcpy(message[next], b.data, n);
	if (n == MESSAGE_MAX)
		message[next][n - 1] = '\n';
	message_len[next] = n;
	active = next;
	ms_buf_free(&b);
}

static void on_deadline(int sig)
{
	(void)sig;
	for (int i = 0; i < MAX_WATCHED; i++) {
		pid_t pid = watched[i];
		if (pid > 0) {
			kill(-pid, SIGKILL); /* its process group, if it leads one */
			kill(pid, SIGKILL);
		}
	}
	int idx = active;
	const char *p = message[idx];
	size_t left = message_len[idx];
	while (left > 0) {
		ssize_t n = write(STDOUT_FILENO, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	_exit(timeout_state);
}

void ms_deadline_configure(const char *new_label, enum ms_format new_format)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_line(&b, new_label, strlen(new_label));
	snprintf(label, sizeof(label), "%s", ms_buf_str(&b));
	ms_buf_free(&b);
	format = new_format;
	prepare_message();
}

void ms_deadline_arm(double seconds, enum ms_state state)
{
	struct sigaction sa;
	struct itimerval it;

	timeout_seconds = seconds;
	timeout_state = state;
	prepare_message();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deadline;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	deadline_at = ms_now_ms() + (int64_t)(seconds * 1000);
	setitimer(ITIMER_REAL, &it, NULL);
}

void ms_deadline_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	deadline_at = INT64_MAX;
}

int64_t ms_deadline_at(void)
{
	return deadline_at;
}

int64_t ms_deadline_within(int64_t timeout_ms)
{
	if (timeout_ms < 0)
		return deadline_at;
	int64_t t = ms_now_ms() + timeout_ms;
	return t < deadline_at ? t : deadline_at;
}

void ms_step(const char *fmt, ...)
{
	va_list ap;
	struct ms_buf raw = MS_BUF_INIT, clean = MS_BUF_INIT;

	va_start(ap, fmt);
	ms_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	ms_text_add_line(&clean, ms_buf_str(&raw), raw.len);
	size_t n = ms_utf8_prefix(ms_buf_str(&clean), clean.len, sizeof(step) - 1);
	memcpy(step, ms_buf_str(&clean), n);
	step[n] = '\0';
	ms_buf_free(&raw);
	ms_buf_free(&clean);
	prepare_message();
}

const char *ms_step_text(void)
{
	return step;
}

int ms_deadline_watch_child(pid_t pid)
{
	for (int i = 0; i < MAX_WATCHED; i++) {
		if (watched[i] == 0) {
			watched[i] = pid;
			return 0;
		}
	}
	return -1;
}

void ms_deadline_unwatch_child(pid_t pid)
{
	for (int i = 0; i < MAX_WATCHED; i++)
		if (watched[i] == pid)
			watched[i] = 0;
}
