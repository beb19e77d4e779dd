/*
 * Unit tests: what of an operator's words readers see, and when
 * (publisher/model/notes.c, engine.c, posts.c, store.c, cmd_retract.c):
 * comment_prefix, [authors], update_title, downtime comments, changes of
 * impact inside an incident, when a problem began, the engine's flap
 * detection, and withdrawing a post. On a real store and a real output
 * directory in a temporary directory.
 */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "cmdutil.h"
#include "commands.h"
#include "conf.h"
#include "engine.h"
#include "evaluate.h"
#include "helpers.h"
#include "notes.h"
#include "posts.h"
#include "render.h"
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

/* A config of two components of two members each, plus extra [publisher] lines. */
static void setup_config(long hold_down, const char *extra)
{
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;

	fx.dir = temp_dir();
	ms_buf_printf(&text,
		"[publisher]\ntitle = Test Status\nbase_url = https://status.example.com/\n"
		"output_dir = %s/out\nstore = %s/publish.db\nsource = statusdat:%s/status.dat\n"
		"hold_down = %ld\n%s\n"
		"[authors]\nheather = Heather\n"
		"[cluster a]\nname = Email Cluster A\nservice = Email Service\n"
		"[component a incoming]\nname = Incoming Mail\n"
		"member = gw1!greylist = AV/GreyListing 1\nmember = gw2!greylist = AV/GreyListing 2\n"
		"[component a storage]\nname = Mail Storage\n"
		"member = store1!storage = Mail Storage 1\nmember = store2!storage = Mail Storage 2\n",
		fx.dir, fx.dir, fx.dir, hold_down, extra);
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
	setup_config(0, "");
}

static void setup_details(void)
{
	setup_config(0, "show_details = yes");
}

static void setup_holddown(void)
{
	setup_config(60, "");
}

