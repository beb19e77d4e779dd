/*
 * Unit tests: what runs decide (publisher/model/engine.c, posts.c, store.c):
 * the incident lifecycle, maintenance, operators' notes, idempotence and
 * guid stability, on a real SQLite store in a temporary directory.
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
#include "posts.h"
#include "statusdat.h"
#include "store.h"
#include "test_publish_suites.h"

struct fx {
	char *dir;
	char *conf_path;
	struct pub_config *cfg;
	struct pub_store *st;
};

static struct fx fx;

static void setup_with(long hold_down, bool show_details)
{
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;

	fx.dir = temp_dir();
	ms_buf_printf(&text,
		"[publisher]\ntitle = Test Status\nbase_url = https://status.example.com/\n"
		"output_dir = %s/out\nstore = %s/publish.db\nsource = statusdat:%s/status.dat\n"
		"hold_down = %ld\nshow_details = %s\n"
		"[cluster a]\nname = Email Cluster A\nservice = Email Service\n"
		"[component a incoming]\nname = Incoming Mail\n"
		"member = gw1!greylist = AV/GreyListing 1\nmember = gw2!greylist = AV/GreyListing 2\n"
		"[component a storage]\nname = Mail Storage\nmember = store1 = Storage 1\n",
		fx.dir, fx.dir, fx.dir, hold_down, show_details ? "yes" : "no");
	fx.conf_path = temp_file(text.data);
	fx.cfg = pub_config_load(fx.conf_path, &err);
	ck_assert_msg(fx.cfg != NULL, "%s", ms_buf_str(&err));
	fx.st = pub_store_open(fx.cfg->store, "status.example.com", &err);
	ck_assert_msg(fx.st != NULL, "%s", ms_buf_str(&err));
	ms_buf_free(&text);
	ms_buf_free(&err);
}

static void setup(void)
{
	setup_with(0, false);
}

static void setup_holddown(void)
{
	setup_with(120, false);
}

static void setup_details(void)
{
	setup_with(0, true);
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

/* A status.dat: greylist states of gw1/gw2, store1's host state and downtime. */
static char *status(int gw1, int gw2, int store1, int store1_downtime, const char *extra)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *hosts[] = { "gw1", "gw2" };
	int states[] = { gw1, gw2 };

	ms_buf_puts(&b, "info {\n\tcreated=1000\n\t}\n");
	for (int i = 0; i < 2; i++)
		ms_buf_printf(&b, "hoststatus {\n\thost_name=%s\n\tcurrent_state=0\n"
			      "\tlast_hard_state=0\n\tstate_type=1\n\t}\n"
			      "servicestatus {\n\thost_name=%s\n\tservice_description=greylist\n"
			      "\tcurrent_state=%d\n\tlast_hard_state=%d\n\tstate_type=1\n"
			      "\tplugin_output=GREYLIST <script>%d</script> \x01&\xff\n\t}\n", hosts[i], hosts[i],
			      states[i], states[i], states[i]);
	ms_buf_printf(&b, "hoststatus {\n\thost_name=store1\n\tcurrent_state=%d\n"
		      "\tlast_hard_state=%d\n\tstate_type=1\n\tscheduled_downtime_depth=%d\n\t}\n",
		      store1, store1, store1_downtime);
	if (extra)
		ms_buf_puts(&b, extra);
	return ms_buf_steal(&b);
}

