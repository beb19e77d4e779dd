/*
 * pfqueue: a Postfix queue file's arrival record, reading as few bytes
 * as possible.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pfqueue.h"

static const char *const queue_names[PFQ_NQUEUES] = {
	"maildrop", "incoming", "active", "deferred", "hold", "corrupt",
};

const char *pfq_queue_name(enum pfq_queue q)
{
	return (unsigned)q < PFQ_NQUEUES ? queue_names[q] : "?";
}

int pfq_queue_parse(const char *s, size_t n)
{
	for (int q = 0; q < PFQ_NQUEUES; q++)
		if (strlen(queue_names[q]) == n && memcmp(queue_names[q], s, n) == 0)
			return q;
	return -1;
}

/* --- records ------------------------------------------------------------ */

#define REC_TYPE_TIME 'T'
/* Records that end the envelope part that the arrival record belongs to. */
#define REC_ENDS_ENVELOPE "MNXE"
/* No envelope record before the arrival record is anywhere near this long. */
#define REC_MAX_EARLY_LEN (1u << 20)

/*
 * Reads a record length at buf[*pos]. Returns 1 with *len set, 0 when the
 * bytes end first, -1 when the length is impossible.
 */
static int rec_get_len(const unsigned char *buf, size_t n, size_t *pos, size_t *len)
{
	size_t value = 0;

	for (unsigned shift = 0; ; shift += 7) {
		if (shift > 28)
			return -1;	/* Postfix's own limit: an int */
		if (*pos >= n)
			return 0;
		unsigned char c = buf[(*pos)++];
		value |= (size_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			break;
	}
	*len = value;
	return 1;
}

/*
 * At most 12 digits of seconds: any time in microseconds then still fits
 * an int64_t.
 */
#define MAX_TIME_DIGITS 12

/* "SECONDS" or "SECONDS MICROSECONDS", as REC_TYPE_TIME_FORMAT writes it. */
static bool parse_time_record(const unsigned char *s, size_t n, int64_t *sec, int32_t *usec)
{
	size_t i = 0;
	int64_t secs = 0, us = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= MAX_TIME_DIGITS)
			return false;	/* past the year 33000: damage, not a date */
		secs = secs * 10 + (s[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < n) {
		if (s[i++] != ' ' || i == n)
			return false;
		size_t start = i;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (i - start < 6)
				us = us * 10 + (s[i] - '0');
			else
				return false;
		if (i != n)
			return false;
	}
	*sec = secs;
	*usec = (int32_t)us;
	return true;
}

enum pfq_arrival pfq_parse_arrival(const unsigned char *buf, size_t len,
				   bool whole_file, int64_t *sec, int32_t *usec)
{
	enum pfq_arrival cut = whole_file ? PFQ_ARRIVAL_MALFORMED : PFQ_ARRIVAL_NEED_MORE;
	size_t pos = 0;

	while (pos < len) {
		unsigned char type = buf[pos++];
		size_t n;

		/* Record types are printable ASCII letters and punctuation. */
		if (type < 0x21 || type > 0x7e)
			return PFQ_ARRIVAL_MALFORMED;
		int got = rec_get_len(buf, len, &pos, &n);
		if (got < 0)
			return PFQ_ARRIVAL_MALFORMED;
		if (got == 0)
			return cut;
		if (type == REC_TYPE_TIME) {
			if (n > len - pos)
				return cut;
			return parse_time_record(buf + pos, n, sec, usec)
			       ? PFQ_ARRIVAL_FOUND : PFQ_ARRIVAL_MALFORMED;
		}
		if (strchr(REC_ENDS_ENVELOPE, type) != NULL)
			return PFQ_ARRIVAL_MISSING;
		if (n > REC_MAX_EARLY_LEN)
			return PFQ_ARRIVAL_MALFORMED;
		if (n > len - pos)
			return cut;
		pos += n;
	}
	return whole_file ? PFQ_ARRIVAL_MISSING : PFQ_ARRIVAL_NEED_MORE;
}

/* The first read covers the records cleanup writes before 'T' (~100 bytes). */
#define ARRIVAL_FIRST_READ 256
#define ARRIVAL_MAX_READ 8192

/* Reads until buf is full or the file ends; returns the bytes read or -1. */
static ssize_t read_full(int fd, unsigned char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int pfq_read_arrival(int dirfd, const char *name, int64_t *sec, int32_t *usec)
{
	unsigned char buf[ARRIVAL_MAX_READ];
	size_t have = 0, want = ARRIVAL_FIRST_READ;
	int result = -1;

	/* O_NONBLOCK: a FIFO planted in the spool must not hang the open. */
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read_full(fd, buf + have, want - have);
		if (n < 0)
			break;
		have += (size_t)n;
		bool whole = have < want;
		result = pfq_parse_arrival(buf, have, whole, sec, usec);
		if (result != PFQ_ARRIVAL_NEED_MORE)
			break;
		if (want == sizeof(buf)) {
			/* 8 KiB of envelope and still no arrival record: not Postfix's. */
			result = PFQ_ARRIVAL_MALFORMED;
			break;
		}
		want = sizeof(buf);
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return result;
}
