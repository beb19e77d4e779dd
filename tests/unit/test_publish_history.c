/*
 * Unit tests: the record of state intervals (publisher/model/history.c,
 * store.c's history): what a run records with the engine's times, what a
 * stale run records, retention, imported time against recorded time.
 */
#include "config.h"

#include <check.h>
#include <sqlite3.h>
#include <zlib.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "engine.h"
#include "evaluate.h"
#include "cmdutil.h"
#include "commands.h"
#include "helpers.h"
#include "history.h"
#include "history_figures.h"
#include "nagioslog.h"
#include "board.h"
#include "site.h"
#include "site_time.h"
#include "statusdat.h"
#include "store.h"
#include "test_publish_suites.h"
#include "timeline.h"
#include "uptime.h"

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


/* status.json after runs that saw web1 down 300..900 and web2 400..500. */
static json_t *figures_json(void)
{
	struct ms_buf err = MS_BUF_INIT, path = MS_BUF_INIT;
	json_error_t jerr;
	size_t changed = 0;
	json_t *root;

	run_at(100000, 0, 1, 0, 0);
	run_at(100450, 2, 100300, 0, 0);
	/* web2 went down at 100400 too: the run sees it with web1 */
	ck_intervals("web", "web1!webmail", "up@100000-100300;down@100300-0");
	ck_assert(pub_store_begin(st, &err));
	{
		struct pub_history_key k = { "c", "web", "web2!webmail" };
		time_t t;
		ck_assert(pub_store_history_note(st, &k, "down", 100400, 100450, &t, &err));
		k.object = NULL;
		ck_assert(pub_store_history_note(st, &k, "outage", 100400, 100450, &t, &err));
		k.component = NULL;
		ck_assert(pub_store_history_note(st, &k, "offline", 100400, 100450, &t, &err));
	}
	ck_assert(pub_store_commit(st, &err));
	run_at(100600, 2, 100300, 0, 0);	/* web2 up again: since 1, so at the run */
	run_at(101200, 0, 100900, 0, 0);
	ck_assert_msg(pub_site_render(cfg, st, 101200, &changed, &err), "%s", ms_buf_str(&err));
	ms_buf_printf(&path, "%s/out/status.json", dir);
	root = json_load_file(path.data, 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);
	ms_buf_free(&path);
	ms_buf_free(&err);
	return root;
}

static long long window_int(json_t *obj, const char *window, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(json_object_get(obj,
		"uptime"), window), key));
}

START_TEST(test_status_json_figures)
{
	json_t *root = figures_json();
	json_t *cl = json_array_get(json_object_get(root, "clusters"), 0);
	json_t *co = json_array_get(json_object_get(cl, "components"), 0);
	json_t *web1 = json_array_get(json_object_get(co, "members"), 0);
	json_t *days = json_object_get(cl, "days");
	json_t *today = json_array_get(days, PUB_STRIP_DAYS - 1);

	/* cluster: degraded 300..400, offline 400..600, degraded 600..900 */
	ck_assert_int_eq(window_int(cl, "24h", "outage_s"), 200);
	ck_assert_int_eq(window_int(cl, "24h", "degraded_s"), 400);
	ck_assert_int_eq(window_int(cl, "24h", "maintenance_s"), 0);
	ck_assert_int_eq(window_int(cl, "24h", "unknown_s"), 86400 - 1200);
	/* (1200 - 200) / 1200 = 83.333: truncated */
	ck_assert(json_real_value(json_object_get(json_object_get(json_object_get(cl, "uptime"),
		  "24h"), "percent")) == 83.33);
	ck_assert_int_eq(window_int(cl, "90d", "unknown_s"), 90 * 86400 - 1200);
	ck_assert_int_eq(window_int(co, "7d", "outage_s"), 200);
	ck_assert_int_eq(window_int(web1, "30d", "outage_s"), 600);
	ck_assert_ptr_null(json_object_get(web1, "days"));
	ck_assert_int_eq(json_array_size(days), PUB_STRIP_DAYS);
	ck_assert_int_eq(json_array_size(json_object_get(co, "days")), PUB_STRIP_DAYS);
	/* 101200 is 2 Jan 1970 04:06:40 UTC; the days before monitoring are unknown */
	ck_assert_str_eq(json_string_value(json_object_get(today, "date")), "1970-01-02");
	ck_assert_int_eq(json_integer_value(json_object_get(today, "outage_s")), 200);
	ck_assert_int_eq(json_integer_value(json_object_get(today, "unknown_s")), 100000 - 86400);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(days, 0), "date")),
			 "1969-10-05");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(days, 0),
			 "unknown_s")), 86400);
	json_decref(root);
}
END_TEST

/* --- import-history (nagioslog.c, history_import.c, cmd_import.c) -- */