static void setup_seed_titles(void)
{
	setup_config(0, "update_title = {cluster} is {state}\ntimezone = Europe/Berlin");
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
 * A status.dat: the four services in the states given (0-3), every host
 * up; fields is added to each service block (e.g. its last hard change),
 * extra after them (comments, downtimes).
 */
static char *status4(const int states[4], const char *const fields[4], const char *extra)
{
	static const char *const hosts[] = { "gw1", "gw2", "store1", "store2" };
	static const char *const services[] = { "greylist", "greylist", "storage", "storage" };
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_puts(&b, "info {\n\tcreated=1000\n\t}\n");
	for (int i = 0; i < 4; i++)
		ms_buf_printf(&b, "hoststatus {\n\thost_name=%s\n\tcurrent_state=0\n"
			      "\tlast_hard_state=0\n\tstate_type=1\n\t}\n"
			      "servicestatus {\n\thost_name=%s\n\tservice_description=%s\n"
			      "\tcurrent_state=%d\n\tlast_hard_state=%d\n\tstate_type=1\n%s"
			      "\tplugin_output=secret-%s output\n\t}\n", hosts[i], hosts[i],
			      services[i], states[i], states[i],
			      fields && fields[i] ? fields[i] : "", hosts[i]);
	if (extra)
		ms_buf_puts(&b, extra);
	return ms_buf_steal(&b);
}

static char *status(int gw1, int gw2, int store1, int store2, const char *extra)
{
	const int states[4] = { gw1, gw2, store1, store2 };

	return status4(states, NULL, extra);
}

/* One run's decisions on a snapshot, committed and rendered; returns posts added. */
static size_t apply(char *text, time_t now)
{
	struct pub_snapshot snap;
	struct pub_eval ev;
	struct pub_run_stats stats;
	struct ms_buf err = MS_BUF_INIT;
	size_t changed;

	pub_snapshot_init(&snap);
	pub_want_objects(fx.cfg, &snap);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), &snap, &err), "%s",
		      ms_buf_str(&err));
	pub_evaluate(fx.cfg, &snap, &ev);
	ck_assert(pub_store_begin(fx.st, &err));
	ck_assert_msg(pub_engine_apply(fx.cfg, fx.st, &snap, &ev, now, &stats, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(pub_store_commit(fx.st, &err));
	pub_render_set_clock(now);
	ck_assert_msg(pub_render_all(fx.cfg, fx.st, &changed, &err), "%s", ms_buf_str(&err));
	pub_render_set_clock(0);
	pub_eval_free(&ev);
	pub_snapshot_free(&snap);
	ms_buf_free(&err);
	free(text);
	return stats.posts;
}

/* The published posts, newest first. */
static struct pub_post *posts(size_t *n)
{
	struct pub_post *p;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(pub_store_posts(fx.st, NULL, 0, 0, &p, n, &err));
	ms_buf_free(&err);
	return p;
}

/* --- every output file, searched ------------------------------------ */

static const char *needle;
static struct ms_buf found_in;

static int search_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	FILE *fp = fopen(path, "rb");
	struct ms_buf data = MS_BUF_INIT;
	char chunk[4096];
	size_t n;

	ck_assert_ptr_nonnull(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ms_buf_add(&data, chunk, n);
	fclose(fp);
	if (data.len > 0 && memmem(data.data, data.len, needle, strlen(needle)) != NULL)
		ms_buf_printf(&found_in, "%s ", path);
	ms_buf_free(&data);
	return 0;
}

/* The output files that contain s ("" when none), as a string to free. */
static char *files_with(const char *s)
{
	struct ms_buf dir = MS_BUF_INIT;

	needle = s;
	ms_buf_reset(&found_in);
	ms_buf_printf(&dir, "%s/out", fx.dir);
	ck_assert_int_eq(nftw(dir.data, search_file, 16, FTW_PHYS), 0);
	ms_buf_free(&dir);
	ms_buf_putc(&found_in, '\0');
	return ms_buf_steal(&found_in);
}

static void assert_nowhere(const char *s)
{
	char *where = files_with(s);

	ck_assert_msg(where[0] == '\0', "'%s' was published in %s", s, where);
	free(where);
}

static void assert_somewhere(const char *s)
{
	char *where = files_with(s);

	ck_assert_msg(where[0] != '\0', "'%s' is in no output file", s);
	free(where);
}

#define NOTE(block, host, svc, kind, id, when, author, text) \
	block " {\n\thost_name=" host "\n" svc "\tentry_type=" #kind "\n\tcomment_id=" #id \
	"\n\tentry_time=" #when "\n\tauthor=" author "\n\tcomment_data=" text "\n\t}\n"
#define SVC_NOTE(host, svc, kind, id, when, author, text) \
	NOTE("servicecomment", host, "\tservice_description=" svc "\n", kind, id, when, author, text)
#define HOST_NOTE(host, kind, id, when, author, text) \
	NOTE("hostcomment", host, "", kind, id, when, author, text)

#define SECRET "DB creds rotated, new pw in vault entry 4711"

/*
 * The case: an incident is open (gw1 down); operators write about
 * a healthy server of the same cluster, and acknowledge the problem, for
 * each other. Not a word of it reaches any output file, with or without
 * show_details; a note marked public does, without its mark.
 */
START_TEST(internal_notes_stay_internal)
{
	struct pub_post *p;
	struct pub_incident inc = { 0 };
	struct ms_buf err = MS_BUF_INIT;
	bool found;
	size_t n;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 1);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		HOST_NOTE("store1", 1, 1, 1010, "heather", "internal: " SECRET)
		SVC_NOTE("store2", "storage", 1, 2, 1011, "heather", SECRET)
		SVC_NOTE("gw1", "greylist", 4, 3, 1012, "heather", "ack: " SECRET)
		SVC_NOTE("gw1", "greylist", 1, 4, 1013, "heather", "public:")
		SVC_NOTE("gw1", "greylist", 1, 5, 1014, "heather", "publicity: " SECRET)),
		1100), 0);
	assert_nowhere("vault");
	assert_nowhere("4711");
	assert_nowhere("secret-");	/* nor plugin output unless show_details */
	ck_assert(pub_store_incident_get(fx.st, 1, &inc, &found, &err) && found);
	ck_assert_ptr_null(inc.identified_text);	/* the acknowledgement was internal */
	pub_incident_free(&inc);

	/* marked public (any case, blanks around the mark): published, unmarked */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		HOST_NOTE("store1", 1, 6, 1200, "heather", "  Public:  Mail is queued, none is lost")),
		1300), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].kind, "update");
	ck_assert_str_eq(p[0].summary, "[00:20 UTC] Mail is queued, none is lost");
	ck_assert_msg(strstr(p[0].body_html, "</strong> Mail is queued, none is lost</p>"), "%s",
		      p[0].body_html);
	pub_posts_free(p, n);
	assert_somewhere("Mail is queued, none is lost");
	assert_nowhere("ublic:");
	assert_nowhere("vault");
	ms_buf_free(&err);
}
END_TEST