/* One run's decisions on a snapshot, committed; returns posts added. */
static size_t apply(char *text, time_t now)
{
	struct pub_snapshot snap;
	struct pub_eval ev;
	struct pub_run_stats stats;
	struct ms_buf err = MS_BUF_INIT;

	pub_snapshot_init(&snap);
	pub_want_objects(fx.cfg, &snap);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), &snap, &err), "%s",
		      ms_buf_str(&err));
	pub_evaluate(fx.cfg, &snap, &ev);
	ck_assert(pub_store_begin(fx.st, &err));
	ck_assert_msg(pub_engine_apply(fx.cfg, fx.st, &snap, &ev, now, &stats, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(pub_store_commit(fx.st, &err));
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	ms_buf_free(&err);
	free(text);
	return stats.posts;
}

/* The cluster's posts, newest first. */
static struct pub_post *posts(size_t *n)
{
	struct pub_post *p;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(pub_store_posts(fx.st, NULL, 0, 0, &p, n, &err));
	ms_buf_free(&err);
	return p;
}

static struct pub_incident incident(long number)
{
	struct pub_incident inc = { 0 };
	struct ms_buf err = MS_BUF_INIT;
	bool found;

	ck_assert(pub_store_incident_get(fx.st, number, &inc, &found, &err));
	ck_assert_msg(found, "no incident %ld", number);
	ms_buf_free(&err);
	return inc;
}

START_TEST(incident_lifecycle)
{
	struct pub_post *p;
	struct pub_incident inc;
	size_t n;

	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 100), 0);	/* Online: nothing to say */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 200), 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Degraded");
	ck_assert_int_eq(p[0].incident, 1);
	ck_assert_str_eq(p[0].kind, "auto");
	ck_assert_msg(strstr(p[0].body_html, "<p>Incoming Mail is running with reduced redundancy "
			     "(AV/GreyListing 1 is unavailable).</p>") != NULL, "%s", p[0].body_html);
	ck_assert_msg(strstr(p[0].body_html, "<p>Mail Storage is working normally.</p>"), "%s",
		      p[0].body_html);
	/* public names only: no host names, no plugin output */
	ck_assert(strstr(p[0].body_html, "gw1") == NULL);
	ck_assert(strstr(p[0].body_html, "GREYLIST") == NULL);
	pub_posts_free(p, n);

	/* worse: the same incident */
	ck_assert_uint_eq(apply(status(2, 2, 0, 0, NULL), 300), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Offline");
	ck_assert_int_eq(p[0].incident, 1);
	ck_assert(strstr(p[0].body_html, "<p>Incoming Mail is unavailable.</p>") != NULL);
	pub_posts_free(p, n);

	/* Online resolves it */
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 400), 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Online");
	ck_assert_int_eq(p[0].incident, 1);
	ck_assert(strstr(p[0].body_html, "All services on Email Cluster A are fully available again.")
		  != NULL);
	ck_assert(strstr(p[0].body_html, "Incident 1 is resolved.") != NULL);
	pub_posts_free(p, n);
	inc = incident(1);
	ck_assert_str_eq(inc.title, "Email Cluster A is Degraded [Resolved]");
	ck_assert_int_eq(inc.opened_at, 200);
	ck_assert_int_eq(inc.resolved_at, 400);
	pub_incident_free(&inc);

	/* the next problem is a new incident */
	ck_assert_uint_eq(apply(status(0, 0, 1, 0, NULL), 500), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Offline");	/* storage is critical */
	ck_assert_int_eq(p[0].incident, 2);
	pub_posts_free(p, n);
}
END_TEST

START_TEST(maintenance_is_not_an_incident)
{
	struct pub_post *p;
	size_t n;
	long open;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_uint_eq(apply(status(0, 0, 1, 1, NULL), 100), 1);	/* down, but in downtime */
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is In Maintenance");
	ck_assert_int_eq(p[0].incident, 0);
	ck_assert(strstr(p[0].body_html, "Mail Storage is in scheduled maintenance.") != NULL);
	ck_assert(strstr(p[0].body_html, "Incoming Mail is working normally.") != NULL);
	pub_posts_free(p, n);
	ck_assert(pub_store_incident_open_of(fx.st, "a", &open, &err));
	ck_assert_int_eq(open, 0);

	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 200), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Online");
	ck_assert_msg(strstr(p[0].body_html, "The maintenance of Email Cluster A is complete.")
		      != NULL, "%s", p[0].body_html);
	ck_assert_int_eq(p[0].incident, 0);
	pub_posts_free(p, n);
	ms_buf_free(&err);
}
END_TEST