static enum pub_log_line parse(const char *line, struct pub_log_event *ev)
{
	return pub_log_parse(line, strlen(line), ev);
}

START_TEST(test_log_lines)
{
	struct pub_log_event ev;

	ck_assert_int_eq(parse("[1733491200] SERVICE ALERT: web1;webmail;CRITICAL;HARD;3;a;b",
			       &ev), PUB_LOG_EVENT);
	ck_assert_int_eq(ev.at, 1733491200);
	ck_assert_int_eq(ev.kind, PUB_LOG_STATE);
	ck_assert_int_eq(ev.state, 2);
	ck_assert_int_eq((int)ev.host_len, 4);
	ck_assert(memcmp(ev.host, "web1", 4) == 0);
	ck_assert(ev.service_len == 7 && memcmp(ev.service, "webmail", 7) == 0);
	ck_assert_int_eq(parse("[5] HOST ALERT: web1;UNREACHABLE;HARD;1;x", &ev), PUB_LOG_EVENT);
	ck_assert(ev.service == NULL && ev.state == 2);
	ck_assert_int_eq(parse("[5] CURRENT HOST STATE: web1;UP;HARD;1;", &ev), PUB_LOG_EVENT);
	ck_assert_int_eq(parse("[5] INITIAL SERVICE STATE: h;s;UNKNOWN;HARD;1;", &ev),
			 PUB_LOG_EVENT);
	ck_assert_int_eq(ev.state, 3);
	ck_assert_int_eq(parse("[5] SERVICE DOWNTIME ALERT: h;s;STARTED; c", &ev), PUB_LOG_EVENT);
	ck_assert_int_eq(ev.kind, PUB_LOG_DOWNTIME_START);
	ck_assert_int_eq(parse("[5] HOST DOWNTIME ALERT: h;CANCELLED; c", &ev), PUB_LOG_EVENT);
	ck_assert_int_eq(ev.kind, PUB_LOG_DOWNTIME_END);
	ck_assert_int_eq(parse("[5] HOST FLAPPING ALERT: h;STARTED; c", &ev), PUB_LOG_EVENT);
	ck_assert_int_eq(ev.kind, PUB_LOG_FLAP_START);
	ck_assert_int_eq(parse("[5] SERVICE FLAPPING ALERT: h;s;DISABLED; c", &ev), PUB_LOG_EVENT);
	ck_assert_int_eq(ev.kind, PUB_LOG_FLAP_END);
	/* not events: SOFT states, other lines */
	ck_assert_int_eq(parse("[5] SERVICE ALERT: h;s;CRITICAL;SOFT;1;x", &ev), PUB_LOG_OTHER);
	ck_assert_int_eq(parse("[5] LOG ROTATION: DAILY", &ev), PUB_LOG_OTHER);
	ck_assert_int_eq(ev.at, 5);
	ck_assert_int_eq(parse("", &ev), PUB_LOG_OTHER);
	/* malformed */
	ck_assert_int_eq(parse("[x] SERVICE ALERT: h;s;OK;HARD;1;", &ev), PUB_LOG_MALFORMED);
	ck_assert_int_eq(parse("[5] SERVICE ALERT: h;s;BOGUS;HARD;1;", &ev), PUB_LOG_MALFORMED);
	ck_assert_int_eq(parse("[5] HOST ALERT: h;OK;HARD;1;", &ev), PUB_LOG_MALFORMED);
	ck_assert_int_eq(parse("[5] SERVICE ALERT: h", &ev), PUB_LOG_MALFORMED);
	ck_assert_int_eq(parse("[5] SERVICE ALERT: ;s;OK;HARD;1;", &ev), PUB_LOG_MALFORMED);
	ck_assert_int_eq(parse("[5] HOST DOWNTIME ALERT: h;MAYBE; c", &ev), PUB_LOG_MALFORMED);
}
END_TEST

