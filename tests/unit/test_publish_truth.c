/*
 * Unit tests: what is not known is said to be unknown (freshness.c, the
 * unknown states of evaluate.c and engine.c, store schema 2, the board's
 * unknown and "as of" in status.json and the pages), on a real SQLite
 * store in a temporary directory and status.dat text like Nagios writes.
 */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "engine.h"
#include "evaluate.h"
#include "freshness.h"
#include "helpers.h"
#include "render.h"
#include "site.h"
#include "statusdat.h"
#include "store.h"
#include "test_publish_suites.h"

static struct {
	char *dir;
	char *conf_path;
	struct pub_config *cfg;
	struct pub_store *st;
} fx;

static void setup(void)
{
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;

	fx.dir = temp_dir();
	ms_buf_printf(&text,
		"[publisher]\ntitle = Test Status\nbase_url = https://status.example.com/\n"
		"output_dir = %s/out\nstore = %s/publish.db\nsource = statusdat:%s/status.dat\n"
		"hold_down = 0\nstale_after = 60\n"
		"[cluster a]\nname = Email Cluster A\nservice = Email Service\n"
		"[component a incoming]\nname = Incoming Mail\n"
		"member = gw1!greylist = AV/GreyListing 1\nmember = gw2!greylist = AV/GreyListing 2\n"
		"[component a storage]\nname = Mail Storage\nmember = store1 = Storage 1\n",
		fx.dir, fx.dir, fx.dir);
	fx.conf_path = temp_file(text.data);
	fx.cfg = pub_config_load(fx.conf_path, &err);
	ck_assert_msg(fx.cfg != NULL, "%s", ms_buf_str(&err));
	fx.st = pub_store_open(fx.cfg->store, "status.example.com", &err);
	ck_assert_msg(fx.st != NULL, "%s", ms_buf_str(&err));
	ms_buf_free(&text);
	ms_buf_free(&err);
}

static void teardown(void)
{
	pub_store_close(fx.st);
	pub_config_free(fx.cfg);
	remove_tree(fx.dir);
	remove(fx.conf_path);
	free(fx.dir);
	free(fx.conf_path);
}

/*
 * A status.dat written at 1000: gw1/gw2 greylist and store1 with their
 * states, has_been_checked (checked) and the last (last) and next check.
 */
struct obj {
	int state;
	bool checked;
	long last, next;
};

static char *status(struct obj gw1, struct obj gw2, struct obj store1, const char *extra)
{
	struct ms_buf b = MS_BUF_INIT;
	const struct obj *o[] = { &gw1, &gw2 };

	ms_buf_puts(&b, "info {\n\tcreated=1000\n\t}\nprogramstatus {\n"
		    "\tactive_service_checks_enabled=1\n\tactive_host_checks_enabled=1\n\t}\n");
	for (int i = 0; i < 2; i++)
		ms_buf_printf(&b, "hoststatus {\n\thost_name=gw%d\n\tcurrent_state=0\n"
			      "\tlast_hard_state=0\n\tstate_type=1\n\t}\n"
			      "servicestatus {\n\thost_name=gw%d\n\tservice_description=greylist\n"
			      "\thas_been_checked=%d\n\tcurrent_state=%d\n\tlast_hard_state=%d\n"
			      "\tstate_type=1\n\tlast_check=%ld\n\tnext_check=%ld\n\t}\n", i + 1,
			      i + 1, o[i]->checked, o[i]->state, o[i]->state, o[i]->last, o[i]->next);
	ms_buf_printf(&b, "hoststatus {\n\thost_name=store1\n\thas_been_checked=%d\n"
		      "\tcurrent_state=%d\n\tlast_hard_state=%d\n\tstate_type=1\n"
		      "\tlast_check=%ld\n\tnext_check=%ld\n\t}\n", store1.checked, store1.state,
		      store1.state, store1.last, store1.next);
	if (extra)
		ms_buf_puts(&b, extra);
	return ms_buf_steal(&b);
}