START_TEST(scheduled_maintenance_message_is_used)
{
	struct pub_maintenance m = { .cluster = "a", .starts_at = 50, .ends_at = 500,
				     .message = "Firmware update on the storage switches." };
	struct ms_buf err = MS_BUF_INIT;
	struct pub_post *p;
	size_t n;

	ck_assert(pub_store_maintenance_add(fx.st, &m, &err));
	ck_assert_uint_eq(apply(status(0, 0, 0, 1, NULL), 100), 1);
	p = posts(&n);
	ck_assert_msg(strstr(p[0].body_html, "<p>Firmware update on the storage switches.</p>"),
		      "%s", p[0].body_html);
	pub_posts_free(p, n);
	ms_buf_free(&err);
}
END_TEST

START_TEST(same_state_twice_publishes_nothing)
{
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 100), 1);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 100), 0);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 160), 0);
}
END_TEST

START_TEST(healthy_from_the_first_run_has_a_since)
{
	struct pub_cluster_row row;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 500), 0);
	ck_assert(pub_store_cluster_get(fx.st, fx.cfg->clusters[0].slug, &row, &err));
	ck_assert_int_eq(row.state, PUB_CLUSTER_ONLINE);
	/* an Online cluster with since 0 reads as "unknown" on the site */
	ck_assert_int_eq(row.since, 500);
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 900), 0);
	ck_assert(pub_store_cluster_get(fx.st, fx.cfg->clusters[0].slug, &row, &err));
	ck_assert_int_eq(row.since, 500);
	ms_buf_free(&err);
}
END_TEST

START_TEST(holddown_through_the_store)
{
	size_t n;
	struct pub_post *p;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 0);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1060), 0);
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 1100), 0);	/* a flap */
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 1179), 0);
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 1180), 0);	/* settled */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1190), 0);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1309), 0);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1310), 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(p[0].published_at, 1310);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Degraded");
	ck_assert(strstr(p[0].body_html, "intermittent") == NULL);
	pub_posts_free(p, n);
}
END_TEST

/*
 * gw1 flips between OK and CRITICAL every 30 s, runs every 30 s: each
 * second run sees the cluster Online. Once it has flapped for the hold-down
 * it is announced, Degraded and intermittent, through the store (which
 * keeps the flap between runs), and the flapping that follows adds nothing.
 */
START_TEST(lasting_flap_through_the_store)
{
	size_t n, posted = 0;
	struct pub_post *p;
	time_t t;

	for (t = 1000; t < 1000 + 1800; t += 30)
		posted += apply(status((t / 30) % 2 ? 0 : 2, 0, 0, 0, NULL), t);
	ck_assert_uint_eq(posted, 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Degraded");
	ck_assert_int_eq(p[0].incident, 1);
	ck_assert_msg(strstr(p[0].body_html, "some of its services fail intermittently") &&
		      strstr(p[0].body_html, "Incoming Mail fails intermittently "
			     "(AV/GreyListing 1 is affected).") &&
		      strstr(p[0].body_html, "Mail Storage is working normally.") &&
		      /* the flap's start (the first CRITICAL, at 1020), not the last flip */
		      strstr(p[0].body_html, "The problem began on 01 Jan 1970 00:17 UTC."),
		      "%s", p[0].body_html);
	ck_assert_int_le(p[0].published_at, 1000 + 120 + 30);
	pub_posts_free(p, n);
}
END_TEST

#define COMMENT(kind, id, when, text) \
	"servicecomment {\n\thost_name=gw1\n\tservice_description=greylist\n" \
	"\tentry_type=" #kind "\n\tcomment_id=" #id "\n\tentry_time=" #when "\n" \
	"\tauthor=heather\n\tcomment_data=" text "\n\t}\n"

START_TEST(operator_notes_become_updates)
{
	struct pub_post *p;
	struct pub_incident inc;
	size_t n;

	/* a note from before the incident is old news */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, COMMENT(1, 7, 50, "public: old note")), 61000),
			  1);
	/* 16:57 UTC */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, COMMENT(1, 7, 50, "public: old note")
					COMMENT(1, 8, 61020, "public: We are aware of the "
						"<problem> & on it")),
				61260), 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(p[0].title, "Email Cluster A: Update at 16:57 UTC");
	ck_assert_str_eq(p[0].kind, "update");
	ck_assert_int_eq(p[0].incident, 1);
	ck_assert_int_eq(p[0].published_at, 61020);	/* when the operator wrote it */
	ck_assert_msg(strstr(p[0].body_html, "<p><strong>[16:57 UTC]</strong> We are aware of "
			     "the &lt;problem&gt; &amp; on it</p>") != NULL, "%s", p[0].body_html);
	ck_assert_str_eq(p[0].summary, "[16:57 UTC] We are aware of the <problem> & on it");
	/* heather is not in [authors]: the configured author, never the login */
	ck_assert_str_eq(p[0].author, "Operations");
	pub_posts_free(p, n);

	/* the same comments again: nothing new; an acknowledgement: identified */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, COMMENT(1, 8, 61020, "public: We are aware "
							   "of the <problem> & on it")
					COMMENT(4, 9, 68940, "PUBLIC:Postgrey database locked")),
				69000), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A: Issue identified at 19:09 UTC");
	ck_assert_str_eq(p[0].kind, "identified");
	ck_assert_str_eq(p[0].summary, "[19:09 UTC] Postgrey database locked");
	pub_posts_free(p, n);
	inc = incident(1);
	ck_assert_int_eq(inc.identified_at, 68940);
	ck_assert_str_eq(inc.identified_text, "Postgrey database locked");
	pub_incident_free(&inc);

	/* resolved: later comments no longer reach readers */
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 70000), 1);
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, COMMENT(1, 10, 70100, "public: late")),
				70200), 0);
}
END_TEST

