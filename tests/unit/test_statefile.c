/*
 * Unit tests: the records of stuck probes (plugins/storage_mount/statefile.c) and what
 * /proc says about a process (plugins/storage_mount/procstat.c).
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "procstat.h"
#include "statefile.h"
#include "storage_mount_suites.h"
#include "strbuf.h"

START_TEST(record_round_trip)
{
	struct ms_linger l = { .pid = 4242, .start_ticks = 123456789012ULL, .since = 1764072000,
			       .path = "/srv/mail 2\n\\x" }, back;
	struct ms_buf b = MS_BUF_INIT;

	snprintf(l.step, sizeof(l.step), "write test: fsync");
	ms_linger_format(&b, &l);
	/* one line per field, whatever the path holds */
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&b), "path=/srv/mail 2\\012\\134x\n"));
	ck_assert(ms_linger_parse(b.data, b.len, &back));
	ck_assert_int_eq(back.pid, 4242);
	ck_assert_uint_eq(back.start_ticks, 123456789012ULL);
	ck_assert_int_eq(back.since, 1764072000);
	ck_assert_str_eq(back.step, "write test: fsync");
	ck_assert_str_eq(back.path, l.path);
	ms_linger_free(&back);
	ms_buf_free(&b);
}
END_TEST

static void parse_fails(const char *text)
{
	struct ms_linger l;

	ck_assert_msg(!ms_linger_parse(text, strlen(text), &l), "accepted: %s", text);
	ck_assert_ptr_null(l.path);
}

START_TEST(bad_records)
{
	parse_fails("");
	parse_fails("mailstatus-probe 2\npid=1\nstart_ticks=1\nsince=1\nstep=s\npath=/a\n");
	parse_fails("mailstatus-probe 1\npid=1\nstart_ticks=1\nsince=1\nstep=s\n"); /* no path */
	parse_fails("mailstatus-probe 1\npid=0\nstart_ticks=1\nsince=1\nstep=s\npath=/a\n");
	parse_fails("mailstatus-probe 1\npid=-1\nstart_ticks=1\nsince=1\nstep=s\npath=/a\n");
	parse_fails("mailstatus-probe 1\npid=99999999999\nstart_ticks=1\nsince=1\nstep=s\npath=/a\n");
	parse_fails("mailstatus-probe 1\npid=1\nstart_ticks=1\nsince=1\nstep=s\npath=/a"); /* cut */
	parse_fails("mailstatus-probe 1\npid=1\nstart_ticks=1\nsince=1\nstep=s\npath=/a\nx=1\n");
	parse_fails("mailstatus-probe 1\npid=1 \nstart_ticks=1\nsince=1\nstep=s\npath=/a\n");
}
END_TEST

START_TEST(names_per_path)
{
	char a[64], b[64], a2[64];

	ms_linger_name("/srv/mail", a, sizeof(a));
	ms_linger_name("/srv/mail2", b, sizeof(b));
	ms_linger_name("/srv/mail", a2, sizeof(a2));
	ck_assert_str_eq(a, a2);
	ck_assert_str_ne(a, b);
	ck_assert(starts_with(a, "storage-mount-"));
	ck_assert_uint_eq(strlen(a), strlen("storage-mount-") + 16 + strlen(".probe"));
}
END_TEST

