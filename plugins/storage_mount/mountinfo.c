/*
 * mountinfo: /proc/self/mountinfo and /etc/fstab. See mountinfo.h.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "numfmt.h"
#include "strbuf.h"
#include "xalloc.h"

/* Neither file has a reason to be larger; a bigger one is not what we think. */
#define FILE_MAX (64u * 1024 * 1024)

/* A field of a blank-separated line: [start, start + len). */
struct field {
	const char *start;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next blank-separated field from *p (up to end); false at the end. */
static bool next_field(const char **p, const char *end, struct field *f)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s == end)
		return false;
	f->start = s;
	while (s < end && !is_blank(*s))
		s++;
	f->len = (size_t)(s - f->start);
	*p = s;
	return true;
}

static bool field_is(const struct field *f, const char *word)
{
	return f->len == strlen(word) && memcmp(f->start, word, f->len) == 0;
}

static int octal_digit(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

char *ms_unescape_octal(const char *s, size_t n)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_reserve(&b, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n &&
		    octal_digit(s[i + 1]) >= 0 && octal_digit(s[i + 2]) >= 0 &&
		    octal_digit(s[i + 3]) >= 0) {
			int v = octal_digit(s[i + 1]) * 64 + octal_digit(s[i + 2]) * 8 +
				octal_digit(s[i + 3]);
			/* \000 and values past a byte are not escapes the kernel writes */
			if (v > 0 && v < 256) {
				ms_buf_putc(&b, (char)v);
				i += 3;
				continue;
			}
		}
		ms_buf_putc(&b, s[i]);
	}
	return ms_buf_steal(&b);
}

static char *field_text(const struct field *f)
{
	return ms_unescape_octal(f->start, f->len);
}

/* A decimal number that fills the field exactly. */
static bool field_uint(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long long x;

	if (!ms_parse_uint(s, n, max, &x))
		return false;
	*v = (unsigned long)x;
	return true;
}

static bool parse_devno(const struct field *f, unsigned *major, unsigned *minor)
{
	const char *colon = memchr(f->start, ':', f->len);
	unsigned long a, b;

	if (colon == NULL)
		return false;
	size_t alen = (size_t)(colon - f->start);
	if (!field_uint(f->start, alen, UINT_MAX, &a) ||
	    !field_uint(colon + 1, f->len - alen - 1, UINT_MAX, &b))
		return false;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return true;
}

void ms_mount_free(struct ms_mount *m)
{
	free(m->root);
	free(m->mount_point);
	free(m->mount_opts);
	free(m->optional);
	free(m->fstype);
	free(m->source);
	free(m->super_opts);
	memset(m, 0, sizeof(*m));
}

bool ms_mountinfo_parse_line(const char *line, size_t len, struct ms_mount *m,
			     struct ms_buf *err)
{
	const char *p = line, *end = line + len;
	struct field f[6], opt, tail[3];
	unsigned long id, parent;
	struct ms_buf optional = MS_BUF_INIT;

	memset(m, 0, sizeof(*m));
	if (memchr(line, '\0', len) != NULL) {
		ms_buf_puts(err, "a NUL byte in the line");
		return false;
	}
	for (size_t i = 0; i < 6; i++) {
		if (!next_field(&p, end, &f[i])) {
			ms_buf_printf(err, "only %zu of the 10 fields", i);
			return false;
		}
	}
	if (!field_uint(f[0].start, f[0].len, INT_MAX, &id) ||
	    !field_uint(f[1].start, f[1].len, INT_MAX, &parent) ||
	    !parse_devno(&f[2], &m->major, &m->minor)) {
		ms_buf_puts(err, "the mount ID, parent ID or major:minor is not a number");
		return false;
	}
	/* optional fields ("shared:1 master:2") up to the lone "-" */
	for (;;) {
		if (!next_field(&p, end, &opt)) {
			ms_buf_puts(err, "no ' - ' separator before the filesystem type");
			ms_buf_free(&optional);
			return false;
		}
		if (field_is(&opt, "-"))
			break;
		if (optional.len)
			ms_buf_putc(&optional, ' ');
		ms_buf_add(&optional, opt.start, opt.len);
	}
	size_t ntail = 0;
	while (ntail < 3 && next_field(&p, end, &tail[ntail]))
		ntail++;
	if (ntail < 3) {
		ms_buf_puts(err, "the type, source or superblock options are missing");
		ms_buf_free(&optional);
		return false;
	}
	m->id = (int)id;
	m->parent_id = (int)parent;
	m->root = field_text(&f[3]);
	m->mount_point = field_text(&f[4]);
	m->mount_opts = field_text(&f[5]);
	m->optional = ms_buf_steal(&optional);
	m->fstype = field_text(&tail[0]);
	m->source = field_text(&tail[1]);
	m->super_opts = field_text(&tail[2]);
	return true;
}