#define OK(last) ((struct obj){ 0, true, (last), (last) + 10 })
#define CRIT(last) ((struct obj){ 2, true, (last), (last) + 10 })
#define PENDING ((struct obj){ 0, false, 0, 0 })

static void parse(char *text, struct pub_snapshot *snap)
{
	struct ms_buf err = MS_BUF_INIT;

	pub_snapshot_init(snap);
	pub_want_objects(fx.cfg, snap);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), snap, &err), "%s",
		      ms_buf_str(&err));
	free(text);
	ms_buf_free(&err);
}

/* A run as cmd_run does it: freshness, then (fresh) the decisions. Posts added. */
static size_t run(char *text, time_t now, struct pub_freshness *f)
{
	struct pub_snapshot snap;
	struct pub_eval ev = { 0 };
	struct pub_run_stats stats = { 0 };
	struct pub_freshness local;
	struct ms_buf err = MS_BUF_INIT;
	char good[32];

	parse(text, &snap);
	pub_freshness_check(fx.cfg, &snap, now, f ? f : &local);
	ck_assert(pub_store_begin(fx.st, &err));
	if (!(f ? f : &local)->stale) {
		snprintf(good, sizeof(good), "%lld", (long long)snap.created);
		pub_evaluate(fx.cfg, &snap, &ev);
		ck_assert(pub_store_meta_set(fx.st, PUB_META_LAST_GOOD, good, &err));
		ck_assert_msg(pub_engine_apply(fx.cfg, fx.st, &snap, &ev, now, &stats, &err),
			      "%s", ms_buf_str(&err));
	}
	ck_assert(pub_store_commit(fx.st, &err));
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	ms_buf_free(&err);
	return stats.posts;
}

/* The recorded row of a member (object) or component (object NULL). */
static struct pub_state_row *row_of(const char *component, const char *object,
				    struct pub_state_row **rows, size_t *n)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(pub_store_states(fx.st, "a", object != NULL, rows, n, &err));
	ms_buf_free(&err);
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*rows)[i].component, component) == 0 &&
		    (object == NULL || strcmp((*rows)[i].object, object) == 0))
			return &(*rows)[i];
	ck_abort_msg("no row for %s %s", component, object ? object : "");
	return NULL;
}

/* --- pending ---------------------------------------------------------- */

/*
 * After a restart without retention the CRITICAL member is pending
 * (has_been_checked=0, current_state=0): unknown, never up. The cluster
 * cannot be told, so nothing is published and the incident stays open.
 */
START_TEST(pending_member_resolves_nothing)
{
	struct pub_state_row *rows, *r;
	struct pub_cluster_row cr;
	struct ms_buf err = MS_BUF_INIT;
	long open;
	size_t n;

	ck_assert_uint_eq(run(status(CRIT(990), OK(990), OK(990), NULL), 1000, NULL), 1);
	ck_assert_uint_eq(run(status(PENDING, OK(1090), OK(1090), NULL), 1100, NULL), 0);
	ck_assert(pub_store_incident_open_of(fx.st, "a", &open, &err));
	ck_assert_int_eq(open, 1);
	ck_assert(pub_store_cluster_get(fx.st, "a", &cr, &err));
	ck_assert_int_eq(cr.state, PUB_CLUSTER_DEGRADED);	/* the last one published */
	ck_assert_int_eq(cr.unknown_since, 1100);
	r = row_of("incoming", "gw1!greylist", &rows, &n);
	ck_assert_str_eq(r->state, "unknown");
	ck_assert_str_eq(r->last_known, "down");
	ck_assert_int_eq(r->checked_at, 0);
	pub_state_rows_free(rows, n);
	r = row_of("incoming", NULL, &rows, &n);
	ck_assert_str_eq(r->state, "unknown");
	ck_assert_str_eq(r->last_known, "degraded");
	pub_state_rows_free(rows, n);

	/* still pending later: unknown since the first run that saw it */
	ck_assert_uint_eq(run(status(PENDING, OK(1190), OK(1190), NULL), 1200, NULL), 0);
	ck_assert(pub_store_cluster_get(fx.st, "a", &cr, &err));
	ck_assert_int_eq(cr.unknown_since, 1100);

	/* checked and OK: now the incident is resolved */
	ck_assert_uint_eq(run(status(OK(1290), OK(1290), OK(1290), NULL), 1300, NULL), 1);
	ck_assert(pub_store_incident_open_of(fx.st, "a", &open, &err));
	ck_assert_int_eq(open, 0);
	ck_assert(pub_store_cluster_get(fx.st, "a", &cr, &err));
	ck_assert_int_eq(cr.state, PUB_CLUSTER_ONLINE);
	ck_assert_int_eq(cr.unknown_since, 0);
	ms_buf_free(&err);
}
END_TEST