/* A log of web1 and web2 (and a host not in the config), from t0. */
static char *write_log(time_t t0, bool gzipped)
{
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;

	ms_buf_printf(&b, "[%lld] INITIAL SERVICE STATE: web1;webmail;OK;HARD;1;\n"
		      "[%lld] INITIAL SERVICE STATE: web2;webmail;OK;HARD;1;\n"
		      "[%lld] SERVICE ALERT: other;webmail;CRITICAL;HARD;3;\n"
		      "[%lld] SERVICE ALERT: web1;webmail;CRITICAL;HARD;3;a;b\n"
		      "[%lld] HOST DOWNTIME ALERT: web1;STARTED; work\n"
		      "[%lld] SERVICE ALERT: web2;webmail;CRITICAL;HARD;3;\n"
		      "[%lld] SERVICE ALERT: web2;webmail;OK;HARD;3;\n"
		      "[%lld] HOST DOWNTIME ALERT: web1;STOPPED; work\n"
		      "[garbage] SERVICE ALERT: web1\n"
		      "[%lld] SERVICE ALERT: web1;webmail;OK;HARD;3;\n"
		      "[%lld] Auto-save of retention data completed successfully.\n",
		      (long long)t0, (long long)t0, (long long)t0 + 10, (long long)t0 + 100,
		      (long long)t0 + 200, (long long)t0 + 300, (long long)t0 + 400,
		      (long long)t0 + 500, (long long)t0 + 700, (long long)t0 + 1000);
	ms_buf_printf(&path, "%s/nagios-%d.log%s", dir, gzipped, gzipped ? ".gz" : "");
	if (gzipped) {
		gzFile f = gzopen(path.data, "wb");
		ck_assert(f != NULL);
		ck_assert_int_eq(gzwrite(f, b.data, (unsigned)b.len), (int)b.len);
		ck_assert_int_eq(gzclose(f), Z_OK);
	} else {
		FILE *f = fopen(path.data, "w");
		ck_assert(f != NULL && fwrite(b.data, 1, b.len, f) == b.len && fclose(f) == 0);
	}
	ms_buf_free(&b);
	return ms_buf_steal(&path);
}

static int import(char *a, char *b)
{
	char *argv[] = { (char *)"import-history", a, b, NULL };

	return pub_cmd_import_history(cfg, b ? 3 : 2, argv);
}

START_TEST(test_import_history)
{
	char *plain = write_log(100000, false), *gz = write_log(100000, true);

	ck_assert_int_eq(import(plain, NULL), PUB_EXIT_OK);
	/* web1 down from 100100, its host's downtime 100200..100500 over it */
	ck_intervals("web", "web1!webmail",
		     "up@100000-100100;down@100100-100200;maintenance@100200-100500;"
		     "down@100500-100700;up@100700-101000");
	ck_intervals("web", "web2!webmail", "up@100000-100300;down@100300-100400;up@100400-101000");
	/* web1 in maintenance with web2 up is operational, with web2 down an outage */
	ck_intervals("web", NULL, "operational@100000-100100;degraded@100100-100200;"
		     "operational@100200-100300;outage@100300-100400;operational@100400-100500;"
		     "degraded@100500-100700;operational@100700-101000");
	ck_intervals(NULL, NULL, "online@100000-100100;degraded@100100-100200;online@100200-100300;"
		     "offline@100300-100400;online@100400-100500;degraded@100500-100700;"
		     "online@100700-101000");
	/* the same lines again, compressed and plain: nothing changes */
	ck_assert_int_eq(import(gz, plain), PUB_EXIT_OK);
	ck_intervals(NULL, NULL, "online@100000-100100;degraded@100100-100200;online@100200-100300;"
		     "offline@100300-100400;online@100400-100500;degraded@100500-100700;"
		     "online@100700-101000");
	/* a run's record from 100350 wins over what was imported from then on */
	run_at(100350, 0, 1, 0, 0);
	ck_intervals(NULL, NULL, "online@100000-100100;degraded@100100-100200;online@100200-100300;"
		     "offline@100300-100350;online@100350-0");
	ck_assert_int_eq(import(plain, NULL), PUB_EXIT_OK);
	ck_intervals(NULL, NULL, "online@100000-100100;degraded@100100-100200;online@100200-100300;"
		     "offline@100300-100350;online@100350-0");
	free(plain);
	free(gz);
}
END_TEST

/*
 * The reader cuts lines itself: a line longer than 64 KiB (and than a
 * block read) is skipped and the next one read, a CR before the newline
 * is not part of the line, and the last line needs no newline.
 */
START_TEST(test_import_long_and_last_lines)
{
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;
	FILE *f;

	ms_buf_puts(&b, "[100000] INITIAL SERVICE STATE: web1;webmail;OK;HARD;1;\r\n"
		    "[100050] SERVICE ALERT: web1;webmail;CRITICAL;HARD;1;");
	for (int i = 0; i < 300000; i++)
		ms_buf_putc(&b, 'x');
	ms_buf_puts(&b, "\n[100100] SERVICE ALERT: web1;webmail;CRITICAL;HARD;3;\n"
		    "[100200] SERVICE ALERT: web1;webmail;OK;HARD;3;");
	ms_buf_printf(&path, "%s/long.log", dir);
	f = fopen(path.data, "w");
	ck_assert(f != NULL && fwrite(b.data, 1, b.len, f) == b.len && fclose(f) == 0);
	ck_assert_int_eq(import(path.data, NULL), PUB_EXIT_OK);
	ck_intervals("web", "web1!webmail", "up@100000-100100;down@100100-100200");
	ms_buf_free(&b);
	ms_buf_free(&path);
}
END_TEST