/* show_details shows hosts and plugin output, never an internal note. */
START_TEST(internal_notes_stay_internal_with_details)
{
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 1);
	assert_somewhere("secret-gw1");	/* details are on */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		HOST_NOTE("store1", 1, 1, 1010, "heather", "internal: " SECRET)
		SVC_NOTE("gw1", "greylist", 4, 3, 1012, "heather", SECRET)), 1100), 0);
	assert_nowhere("vault");
	assert_nowhere("4711");
}
END_TEST

/* The default prefix in any case, and a prefix of the operator's choosing. */
START_TEST(comment_prefix_is_configurable)
{
	ck_assert_str_eq(fx.cfg->comment_prefix, "public:");
	ck_assert_str_eq(pub_note_public(fx.cfg, "Public:Back soon"), "Back soon");
	ck_assert_ptr_null(pub_note_public(fx.cfg, "internal: public: no"));
	ck_assert_ptr_null(pub_note_public(fx.cfg, "publi"));
	free(fx.cfg->comment_prefix);
	fx.cfg->comment_prefix = strdup("[status]");
	ck_assert_ptr_null(pub_note_public(fx.cfg, "public: x"));
	ck_assert_str_eq(pub_note_public(fx.cfg, "[STATUS] x y"), "x y");
	ck_assert_ptr_null(pub_note_public(fx.cfg, "[status]   "));
	ck_assert_ptr_null(pub_note_public(fx.cfg, NULL));
	ck_assert_ptr_null(pub_note_public(fx.cfg, "x [status] y"));
}
END_TEST

/*
 * Who said it: a note's post carries its operator, as [authors] names
 * them; one [authors] does not name carries the configured author, and
 * the engine login is nowhere.
 */
START_TEST(notes_carry_their_author)
{
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 1);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		SVC_NOTE("gw1", "greylist", 1, 1, 1010, "heather", "public: one")
		SVC_NOTE("gw1", "greylist", 4, 2, 1020, "bofh-login", "public: two")), 1100), 2);
	p = posts(&n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(p[0].summary, "[00:17 UTC] two");
	ck_assert_str_eq(p[0].author, "Operations");
	ck_assert_str_eq(p[1].summary, "[00:16 UTC] one");
	ck_assert_str_eq(p[1].author, "Heather");
	ck_assert_str_eq(p[2].author, "Operations");	/* the automatic post */
	pub_posts_free(p, n);
	assert_somewhere("<dc:creator>Heather</dc:creator>");
	assert_somewhere("<name>Heather</name>");
	assert_nowhere("bofh-login");
	assert_nowhere("heather");
}
END_TEST

#define DOWNTIME(host, svc, id, author, text) \
	"servicedowntime {\n\thost_name=" host "\n\tservice_description=" svc "\n" \
	"\tdowntime_id=" #id "\n\tentry_time=900\n\tstart_time=950\n\tend_time=5000\n" \
	"\tauthor=" author "\n\tcomment=" text "\n\t}\n"

/* Downtime comments follow the same rule in the maintenance post. */
START_TEST(downtime_comments_follow_the_rule)
{
	const int states[4] = { 0, 0, 2, 2 };
	const char *const in_downtime[4] = { NULL, NULL, "\tscheduled_downtime_depth=1\n",
					     "\tscheduled_downtime_depth=1\n" };
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status4(states, in_downtime,
		DOWNTIME("store1", "storage", 1, "heather", "public: Storage firmware update")
		DOWNTIME("store2", "storage", 2, "heather", "internal: change 4711, vault creds")),
		1000), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is In Maintenance");
	ck_assert_msg(strstr(p[0].body_html, "<p>Storage firmware update</p>"), "%s",
		      p[0].body_html);
	ck_assert_str_eq(p[0].author, "Heather");
	pub_posts_free(p, n);
	assert_nowhere("4711");
	assert_nowhere("vault");
}
END_TEST

