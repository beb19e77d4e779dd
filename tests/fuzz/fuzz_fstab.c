/*
 * fuzz_fstab: /etc/fstab text, parsed strictly (--fstab-file) and as
 * mount(8) reads it (skipping lines it cannot use), from a buffer that
 * ends with a NUL as ms_fstab_read() hands it on.
 *
 * Checked: the strict parse succeeds exactly when the lenient one skips
 * nothing, and then both give the same entries; every entry has its
 * fields, its mount point is the normalized file field, and
 * ms_fstab_find() on it returns the last entry of that mount point.
 */
#include "config.h"

#include "fuzz.h"
#include "mountinfo.h"

static bool same_entry(const struct ms_fstab_entry *a, const struct ms_fstab_entry *b)
{
	return strcmp(a->spec, b->spec) == 0 && strcmp(a->file, b->file) == 0 &&
	       strcmp(a->vfstype, b->vfstype) == 0 && strcmp(a->opts, b->opts) == 0 &&
	       a->line == b->line &&
	       (a->mount_point == NULL) == (b->mount_point == NULL) &&
	       (a->mount_point == NULL || strcmp(a->mount_point, b->mount_point) == 0);
}

static void check_entries(const struct ms_fstab *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct ms_fstab_entry *e = &f->entries[i];
		if (!e->spec || !e->file || !e->vfstype || !e->opts || e->line < 1)
			abort();
		char *norm = ms_path_normalize(e->file);
		if ((norm == NULL) != (e->mount_point == NULL) ||
		    (norm && strcmp(norm, e->mount_point) != 0))
			abort();
		free(norm);
		if (e->mount_point == NULL)
			continue;
		const struct ms_fstab_entry *found = ms_fstab_find(f, e->mount_point);
		if (found == NULL || found < e || !found->mount_point ||
		    strcmp(found->mount_point, e->mount_point) != 0)
			abort();
		for (const struct ms_fstab_entry *later = found + 1; later < f->entries + f->n; later++)
			if (later->mount_point && strcmp(later->mount_point, e->mount_point) == 0)
				abort();	/* not the last one */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct ms_fstab strict, lenient;
	struct ms_buf err = MS_BUF_INIT;

	bool ok = ms_fstab_parse(text, size, &strict, &err);
	if (ok != (err.len == 0))
		abort();	/* a failure says why, a success nothing */
	ms_buf_free(&err);
	ms_fstab_parse_lenient(text, size, &lenient);
	if (ok != (lenient.nskipped == 0))
		abort();
	if (ok) {
		if (strict.n != lenient.n)
			abort();
		for (size_t i = 0; i < strict.n; i++)
			if (!same_entry(&strict.entries[i], &lenient.entries[i]))
				abort();
		check_entries(&strict);
	} else if (strict.n != 0 || strict.entries != NULL) {
		abort();	/* a failed parse leaves nothing to free */
	}
	check_entries(&lenient);
	(void)ms_fstab_find(&lenient, "/");
	(void)ms_fstab_find(&lenient, "/srv/mail");
	ms_fstab_free(&strict);
	ms_fstab_free(&lenient);
	free(text);
	return 0;
}
