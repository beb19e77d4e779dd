/*
 * fuzz_pending: the pending-notices file kept beside the store
 * (pub_pending_load in publisher/source/notify.c). It is the publisher's own
 * file, but a disk, an editor or a crash can leave anything in it, and
 * every run reads it under the store's lock.
 *
 * Beyond "no crash": a file that is refused says which line; one that is
 * taken holds at most one notice per object, with states and depths in
 * the range the writer uses, and saved again it reads back the same;
 * laid over a snapshot, only the notices newer than the source's data
 * stay.
 */
#include "config.h"

#include "fuzz.h"
#include "fuzz_file.h"
#include "notify.h"
#include "source.h"

static bool same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool same_object(const struct pub_notice *a, const struct pub_notice *b)
{
	return strcmp(a->host, b->host) == 0 && same(a->service, b->service);
}

static void check_loaded(const struct pub_pending *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct pub_notice *n = &p->list[i];
		if (n->host == NULL || n->host[0] == '\0' || !n->hard ||
		    n->state < 0 || n->state > 3 || n->downtime_depth < -1 ||
		    n->downtime_depth > 1000000)
			abort();
		for (size_t j = 0; j < i; j++)
			if (same_object(n, &p->list[j]))
				abort();	/* a later notice replaces an older one */
	}
}

/* Saved by the writer, the notices read back as they were. */
static void check_round_trip(const struct pub_pending *p)
{
	static char path[128];
	struct pub_pending back;
	struct ms_buf err = MS_BUF_INIT;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/store-notices", fuzz_tmpdir());
	if (!pub_pending_save(path, p, &err) || !pub_pending_load(path, &back, &err) ||
	    back.n != p->n)
		abort();
	for (size_t i = 0; i < p->n; i++) {
		const struct pub_notice *a = &p->list[i], *b = &back.list[i];
		if (!same_object(a, b) || !same(a->output, b->output) || a->state != b->state ||
		    a->downtime_depth != b->downtime_depth || a->changed != b->changed ||
		    a->received != b->received)
			abort();
	}
	pub_pending_free(&back);
	unlink(path);
	ms_buf_free(&err);
}

static void check_apply(struct pub_pending *p)
{
	struct pub_snapshot s;
	size_t before = p->n, applied;

	pub_snapshot_init(&s);
	for (size_t i = 0; i < p->n; i += 2)	/* wants every other one */
		pub_snapshot_want(&s, p->list[i].host, p->list[i].service);
	s.created = 1795612000;
	applied = pub_pending_apply(p, &s);
	if (applied > p->n || p->n > before)
		abort();
	for (size_t i = 0; i < p->n; i++)
		if (p->list[i].received < s.created)
			abort();	/* the source's data is newer: forgotten */
	pub_snapshot_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file file;
	const char *path = fuzz_file_put(&file, "store-notices", data, size);
	struct pub_pending p;
	struct ms_buf err = MS_BUF_INIT;

	if (pub_pending_load(path, &p, &err)) {
		check_loaded(&p);
		check_round_trip(&p);
		check_apply(&p);
	} else if (strncmp(ms_buf_str(&err), path, strlen(path)) != 0 ||
		   p.n != 0 || p.list != NULL) {
		abort();	/* a refusal names the file, and keeps nothing */
	}
	pub_pending_free(&p);
	ms_buf_free(&err);
	return 0;
}
