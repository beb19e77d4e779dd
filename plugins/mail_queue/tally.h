/*
 * tally: counting how often each string occurs, in bounded memory.
 *
 * For "the top deferral reasons" and "the top recipient domains" of a
 * queue that may hold a million recipients: at most max_keys distinct
 * strings are kept (each cut at MS_TALLY_KEY_MAX bytes); occurrences of
 * further strings are added to `other`, so the totals stay right.
 */
#ifndef MS_TALLY_H
#define MS_TALLY_H

#include <stddef.h>
#include <stdint.h>

#define MS_TALLY_KEY_MAX 200

struct ms_tally_entry {
	char *key;
	uint64_t count;
};

struct ms_tally {
	struct ms_tally_entry *slots;	/* open addressing, 2 * max_keys */
	size_t nslots, nkeys, max_keys;
	uint64_t other;			/* occurrences of keys beyond max_keys */
	uint64_t total;
};

void ms_tally_init(struct ms_tally *t, size_t max_keys);
void ms_tally_add(struct ms_tally *t, const char *key, size_t len);
/*
 * The n most frequent entries, most frequent first (ties by key), into
 * top (room for n); returns how many were written.
 */
size_t ms_tally_top(const struct ms_tally *t, struct ms_tally_entry *top, size_t n);
void ms_tally_free(struct ms_tally *t);

#endif