START_TEST(test_import_missing_file)
{
	struct ms_buf path = MS_BUF_INIT;

	ms_buf_printf(&path, "%s/none.log", dir);
	ck_assert_int_eq(import(path.data, NULL), PUB_EXIT_FAILURE);
	ck_intervals(NULL, NULL, "");
	ms_buf_free(&path);
}
END_TEST

/* --- the rules (uptime.c) ------------------------------------------- */

#define SPAN(k, s, e) { PUB_TIME_##k, (s), (e) }

START_TEST(test_rules_percent_truncated)
{
	char buf[PUB_PERCENT_MAX];

	ck_assert_int_eq(pub_uptime_percent(100000, 1), 9999);	/* 99.999 */
	ck_assert_str_eq(pub_percent_text(buf, pub_uptime_percent(100000, 1)), "99.99");
	ck_assert_str_eq(pub_percent_text(buf, pub_uptime_percent(100000, 0)), "100.00");
	/* one second of outage in 90 days is not 100.00 */
	ck_assert_int_eq(pub_uptime_percent(90 * 86400, 1), 9999);
	ck_assert_str_eq(pub_percent_text(buf, pub_uptime_percent(3, 1)), "66.66");
	ck_assert_str_eq(pub_percent_text(buf, pub_uptime_percent(3, 3)), "0.00");
	ck_assert_str_eq(pub_percent_text(buf, pub_uptime_percent(0, 0)), "");
	ck_assert_int_eq(pub_uptime_percent(0, 0), -1);
}
END_TEST

START_TEST(test_rules_kinds)
{
	ck_assert_int_eq(pub_time_kind_of("offline"), PUB_TIME_OUTAGE);
	ck_assert_int_eq(pub_time_kind_of("outage"), PUB_TIME_OUTAGE);
	ck_assert_int_eq(pub_time_kind_of("down"), PUB_TIME_OUTAGE);
	ck_assert_int_eq(pub_time_kind_of("degraded"), PUB_TIME_DEGRADED);
	ck_assert_int_eq(pub_time_kind_of("impaired"), PUB_TIME_DEGRADED);
	ck_assert_int_eq(pub_time_kind_of("maintenance"), PUB_TIME_MAINTENANCE);
	ck_assert_int_eq(pub_time_kind_of("online"), PUB_TIME_UP);
	ck_assert_int_eq(pub_time_kind_of("unknown"), PUB_TIME_UNKNOWN);
	ck_assert_int_eq(pub_time_kind_of("nonsense"), PUB_TIME_UNKNOWN);
	ck_assert_int_eq(pub_time_kind_of(NULL), PUB_TIME_UNKNOWN);
}
END_TEST

/* Monitoring began at 10000: a window from 9000 is 1000 s unknown, not up. */
START_TEST(test_rules_before_monitoring)
{
	const struct pub_span spans[] = { SPAN(UP, 10000, 15000), SPAN(OUTAGE, 15000, 15500) };
	struct pub_uptime u;

	pub_uptime_count(spans, 2, 9000, 16000, &u);
	ck_assert_int_eq(u.unknown_s, 1000 + 500);	/* and after the last span, to the end */
	ck_assert_int_eq(u.outage_s, 500);
	ck_assert_int_eq(u.observed_s, 5500);
	ck_assert_int_eq(u.percent, 9090);	/* 5000 / 5500 = 90.909 */
	/* nothing observed at all: no figure */
	pub_uptime_count(spans, 2, 1000, 9000, &u);
	ck_assert_int_eq(u.unknown_s, 8000);
	ck_assert_int_eq(u.percent, -1);
}
END_TEST

/* A downtime over part of an outage: that part is maintenance, not outage. */
START_TEST(test_rules_downtime_in_outage)
{
	const struct pub_span spans[] = {
		SPAN(UP, 0, 1000), SPAN(OUTAGE, 1000, 1100), SPAN(MAINTENANCE, 1100, 1200),
		SPAN(OUTAGE, 1200, 1250), SPAN(DEGRADED, 1250, 1300), SPAN(UP, 1300, 2000),
	};
	struct pub_uptime u;

	pub_uptime_count(spans, 6, 0, 2000, &u);
	ck_assert_int_eq(u.outage_s, 150);
	ck_assert_int_eq(u.maintenance_s, 100);
	ck_assert_int_eq(u.degraded_s, 50);
	ck_assert_int_eq(u.unknown_s, 0);
	ck_assert_int_eq(u.observed_s, 1900);
	ck_assert_int_eq(u.percent, 9210);	/* 1750 / 1900 = 92.105 */
}
END_TEST