/* An unmarked downtime comment: the default words, the configured author. */
START_TEST(internal_downtime_comment_stays_internal)
{
	const int states[4] = { 0, 0, 2, 2 };
	const char *const in_downtime[4] = { NULL, NULL, "\tscheduled_downtime_depth=1\n",
					     "\tscheduled_downtime_depth=1\n" };
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status4(states, in_downtime,
		DOWNTIME("store1", "storage", 1, "heather", "swap PSU, vault 4711")), 1000), 1);
	p = posts(&n);
	ck_assert_msg(strstr(p[0].body_html, "Email Cluster A is in scheduled maintenance."),
		      "%s", p[0].body_html);
	ck_assert_str_eq(p[0].author, "Operations");
	pub_posts_free(p, n);
	assert_nowhere("4711");
}
END_TEST

/*
 * The case: Cluster A is Degraded for its incoming mail, then its
 * storage loses a server too. The cluster stays Degraded, but readers are
 * told, once the change has held for the hold-down, with the impact now;
 * and again when the storage recovers. Nothing twice.
 */
START_TEST(impact_changes_are_told)
{
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 0);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1060), 1);
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1100), 0);	/* waits the hold-down */
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1159), 0);
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1160), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A: Update at 00:19 UTC");
	ck_assert_str_eq(p[0].kind, "update");
	ck_assert_int_eq(p[0].incident, 1);
	ck_assert_msg(strstr(p[0].body_html, "Mail Storage is running with reduced redundancy "
			     "(Mail Storage 1 is unavailable).") &&
		      strstr(p[0].body_html, "Incoming Mail is running with reduced redundancy "
			     "(AV/GreyListing 1 is unavailable).") &&
		      !strstr(p[0].body_html, "working normally"), "%s", p[0].body_html);
	pub_posts_free(p, n);
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1200), 0);	/* told once */

	/* a flap of the storage within the hold-down is not news */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1210), 0);
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1220), 0);
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1300), 0);

	/* the storage recovers: told too */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1400), 0);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1460), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].kind, "update");
	ck_assert_msg(strstr(p[0].body_html, "Mail Storage is working normally."), "%s",
		      p[0].body_html);
	pub_posts_free(p, n);

	/* Degraded becomes Offline: the transition's post tells it, no update beside it */
	ck_assert_uint_eq(apply(status(2, 2, 0, 0, NULL), 1500), 0);
	ck_assert_uint_eq(apply(status(2, 2, 0, 0, NULL), 1560), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Offline");
	pub_posts_free(p, n);
	ck_assert_uint_eq(apply(status(2, 2, 0, 0, NULL), 1700), 0);
}
END_TEST

/* An incident says when its problem began: the engine's last hard change. */
START_TEST(incident_says_when_it_began)
{
	const int states[4] = { 2, 0, 0, 0 };
	const char *const changed[4] = { "\tlast_hard_state_change=1263409000\n",
					 "\tlast_hard_state_change=5\n", NULL, NULL };
	struct pub_incident inc = { 0 };
	struct ms_buf err = MS_BUF_INIT;
	struct pub_post *p;
	bool found;
	size_t n;

	ck_assert_uint_eq(apply(status4(states, changed, NULL), 1263409654), 1);
	p = posts(&n);
	/* 2010-01-13 18:56:40 UTC is 19:56 in Berlin */
	ck_assert_msg(strstr(p[0].body_html, "<p>The problem began on 13 Jan 2010 19:56 CET.</p>"),
		      "%s", p[0].body_html);
	pub_posts_free(p, n);
	ck_assert(pub_store_incident_get(fx.st, 1, &inc, &found, &err) && found);
	ck_assert_int_eq(inc.began_at, 1263409000);
	ck_assert_int_eq(inc.opened_at, 1263409654);
	pub_incident_free(&inc);
	assert_somewhere("\"began_at\":\"2010-01-13T18:56:40Z\"");
	assert_somewhere("The problem began on 13 Jan 2010 19:56 CET.");
	ms_buf_free(&err);
}
END_TEST

/* update_title = {cluster} is {state}: every post of the incident so titled. */
START_TEST(seed_titles_for_updates)
{
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		SVC_NOTE("gw1", "greylist", 1, 1, 1263409654, "heather", "public: one")), 1263409654),
		2);
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1263409700), 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(p[i].title, "Email Cluster A is Degraded");
	ck_assert_msg(strstr(p[0].body_html, "<p><strong>[20:08 CET]</strong> Email Cluster A is "
			     "degraded: its services are available") &&
		      strstr(p[0].body_html, "Mail Storage is running with reduced redundancy "
			     "(Mail Storage 1 is unavailable)."), "%s", p[0].body_html);
	ck_assert_str_eq(p[1].summary, "[20:07 CET] one");
	pub_posts_free(p, n);
}
END_TEST