/* An unknown member does not hide what is known: one gateway up, one down. */
START_TEST(known_problem_is_published_despite_unknowns)
{
	struct pub_post *p;
	struct ms_buf err = MS_BUF_INIT;
	size_t n;

	/* store1 pending, but gw2's outage of the critical incoming group is known */
	ck_assert_uint_eq(run(status(CRIT(990), CRIT(990), PENDING, NULL), 1000, NULL), 1);
	ck_assert(pub_store_posts(fx.st, NULL, 0, 0, &p, &n, &err));
	ck_assert_str_eq(p[0].title, "Email Cluster A is Offline");
	ck_assert_msg(strstr(p[0].body_html, "The state of Mail Storage is not known at the "
			     "moment.") != NULL, "%s", p[0].body_html);
	pub_posts_free(p, n);
	ms_buf_free(&err);
}
END_TEST

/* --- stale ------------------------------------------------------------ */

START_TEST(stale_rule_allows_the_members_own_interval)
{
	struct pub_object o = { .last_check = 1000 };

	ck_assert(!pub_object_stale(&o, 60, 1060));
	ck_assert(pub_object_stale(&o, 60, 1061));
	o.check_interval = 3600;	/* checked hourly: late only past 1000 + 3600 + 60 */
	ck_assert(!pub_object_stale(&o, 60, 4660));
	ck_assert(pub_object_stale(&o, 60, 4661));
	ck_assert(!pub_object_stale(&o, 0, 999999));	/* stale_after 0: off */
	o.last_check = 0;		/* the source does not say: no claim */
	ck_assert(!pub_object_stale(&o, 60, 999999));
}
END_TEST

START_TEST(stale_member_is_unknown_not_checked_since)
{
	struct pub_freshness f;
	struct pub_state_row *rows, *r;
	struct pub_cluster_row cr;
	struct ms_buf err = MS_BUF_INIT;
	size_t n;

	ck_assert_uint_eq(run(status(OK(990), OK(990), OK(990), NULL), 1000, &f), 0);
	ck_assert(!f.stale);
	/* gw2 checked at 950, every 10 s: 61 s late at 1071; the others are fine */
	ck_assert_uint_eq(run(status(OK(1060), OK(950), OK(1060), NULL), 1071, &f), 0);
	ck_assert(!f.stale);
	r = row_of("incoming", "gw2!greylist", &rows, &n);
	ck_assert_str_eq(r->state, "unknown");
	ck_assert_str_eq(r->last_known, "up");
	ck_assert_int_eq(r->checked_at, 950);
	pub_state_rows_free(rows, n);
	r = row_of("incoming", "gw1!greylist", &rows, &n);
	ck_assert_str_eq(r->state, "up");
	pub_state_rows_free(rows, n);
	/* {up, unknown}: operational or degraded, so the cluster cannot be told */
	ck_assert(pub_store_cluster_get(fx.st, "a", &cr, &err));
	ck_assert_int_eq(cr.unknown_since, 1071);
	ms_buf_free(&err);
}
END_TEST