/* 2026-12-06 00:00 CET is 2026-12-05 23:00 UTC. */
#define DEC6_BERLIN 1796511600
START_TEST(test_rules_flap_across_midnight)
{
	/* down from 23:50 to 00:10 in Berlin, across midnight of 6 to 7 Dec */
	const struct pub_span spans[] = {
		SPAN(UP, DEC6_BERLIN - 86400, DEC6_BERLIN + 86400 - 600),
		SPAN(OUTAGE, DEC6_BERLIN + 86400 - 600, DEC6_BERLIN + 86400 + 600),
		SPAN(UP, DEC6_BERLIN + 86400 + 600, DEC6_BERLIN + 3 * 86400),
	};
	struct pub_day days[3];
	char *saved;

	pub_timezone_use("Europe/Berlin", &saved);
	pub_uptime_days(spans, 3, DEC6_BERLIN + 86400 + 43200, days, 3);
	pub_timezone_restore(saved);
	ck_assert_int_eq(days[1].mday, 6);
	ck_assert_int_eq(days[1].month, 12);
	ck_assert_int_eq(days[1].start, DEC6_BERLIN);
	ck_assert_int_eq(days[1].u.outage_s, 600);
	ck_assert_int_eq(days[2].mday, 7);
	ck_assert_int_eq(days[2].u.outage_s, 600);
	ck_assert_int_eq(days[2].end - days[2].start, 43200);	/* today ends at the run */
	ck_assert_int_eq(days[0].u.outage_s, 0);
	ck_assert_int_eq(days[0].u.percent, 10000);
	/* in UTC the whole flap falls on 6 Dec (22:50 to 23:10) */
	pub_timezone_use("UTC", &saved);
	pub_uptime_days(spans, 3, DEC6_BERLIN + 86400 + 43200, days, 3);
	pub_timezone_restore(saved);
	ck_assert_int_eq(days[1].mday, 6);
	ck_assert_int_eq(days[1].u.outage_s, 1200);
	ck_assert_int_eq(days[2].u.outage_s, 0);
}
END_TEST

/* Summer time in Berlin: 29 Mar 2026 has 23 hours, 25 Oct 2026 has 25. */
START_TEST(test_rules_dst_days)
{
	const time_t mar30 = 1774821600;	/* 2026-03-30 00:00 CEST */
	const time_t oct26 = 1792969200;	/* 2026-10-26 00:00 CET */
	const struct pub_span all_up[] = { SPAN(UP, 0, 2000000000) };
	struct pub_day days[2];
	char *saved;

	pub_timezone_use("Europe/Berlin", &saved);
	pub_uptime_days(all_up, 1, mar30 + 3600, days, 2);
	ck_assert_int_eq(days[0].mday, 29);
	ck_assert_int_eq(days[0].end - days[0].start, 23 * 3600);
	ck_assert_int_eq(days[0].u.observed_s, 23 * 3600);
	ck_assert_int_eq(days[0].u.unknown_s, 0);
	pub_uptime_days(all_up, 1, oct26 + 3600, days, 2);
	ck_assert_int_eq(days[0].mday, 25);
	ck_assert_int_eq(days[0].month, 10);
	ck_assert_int_eq(days[0].end - days[0].start, 25 * 3600);
	ck_assert_int_eq(days[0].u.observed_s, 25 * 3600);
	ck_assert_int_eq(days[1].start, oct26);
	pub_timezone_restore(saved);
}
END_TEST

/* A cluster added on day 80 of 90: the days before are unknown, not up. */
START_TEST(test_rules_added_later)
{
	const time_t now = DEC6_BERLIN + 12 * 3600;
	const time_t added = DEC6_BERLIN - 10 * 86400;
	const struct pub_span spans[] = {
		SPAN(UP, added, now - 3600), SPAN(OUTAGE, now - 3600, now - 3000),
		SPAN(UP, now - 3000, now),
	};
	struct pub_day days[PUB_STRIP_DAYS];
	struct pub_uptime u;
	char *saved;

	pub_timezone_use("Europe/Berlin", &saved);
	pub_uptime_days(spans, 3, now, days, PUB_STRIP_DAYS);
	pub_timezone_restore(saved);
	for (size_t i = 0; i < PUB_STRIP_DAYS - 11; i++) {
		ck_assert_int_eq(days[i].u.percent, -1);
		ck_assert_int_eq(days[i].u.unknown_s, days[i].end - days[i].start);
	}
	ck_assert_int_eq(days[PUB_STRIP_DAYS - 11].start, added);
	ck_assert_int_eq(days[PUB_STRIP_DAYS - 11].u.unknown_s, 0);
	ck_assert_int_eq(days[PUB_STRIP_DAYS - 1].u.outage_s, 600);
	pub_uptime_count(spans, 3, now - pub_uptime_windows[3].seconds, now, &u);
	ck_assert_int_eq(u.observed_s, now - added);
	ck_assert_int_eq(u.unknown_s, pub_uptime_windows[3].seconds - (now - added));
	ck_assert_int_eq(u.percent, pub_uptime_percent(now - added, 600));
	ck_assert_int_eq(u.percent, 9993);	/* 1 - 600 / 907200 = 99.933 */
}
END_TEST

