/* Unit tests: /proc/self/mountinfo and fstab parsing (plugins/storage_mount/mountinfo.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mountinfo.h"
#include "storage_mount_suites.h"
#include "strbuf.h"

static struct ms_mount parse_ok(const char *line)
{
	struct ms_mount m;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(ms_mountinfo_parse_line(line, strlen(line), &m, &err),
		      "'%s' not parsed: %s", line, ms_buf_str(&err));
	return m;
}

static void parse_fails(const char *line, size_t len, const char *why)
{
	struct ms_mount m;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!ms_mountinfo_parse_line(line, len, &m, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), why) != NULL, "error '%s' lacks '%s'",
		      ms_buf_str(&err), why);
	ms_buf_free(&err);
}

START_TEST(proc5_example)
{
	struct ms_mount m = parse_ok(
		"36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue");

	ck_assert_int_eq(m.id, 36);
	ck_assert_int_eq(m.parent_id, 35);
	ck_assert_uint_eq(m.major, 98);
	ck_assert_uint_eq(m.minor, 0);
	ck_assert_str_eq(m.root, "/mnt1");
	ck_assert_str_eq(m.mount_point, "/mnt/parent");
	ck_assert_str_eq(m.mount_opts, "rw,noatime");
	ck_assert_str_eq(m.optional, "master:1");
	ck_assert_str_eq(m.fstype, "ext3");
	ck_assert_str_eq(m.source, "/dev/root");
	ck_assert_str_eq(m.super_opts, "rw,errors=continue");
	ms_mount_free(&m);
}
END_TEST

START_TEST(optional_fields)
{
	struct ms_mount none = parse_ok("40 22 0:35 / /srv rw - tmpfs tmpfs rw");
	struct ms_mount many = parse_ok(
		"40 22 0:35 / /srv rw shared:2 master:1 propagate_from:1 unbindable - tmpfs t rw");

	ck_assert_str_eq(none.optional, "");
	ck_assert_str_eq(none.fstype, "tmpfs");
	ck_assert_str_eq(many.optional, "shared:2 master:1 propagate_from:1 unbindable");
	ck_assert_str_eq(many.source, "t");
	ms_mount_free(&none);
	ms_mount_free(&many);
}
END_TEST

START_TEST(octal_escapes)
{
	struct ms_mount m = parse_ok(
		"41 22 0:36 / /srv/mail\\040archive\\011x\\134y rw - fuse.my\\040fs a\\040b rw");

	ck_assert_str_eq(m.mount_point, "/srv/mail archive\tx\\y");
	ck_assert_str_eq(m.fstype, "fuse.my fs");
	ck_assert_str_eq(m.source, "a b");
	ms_mount_free(&m);
	/* not escapes: kept as they are */
	char *s = ms_unescape_octal("a\\04", 4);
	ck_assert_str_eq(s, "a\\04");
	free(s);
	s = ms_unescape_octal("\\000\\999\\x", 10);
	ck_assert_str_eq(s, "\\000\\999\\x");
	free(s);
	s = ms_unescape_octal("end\\012", 7);
	ck_assert_str_eq(s, "end\n");
	free(s);
}
END_TEST

START_TEST(superblock_options_apart)
{
	/* a bind mount that says rw of a filesystem remounted ro after errors */
	struct ms_mount m = parse_ok("43 22 7:0 /data /srv/b rw,relatime - ext4 /dev/loop0 ro,errors=remount-ro");

	ck_assert_str_eq(m.root, "/data");
	ck_assert(!ms_opt_find(m.mount_opts, "ro", NULL));
	ck_assert(ms_opt_find(m.super_opts, "ro", NULL));
	ms_mount_free(&m);
}
END_TEST

START_TEST(long_line)
{
	struct ms_buf line = MS_BUF_INIT, want = MS_BUF_INIT;

	ms_buf_puts(&line, "70 22 0:50 / /");
	ms_buf_puts(&want, "/");
	for (int i = 0; i < 400; i++) {
		ms_buf_puts(&line, "deep\\040dir/");
		ms_buf_puts(&want, "deep dir/");
	}
	ms_buf_puts(&line, "end rw - tmpfs tmpfs rw,size=1024k");
	ms_buf_puts(&want, "end");
	struct ms_mount m = parse_ok(ms_buf_str(&line));
	ck_assert_str_eq(m.mount_point, ms_buf_str(&want));
	ck_assert_uint_gt(line.len, 4096);
	ms_mount_free(&m);
	ms_buf_free(&line);
	ms_buf_free(&want);
}
END_TEST

