/*
 * nagioslog: one line of a Nagios 4 log (nagios.log and the archives) or
 * of Icinga 2's compat log, which has the same format:
 *
 *   [1733491200] SERVICE ALERT: web1;webmail;CRITICAL;HARD;3;output
 *   [1733491200] HOST ALERT: web1;DOWN;HARD;1;output
 *   [1733491200] CURRENT SERVICE STATE: web1;webmail;OK;HARD;1;output
 *   [1733491200] INITIAL HOST STATE: web1;UP;HARD;1;output
 *   [1733491200] SERVICE DOWNTIME ALERT: web1;webmail;STARTED; comment
 *   [1733491200] HOST FLAPPING ALERT: web1;STOPPED; comment
 *
 * A SOFT alert, and any other kind of line, is not an event. The host
 * and service point into the line (not NUL-terminated).
 */
#ifndef PUB_NAGIOSLOG_H
#define PUB_NAGIOSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum pub_log_kind {
	PUB_LOG_STATE,		/* a hard state: an alert, or the state at rotation */
	PUB_LOG_DOWNTIME_START,
	PUB_LOG_DOWNTIME_END,	/* stopped or cancelled */
	PUB_LOG_FLAP_START,
	PUB_LOG_FLAP_END	/* stopped or disabled */
};

struct pub_log_event {
	time_t at;
	enum pub_log_kind kind;
	const char *host;
	size_t host_len;
	const char *service;	/* NULL for a host */
	size_t service_len;
	int state;		/* PUB_LOG_STATE: host 0-2, service 0-3 */
};

enum pub_log_line {
	PUB_LOG_EVENT,		/* ev is filled */
	PUB_LOG_OTHER,		/* a line of another kind, or a SOFT state */
	PUB_LOG_MALFORMED	/* a line of a kind read here that does not parse */
};

/* Parses line (len bytes, no newline); ev->at is set whenever the line has a time. */
enum pub_log_line pub_log_parse(const char *line, size_t len, struct pub_log_event *ev);

#endif