/* --- kept figures: counted days and months ------------------------------ */

/* SQL on the store's file, beside the store (what an operator's sqlite3 would do). */
static long long store_sql(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = 0;

	ck_assert_int_eq(sqlite3_open(cfg->store, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s",
		      sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Every figure of the board at now, as text: windows of every key, the strips' days. */
static char *board_figures(time_t now)
{
	struct ms_buf b = MS_BUF_INIT, err = MS_BUF_INIT;
	struct pub_board board;

	ck_assert_msg(pub_board_load(cfg, st, &board, &err), "%s", ms_buf_str(&err));
	ck_assert_msg(pub_board_load_uptime(&board, st, cfg, now, false, &err), "%s",
		      ms_buf_str(&err));
	for (size_t i = 0; i < board.n_clusters; i++) {
		const struct pub_board_cluster *bcl = &board.clusters[i];
		const struct pub_figures *figs[4] = { &bcl->fig, &bcl->components[0].fig,
			&bcl->components[0].members[0].fig, &bcl->components[0].members[1].fig };
		for (size_t f = 0; f < 4; f++) {
			for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++) {
				const struct pub_uptime *u = &figs[f]->windows[w];
				ms_buf_printf(&b, "%zu/%zu: %lld %lld %lld %lld %d\n", f, w, u->outage_s,
					      u->degraded_s, u->maintenance_s, u->unknown_s, u->percent);
			}
			for (size_t d = 0; figs[f]->days != NULL && d < PUB_STRIP_DAYS; d++)
				ms_buf_printf(&b, "%zu day %zu: %lld %lld %lld\n", f, d,
					      figs[f]->days[d].u.outage_s, figs[f]->days[d].u.degraded_s,
					      figs[f]->days[d].u.unknown_s);
		}
	}
	pub_board_free(&board);
	ms_buf_free(&err);
	return ms_buf_steal(&b);
}

#define DAY0 (20 * 86400)	/* a midnight (the config's zone is UTC) */

/*
 * The figures read with the kept days are those read from the intervals
 * alone, also after the engine dates a change into a day already counted;
 * with a retention of 400 days and of 1 (where days outlive their
 * intervals, kept for their month, and must not count).
 */
START_TEST(test_kept_days_equal_intervals)
{
	const time_t now = DAY0 + 4 * 86400 + 43200;
	char *kept, *from_intervals;

	cfg->history_days = _i == 0 ? 400 : 1;
	run_at(DAY0 + 600, 0, 1, 0, 0);
	run_at(DAY0 + 86400 + 3600, 2, DAY0 + 86400 + 1800, 0, 0);	/* web1 down on day 1 */
	run_at(DAY0 + 3 * 86400 + 7200, 0, DAY0 + 3 * 86400 + 3600, 0, 0);	/* up on day 3 */
	run_at(DAY0 + 4 * 86400 + 60, 0, DAY0 + 3 * 86400 + 3600, 0, 0);	/* day 3 counted */
	/* day 3 (DAY0 + 3 days): down until 01:00 */
	ck_assert_int_eq(store_sql("SELECT outage FROM history_figures WHERE object = "
				   "'web1!webmail' AND start = 1987200"), 3600);
	/* the engine says web1 went down again at 23:00 on day 3, seen on day 4 */
	run_at(DAY0 + 4 * 86400 + 600, 2, DAY0 + 3 * 86400 + 82800, 0, 0);
	ck_assert_int_eq(store_sql("SELECT outage FROM history_figures WHERE object = "
				   "'web1!webmail' AND start = 1987200"), 7200);
	ck_assert_int_eq(store_sql("SELECT count(*) FROM history_figures WHERE period = 0"),
			 4 * 4);	/* days 0 to 3 of the cluster, the component, two members */
	kept = board_figures(now);
	ck_assert_int_gt(store_sql("DELETE FROM history_figures RETURNING 1"), 0);
	from_intervals = board_figures(now);
	ck_assert_str_eq(kept, from_intervals);
	/*
	 * and it says what happened: web1 down from day 1 00:30 to day 3 01:00
	 * (an interval that ends within the retention), then from 23:00 to now;
	 * with a retention of a day, the pruned up time before is unknown
	 */
	ck_assert_msg(strstr(kept, _i == 0 ? "2/3: 221400 0 0 7387800 " : "2/3: 221400 0 0 7475400 ")
		      != NULL, "%s", strstr(kept, "2/0"));
	free(kept);
	free(from_intervals);
}
END_TEST

/* A month's figures stay as counted once its intervals are pruned (history_days = 1). */
START_TEST(test_kept_months_outlive_intervals)
{
	const time_t jan1 = 1798761600, feb1 = jan1 + 31 * 86400, mar1 = feb1 + 28 * 86400;
	struct ms_buf err = MS_BUF_INIT;
	struct pub_board board;

	run_at(jan1 + 600, 0, 1, 0, 0);
	run_at(jan1 + 10 * 86400, 2, jan1 + 10 * 86400 - 600, 0, 0);	/* 10 min down */
	run_at(jan1 + 10 * 86400 + 3600, 0, jan1 + 10 * 86400 + 1200, 0, 0);
	run_at(feb1 + 3600, 0, 1, 0, 0);	/* January ends: counted */
	run_at(mar1 + 3600, 0, 1, 0, 0);	/* January's intervals are long gone */
	ck_assert_int_eq(store_sql("SELECT count(*) FROM history WHERE end < 1801440000"), 0);
	ck_assert_msg(pub_board_load(cfg, st, &board, &err), "%s", ms_buf_str(&err));
	ck_assert_msg(pub_board_load_uptime(&board, st, cfg, mar1 + 3600, true, &err), "%s",
		      ms_buf_str(&err));
	ck_assert_int_ge(board.clusters[0].n_months, 2);
	ck_assert_int_eq(board.clusters[0].months[0].start, jan1);
	ck_assert_int_eq(board.clusters[0].months[0].end, feb1);
	/* the cluster was degraded while web1 was down: 1,800 s, and unknown before the first run */
	ck_assert_int_eq(board.clusters[0].months[0].degraded_s, 1800);
	ck_assert_int_eq(board.clusters[0].months[0].unknown_s, 600);
	pub_board_free(&board);
	ms_buf_free(&err);
}
END_TEST

/* Days cut in one zone are cut again when the site's zone changes. */
START_TEST(test_kept_days_follow_the_zone)
{
	struct ms_buf err = MS_BUF_INIT;

	cfg->history_days = 400;
	run_at(DAY0 + 600, 0, 1, 0, 0);
	run_at(DAY0 + 2 * 86400 + 600, 0, 1, 0, 0);
	ck_assert_int_eq(store_sql("SELECT min(start) FROM history_figures WHERE period = 0"),
			 DAY0);
	free(cfg->timezone);
	cfg->timezone = strdup("Asia/Tokyo");	/* UTC+9: midnight is 15:00 UTC the day before */
	ck_assert(pub_store_begin(st, &err));
	ck_assert_msg(pub_history_keep(cfg, st, DAY0 + 2 * 86400 + 700, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(pub_store_commit(st, &err));
	ck_assert_int_eq(store_sql("SELECT count(*) FROM history_figures WHERE period = 0 AND "
				   "(start + 32400) % 86400 != 0"), 0);
	ck_assert_int_eq(store_sql("SELECT min(start) FROM history_figures WHERE period = 0"),
			 DAY0 - 32400);
	ms_buf_free(&err);
}
END_TEST

/* A page written after the zone changed, before a run counted the days again, reads the intervals. */
START_TEST(test_kept_days_of_another_zone_unused)
{
	const time_t now = DAY0 + 3 * 86400 + 600;
	char *before, *after;
	char *saved;

	cfg->history_days = 400;
	run_at(DAY0 + 600, 0, 1, 0, 0);
	run_at(DAY0 + 86400 + 3600, 2, DAY0 + 86400 + 1800, 0, 0);
	run_at(now, 2, DAY0 + 86400 + 1800, 0, 0);
	ck_assert_int_gt(store_sql("SELECT count(*) FROM history_figures"), 0);
	free(cfg->timezone);
	cfg->timezone = strdup("Asia/Tokyo");
	pub_timezone_use(cfg->timezone, &saved);
	before = board_figures(now);	/* the kept days are UTC's */
	ck_assert_int_gt(store_sql("DELETE FROM history_figures RETURNING 1"), 0);
	after = board_figures(now);
	pub_timezone_restore(saved);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

/* What a day's row keeps of its intervals reads back as they were; damaged bytes read as nothing. */
static void collect_span(const struct pub_span *sp, void *arg)
{
	struct ms_buf *b = arg;

	ms_buf_printf(b, "%d@%lld-%lld;", (int)sp->kind, (long long)sp->start, (long long)sp->end);
}

START_TEST(test_day_spans_encoding)
{
	const time_t day = 86400 * 20, end = day + 86400;
	const struct pub_span spans[] = {
		SPAN(UP, day - 500, day + 100), SPAN(OUTAGE, day + 100, day + 700),
		SPAN(MAINTENANCE, day + 700, end + 50), SPAN(UP, end + 50, end + 90),
	};
	struct ms_buf bytes = MS_BUF_INIT, got = MS_BUF_INIT;

	pub_history_spans_encode(spans, 4, day, end, &bytes);
	ck_assert_uint_eq(bytes.len, 3 * 9);	/* cut to the day; the one after it left out */
	ck_assert(pub_history_spans_decode((unsigned char *)bytes.data, bytes.len, day, end,
					   collect_span, &got));
	ck_assert_str_eq(ms_buf_str(&got), "0@1728000-1728100;2@1728100-1728700;3@1728700-1814400;");
	ms_buf_reset(&got);
	/* a byte short, a kind this program does not know, an end past the day: nothing */
	ck_assert(!pub_history_spans_decode((unsigned char *)bytes.data, bytes.len - 1, day, end,
					    collect_span, &got));
	bytes.data[9] = 9;
	ck_assert(!pub_history_spans_decode((unsigned char *)bytes.data, bytes.len, day, end,
					    collect_span, &got));
	bytes.data[9] = 2;
	ck_assert(!pub_history_spans_decode((unsigned char *)bytes.data, bytes.len, day,
					    day + 600, collect_span, &got));
	ck_assert_uint_eq(got.len, 0);
	ms_buf_free(&bytes);
	ms_buf_free(&got);
}
END_TEST

/* A timeline of counted days and gaps counts what the spans alone count. */
START_TEST(test_timeline_equals_spans)
{
	const time_t now = DEC6_BERLIN + 86400 * 3 + 5 * 3600 + 17;
	struct pub_span spans[400];
	struct pub_day want[PUB_STRIP_DAYS], got[PUB_STRIP_DAYS];
	struct pub_timeline t = { 0 };
	time_t at = now - 95 * 86400;
	size_t n = 0;
	char *saved;

	srand(7);
	for (; n < 400 && at < now; n++) {
		time_t len = 600 + rand() % (3 * 86400);
		spans[n] = (struct pub_span){ (enum pub_time_kind)(rand() % 5), at, at + len };
		at += len;
	}
	pub_timezone_use("Europe/Berlin", &saved);	/* with a change of summer time in it */
	t.from = now - 92 * 86400;
	t.to = now;
	/* every other day counted, as the store would have it, but those a window starts in */
	for (time_t day = pub_day_start(t.from), next; day < now; day = next) {
		struct pub_uptime u;
		bool split = false;
		next = pub_day_after(day);
		for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++)
			split |= now - pub_uptime_windows[w].seconds > day &&
				 now - pub_uptime_windows[w].seconds < next;
		if (next <= now && !split && rand() % 2 == 0) {
			pub_uptime_count(spans, n, day, next, &u);
			pub_timeline_add_day(&t, day, next, &u);
			continue;
		}
		pub_timeline_add_gap(&t, day, next < now ? next : now);
		for (size_t i = 0; i < n; i++)
			pub_timeline_add_span(&t, spans[i].kind, spans[i].start, spans[i].end);
	}
	for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++) {
		struct pub_uptime a, b;
		pub_uptime_count(spans, n, now - pub_uptime_windows[w].seconds, now, &a);
		pub_timeline_count(&t, now - pub_uptime_windows[w].seconds, now, &b);
		ck_assert_mem_eq(&a, &b, sizeof(a));
	}
	pub_uptime_days(spans, n, now, want, PUB_STRIP_DAYS);
	memcpy(got, want, sizeof(got));
	for (size_t d = 0; d < PUB_STRIP_DAYS; d++)
		memset(&got[d].u, 0xff, sizeof(got[d].u));
	pub_timeline_count_days(&t, got, PUB_STRIP_DAYS);
	pub_timezone_restore(saved);
	ck_assert_mem_eq(want, got, sizeof(want));
	pub_timeline_free(&t);
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
	tcase_add_test(tc, test_status_json_figures);
	tcase_add_test(tc, test_import_history);
	tcase_add_test(tc, test_import_long_and_last_lines);
	tcase_add_test(tc, test_import_missing_file);
	tcase_add_test(tc, test_log_lines);
	tcase_add_loop_test(tc, test_kept_days_equal_intervals, 0, 2);
	tcase_add_test(tc, test_kept_months_outlive_intervals);
	tcase_add_test(tc, test_kept_days_follow_the_zone);
	tcase_add_test(tc, test_kept_days_of_another_zone_unused);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_test(tc, test_rules_percent_truncated);
	tcase_add_test(tc, test_rules_kinds);
	tcase_add_test(tc, test_rules_before_monitoring);
	tcase_add_test(tc, test_rules_downtime_in_outage);
	tcase_add_test(tc, test_rules_flap_across_midnight);
	tcase_add_test(tc, test_rules_dst_days);
	tcase_add_test(tc, test_rules_added_later);
	tcase_add_test(tc, test_timeline_equals_spans);
	tcase_add_test(tc, test_day_spans_encoding);
	suite_add_tcase(s, tc);
	return s;
}