START_TEST(every_member_stale_is_a_stale_source)
{
	struct pub_freshness f;
	struct pub_snapshot snap;

	parse(status(OK(900), OK(920), OK(910), NULL), &snap);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	ck_assert(f.stale);
	ck_assert_int_eq(f.since, 920);	/* the newest check */
	ck_assert_msg(strstr(f.why, "no member has been checked within stale_after (60s)"),
		      "%s", f.why);
	/* one fresh member is enough for the source */
	pub_snapshot_free(&snap);
	parse(status(OK(900), OK(990), OK(910), NULL), &snap);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	ck_assert(!f.stale);
	ck_assert_int_eq(snap.objects[0].unknown, PUB_UNKNOWN_STALE);
	pub_snapshot_free(&snap);
	/* stale_after 0 turns it off; a pending object stays unknown */
	fx.cfg->stale_after = 0;
	parse(status(PENDING, OK(1), OK(1), NULL), &snap);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	ck_assert(!f.stale);
	ck_assert_int_eq(snap.objects[0].unknown, PUB_UNKNOWN_PENDING);
	ck_assert_int_eq(snap.objects[1].unknown, PUB_KNOWN);
	pub_snapshot_free(&snap);
}
END_TEST

/* gw1's status as the engine's flap detection marks it (is_flapping=1). */
static char *flapping_gw1(char *text)
{
	const char *at = "host_name=gw1\n\tservice_description=greylist\n";
	char *p = strstr(text, at);
	struct ms_buf b = MS_BUF_INIT;

	ck_assert_ptr_nonnull(p);
	p += strlen(at);
	ms_buf_add(&b, text, (size_t)(p - text));
	ms_buf_printf(&b, "\tis_flapping=1\n%s", p);
	free(text);
	return ms_buf_steal(&b);
}

/*
 * A member the engine says flaps is impaired while it is checked; once its
 * checks are stale it is unknown: what the engine said of its flapping is
 * as old as its last check.
 */
START_TEST(stale_flapping_member_is_unknown)
{
	struct pub_freshness f;
	struct pub_snapshot snap;
	struct pub_eval ev;

	parse(flapping_gw1(status(CRIT(990), OK(990), OK(990), NULL)), &snap);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	pub_evaluate(fx.cfg, &snap, &ev);
	ck_assert_int_eq(ev.clusters[0].components[0].members[0].state, PUB_MEMBER_IMPAIRED);
	ck_assert(ev.clusters[0].components[0].members[0].flapping);
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);

	parse(flapping_gw1(status(CRIT(900), OK(990), OK(990), NULL)), &snap);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	ck_assert(!f.stale);
	pub_evaluate(fx.cfg, &snap, &ev);
	ck_assert_int_eq(ev.clusters[0].components[0].members[0].state, PUB_MEMBER_UNKNOWN);
	ck_assert(!ev.clusters[0].components[0].members[0].flapping);
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
}
END_TEST

/* Active checks disabled in the engine: stale at once, for the kind named. */
START_TEST(checks_disabled_is_a_stale_source)
{
	struct pub_freshness f;
	struct pub_snapshot snap;
	char *text = status(OK(995), OK(995), OK(995), NULL);

	memcpy(strstr(text, "active_service_checks_enabled=1") + 30, "0", 1);
	parse(text, &snap);
	ck_assert(snap.service_checks_disabled);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	ck_assert(f.stale);
	ck_assert_msg(strstr(f.why, "runs no active service checks"), "%s", f.why);
	pub_snapshot_free(&snap);
	/* host checks off: store1 is a host member */
	text = status(OK(995), OK(995), OK(995), NULL);
	memcpy(strstr(text, "active_host_checks_enabled=1") + 27, "0", 1);
	parse(text, &snap);
	pub_freshness_check(fx.cfg, &snap, 1000, &f);
	ck_assert(f.stale);
	ck_assert_msg(strstr(f.why, "runs no active host checks"), "%s", f.why);
	pub_snapshot_free(&snap);
}
END_TEST