/* The member has been CRITICAL since 500: a note from 600 is about it,
 * even though the publisher first saw the problem (and opened the
 * incident) at 5000; a note from 400 is about something older. (This
 * block for gw2 follows the one status() wrote: the last one read wins.) */
START_TEST(note_from_before_the_first_run)
{
	char *text = status(0, 0, 0, 0,
		"servicestatus {\n\thost_name=gw2\n\tservice_description=greylist\n"
		"\tcurrent_state=2\n\tlast_hard_state=2\n\tstate_type=1\n"
		"\tlast_hard_state_change=500\n\t}\n"
		"servicecomment {\n\thost_name=gw2\n\tservice_description=greylist\n"
		"\tentry_type=1\n\tcomment_id=1\n\tentry_time=400\n\tcomment_data=public: old\n\t}\n"
		"servicecomment {\n\thost_name=gw2\n\tservice_description=greylist\n"
		"\tentry_type=1\n\tcomment_id=2\n\tentry_time=600\n\tcomment_data=public: new\n\t}\n");
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(text, 5000), 2);
	p = posts(&n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(p[0].summary, "[00:10 UTC] new");
	pub_posts_free(p, n);
}
END_TEST

START_TEST(guid_never_changes)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_post *p, q = { 0 };
	char *guid;
	size_t n;
	bool found;

	apply(status(2, 0, 0, 0, NULL), 100);
	p = posts(&n);
	guid = strdup(p[0].guid);
	ck_assert_msg(strncmp(guid, "tag:status.example.com,", 23) == 0, "%s", guid);
	ck_assert_msg(strstr(guid, ":post-1") != NULL, "%s", guid);
	pub_posts_free(p, n);

	/* an edit keeps it */
	ck_assert(pub_store_begin(fx.st, &err));
	ck_assert(pub_store_post_set_body(fx.st, 1, "<p>new</p>", "new", 150, &err));
	ck_assert(pub_store_commit(fx.st, &err));
	/* so does reopening the store under another base URL */
	pub_store_close(fx.st);
	fx.st = pub_store_open(fx.cfg->store, "elsewhere.example.org", &err);
	ck_assert_msg(fx.st != NULL, "%s", ms_buf_str(&err));
	ck_assert(pub_store_post_get(fx.st, 1, &q, &found, &err) && found);
	ck_assert_str_eq(q.guid, guid);
	ck_assert_str_eq(q.body_html, "<p>new</p>");
	ck_assert_int_eq(q.updated_at, 150);
	ck_assert_int_eq(q.published_at, 100);
	pub_post_free(&q);
	/* and new posts are numbered on, never reusing a guid */
	apply(status(0, 0, 0, 0, NULL), 200);
	p = posts(&n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_ne(p[0].guid, p[1].guid);
	ck_assert_str_eq(p[1].guid, guid);
	pub_posts_free(p, n);
	free(guid);
	ms_buf_free(&err);
}
END_TEST