/* Nagios' is_flapping: the member is impaired and said to fail intermittently. */
START_TEST(engine_flap_detection)
{
	const int states[4] = { 0, 0, 0, 0 };
	const char *const flapping[4] = { "\tis_flapping=1\n", NULL, NULL, NULL };
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status4(states, flapping, NULL), 1000), 1);
	p = posts(&n);
	ck_assert_str_eq(p[0].title, "Email Cluster A is Degraded");
	ck_assert_msg(strstr(p[0].body_html, "Incoming Mail is running with reduced redundancy "
			     "(AV/GreyListing 1 fails intermittently)."), "%s", p[0].body_html);
	pub_posts_free(p, n);
	/* flap detection over, all OK: Online */
	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 1100), 1);
}
END_TEST

/* --- retract ------------------------------------------------------------ */

static bool exists_out(const char *rel)
{
	struct ms_buf path = MS_BUF_INIT;
	bool there;

	ms_buf_printf(&path, "%s/out/%s", fx.dir, rel);
	there = access(path.data, F_OK) == 0;
	ms_buf_free(&path);
	return there;
}

static int command(const char *a0, const char *a1, const char *a2)
{
	char *argv[] = { (char *)a0, (char *)a1, (char *)a2, NULL };
	int argc = a2 ? 3 : a1 ? 2 : 1;
	const struct pub_command *cmd = pub_command_find(a0);

	ck_assert_ptr_nonnull(cmd);
	return cmd->run(fx.cfg, argc, argv);
}

/*
 * A public note published by mistake is withdrawn: gone from every feed,
 * page and status.json, its page removed, recorded in the store; the next
 * runs (the comment still in Nagios) do not publish it again.
 */
START_TEST(retract_withdraws_for_good)
{
	struct pub_post q = { 0 };
	struct ms_buf err = MS_BUF_INIT;
	struct pub_post *p;
	bool found;
	size_t n;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 1);
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		SVC_NOTE("gw1", "greylist", 4, 1, 1010, "heather", "public: pw is hunter2")),
		1020), 1);
	assert_somewhere("hunter2");
	ck_assert(exists_out("posts/2.html"));
	ck_assert_int_eq(command("retract", "2", "--now=@1030"), PUB_EXIT_OK);
	assert_nowhere("hunter2");
	ck_assert(!exists_out("posts/2.html"));
	ck_assert(exists_out("posts/1.html"));
	p = posts(&n);
	ck_assert_uint_eq(n, 1);
	pub_posts_free(p, n);
	/* the store remembers who and when */
	ck_assert(pub_store_post_get(fx.st, 2, &q, &found, &err) && found);
	ck_assert_int_eq(q.retracted_at, 1030);
	ck_assert_ptr_nonnull(q.retracted_by);
	ck_assert(q.retracted_by[0] != '\0');
	pub_post_free(&q);
	/* the acknowledgement's words went with it */
	struct pub_incident inc = { 0 };
	ck_assert(pub_store_incident_get(fx.st, 1, &inc, &found, &err) && found);
	ck_assert_ptr_null(inc.identified_text);
	pub_incident_free(&inc);
	/* later runs with the note still there publish nothing */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		SVC_NOTE("gw1", "greylist", 4, 1, 1010, "heather", "public: pw is hunter2")),
		1100), 0);
	assert_nowhere("hunter2");
	/* twice, or a post that is not there: refused, exit 2 */
	ck_assert_int_eq(command("retract", "2", NULL), PUB_EXIT_USAGE);
	ck_assert_int_eq(command("retract", "99", NULL), PUB_EXIT_USAGE);
	ck_assert_int_eq(command("retract", "x", NULL), PUB_EXIT_USAGE);
	char *msg = temp_file("new words\n");
	ms_buf_reset(&err);
	ms_buf_printf(&err, "--message-file=%s", msg);
	ck_assert_int_eq(command("edit", "2", err.data), PUB_EXIT_USAGE);
	ck_assert_int_eq(command("edit", "1", err.data), PUB_EXIT_OK);
	assert_nowhere("hunter2");
	remove(msg);
	free(msg);
	ms_buf_free(&err);
}
END_TEST