/* --- the engine's downtimes --------------------------------------------- */

#define DOWNTIME(kind, host, svc, id, start, end, text) \
	kind " {\n\thost_name=" host "\n" svc "\tdowntime_id=" #id "\n\tentry_time=900\n" \
	"\tstart_time=" #start "\n\tend_time=" #end "\n\tcomment=" text "\n\t}\n"

START_TEST(engine_downtimes_with_public_comments_only)
{
	struct pub_maintenance *m;
	struct ms_buf err = MS_BUF_INIT;
	size_t n;
	const char *extra =
		DOWNTIME("servicedowntime", "gw1", "\tservice_description=greylist\n", 1, 1000,
			 5000, "PUBLIC:  Firmware update")
		DOWNTIME("servicedowntime", "gw2", "\tservice_description=greylist\n", 2, 1000,
			 5000, "PUBLIC:  Firmware update")
		DOWNTIME("hostdowntime", "store1", "", 3, 2000, 3000, "new pw in vault entry 4711")
		DOWNTIME("hostdowntime", "store1", "", 4, 100, 500, "public: long over");

	ck_assert_uint_eq(run(status(OK(995), OK(995), OK(995), extra), 1000, NULL), 0);
	ck_assert(pub_store_engine_downtimes_after(fx.st, 1000, &m, &n, &err));
	/* the two gateways' window is one to readers; the one that ended is gone */
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(m[0].cluster, "a");
	ck_assert_int_eq(m[0].starts_at, 1000);
	ck_assert_int_eq(m[0].ends_at, 5000);
	ck_assert_str_eq(m[0].message, "Firmware update");	/* the prefix, any case, is cut */
	ck_assert_int_eq(m[1].starts_at, 2000);
	ck_assert_ptr_null(m[1].message);	/* not marked public: internal */
	for (size_t i = 0; i < n; i++)
		pub_maintenance_free(&m[i]);
	free(m);
	/* the same again: the same rows */
	ck_assert_uint_eq(run(status(OK(995), OK(995), OK(995), extra), 1000, NULL), 0);
	ck_assert(pub_store_engine_downtimes_after(fx.st, 1000, &m, &n, &err));
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		pub_maintenance_free(&m[i]);
	free(m);
	/* the next run's list replaces it */
	ck_assert_uint_eq(run(status(OK(995), OK(995), OK(995), NULL), 1001, NULL), 0);
	ck_assert(pub_store_engine_downtimes_after(fx.st, 0, &m, &n, &err));
	ck_assert_uint_eq(n, 0);
	free(m);
	ms_buf_free(&err);
}
END_TEST

/* --- what readers see ----------------------------------------------------- */

static char *slurp_out(const char *rel)
{
	struct ms_buf path = MS_BUF_INIT, b = MS_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	ms_buf_printf(&path, "%s/out/%s", fx.dir, rel);
	fp = fopen(path.data, "rb");
	ck_assert_msg(fp != NULL, "%s missing", path.data);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ms_buf_add(&b, chunk, n);
	fclose(fp);
	ms_buf_free(&path);
	return ms_buf_steal(&b);
}

static json_t *status_json(void)
{
	char *text = slurp_out("status.json");
	json_t *root = json_loads(text, 0, NULL);

	ck_assert_ptr_nonnull(root);
	free(text);
	return root;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "(null)";
}

static void render_at(time_t now)
{
	struct ms_buf err = MS_BUF_INIT;
	size_t changed;

	pub_render_set_clock(now);
	ck_assert_msg(pub_render_all(fx.cfg, fx.st, &changed, &err), "%s", ms_buf_str(&err));
	pub_render_set_clock(0);
	ms_buf_free(&err);
}

static long long count_writes(sqlite3 *db)
{
	sqlite3_stmt *s;
	long long n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM writes", -1, &s, NULL),
			 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM writes", NULL, NULL, NULL), SQLITE_OK);
	return n;
}

