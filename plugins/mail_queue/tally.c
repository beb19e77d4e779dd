/*
 * tally: a fixed-size open-addressing hash table of string counts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "xalloc.h"

void ms_tally_init(struct ms_tally *t, size_t max_keys)
{
	memset(t, 0, sizeof(*t));
	t->max_keys = max_keys > 0 ? max_keys : 1;
	t->nslots = 2 * t->max_keys;	/* never more than half full */
	t->slots = ms_xcalloc(t->nslots, sizeof(*t->slots));
}

/* FNV-1a */
static size_t hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

void ms_tally_add(struct ms_tally *t, const char *key, size_t len)
{
	if (len > MS_TALLY_KEY_MAX)
		len = MS_TALLY_KEY_MAX;
	t->total++;
	for (size_t i = hash(key, len) % t->nslots; ; i = (i + 1) % t->nslots) {
		struct ms_tally_entry *e = &t->slots[i];
		if (e->key == NULL) {
			if (t->nkeys == t->max_keys) {
				t->other++;
				return;
			}
			e->key = ms_xstrndup(key, len);
			e->count = 1;
			t->nkeys++;
			return;
		}
		if (strncmp(e->key, key, len) == 0 && e->key[len] == '\0') {
			e->count++;
			return;
		}
	}
}

/* Does a rank before b? */
static int before(const struct ms_tally_entry *a, const struct ms_tally_entry *b)
{
	if (a->count != b->count)
		return a->count > b->count;
	return strcmp(a->key, b->key) < 0;
}

size_t ms_tally_top(const struct ms_tally *t, struct ms_tally_entry *top, size_t n)
{
	size_t have = 0;

	/* n is small (a handful of lines): insertion into a sorted array. */
	for (size_t i = 0; i < t->nslots && n > 0; i++) {
		const struct ms_tally_entry *e = &t->slots[i];
		if (e->key == NULL || (have == n && !before(e, &top[n - 1])))
			continue;
		size_t pos = have < n ? have++ : n - 1;
		while (pos > 0 && before(e, &top[pos - 1])) {
			top[pos] = top[pos - 1];
			pos--;
		}
		top[pos] = *e;
	}
	return have;
}

void ms_tally_free(struct ms_tally *t)
{
	for (size_t i = 0; i < t->nslots; i++)
		free(t->slots[i].key);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