/* Reads a whole (small, pseudo-) file; /proc files have no useful size. */
static bool read_file(const char *path, struct ms_buf *b, struct ms_buf *err)
{
	FILE *fp = fopen(path, "re");
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		ms_buf_printf(err, "cannot read %s: %s", path, strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len + n > FILE_MAX) {
			ms_buf_printf(err, "%s is larger than %u MiB", path, FILE_MAX >> 20);
			fclose(fp);
			return false;
		}
		ms_buf_add(b, chunk, n);
	}
	bool ok = !ferror(fp);
	if (!ok)
		ms_buf_printf(err, "cannot read %s: %s", path, strerror(errno));
	fclose(fp);
	return ok;
}

/* Calls fn for each line of text (without its newline); stops at the first false. */
static bool each_line(const char *text, size_t len,
		      bool (*fn)(void *ctx, const char *line, size_t n, int lineno),
		      void *ctx)
{
	const char *p = text, *end = text + len;
	int lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		if (!fn(ctx, p, (size_t)(stop - p), ++lineno))
			return false;
		p = nl ? nl + 1 : end;
	}
	return true;
}

struct mountinfo_ctx {
	struct ms_mount_table *t;
	struct ms_buf *err;
};

static bool add_mountinfo_line(void *arg, const char *line, size_t n, int lineno)
{
	struct mountinfo_ctx *ctx = arg;
	struct ms_mount_table *t = ctx->t;
	struct ms_buf why = MS_BUF_INIT;

	if (n == 0)
		return true;
	ms_xgrow(&t->mounts, &t->cap, t->n + 1, sizeof(*t->mounts));
	if (!ms_mountinfo_parse_line(line, n, &t->mounts[t->n], &why)) {
		ms_buf_printf(ctx->err, "line %d of mountinfo is not understood: %s",
			      lineno, ms_buf_str(&why));
		ms_buf_free(&why);
		return false;
	}
	t->n++;
	return true;
}

bool ms_mountinfo_read(const char *path, struct ms_mount_table *t, struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT;
	struct mountinfo_ctx ctx = { t, err };

	memset(t, 0, sizeof(*t));
	bool ok = read_file(path, &b, err) &&
		  each_line(b.data ? b.data : "", b.len, add_mountinfo_line, &ctx);
	ms_buf_free(&b);
	if (!ok)
		ms_mount_table_free(t);
	return ok;
}

void ms_mount_table_free(struct ms_mount_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		ms_mount_free(&t->mounts[i]);
	free(t->mounts);
	memset(t, 0, sizeof(*t));
}

/* Is another mount stacked on top of m (same mount point, m its parent)? */
static bool has_mount_on_top(const struct ms_mount_table *t, const struct ms_mount *m)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct ms_mount *o = &t->mounts[i];
		if (o != m && o->parent_id == m->id && strcmp(o->mount_point, m->mount_point) == 0)
			return true;
	}
	return false;
}

const struct ms_mount *ms_mount_at(const struct ms_mount_table *t, const char *path)
{
	const struct ms_mount *found = NULL;

	for (size_t i = 0; i < t->n; i++) {
		const struct ms_mount *m = &t->mounts[i];
		if (strcmp(m->mount_point, path) != 0)
			continue;
		found = m; /* the last one listed, should the parent links not tell */
		if (!has_mount_on_top(t, m))
			return m;
	}
	return found;
}