/* edit recomposes a post under its own title: the title must survive */
START_TEST(compose_message_keeps_own_title)
{
	struct pub_post p = { .title = strdup("Email Cluster B is Degraded") };

	pub_compose_message(p.title, "new words", 9, NULL, &p);
	ck_assert_str_eq(p.title, "Email Cluster B is Degraded");
	ck_assert_str_eq(p.body_html, "<p>new words</p>\n");
	ck_assert_str_eq(p.summary, "new words");
	pub_post_free(&p);
}
END_TEST

START_TEST(rollback_leaves_the_store_untouched)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_snapshot snap;
	struct pub_eval ev;
	struct pub_run_stats stats;
	char *text = status(2, 2, 1, 0, NULL);
	size_t n;
	struct pub_post *p;

	pub_snapshot_init(&snap);
	pub_want_objects(fx.cfg, &snap);
	ck_assert(pub_statusdat_parse_mem(text, strlen(text), &snap, &err));
	pub_evaluate(fx.cfg, &snap, &ev);
	ck_assert(pub_store_begin(fx.st, &err));
	ck_assert(pub_engine_apply(fx.cfg, fx.st, &snap, &ev, 100, &stats, &err));
	ck_assert_uint_eq(stats.posts, 1);
	pub_store_rollback(fx.st);	/* as a run does when rendering input fails */
	p = posts(&n);
	ck_assert_uint_eq(n, 0);
	pub_posts_free(p, n);
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	free(text);
	ms_buf_free(&err);
}
END_TEST

/* show_details = yes: host names and plugin output, escaped and cleaned */
START_TEST(details_are_escaped)
{
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 100), 1);
	p = posts(&n);
	ck_assert_msg(strstr(p[0].body_html, "<p><strong>AV/GreyListing 1 (gw1!greylist, down):"
			     "</strong> GREYLIST &lt;script&gt;2&lt;/script&gt; &amp;"
			     "\xEF\xBF\xBD</p>") != NULL, "%s", p[0].body_html);
	ck_assert(strstr(p[0].body_html, "<script>") == NULL);
	ck_assert(strstr(p[0].body_html, "gw2") == NULL);	/* only members not up */
	pub_posts_free(p, n);
}
END_TEST

Suite *publish_engine_suite(void)
{
	Suite *s = suite_create("publish_engine");
	TCase *tc = tcase_create("store");
	TCase *hd = tcase_create("holddown");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, incident_lifecycle);
	tcase_add_test(tc, maintenance_is_not_an_incident);
	tcase_add_test(tc, scheduled_maintenance_message_is_used);
	tcase_add_test(tc, same_state_twice_publishes_nothing);
	tcase_add_test(tc, healthy_from_the_first_run_has_a_since);
	tcase_add_test(tc, operator_notes_become_updates);
	tcase_add_test(tc, note_from_before_the_first_run);
	tcase_add_test(tc, guid_never_changes);
	tcase_add_test(tc, rollback_leaves_the_store_untouched);
	tcase_add_test(tc, compose_message_keeps_own_title);
	tcase_add_checked_fixture(hd, setup_holddown, teardown);
	tcase_add_test(hd, holddown_through_the_store);
	tcase_add_test(hd, lasting_flap_through_the_store);
	TCase *det = tcase_create("details");
	tcase_add_checked_fixture(det, setup_details, teardown);
	tcase_add_test(det, details_are_escaped);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, hd);
	suite_add_tcase(s, det);
	return s;
}