START_TEST(malformed_lines)
{
	const char nul[] = "40 22 0:35 / /s\0x rw - tmpfs t rw";

	parse_fails("", 0, "only 0 of");
	parse_fails("40 22 0:35 / /srv", 17, "only 5 of");
	parse_fails("40 22 0:35 / /srv rw tmpfs t rw", 31, "no ' - ' separator");
	parse_fails("40 22 0:35 / /srv rw - tmpfs t", 30, "superblock options are missing");
	parse_fails("x 22 0:35 / /srv rw - tmpfs t rw", 32, "not a number");
	parse_fails("40 22 035 / /srv rw - tmpfs t rw", 32, "not a number");
	parse_fails("40 22 0:35:1 / /srv rw - tmpfs t rw", 35, "not a number");
	parse_fails("99999999999 22 0:35 / /srv rw - tmpfs t rw", 42, "not a number");
	parse_fails(nul, sizeof(nul) - 1, "NUL");
}
END_TEST

static void read_fixture(struct ms_mount_table *t)
{
	struct ms_buf err = MS_BUF_INIT;
	char *path = fixture_path("mountinfo.txt");

	ck_assert_msg(ms_mountinfo_read(path, t, &err), "%s", ms_buf_str(&err));
	free(path);
	ms_buf_free(&err);
}

START_TEST(table_lookups)
{
	struct ms_mount_table t;

	read_fixture(&t);
	ck_assert_uint_eq(t.n, 13);
	const struct ms_mount *m = ms_mount_at(&t, "/srv/mail");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->source, "filer2:/export/mail");
	ck_assert_ptr_nonnull(ms_mount_at(&t, "/srv/mail archive"));
	/* a directory below a mount point is not a mount point */
	ck_assert_ptr_null(ms_mount_at(&t, "/srv/mail/sub"));
	ck_assert_ptr_null(ms_mount_at(&t, "/srv"));
	ck_assert_str_eq(ms_mount_containing(&t, "/srv/mail/sub")->mount_point, "/srv/mail");
	ck_assert_str_eq(ms_mount_containing(&t, "/srv/mailx")->mount_point, "/");
	ck_assert_str_eq(ms_mount_containing(&t, "/")->mount_point, "/");
	/* stacked mounts: the one on top is what users see */
	ck_assert_str_eq(ms_mount_at(&t, "/srv/stack")->source, "over");
	ck_assert_str_eq(ms_mount_containing(&t, "/srv/stack/x")->source, "over");
	/* bind mount of a subtree */
	ck_assert_str_eq(ms_mount_at(&t, "/srv/bind")->root, "/srv/data");
	ms_mount_table_free(&t);
}
END_TEST

START_TEST(autofs_idle_or_mounted)
{
	struct ms_mount_table t;

	read_fixture(&t);
	ck_assert(ms_mount_is_idle_autofs(&t, ms_mount_at(&t, "/srv/auto")));
	/* triggered: the NFS mount on top is what /srv/auto2 is now */
	const struct ms_mount *m = ms_mount_at(&t, "/srv/auto2");
	ck_assert_str_eq(m->fstype, "nfs4");
	ck_assert(!ms_mount_is_idle_autofs(&t, m));
	/* indirect map: /net/host is below the autofs mount until used */
	ck_assert_ptr_null(ms_mount_at(&t, "/net/host"));
	ck_assert_str_eq(ms_mount_containing(&t, "/net/host")->fstype, "autofs");
	ck_assert(!ms_mount_is_idle_autofs(&t, ms_mount_at(&t, "/srv/mail")));
	ms_mount_table_free(&t);
}
END_TEST

START_TEST(unreadable_or_bad_file)
{
	struct ms_mount_table t;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!ms_mountinfo_read("/nonexistent/mountinfo", &t, emptied(&err)));
	ck_assert_msg(strstr(ms_buf_str(&err), "cannot read /nonexistent/mountinfo") != NULL, "%s",
		      ms_buf_str(&err));
	char *path = fixture_path("fstab.txt"); /* not mountinfo */
	ck_assert(!ms_mountinfo_read(path, &t, emptied(&err)));
	ck_assert_msg(strstr(ms_buf_str(&err), "line 1 of mountinfo") != NULL, "%s",
		      ms_buf_str(&err));
	ck_assert_uint_eq(t.n, 0);
	free(path);
	ms_buf_free(&err);
}
END_TEST

