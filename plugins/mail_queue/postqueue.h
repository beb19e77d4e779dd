/*
 * postqueue: reading `postqueue -j`, one JSON object per line.
 *
 *   {"queue_name": "deferred", "queue_id": "4jZJmF6fycz1bYC4",
 *    "arrival_time": 1795609517, "message_size": 260, ...,
 *    "recipients": [{"address": "bob@remote.example",
 *                    "delay_reason": "connect to ...: Connection refused"}]}
 *
 * The output of a large queue is far too big to hold, so it is split
 * into lines as it arrives (lines.h) and each line is parsed on its own.
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
 * Parses one line. On error returns false and adds to err what is wrong
 * ("not JSON: ...", "no arrival_time"); m needs no freeing then.
 */
bool pq_message_parse(const char *line, size_t len, struct pq_message *m, struct ms_buf *err);

/*
 * Recipient i (< nrecipients): its address and delay_reason, either
 * NULL when absent. Valid until pq_message_free.
 */
void pq_message_recipient(const struct pq_message *m, size_t i,
			  const char **address, const char **delay_reason);

void pq_message_free(struct pq_message *m);

#endif