/*
 * The engine's downtimes are written only when they change: the same
 * windows again, in another order or one of them twice, write nothing
 * (counted by triggers on the table); a window less, or none, is written.
 */
START_TEST(engine_downtimes_unchanged_are_not_written)
{
	const struct pub_maintenance a = { .cluster = (char *)"a", .starts_at = 900,
					   .ends_at = 2000, .message = (char *)"public words" };
	const struct pub_maintenance b = { .cluster = (char *)"a", .starts_at = 950,
					   .ends_at = 3000, .message = NULL };
	const struct pub_maintenance aba[] = { a, b, a }, ba[] = { b, a }, aa[] = { a, a };
	struct pub_maintenance *m = NULL;
	struct ms_buf err = MS_BUF_INIT;
	size_t n = 0;
	sqlite3 *db;

	ck_assert_msg(pub_store_engine_downtimes_set(fx.st, aba, 3, &err), "%s", ms_buf_str(&err));
	ck_assert_int_eq(sqlite3_open(fx.cfg->store, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE writes (n INTEGER);"
		"CREATE TRIGGER d AFTER DELETE ON engine_downtimes BEGIN "
		"INSERT INTO writes VALUES (1); END;"
		"CREATE TRIGGER i AFTER INSERT ON engine_downtimes BEGIN "
		"INSERT INTO writes VALUES (2); END;", NULL, NULL, NULL), SQLITE_OK);
	ck_assert(pub_store_engine_downtimes_set(fx.st, ba, 2, &err));
	ck_assert_int_eq(count_writes(db), 0);
	ck_assert(pub_store_engine_downtimes_set(fx.st, aba, 3, &err));
	ck_assert_int_eq(count_writes(db), 0);
	/* one window less: the table is written, and holds it once */
	ck_assert(pub_store_engine_downtimes_set(fx.st, aa, 2, &err));
	ck_assert_int_eq(count_writes(db), 3);
	ck_assert(pub_store_engine_downtimes_after(fx.st, 0, &m, &n, &err));
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(m[0].message, "public words");
	pub_maintenance_free(&m[0]);
	free(m);
	ck_assert(pub_store_engine_downtimes_set(fx.st, &a, 1, &err));
	ck_assert_int_eq(count_writes(db), 0);
	/* none: written once, then nothing */
	ck_assert(pub_store_engine_downtimes_set(fx.st, NULL, 0, &err));
	ck_assert_int_eq(count_writes(db), 1);
	ck_assert(pub_store_engine_downtimes_set(fx.st, NULL, 0, &err));
	ck_assert_int_eq(count_writes(db), 0);
	sqlite3_close(db);
	ms_buf_free(&err);
}
END_TEST