START_TEST(fstab_fixture)
{
	struct ms_fstab f;
	struct ms_buf err = MS_BUF_INIT;
	char *path = fixture_path("fstab.txt");

	ck_assert_msg(ms_fstab_read(path, &f, &err), "%s", ms_buf_str(&err));
	free(path);
	ck_assert_uint_eq(f.n, 8);
	ck_assert_str_eq(f.entries[0].spec, "UUID=0b1c2d3e-aaaa-bbbb-cccc-123456789abc");
	ck_assert_str_eq(f.entries[0].opts, "errors=remount-ro");
	ck_assert_int_eq(f.entries[0].line, 2);
	ck_assert_str_eq(f.entries[1].file, "none");
	ck_assert_ptr_null(f.entries[1].mount_point); /* swap: no mount point */
	const struct ms_fstab_entry *e = ms_fstab_find(&f, "/srv/mail archive");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->vfstype, "tmpfs");
	/* three fields: the options default */
	ck_assert_str_eq(ms_fstab_find(&f, "/srv/old")->opts, "defaults");
	/* the last line for a mount point wins, written with a trailing slash */
	e = ms_fstab_find(&f, "/srv/mail");
	ck_assert_str_eq(e->spec, "filer2:/export/mail2");
	ck_assert_str_eq(e->file, "/srv/mail/");
	ck_assert_str_eq(e->mount_point, "/srv/mail");
	ck_assert_int_eq(e->line, 11);
	ck_assert(ms_opt_find(ms_fstab_find(&f, "/mnt/usb")->opts, "noauto", NULL));
	ck_assert_ptr_null(ms_fstab_find(&f, "/srv"));
	ms_fstab_free(&f);
	ms_buf_free(&err);
}
END_TEST

/* mount(8) skips a line it cannot parse; -p with the system's fstab does the same. */
START_TEST(fstab_lenient)
{
	static const char text[] = "/dev/a /a ext4 rw 0 0\n"
				   "/dev/x\n"
				   "# a comment\n"
				   "/dev/b /b\n"
				   "/dev/c /c xfs\n";
	struct ms_fstab f;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!ms_fstab_parse(text, sizeof(text) - 1, &f, &err));
	ms_fstab_parse_lenient(text, sizeof(text) - 1, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.entries[0].mount_point, "/a");
	ck_assert_int_eq(f.entries[1].line, 5);
	ck_assert_str_eq(ms_fstab_find(&f, "/c")->vfstype, "xfs");
	ck_assert_uint_eq(f.nskipped, 2);
	ck_assert_int_eq(f.skipped[0], 2);
	ck_assert_int_eq(f.skipped[1], 4);
	ms_fstab_free(&f);
	ck_assert_uint_eq(f.nskipped, 0);

	ms_fstab_parse_lenient("", 0, &f);
	ck_assert_uint_eq(f.n + f.nskipped, 0);
	ms_fstab_free(&f);

	ck_assert(!ms_fstab_read_lenient("/nonexistent/fstab", &f, emptied(&err)));
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&err), "/nonexistent/fstab"));
	ms_buf_free(&err);
}
END_TEST

START_TEST(fstab_errors)
{
	struct ms_fstab f;
	struct ms_buf err = MS_BUF_INIT;
	const char text[] = "# comment\n/dev/a /a ext4\n  \n/dev/b /b\n";

	ck_assert(!ms_fstab_parse(text, sizeof(text) - 1, &f, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), "line 4") != NULL, "%s", ms_buf_str(&err));
	ck_assert_uint_eq(f.n, 0);
	ck_assert(ms_fstab_parse("", 0, &f, emptied(&err)));
	ck_assert_uint_eq(f.n, 0);
	/* a last line without its newline still counts */
	ck_assert(ms_fstab_parse("/dev/a /a ext4 ro", 17, &f, emptied(&err)));
	ck_assert_str_eq(f.entries[0].opts, "ro");
	ms_fstab_free(&f);
	ms_buf_free(&err);
}
END_TEST

START_TEST(option_lists)
{
	char *v = NULL;

	ck_assert(ms_opt_find("rw,errors=remount-ro", "errors", &v));
	ck_assert_str_eq(v, "remount-ro");
	free(v);
	ck_assert(ms_opt_find("rw,noatime", "noatime", &v));
	ck_assert_str_eq(v, "");
	free(v);
	ck_assert(ms_opt_find("ro", "ro", NULL));
	ck_assert(!ms_opt_find("rootcontext=x,rw", "ro", NULL));
	ck_assert(!ms_opt_find("rw,nfsvers", "nfs", NULL));
	ck_assert(!ms_opt_find("", "ro", NULL));
	ck_assert(ms_type_in_list("nfs4", "nfs,nfs4,cifs"));
	ck_assert(!ms_type_in_list("nfs", "nfs4"));
	ck_assert(!ms_type_in_list("", "nfs,,x"));
	ck_assert(!ms_type_in_list("a,b", "a,b"));
}
END_TEST