START_TEST(save_load_forget)
{
	char *dir = temp_dir(), sub[600];
	struct ms_buf err = MS_BUF_INIT;
	struct ms_linger l = { .pid = 77, .start_ticks = 5, .since = 10, .path = "/srv/mail" }, back;
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/state", dir);
	int fd = ms_statedir_open(sub, &err);
	ck_assert_msg(fd >= 0, "%s", ms_buf_str(&err));
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert(!ms_linger_load(fd, "/srv/mail", &back));
	snprintf(l.step, sizeof(l.step), "statfs");
	ck_assert_msg(ms_linger_save(fd, &l, emptied(&err)), "%s", ms_buf_str(&err));
	ck_assert(ms_linger_load(fd, "/srv/mail", &back));
	ck_assert_int_eq(back.pid, 77);
	ck_assert_str_eq(back.step, "statfs");
	ms_linger_free(&back);
	ck_assert(!ms_linger_load(fd, "/srv/other", &back));
	ms_linger_forget(fd, "/srv/mail");
	ck_assert(!ms_linger_load(fd, "/srv/mail", &back));
	close(fd);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(planted_symlinks_refused)
{
	char *dir = temp_dir(), name[64], path[600], target[600], link[600];
	struct ms_buf err = MS_BUF_INIT;
	struct ms_linger l = { .pid = 77, .start_ticks = 5, .since = 10, .path = "/srv/mail" }, back;

	int fd = ms_statedir_open(dir, &err);
	ck_assert_msg(fd >= 0, "%s", ms_buf_str(&err));
	/* a record name pointing at a file elsewhere: never read, never written through */
	snprintf(target, sizeof(target), "%s/victim", dir);
	const char victim[] = "mailstatus-probe 1\npid=1\nstart_ticks=1\nsince=1\nstep=s\npath=/srv/mail\n";
	FILE *fp = fopen(target, "w");
	fputs(victim, fp);
	fclose(fp);
	ms_linger_name("/srv/mail", name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert(!ms_linger_load(fd, "/srv/mail", &back));
	snprintf(l.step, sizeof(l.step), "statfs");
	ck_assert(ms_linger_save(fd, &l, emptied(&err)));
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode)); /* the link was replaced, not followed */
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, sizeof(victim) - 1); /* the victim is untouched */
	close(fd);
	/* the state directory itself as a symlink */
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(dir, link), 0);
	ck_assert_int_eq(ms_statedir_open(link, emptied(&err)), -1);
	ck_assert_msg(strstr(ms_buf_str(&err), "not a symlink") != NULL, "%s", ms_buf_str(&err));
	ms_buf_free(&err);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(unsafe_state_dir_refused)
{
	char *dir = temp_dir();
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(ms_statedir_open(dir, &err), -1);
	ck_assert_msg(strstr(ms_buf_str(&err), "others may write to it") != NULL, "%s",
		      ms_buf_str(&err));
	/* as another user: a state directory of ours is not open to it */
	char sub[600];
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/state", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(setuid(65534) == 0 && ms_statedir_open(sub, emptied(&err)) == -1 &&
		      strstr(ms_buf_str(&err),
			     "Permission denied (use a directory of the plugin's user") ? 0 : 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (geteuid() == 0)
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "no refusal as nobody");
	ck_assert_int_eq(ms_statedir_open("/nonexistent/a/b", emptied(&err)), -1);
	ck_assert_msg(strstr(ms_buf_str(&err), "cannot create the state directory") != NULL, "%s",
		      ms_buf_str(&err));
	ms_buf_free(&err);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(proc_stat_lines)
{
	const char line[] = "4242 (check (a) b) D 1 4242 4242 0 -1 4194560 100 0 0 0 "
			    "0 0 0 0 20 0 1 0 987654 1000 10 18446744073709551615\n";
	struct ms_proc_info pi;

	ck_assert(ms_proc_parse_stat(line, sizeof(line) - 1, &pi));
	ck_assert_int_eq(pi.state, 'D');
	ck_assert_uint_eq(pi.start_ticks, 987654);
	ck_assert(!ms_proc_parse_stat("4242 check D 1", 14, &pi));
	ck_assert(!ms_proc_parse_stat("4242 (x) D 1 2 3", 16, &pi)); /* cut short */
	ck_assert(!ms_proc_parse_stat("4242 (x) DD 1 4242 4242 0 -1 1 1 0 0 0 0 0 0 0 20 0 1 0 9",
				      57, &pi));
}
END_TEST

START_TEST(proc_of_this_process)
{
	struct ms_proc_info me, again;

	ck_assert(ms_proc_read("/proc", getpid(), &me));
	ck_assert_int_eq(me.state, 'R');
	ck_assert_uint_gt(me.start_ticks, 0);
	ck_assert(ms_proc_read("/proc", getpid(), &again));
	ck_assert_uint_eq(me.start_ticks, again.start_ticks);
	ck_assert(!ms_proc_read("/proc", INT_MAX, &me));
	ck_assert(!ms_proc_read("/proc", 0, &me));
}
END_TEST

/* Truncated and altered records and stat lines: an answer, never a crash. */
START_TEST(garbage_never_crashes)
{
	struct ms_linger l = { .pid = 4242, .start_ticks = 1, .since = 2, .path = "/srv/mail" };
	struct ms_buf rec = MS_BUF_INIT;
	const char stat_line[] = "4242 (check) D 1 4242 4242 0 -1 4194560 100 0 0 0 "
				 "0 0 0 0 20 0 1 0 987654 1000 10\n";
	unsigned long state = 7;

	snprintf(l.step, sizeof(l.step), "statfs");
	ms_linger_format(&rec, &l);
	for (int round = 0; round < 20000; round++) {
		const char *seed = round % 2 ? ms_buf_str(&rec) : stat_line;
		size_t len = round % 2 ? rec.len : sizeof(stat_line) - 1;
		char *buf = malloc(len);
		memcpy(buf, seed, len);
		state = state * 6364136223846793005UL + 1442695040888963407UL;
		buf[(state >> 33) % len] = (char)(state >> 20);
		size_t cut = (state >> 40) % (len + 1);
		struct ms_linger back;
		struct ms_proc_info pi;
		if (ms_linger_parse(buf, cut, &back))
			ms_linger_free(&back);
		ms_proc_parse_stat(buf, cut, &pi);
		free(buf);
	}
	ms_buf_free(&rec);
}
END_TEST

Suite *statefile_suite(void)
{
	Suite *s = suite_create("statefile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, record_round_trip);
	tcase_add_test(tc, bad_records);
	tcase_add_test(tc, names_per_path);
	tcase_add_test(tc, save_load_forget);
	tcase_add_test(tc, planted_symlinks_refused);
	tcase_add_test(tc, unsafe_state_dir_refused);
	tcase_add_test(tc, proc_stat_lines);
	tcase_add_test(tc, proc_of_this_process);
	tcase_add_test(tc, garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}