/* An incident all of whose posts are withdrawn is listed nowhere. */
START_TEST(retract_hides_an_empty_incident)
{
	struct pub_incident *list = NULL;
	struct pub_board board;
	struct ms_buf err = MS_BUF_INIT;
	size_t n = 0;

	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1000), 1);
	ck_assert(exists_out("incidents/1.html"));
	ck_assert_int_eq(command("retract", "1", NULL), PUB_EXIT_OK);
	ck_assert(!exists_out("incidents/1.html"));
	ck_assert(!exists_out("posts/1.html"));
	assert_nowhere("incidents/1.html");
	ck_assert(pub_store_incidents(fx.st, &list, &n, &err));
	ck_assert_uint_eq(n, 0);
	free(list);
	ck_assert(pub_board_load(fx.cfg, fx.st, &board, &err));
	ck_assert_int_eq(board.clusters[0].open_incident, 0);
	pub_board_free(&board);
	/* the incident goes on in the store: an update makes it visible again */
	ck_assert_uint_eq(apply(status(2, 0, 0, 0,
		SVC_NOTE("gw1", "greylist", 1, 1, 1010, "heather", "public: on it")), 1100), 1);
	ck_assert(exists_out("incidents/1.html"));
	ms_buf_free(&err);
}
END_TEST

/*
 * A maintenance announcement withdrawn: its window and words go with its
 * post, from the status page, status.json and the In Maintenance post.
 */