/* true when dir is path or one of its ancestors ("/srv" of "/srv/mail"). */
static bool is_prefix_dir(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const struct ms_mount *ms_mount_containing(const struct ms_mount_table *t, const char *path)
{
	const struct ms_mount *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct ms_mount *m = &t->mounts[i];
		size_t n = strlen(m->mount_point);
		if (!is_prefix_dir(m->mount_point, path) || (best && n <= best_len))
			continue;
		best = m;
		best_len = n;
	}
	/* of several mounts stacked there, the top one */
	return best ? ms_mount_at(t, best->mount_point) : NULL;
}

bool ms_mount_is_idle_autofs(const struct ms_mount_table *t, const struct ms_mount *m)
{
	return strcmp(m->fstype, "autofs") == 0 && !has_mount_on_top(t, m);
}

bool ms_opt_find(const char *opts, const char *name, char **value)
{
	size_t nlen = strlen(name);
	const char *p = opts;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len >= nlen && strncmp(p, name, nlen) == 0 &&
		    (len == nlen || p[nlen] == '=')) {
			if (value)
				*value = len == nlen ? ms_xstrdup("")
						     : ms_xstrndup(p + nlen + 1, len - nlen - 1);
			return true;
		}
		p += len + (comma != NULL);
	}
	return false;
}

bool ms_type_in_list(const char *type, const char *list)
{
	return type[0] != '\0' && strchr(type, ',') == NULL && ms_opt_find(list, type, NULL);
}

bool ms_fstype_matches(const char *actual, const char *wanted)
{
	if (ms_type_in_list(actual, wanted) || ms_type_in_list("auto", wanted))
		return true;
	/* mount -t nfs shows as nfs4 when version 4 was negotiated */
	if (strcmp(actual, "nfs4") == 0 && ms_type_in_list("nfs", wanted))
		return true;
	/* fstab's "fuse" with a helper shows as "fuse.<helper>" */
	return strncmp(actual, "fuse.", 5) == 0 && ms_type_in_list("fuse", wanted);
}

/* UUID=, LABEL=, ... and /dev paths as the device node they stand for. */
static bool resolve_device(const char *spec, char *out)
{
	static const struct { const char *tag, *dir; } tags[] = {
		{ "UUID=", "/dev/disk/by-uuid/" }, { "LABEL=", "/dev/disk/by-label/" },
		{ "PARTUUID=", "/dev/disk/by-partuuid/" },
		{ "PARTLABEL=", "/dev/disk/by-partlabel/" },
	};
	struct ms_buf b = MS_BUF_INIT;

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]) && b.len == 0; i++) {
		size_t n = strlen(tags[i].tag);
		/* a '/' in the value could lead realpath out of /dev, onto a hung mount */
		if (strncmp(spec, tags[i].tag, n) == 0 && spec[n] && !strchr(spec + n, '/'))
			ms_buf_printf(&b, "%s%s", tags[i].dir, spec + n);
	}
	if (b.len == 0 && strncmp(spec, "/dev/", 5) == 0 && !strstr(spec, ".."))
		ms_buf_puts(&b, spec);
	bool ok = b.len > 0 && realpath(ms_buf_str(&b), out) != NULL;
	ms_buf_free(&b);
	return ok;
}

bool ms_source_matches(const char *actual, const char *wanted)
{
	char a[PATH_MAX], w[PATH_MAX];
	size_t alen = strlen(actual), wlen = strlen(wanted);

	/* "filer:/export/mail/" and "filer:/export/mail" are the same export */
	while (alen > 1 && actual[alen - 1] == '/')
		alen--;
	while (wlen > 1 && wanted[wlen - 1] == '/')
		wlen--;
	if (alen == wlen && memcmp(actual, wanted, alen) == 0)
		return true;
	return resolve_device(actual, a) && resolve_device(wanted, w) && strcmp(a, w) == 0;
}

void ms_fstab_free(struct ms_fstab *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->entries[i].spec);
		free(f->entries[i].file);
		free(f->entries[i].mount_point);
		free(f->entries[i].vfstype);
		free(f->entries[i].opts);
	}
	free(f->entries);
	free(f->skipped);
	memset(f, 0, sizeof(*f));
}

