/*
 * Unit tests: the record of state intervals (publisher/model/history.c,
 * store.c's history): what a run records with the engine's times, what a
 * stale run records, retention, imported time against recorded time.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "engine.h"
#include "evaluate.h"
#include "helpers.h"
#include "history.h"
#include "statusdat.h"
#include "store.h"
#include "test_publish_suites.h"

static char *dir, *conf_path;
static struct pub_config *cfg;
static struct pub_store *st;

static void setup(void)
{
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;

	dir = temp_dir();
	ms_buf_printf(&text,
		"[publisher]\ntitle = T\nbase_url = https://status.example.com/\n"
		"output_dir = %s/out\nstore = %s/publish.db\nsource = statusdat:%s/status.dat\n"
		"hold_down = 0\nhistory_days = 1\n"
		"[cluster c]\nname = C\nservice = Email Service\n"
		"[component c web]\nname = Webmail\n"
		"member = web1!webmail = Web 1\nmember = web2!webmail = Web 2\n",
		dir, dir, dir);
	conf_path = temp_file(text.data);
	cfg = pub_config_load(conf_path, &err);
	ck_assert_msg(cfg != NULL, "%s", ms_buf_str(&err));
	st = pub_store_open(cfg->store, "status.example.com", &err);
	ck_assert_msg(st != NULL, "%s", ms_buf_str(&err));
	ms_buf_free(&text);
	ms_buf_free(&err);
}

static void teardown(void)
{
	pub_store_close(st);
	pub_config_free(cfg);
	remove_tree(dir);
	remove(conf_path);
	free(dir);
	free(conf_path);
}

/* web1 and web2's webmail: hard state, since when, and a downtime of web2 from dt_start. */
static void run_at(time_t now, int web1, time_t web1_since, int web2, time_t dt_start)
{
	struct ms_buf b = MS_BUF_INIT, err = MS_BUF_INIT;
	struct pub_snapshot snap;
	struct pub_eval ev;
	struct pub_run_stats stats;

	ms_buf_printf(&b, "info {\n\tcreated=%lld\n\t}\n", (long long)now);
	for (int i = 1; i <= 2; i++)
		ms_buf_printf(&b, "hoststatus {\n\thost_name=web%d\n\tcurrent_state=0\n"
			      "\tlast_hard_state=0\n\tstate_type=1\n\t}\n"
			      "servicestatus {\n\thost_name=web%d\n\tservice_description=webmail\n"
			      "\tcurrent_state=%d\n\tlast_hard_state=%d\n\tstate_type=1\n"
			      "\tlast_hard_state_change=%lld\n\tscheduled_downtime_depth=%d\n\t}\n",
			      i, i, i == 1 ? web1 : web2, i == 1 ? web1 : web2,
			      (long long)(i == 1 ? web1_since : 1), i == 2 && dt_start > 0);
	if (dt_start > 0)
		ms_buf_printf(&b, "servicedowntime {\n\thost_name=web2\n\tservice_description="
			      "webmail\n\tdowntime_id=7\n\tentry_time=%lld\n\tstart_time=%lld\n"
			      "\tend_time=%lld\n\tauthor=op\n\tcomment=work\n\t}\n",
			      (long long)dt_start, (long long)dt_start, (long long)dt_start + 3600);
	pub_snapshot_init(&snap);
	pub_want_objects(cfg, &snap);
	ck_assert_msg(pub_statusdat_parse_mem(b.data, b.len, &snap, &err), "%s", ms_buf_str(&err));
	pub_evaluate(cfg, &snap, &ev);
	ck_assert(pub_store_begin(st, &err));
	ck_assert_msg(pub_engine_apply(cfg, st, &snap, &ev, now, &stats, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(pub_store_commit(st, &err));
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	ms_buf_free(&b);
	ms_buf_free(&err);
}

/* The intervals of a key as "state@start-end;..." (end 0: open). */
static char *intervals(const char *component, const char *object)
{
	struct pub_history_key k = { "c", component, object };
	struct pub_history_row *rows;
	struct ms_buf b = MS_BUF_INIT, err = MS_BUF_INIT;
	size_t n;

	ck_assert_msg(pub_store_history(st, &k, 0, &rows, &n, &err), "%s", ms_buf_str(&err));
	for (size_t i = 0; i < n; i++)
		ms_buf_printf(&b, "%s%s@%lld-%lld", i ? ";" : "", rows[i].state,
			      (long long)rows[i].start, (long long)rows[i].end);
	pub_history_rows_free(rows, n);
	ms_buf_free(&err);
	return ms_buf_steal(&b);
}

#define ck_intervals(component, object, want) do { \
	char *got_ = intervals(component, object); \
	ck_assert_str_eq(got_, want); \
	free(got_); \
} while (0)

START_TEST(test_record_engine_times)
{
	run_at(100000, 0, 1, 0, 0);
	/* web1 went CRITICAL at 100300, as the engine says; the run sees it at 100600 */
	run_at(100600, 2, 100300, 0, 0);
	run_at(100900, 2, 100300, 0, 0);	/* the same state again: nothing new */
	ck_intervals("web", "web1!webmail", "up@100000-100300;down@100300-0");
	ck_intervals("web", "web2!webmail", "up@100000-0");
	/* the component and the cluster changed when web1 did */
	ck_intervals("web", NULL, "operational@100000-100300;degraded@100300-0");
	ck_intervals(NULL, NULL, "online@100000-100300;degraded@100300-0");
}
END_TEST

START_TEST(test_record_downtime_start)
{
	run_at(100000, 0, 1, 0, 0);
	/* web2's downtime began at 100100; web1 is down since 100200 */
	run_at(100500, 2, 100200, 0, 100100);
	ck_intervals("web", "web2!webmail", "up@100000-100100;maintenance@100100-0");
	ck_intervals("web", NULL, "operational@100000-100200;outage@100200-0");
	ck_intervals(NULL, NULL, "online@100000-100200;offline@100200-0");
}
END_TEST

/* An engine time from before the interval it would end is not this change's. */
START_TEST(test_record_old_engine_time)
{
	run_at(100000, 2, 50, 0, 0);
	ck_intervals("web", "web1!webmail", "down@100000-0");	/* the record begins at the run */
	run_at(100600, 0, 99000, 0, 0);
	ck_intervals("web", "web1!webmail", "down@100000-100600;up@100600-0");
}
END_TEST

START_TEST(test_record_stale_and_prune)
{
	struct ms_buf err = MS_BUF_INIT;

	run_at(100000, 0, 1, 0, 0);
	ck_assert(pub_store_begin(st, &err));
	ck_assert(pub_history_stale(cfg, st, 100700, 101000, &err));
	ck_assert(pub_store_commit(st, &err));
	ck_intervals("web", "web1!webmail", "up@100000-100700;unknown@100700-0");
	ck_intervals(NULL, NULL, "online@100000-100700;unknown@100700-0");
	/* fresh again, more than history_days (1) later: the first intervals are gone */
	run_at(100000 + 86400 + 800, 0, 1, 0, 0);
	ck_intervals("web", "web1!webmail", "unknown@100700-187200;up@187200-0");
	ck_intervals(NULL, NULL, "unknown@100700-187200;online@187200-0");
	ms_buf_free(&err);
}
END_TEST

START_TEST(test_record_rolled_back)
{
	struct ms_buf err = MS_BUF_INIT;

	run_at(100000, 0, 1, 0, 0);
	ck_assert(pub_store_begin(st, &err));
	ck_assert(pub_history_stale(cfg, st, 100700, 101000, &err));
	pub_store_rollback(st);		/* a run killed before it committed */
	ck_intervals("web", "web1!webmail", "up@100000-0");
	ms_buf_free(&err);
}
END_TEST

Suite *publish_history_suite(void)
{
	Suite *s = suite_create("publish_history");
	TCase *tc = tcase_create("record");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_record_engine_times);
	tcase_add_test(tc, test_record_downtime_start);
	tcase_add_test(tc, test_record_old_engine_time);
	tcase_add_test(tc, test_record_stale_and_prune);
	tcase_add_test(tc, test_record_rolled_back);
	suite_add_tcase(s, tc);
	return s;
}
