/*
 * postqueue: reading `postqueue -j`, one JSON object per line.
 *
 *   {"queue_name": "deferred", "queue_id": "4jZJmF6fycz1bYC4",
 *    "arrival_time": 1795609517, "message_size": 260, ...,
 *    "recipients": [{"address": "bob@remote.example",
 *                    "delay_reason": "connect to ...: Connection refused"}]}
 *
 * The output of a large queue is far too big to hold, so it is fed in
 * chunks as it arrives (pq_lines_feed) and each complete line is parsed
 * on its own (pq_message_parse).
 */
#ifndef MS_POSTQUEUE_H
#define MS_POSTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* One queue file as postqueue -j describes it. */
struct pq_message {
	char queue_name[16];	/* "maildrop", "incoming", "active", ... */
	char queue_id[32];
	int64_t arrival_time;	/* seconds since the epoch */
	int64_t message_size;	/* bytes */
	size_t nrecipients;
	void *json;		/* the parsed object, for pq_message_recipient */
};

/*
 * Parses one line. On error returns false and writes into err what is
 * wrong ("not JSON: ...", "no arrival_time"); m needs no freeing then.
 */
bool pq_message_parse(const char *line, size_t len, struct pq_message *m,
		      char *err, size_t errlen);

/*
 * Recipient i (< nrecipients): its address and delay_reason, either
 * NULL when absent. Valid until pq_message_free.
 */
void pq_message_recipient(const struct pq_message *m, size_t i,
			  const char **address, const char **delay_reason);

void pq_message_free(struct pq_message *m);

/*
 * Splits a stream into lines of at most max_line bytes. on_line gets each
 * line without its newline; a longer line is passed on cut at max_line
 * with too_long set, and the rest of it is skipped.
 */
struct pq_lines {
	struct ms_buf partial;
	size_t max_line;
	bool skipping;
	void (*on_line)(void *arg, const char *line, size_t len, bool too_long);
	void *arg;
};

void pq_lines_init(struct pq_lines *l, size_t max_line,
		   void (*on_line)(void *, const char *, size_t, bool), void *arg);
void pq_lines_feed(struct pq_lines *l, const char *data, size_t len);
/* Passes on a last line that had no newline, and frees the buffer. */
void pq_lines_finish(struct pq_lines *l);

#endif