START_TEST(path_normalize)
{
	struct { const char *in, *out; } cases[] = {
		{ "/", "/" }, { "//", "/" }, { "/srv/mail/", "/srv/mail" },
		{ "//srv/./mail//", "/srv/mail" }, { "/srv/.mail", "/srv/.mail" },
		{ "/a/...", "/a/..." },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = ms_path_normalize(cases[i].in);
		ck_assert_str_eq(p, cases[i].out);
		free(p);
	}
	ck_assert_ptr_null(ms_path_normalize("srv/mail"));
	ck_assert_ptr_null(ms_path_normalize(""));
	ck_assert_ptr_null(ms_path_normalize("/srv/../etc"));
	ck_assert_ptr_null(ms_path_normalize("/srv/.."));
}
END_TEST

START_TEST(type_and_source_matching)
{
	ck_assert(ms_fstype_matches("tmpfs", "nfs,tmpfs"));
	ck_assert(!ms_fstype_matches("tmpfs", "nfs"));
	ck_assert(ms_fstype_matches("nfs4", "nfs")); /* mount -t nfs negotiated v4 */
	ck_assert(!ms_fstype_matches("nfs", "nfs4"));
	ck_assert(ms_fstype_matches("xfs", "auto"));
	ck_assert(ms_fstype_matches("fuse.sshfs", "fuse"));
	ck_assert(!ms_fstype_matches("fuseblk", "fuse"));
	ck_assert(ms_source_matches("filer2:/export/mail", "filer2:/export/mail/"));
	ck_assert(ms_source_matches("filer2:/export/mail//", "filer2:/export/mail"));
	ck_assert(!ms_source_matches("filer2:/export/mail", "filer2:/export/mail2"));
	ck_assert(ms_source_matches("/", "/"));
	/* device paths compare as the node they name */
	ck_assert(ms_source_matches("/dev/null", "/dev/./null"));
	ck_assert(!ms_source_matches("/dev/null", "/dev/zero"));
	ck_assert(!ms_source_matches("/dev/null", "/dev/../dev/null")); /* no climbing out */
	ck_assert(!ms_source_matches("/dev/null", "UUID=../../null"));
	ck_assert(!ms_source_matches("/dev/null", "UUID=no-such-uuid"));
}
END_TEST

/* A fixed sequence of pseudo-random bytes, so a failure can be replayed. */
static unsigned char next_byte(unsigned long *state)
{
	*state = *state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned char)(*state >> 33);
}

/*
 * Whatever the bytes, the parsers answer and read nothing outside them
 * (under AddressSanitizer an overread fails the test). Inputs are real
 * lines with bytes swapped for digits, separators, backslashes or noise.
 */
START_TEST(garbage_never_crashes)
{
	static const char *const seeds[] = {
		"36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
		"filer2:/export/mail  /srv/mail\\040x   nfs   rw,hard  0 0\n# c\n/dev/a /a ext4\n",
	};
	static const char noise[] = "0123456789 -:\\/\t\n#,=\0\xff";
	unsigned long state = 42;

	for (int round = 0; round < 20000; round++) {
		const char *seed = seeds[round % 2];
		size_t len = strlen(seed);
		char *buf = malloc(len);
		memcpy(buf, seed, len);
		for (int k = 0; k < 1 + round % 8; k++)
			buf[next_byte(&state) % len] = noise[next_byte(&state) % (sizeof(noise) - 1)];
		size_t cut = round % 5 == 0 ? next_byte(&state) % len : len;
		struct ms_mount m;
		struct ms_fstab f;
		struct ms_buf err = MS_BUF_INIT;
		if (ms_mountinfo_parse_line(buf, cut, &m, &err))
			ms_mount_free(&m);
		if (ms_fstab_parse(buf, cut, &f, emptied(&err)))
			ms_fstab_free(&f);
		free(ms_unescape_octal(buf, cut));
		free(buf);
		ms_buf_free(&err);
	}
}
END_TEST

Suite *mountinfo_suite(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, proc5_example);
	tcase_add_test(tc, optional_fields);
	tcase_add_test(tc, octal_escapes);
	tcase_add_test(tc, superblock_options_apart);
	tcase_add_test(tc, long_line);
	tcase_add_test(tc, malformed_lines);
	tcase_add_test(tc, table_lookups);
	tcase_add_test(tc, autofs_idle_or_mounted);
	tcase_add_test(tc, unreadable_or_bad_file);
	tcase_add_test(tc, fstab_fixture);
	tcase_add_test(tc, fstab_errors);
	tcase_add_test(tc, fstab_lenient);
	tcase_add_test(tc, option_lists);
	tcase_add_test(tc, path_normalize);
	tcase_add_test(tc, type_and_source_matching);
	tcase_add_test(tc, garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}
