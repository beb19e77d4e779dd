/*
 * fuzz_pfqueue_record: the start of a Postfix queue file, read the way
 * pfq_read_arrival() and pfqread read it (the first 256 bytes, then up to
 * 8 KiB when the arrival record lies further in), and a queue's name.
 *
 * Checked: an arrival found is a plausible time (at most 12 digits of
 * seconds, microseconds below a million); once a prefix gives a definite
 * answer, the whole file gives the same one; a whole file never asks for
 * more bytes. The first line of the input is also taken as a queue name
 * (pfq_queue_parse).
 */
#include "config.h"

#include "fuzz.h"
#include "pfqueue.h"

#define FIRST_READ 256		/* as ARRIVAL_FIRST_READ */
#define MAX_READ 8192		/* as ARRIVAL_MAX_READ */
#define NAME_MAX_LEN 255

static void check_found(int64_t sec, int32_t usec)
{
	if (sec < 0 || sec >= 1000000000000LL || usec < 0 || usec > 999999)
		abort();
}

/* An exact-size copy of the first n bytes, so a read past them is seen. */
static enum pfq_arrival parse_prefix(const uint8_t *data, size_t n, bool whole,
				     int64_t *sec, int32_t *usec)
{
	unsigned char *buf = malloc(n ? n : 1);

	if (buf == NULL)
		abort();
	memcpy(buf, data, n);
	enum pfq_arrival a = pfq_parse_arrival(buf, n, whole, sec, usec);
	free(buf);
	if (whole && a == PFQ_ARRIVAL_NEED_MORE)
		abort();
	if (a == PFQ_ARRIVAL_FOUND)
		check_found(*sec, *usec);
	return a;
}

static void fuzz_arrival(const uint8_t *data, size_t size)
{
	int64_t sec = -1, sec2 = -1;
	int32_t usec = -1, usec2 = -1;
	size_t have = size < FIRST_READ ? size : FIRST_READ;
	size_t all = size < MAX_READ ? size : MAX_READ;

	/* the reader's way: a short read means the whole file is there */
	enum pfq_arrival first = parse_prefix(data, have, size < FIRST_READ, &sec, &usec);
	if (first == PFQ_ARRIVAL_NEED_MORE)
		(void)parse_prefix(data, all, size < MAX_READ, &sec, &usec);

	/* what a prefix decides, the whole file confirms */
	if (first != PFQ_ARRIVAL_NEED_MORE && size >= FIRST_READ) {
		enum pfq_arrival whole = parse_prefix(data, size, true, &sec2, &usec2);
		if (whole != first ||
		    (first == PFQ_ARRIVAL_FOUND && (sec2 != sec || usec2 != usec)))
			abort();
	}
}

static void fuzz_name(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;

	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	int q = pfq_queue_parse((const char *)data, n);
	if (q != -1 && (q < 0 || q >= PFQ_NQUEUES ||
			strlen(pfq_queue_name(q)) != n ||
			memcmp(pfq_queue_name(q), data, n) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_arrival(data, size);
	fuzz_name(data, size);
	return 0;
}