struct fstab_ctx {
	struct ms_fstab *f;
	struct ms_buf *err;
	bool lenient;		/* skip bad lines instead of failing */
};

static bool add_fstab_line(void *arg, const char *line, size_t n, int lineno)
{
	struct fstab_ctx *ctx = arg;
	const char *p = line, *end = line + n;
	struct field f[4];
	size_t nf = 0;

	while (nf < 4 && next_field(&p, end, &f[nf]))
		nf++;
	/* as in libmount, '#' starts a comment only at the start of a line */
	if (nf == 0 || f[0].start[0] == '#')
		return true;
	if (nf < 3 || memchr(line, '\0', n) != NULL) {
		if (ctx->lenient) {
			struct ms_fstab *tab = ctx->f;
			ms_xgrow(&tab->skipped, &tab->cap_skipped, tab->nskipped + 1,
				 sizeof(*tab->skipped));
			tab->skipped[tab->nskipped++] = lineno;
			return true;
		}
		ms_buf_printf(ctx->err,
			      "line %d of the fstab has no device, mount point and type", lineno);
		return false;
	}
	struct ms_fstab *tab = ctx->f;
	ms_xgrow(&tab->entries, &tab->cap, tab->n + 1, sizeof(*tab->entries));
	struct ms_fstab_entry *e = &tab->entries[tab->n++];
	e->spec = field_text(&f[0]);
	e->file = field_text(&f[1]);
	e->mount_point = ms_path_normalize(e->file);
	e->vfstype = field_text(&f[2]);
	e->opts = nf > 3 ? field_text(&f[3]) : ms_xstrdup("defaults");
	e->line = lineno;
	return true;
}

bool ms_fstab_parse(const char *text, size_t len, struct ms_fstab *f, struct ms_buf *err)
{
	struct fstab_ctx ctx = { f, err, false };

	memset(f, 0, sizeof(*f));
	if (each_line(text, len, add_fstab_line, &ctx))
		return true;
	ms_fstab_free(f);
	return false;
}

bool ms_fstab_read(const char *path, struct ms_fstab *f, struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT, why = MS_BUF_INIT;

	memset(f, 0, sizeof(*f));
	if (!read_file(path, &b, err)) {
		ms_buf_free(&b);
		return false;
	}
	bool ok = ms_fstab_parse(b.data ? b.data : "", b.len, f, &why);
	if (!ok)
		ms_buf_printf(err, "%s: %s", path, ms_buf_str(&why));
	ms_buf_free(&why);
	ms_buf_free(&b);
	return ok;
}

void ms_fstab_parse_lenient(const char *text, size_t len, struct ms_fstab *f)
{
	struct fstab_ctx ctx = { f, NULL, true };	/* skips, never fails */

	memset(f, 0, sizeof(*f));
	each_line(text, len, add_fstab_line, &ctx);
}

bool ms_fstab_read_lenient(const char *path, struct ms_fstab *f, struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT;

	memset(f, 0, sizeof(*f));
	if (!read_file(path, &b, err)) {
		ms_buf_free(&b);
		return false;
	}
	ms_fstab_parse_lenient(b.data ? b.data : "", b.len, f);
	ms_buf_free(&b);
	return true;
}

const struct ms_fstab_entry *ms_fstab_find(const struct ms_fstab *f, const char *path)
{
	const struct ms_fstab_entry *found = NULL;

	for (size_t i = 0; i < f->n; i++) {
		const char *mp = f->entries[i].mount_point;
		if (mp && strcmp(mp, path) == 0)
			found = &f->entries[i];
	}
	return found;
}

char *ms_path_normalize(const char *path)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *p = path;

	if (path[0] != '/')
		return NULL;
	while (*p) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			ms_buf_free(&b);
			return NULL;
		}
		if (!(len == 1 && p[0] == '.')) {
			ms_buf_putc(&b, '/');
			ms_buf_add(&b, p, len);
		}
		p += len;
	}
	if (b.len == 0)
		ms_buf_putc(&b, '/');
	return ms_buf_steal(&b);
}