START_TEST(status_json_says_unknown_and_last_known)
{
	json_t *root, *a, *incoming, *gw1;
	struct ms_buf err = MS_BUF_INIT;
	char *index, *page;

	ck_assert_uint_eq(run(status(CRIT(990), OK(990), OK(990), NULL), 1000, NULL), 1);
	ck_assert_uint_eq(run(status(PENDING, OK(1090), OK(1090), NULL), 1100, NULL), 0);
	render_at(1100);
	root = status_json();
	ck_assert_str_eq(jstr(root, "data_as_of"), "1970-01-01T00:16:40Z");	/* created */
	a = json_array_get(json_object_get(root, "clusters"), 0);
	ck_assert_str_eq(jstr(a, "state"), "unknown");
	ck_assert_str_eq(jstr(a, "state_text"), "Unknown");
	ck_assert_str_eq(jstr(a, "last_known_state"), "degraded");
	incoming = json_array_get(json_object_get(a, "components"), 0);
	ck_assert_str_eq(jstr(incoming, "state"), "unknown");
	ck_assert_str_eq(jstr(incoming, "last_known_state"), "degraded");
	gw1 = json_array_get(json_object_get(incoming, "members"), 0);
	ck_assert_str_eq(jstr(gw1, "state"), "unknown");
	ck_assert_str_eq(jstr(gw1, "last_known_state"), "down");
	json_decref(root);
	index = slurp_out("index.html");
	/* a time of the day of the run: the hour alone */
	ck_assert_msg(strstr(index, "Monitoring data as of 00:16 UTC.") != NULL, "%s", index);
	ck_assert(strstr(index, "not checked yet") != NULL);
	page = slurp_out("incidents/1.html");
	ck_assert(strstr(page, "Monitoring data as of 00:16 UTC.") != NULL);
	free(page);
	free(index);

	/* stale: every state unknown, the last known one beside it */
	ck_assert(pub_store_meta_set(fx.st, PUB_META_STALE_SINCE, "1150", &err));
	render_at(1300);
	root = status_json();
	a = json_array_get(json_object_get(root, "clusters"), 0);
	incoming = json_array_get(json_object_get(a, "components"), 1);	/* storage */
	ck_assert_str_eq(jstr(incoming, "state"), "unknown");
	ck_assert_str_eq(jstr(incoming, "last_known_state"), "operational");
	gw1 = json_array_get(json_object_get(incoming, "members"), 0);
	ck_assert_str_eq(jstr(gw1, "state"), "unknown");
	ck_assert_str_eq(jstr(gw1, "last_known_state"), "up");
	json_decref(root);
	ms_buf_free(&err);
}
END_TEST

START_TEST(status_json_has_the_engines_downtimes)
{
	struct pub_maintenance announced = { .cluster = "a", .starts_at = 3000, .ends_at = 4000,
					     .message = "Switch firmware." };
	struct ms_buf err = MS_BUF_INIT;
	json_t *root, *list;
	const char *extra = DOWNTIME("hostdowntime", "store1", "", 3, 2000, 5000,
				     "public: Disk swap");

	ck_assert(pub_store_maintenance_add(fx.st, &announced, &err));
	run(status(OK(995), OK(995), OK(995), extra), 1000, NULL);
	render_at(1000);
	root = status_json();
	list = json_object_get(root, "maintenance");
	ck_assert_uint_eq(json_array_size(list), 2);
	/* soonest first, whoever set it */
	ck_assert_str_eq(jstr(json_array_get(list, 0), "origin"), "monitoring");
	ck_assert_str_eq(jstr(json_array_get(list, 0), "starts_at"), "1970-01-01T00:33:20Z");
	ck_assert_str_eq(jstr(json_array_get(list, 0), "ends_at"), "1970-01-01T01:23:20Z");
	ck_assert_str_eq(jstr(json_array_get(list, 0), "message"), "Disk swap");
	ck_assert_str_eq(jstr(json_array_get(list, 1), "origin"), "announced");
	ck_assert_str_eq(jstr(json_array_get(list, 1), "message"), "Switch firmware.");
	json_decref(root);
	ms_buf_free(&err);
}
END_TEST

Suite *publish_truth_suite(void)
{
	Suite *s = suite_create("publish_truth");
	TCase *tc = tcase_create("unknown");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pending_member_resolves_nothing);
	tcase_add_test(tc, known_problem_is_published_despite_unknowns);
	tcase_add_test(tc, stale_rule_allows_the_members_own_interval);
	tcase_add_test(tc, stale_member_is_unknown_not_checked_since);
	tcase_add_test(tc, every_member_stale_is_a_stale_source);
	tcase_add_test(tc, stale_flapping_member_is_unknown);
	tcase_add_test(tc, checks_disabled_is_a_stale_source);
	tcase_add_test(tc, engine_downtimes_with_public_comments_only);
	tcase_add_test(tc, engine_downtimes_unchanged_are_not_written);
	tcase_add_test(tc, status_json_says_unknown_and_last_known);
	tcase_add_test(tc, status_json_has_the_engines_downtimes);
	suite_add_tcase(s, tc);
	return s;
}