START_TEST(retract_withdraws_an_announcement)
{
	const int states[4] = { 0, 0, 2, 2 };
	const char *const in_downtime[4] = { NULL, NULL, "\tscheduled_downtime_depth=1\n",
					     "\tscheduled_downtime_depth=1\n" };
	char *msg = temp_file("Storage firmware, ticket 4711 in the vault\n");
	struct ms_buf file = MS_BUF_INIT;
	struct pub_post *p;
	size_t n;

	ck_assert_uint_eq(apply(status(0, 0, 0, 0, NULL), 900), 0);
	ms_buf_printf(&file, "--message-file=%s", msg);
	char *argv[] = { "maintenance", "schedule", "--cluster=a", "--start=@950",
			 "--end=@5000", file.data, "--now=@900", NULL };
	const struct pub_command *cmd = pub_command_find("maintenance");
	ck_assert_int_eq(cmd->run(fx.cfg, 7, argv), PUB_EXIT_OK);
	assert_somewhere("ticket 4711");
	ck_assert_int_eq(command("retract", "1", "--now=@910"), PUB_EXIT_OK);
	assert_nowhere("ticket 4711");
	ck_assert_uint_eq(apply(status4(states, in_downtime,
		DOWNTIME("store1", "storage", 1, "heather", "internal")), 1000), 1);
	p = posts(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(strstr(p[0].body_html, "Email Cluster A is in scheduled maintenance."),
		      "%s", p[0].body_html);
	pub_posts_free(p, n);
	assert_nowhere("ticket 4711");
	remove(msg);
	free(msg);
	ms_buf_free(&file);
}
END_TEST

/* --- a store from before ------------------------------------------- */

/* Schema 1: as mailstatus-publish wrote it before flaps, retract and unknown states. */
static const char schema_1[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE clusters (slug TEXT PRIMARY KEY, state TEXT NOT NULL,"
	" since INTEGER NOT NULL, candidate TEXT, candidate_since INTEGER);"
	"CREATE TABLE incidents (number INTEGER PRIMARY KEY, cluster TEXT NOT NULL,"
	" title TEXT NOT NULL, opened_at INTEGER NOT NULL, resolved_at INTEGER,"
	" identified_at INTEGER, identified_text TEXT);"
	"CREATE INDEX incidents_open ON incidents (cluster, resolved_at);"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY, guid TEXT UNIQUE, cluster TEXT NOT NULL,"
	" incident INTEGER REFERENCES incidents (number), kind TEXT NOT NULL,"
	" title TEXT NOT NULL, body_html TEXT NOT NULL, summary TEXT NOT NULL,"
	" author TEXT NOT NULL, published_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL, source_key TEXT UNIQUE);"
	"CREATE INDEX posts_by_cluster ON posts (cluster, published_at);"
	"CREATE TABLE components (cluster TEXT NOT NULL, component TEXT NOT NULL,"
	" state TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (cluster, component));"
	"CREATE TABLE members (cluster TEXT NOT NULL, component TEXT NOT NULL,"
	" object TEXT NOT NULL, state TEXT NOT NULL, since INTEGER NOT NULL, output TEXT,"
	" PRIMARY KEY (cluster, component, object));"
	"CREATE TABLE maintenance (id INTEGER PRIMARY KEY, cluster TEXT NOT NULL,"
	" starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, message TEXT NOT NULL,"
	" post INTEGER REFERENCES posts (id));"
	/* Cluster A Degraded in incident 1 since 1000, as a run of then left it */
	"INSERT INTO meta VALUES ('guid_prefix', 'tag:status.example.com,2026-11-25:');"
	"INSERT INTO clusters VALUES ('a', 'degraded', 1000, NULL, NULL);"
	"INSERT INTO members VALUES ('a', 'incoming', 'gw1!greylist', 'down', 1000, 'x');"
	"INSERT INTO incidents VALUES (1, 'a', 'Email Cluster A is Degraded', 1000, NULL,"
	" NULL, NULL);"
	"INSERT INTO posts VALUES (1, 'tag:status.example.com,2026-11-25:post-1', 'a', 1,"
	" 'auto', 'Email Cluster A is Degraded', '<p>x</p>', 'x', 'Operations', 1000, 1000,"
	" NULL);"
	"PRAGMA user_version = 1;";

/*
 * A store of schema 1 (an installed publisher's, before this one): list
 * and show ask for the upgrade; a run upgrades it once, keeps every post
 * and guid, takes each state as the last known one, and takes the impact
 * it finds as told, without a post.
 */
START_TEST(store_from_before_is_upgraded)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_store *ro;
	struct pub_state_row *rows;
	struct pub_cluster_row cr;
	struct pub_post *p;
	sqlite3 *db;
	size_t n;

	pub_store_close(fx.st);
	ck_assert_int_eq(unlink(fx.cfg->store), 0);
	ck_assert_int_eq(sqlite3_open(fx.cfg->store, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, schema_1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ro = pub_store_open_readonly(fx.cfg->store, &err);
	ck_assert_ptr_null(ro);
	ck_assert_msg(strstr(ms_buf_str(&err), "made by an older mailstatus-publish (schema 1); "
			     "'mailstatus-publish render' (or the next run) upgrades it"), "%s",
		      ms_buf_str(&err));
	ms_buf_reset(&err);
	fx.st = pub_store_open(fx.cfg->store, "elsewhere.example.org", &err);
	ck_assert_msg(fx.st != NULL, "%s", ms_buf_str(&err));
	ck_assert(pub_store_cluster_get(fx.st, "a", &cr, &err));
	ck_assert_int_eq(cr.state, PUB_CLUSTER_DEGRADED);
	ck_assert_int_eq(cr.unknown_since, 0);
	ck_assert(pub_store_states(fx.st, "a", true, &rows, &n, &err));
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(rows[0].last_known, "down");
	pub_state_rows_free(rows, n);
	/* opened again, it is not upgraded twice */
	pub_store_close(fx.st);
	fx.st = pub_store_open(fx.cfg->store, "elsewhere.example.org", &err);
	ck_assert_msg(fx.st != NULL, "%s", ms_buf_str(&err));
	ck_assert_uint_eq(apply(status(2, 0, 0, 0, NULL), 1100), 0);
	p = posts(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(p[0].guid, "tag:status.example.com,2026-11-25:post-1");
	pub_posts_free(p, n);
	/* from here on changes of impact are told */
	ck_assert_uint_eq(apply(status(2, 0, 2, 0, NULL), 1200), 1);
	ro = pub_store_open_readonly(fx.cfg->store, &err);
	ck_assert_msg(ro != NULL, "%s", ms_buf_str(&err));
	pub_store_close(ro);
	ms_buf_free(&err);
}
END_TEST

/* --- the configuration ---------------------------------------------- */

static struct pub_config *load_text(const char *text, struct ms_buf *err)
{
	char *path = temp_file(text);
	struct pub_config *c = pub_config_load(path, err);

	remove(path);
	free(path);
	return c;
}

#define PUBLISHER "[publisher]\ntitle = T\nbase_url = https://s.example.com/\n" \
	"output_dir = o\nstore = s\nsource = statusdat:x\n"
#define CLUSTER "[cluster a]\nname = A\nservice = S\n[component a c]\nname = C\nmember = h\n"

static const struct { const char *text, *error; } refusals[] = {
	{ PUBLISHER "comment_prefix = \n" CLUSTER, ":7: comment_prefix is empty" },
	{ PUBLISHER "comment_prefix = 0123456789012345678901234567890123\n" CLUSTER,
	  ":7: comment_prefix must be at most 32 characters, not 34" },
	{ PUBLISHER "update_title = {cluster} at {when}\n" CLUSTER,
	  ":7: update_title: '{when}' is not {cluster}, {state}, {what} or {time}" },
	{ PUBLISHER "update_title = {cluster\n" CLUSTER,
	  ":7: update_title: '{cluster' is not {cluster}, {state}, {what} or {time}" },
	{ PUBLISHER "update_title = a } b\n" CLUSTER, ":7: update_title: a '}' without its '{'" },
	{ PUBLISHER CLUSTER "[authors]\nbob = Bob\nbob = Robert\n",
	  ":15: author 'bob' is already named on line 14" },
	{ PUBLISHER CLUSTER "[authors]\n[authors]\n", ":14: a second [authors] section" },
	{ PUBLISHER CLUSTER "[authors]\nbob = \n", ":14: an author's public name is empty" },
};

START_TEST(config_refusals)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = load_text(refusals[_i].text, &err);

	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(ms_buf_str(&err), refusals[_i].error) != NULL,
		      "want '%s', got '%s'", refusals[_i].error, ms_buf_str(&err));
	ms_buf_free(&err);
}
END_TEST

START_TEST(config_words)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = load_text(PUBLISHER "comment_prefix = [Status]\n"
		"update_title = {cluster} is {state}\n" CLUSTER
		"[authors]\nheather = Heather S.\nicingaadmin = Operations Desk\n", &err);

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_str_eq(c->comment_prefix, "[Status]");
	ck_assert_str_eq(c->update_title, "{cluster} is {state}");
	ck_assert_uint_eq(c->n_authors, 2);
	ck_assert_str_eq(pub_note_author(c, "heather"), "Heather S.");
	ck_assert_str_eq(pub_note_author(c, "icingaadmin"), "Operations Desk");
	ck_assert_str_eq(pub_note_author(c, "Heather"), "Operations");	/* exact names */
	ck_assert_str_eq(pub_note_author(c, NULL), "Operations");
	pub_config_free(c);
	/* the defaults */
	c = load_text(PUBLISHER CLUSTER, &err);
	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_str_eq(c->comment_prefix, "public:");
	ck_assert_ptr_null(c->update_title);
	ck_assert_uint_eq(c->n_authors, 0);
	pub_config_free(c);
	ms_buf_free(&err);
}
END_TEST

Suite *publish_words_suite(void)
{
	Suite *s = suite_create("publish_words");
	TCase *tc = tcase_create("words");
	TCase *det = tcase_create("details");
	TCase *hd = tcase_create("holddown");
	TCase *seed = tcase_create("seed");
	TCase *conf = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, internal_notes_stay_internal);
	tcase_add_test(tc, comment_prefix_is_configurable);
	tcase_add_test(tc, notes_carry_their_author);
	tcase_add_test(tc, downtime_comments_follow_the_rule);
	tcase_add_test(tc, internal_downtime_comment_stays_internal);
	tcase_add_test(tc, engine_flap_detection);
	tcase_add_test(tc, retract_withdraws_for_good);
	tcase_add_test(tc, retract_hides_an_empty_incident);
	tcase_add_test(tc, retract_withdraws_an_announcement);
	tcase_add_test(tc, store_from_before_is_upgraded);
	tcase_add_checked_fixture(det, setup_details, teardown);
	tcase_add_test(det, internal_notes_stay_internal_with_details);
	tcase_add_checked_fixture(hd, setup_holddown, teardown);
	tcase_add_test(hd, impact_changes_are_told);
	tcase_add_checked_fixture(seed, setup_seed_titles, teardown);
	tcase_add_test(seed, seed_titles_for_updates);
	tcase_add_test(seed, incident_says_when_it_began);
	tcase_add_loop_test(conf, config_refusals, 0,
			    (int)(sizeof(refusals) / sizeof(refusals[0])));
	tcase_add_test(conf, config_words);
	/* each run renders the site and fsyncs what it writes: slow on a busy disk */
	tcase_set_timeout(tc, 30);
	tcase_set_timeout(det, 30);
	tcase_set_timeout(hd, 30);
	tcase_set_timeout(seed, 30);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, det);
	suite_add_tcase(s, hd);
	suite_add_tcase(s, seed);
	suite_add_tcase(s, conf);
	return s;
}
