/*
 * fuzz_mountinfo: /proc/self/mountinfo, cut into lines as
 * ms_mountinfo_read() does (at '\n', empty lines skipped), each line
 * through ms_mountinfo_parse_line(); the lines that parse make a mount
 * table that is then searched as check_storage_mount searches it.
 *
 * Checked: a parsed line has every field set; unescaping never makes
 * text longer; ms_path_normalize gives an absolute path without empty,
 * "." or ".." components and is idempotent; ms_opt_find finds only what
 * is in the list; ms_mount_at finds a mount whose mount point is the one
 * asked for, and ms_mount_containing one whose mount point is a prefix.
 */
#include "config.h"

#include "fuzz.h"
#include "mountinfo.h"
#include "xalloc.h"

static void check_normalized(const char *path)
{
	char *norm = ms_path_normalize(path);

	if (norm == NULL)
		return;
	if (norm[0] != '/' || strstr(norm, "//") || strstr(norm, "/./") ||
	    strstr(norm, "/../") || (strlen(norm) > 1 && norm[strlen(norm) - 1] == '/'))
		abort();
	const char *last = strrchr(norm, '/');
	if (strcmp(last, "/.") == 0 || strcmp(last, "/..") == 0)
		abort();
	char *again = ms_path_normalize(norm);
	if (again == NULL || strcmp(again, norm) != 0)
		abort();
	free(again);
	free(norm);
}

static void check_unescape(const char *s, size_t n)
{
	char *u = ms_unescape_octal(s, n);

	if (strlen(u) > n)
		abort();
	free(u);
}

static void check_opt(const char *opts, const char *name)
{
	char *value = NULL;

	if (ms_opt_find(opts, name, &value)) {
		if (value == NULL || strstr(opts, name) == NULL || strstr(opts, value) == NULL)
			abort();
		free(value);
	} else if (value != NULL) {
		abort();
	}
}

static void check_mount(const struct ms_mount *m)
{
	if (!m->root || !m->mount_point || !m->mount_opts || !m->optional || !m->fstype ||
	    !m->source || !m->super_opts)
		abort();
	check_normalized(m->mount_point);
	check_normalized(m->root);
	check_opt(m->mount_opts, "rw");
	check_opt(m->super_opts, "errors");
	check_opt(m->super_opts, "addr");
	(void)ms_type_in_list(m->fstype, "nfs,nfs4,cifs");
	(void)ms_fstype_matches(m->fstype, "nfs");
	(void)ms_fstype_matches(m->fstype, "fuse");
}

static void search_table(const struct ms_mount_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		char *path = ms_path_normalize(t->mounts[i].mount_point);
		if (path == NULL)
			continue;
		const struct ms_mount *at = ms_mount_at(t, path);
		if (at != NULL && strcmp(at->mount_point, path) != 0)
			abort();
		const struct ms_mount *in = ms_mount_containing(t, path);
		if (in != NULL && strncmp(in->mount_point, path, strlen(in->mount_point)) != 0)
			abort();
		if (at)
			(void)ms_mount_is_idle_autofs(t, at);
		free(path);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct ms_mount_table t = { 0 };
	struct ms_buf err = MS_BUF_INIT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n > 0) {
			/* exactly the line's bytes, so a read past it is seen */
			char *line = malloc(n);
			if (line == NULL)
				abort();
			memcpy(line, p, n);
			check_unescape(line, n);
			ms_xgrow(&t.mounts, &t.cap, t.n + 1, sizeof(*t.mounts));
			ms_buf_reset(&err);
			if (ms_mountinfo_parse_line(line, n, &t.mounts[t.n], &err)) {
				check_mount(&t.mounts[t.n]);
				t.n++;
				if (err.len != 0)
					abort();
			} else if (err.len == 0) {
				abort();	/* a failure says why */
			}
			free(line);
		}
		p = nl ? nl + 1 : end;
	}
	search_table(&t);
	ms_mount_table_free(&t);
	ms_buf_free(&err);
	return 0;
}
