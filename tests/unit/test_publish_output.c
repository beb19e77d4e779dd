/*
 * Unit tests: what the publisher writes: dates (publisher/render/dates.c), post
 * bodies (html.c), the RSS document (rss.c) and atomic replacement
 * (atomicfile.c).
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "dates.h"
#include "helpers.h"
#include "html.h"
#include "posts.h"
#include "rss.h"
#include "store.h"
#include "test_publish_suites.h"
#include "text.h"

static void with_tz(const char *tz)
{
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

START_TEST(rfc822_utc_whatever_tz_and_locale)
{
	char buf[PUB_DATE_MAX];

	with_tz("America/New_York");
	/* German day and month names would show if formatting followed LC_TIME */
	if (setlocale(LC_TIME, "de_DE.UTF-8") == NULL)
		setlocale(LC_TIME, "C.utf8");
	ck_assert_str_eq(pub_rfc822(buf, 1263409654, false), "Wed, 13 Jan 2010 19:07:34 +0000");
	ck_assert_str_eq(pub_rfc822(buf, 0, false), "Thu, 01 Jan 1970 00:00:00 +0000");
	ck_assert_str_eq(pub_rfc3339(buf, 1263409654), "2010-01-13T19:07:34Z");
	setlocale(LC_TIME, "C");
	with_tz(NULL);
}
END_TEST

START_TEST(rfc822_local_across_dst)
{
	char buf[PUB_DATE_MAX];

	with_tz("America/New_York");
	ck_assert_str_eq(pub_rfc822(buf, 1263409654, true), "Wed, 13 Jan 2010 14:07:34 -0500");
	ck_assert_str_eq(pub_rfc822(buf, 1254215970, true), "Tue, 29 Sep 2009 05:19:30 -0400");
	/* the hour DST ends: 01:59:59 EDT, then 01:00:00 EST */
	ck_assert_str_eq(pub_rfc822(buf, 1257055199, true), "Sun, 01 Nov 2009 01:59:59 -0400");
	ck_assert_str_eq(pub_rfc822(buf, 1257055200, true), "Sun, 01 Nov 2009 01:00:00 -0500");
	with_tz("Australia/Adelaide");	/* half-hour offsets, summer in January */
	ck_assert_str_eq(pub_rfc822(buf, 1263409654, true), "Thu, 14 Jan 2010 05:37:34 +1030");
	ck_assert_str_eq(pub_rfc822(buf, 1254215970, true), "Tue, 29 Sep 2009 18:49:30 +0930");
	with_tz("UTC");
	ck_assert_str_eq(pub_rfc822(buf, 1263409654, true), "Wed, 13 Jan 2010 19:07:34 +0000");
	with_tz(NULL);
}
END_TEST

START_TEST(parse_time_forms)
{
	time_t t;

	with_tz("America/New_York");	/* command-line times are UTC regardless */
	ck_assert(pub_parse_time("2010-01-13 19:07:34", &t));
	ck_assert_int_eq(t, 1263409654);
	ck_assert(pub_parse_time("2010-01-13T19:07:34Z", &t));
	ck_assert_int_eq(t, 1263409654);
	ck_assert(pub_parse_time("2010-01-13 19:07", &t));
	ck_assert_int_eq(t, 1263409620);
	ck_assert(pub_parse_time("@1263409654", &t));
	ck_assert_int_eq(t, 1263409654);
	ck_assert(pub_parse_time("1263409654", &t));
	ck_assert(!pub_parse_time("2010-02-31 10:00", &t));
	ck_assert(!pub_parse_time("2010-01-13 25:00", &t));
	ck_assert(!pub_parse_time("yesterday", &t));
	ck_assert(!pub_parse_time("2010-01-13 19:07 UTC", &t));
	ck_assert(!pub_parse_time("", &t));
	/* a negative minute or second is not quietly moved back (fuzz_dates) */
	ck_assert(!pub_parse_time("2010-01-13 19:-1", &t));
	ck_assert(!pub_parse_time("2010-01-13 19:07:-1", &t));
	ck_assert(!pub_parse_time("2010-01-13 -1:07", &t));
	with_tz(NULL);
}
END_TEST

START_TEST(html_body_is_built_not_pasted)
{
	struct pub_html *h = pub_html_new();
	char *html, *text;
	static const char msg[] = "Service Impact:\nbriefly <b>down</b>\r\n\n\nbad \xff\x01 byte\n";

	pub_html_para(h, "a & b < c");
	pub_html_para_lead(h, "[16:57]", "It's \"fixed\"");
	pub_html_message(h, msg, sizeof(msg) - 1);
	pub_html_finish(h, &html, &text);
	ck_assert_str_eq(html,
		"<p>a &amp; b &lt; c</p>\n"
		"<p><strong>[16:57]</strong> It's \"fixed\"</p>\n"
		"<p>Service Impact:<br/>\nbriefly &lt;b&gt;down&lt;/b&gt;</p>\n"
		"<p>bad " MS_REPLACEMENT_CHAR " byte</p>\n");
	ck_assert_str_eq(text, "a & b < c\n[16:57] It's \"fixed\"\n"
			 "Service Impact: briefly <b>down</b>\nbad " MS_REPLACEMENT_CHAR " byte");
	free(html);
	free(text);
}
END_TEST

START_TEST(html_keeps_utf8)
{
	struct pub_html *h = pub_html_new();
	char *html, *text;

	pub_html_para(h, "Störung \xE2\x80\x93 behoben");
	pub_html_finish(h, &html, &text);
	ck_assert_str_eq(html, "<p>Störung \xE2\x80\x93 behoben</p>\n");
	free(html);
	free(text);
}
END_TEST

START_TEST(summary_is_shortened)
{
	char *s = pub_summary("one two three\nfour five", 3);

	ck_assert_str_eq(s, "one two three [...]");
	free(s);
	s = pub_summary("one two three", 3);
	ck_assert_str_eq(s, "one two three");
	free(s);
	s = pub_summary("", 3);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* --- RSS ----------------------------------------------------------- */

static xmlChar *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	xmlChar *s;

	xmlXPathRegisterNs(ctx, BAD_CAST "content",
			   BAD_CAST "http://purl.org/rss/1.0/modules/content/");
	xmlXPathRegisterNs(ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
	xmlXPathRegisterNs(ctx, BAD_CAST "atom", BAD_CAST "http://www.w3.org/2005/Atom");
	r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_msg(r != NULL, "%s", expr);
	s = xmlXPathCastToString(r);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return s;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	xmlChar *got = xpath_string(doc, expr);

	ck_assert_msg(strcmp((char *)got, want) == 0, "%s: got '%s', want '%s'", expr, got, want);
	xmlFree(got);
}

START_TEST(rss_document)
{
	struct pub_feed_item items[] = {
		{ .title = "Email Cluster B is Degraded <now> & \x01then\xff",
		  .link = "https://status.example.com/posts/2.html",
		  .guid = "tag:status.example.com,2026-01-01:post-2",
		  .published = 1254214943, .author = "Heather",
		  .categories = { "Email Cluster B", "Incident 8469" },
		  .summary = "Provisioning is slow ]]> [...]",
		  .html = "<p>Provisioning is slow ]]&gt;</p>\n" },
		{ .title = "Email Cluster A is Online",
		  .link = "https://status.example.com/posts/1.html",
		  .guid = "tag:status.example.com,2026-01-01:post-1",
		  .published = 1254210000, .author = "Operations",
		  .categories = { "Email Cluster A" }, .summary = "fine" },
	};
	struct pub_feed feed = {
		.title = "Example \xC2\xBB Email Service", .link = "https://status.example.com/",
		.description = "d", .self_url = "https://status.example.com/feeds/x.rss",
		.language = "en", .updated = 1263409654, .items = items, .n_items = 2,
	};
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	xmlDocPtr doc;

	with_tz("America/New_York");
	ck_assert_msg(pub_rss_write(&feed, &out, &err), "%s", ms_buf_str(&err));
	doc = xmlReadMemory(out.data, (int)out.len, "feed.rss", NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "not well-formed:\n%s", out.data);
	ck_assert(strncmp(out.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
	assert_xpath(doc, "string(/rss/@version)", "2.0");
	assert_xpath(doc, "string(/rss/channel/title)", "Example \xC2\xBB Email Service");
	assert_xpath(doc, "string(/rss/channel/atom:link/@rel)", "self");
	assert_xpath(doc, "string(/rss/channel/atom:link/@href)",
		     "https://status.example.com/feeds/x.rss");
	assert_xpath(doc, "string(/rss/channel/lastBuildDate)", "Wed, 13 Jan 2010 19:07:34 +0000");
	assert_xpath(doc, "count(/rss/channel/item)", "2");
	assert_xpath(doc, "string(/rss/channel/item[1]/title)",
		     "Email Cluster B is Degraded <now> & then" MS_REPLACEMENT_CHAR);
	assert_xpath(doc, "string(/rss/channel/item[1]/pubDate)", "Tue, 29 Sep 2009 09:02:23 +0000");
	assert_xpath(doc, "string(/rss/channel/item[1]/dc:creator)", "Heather");
	assert_xpath(doc, "count(/rss/channel/item[1]/category)", "2");
	assert_xpath(doc, "string(/rss/channel/item[1]/category[2])", "Incident 8469");
	assert_xpath(doc, "string(/rss/channel/item[1]/guid/@isPermaLink)", "false");
	assert_xpath(doc, "string(/rss/channel/item[1]/guid)",
		     "tag:status.example.com,2026-01-01:post-2");
	assert_xpath(doc, "string(/rss/channel/item[1]/content:encoded)",
		     "<p>Provisioning is slow ]]&gt;</p>\n");
	assert_xpath(doc, "count(/rss/channel/item[2]/category)", "1");
	assert_xpath(doc, "count(/rss/channel/item[2]/content:encoded)", "0");
	xmlFreeDoc(doc);
	ms_buf_free(&out);
	ms_buf_free(&err);
	with_tz(NULL);
}
END_TEST

/* --- atomic files ---------------------------------------------------- */

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(atomic_write_replace_and_skip)
{
	char *dir = temp_dir();
	struct ms_buf err = MS_BUF_INIT, path = MS_BUF_INIT, sub = MS_BUF_INIT;
	struct stat st1, st2;
	bool changed;
	char buf[16] = { 0 };
	FILE *fp;

	ck_assert_msg(pub_write_atomic(dir, "feeds/a.rss", "one", 3, &changed, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(changed);
	ms_buf_printf(&path, "%s/feeds/a.rss", dir);
	ms_buf_printf(&sub, "%s/feeds", dir);
	ck_assert_int_eq(stat(path.data, &st1), 0);
	ck_assert_int_eq(st1.st_mode & 0777, 0644);
	/* the same bytes: the file (inode) stays */
	ck_assert(pub_write_atomic(dir, "feeds/a.rss", "one", 3, &changed, &err));
	ck_assert(!changed);
	ck_assert_int_eq(stat(path.data, &st2), 0);
	ck_assert_int_eq(st1.st_ino, st2.st_ino);
	/* new bytes: a new file renamed over the old one */
	ck_assert(pub_write_atomic(dir, "feeds/a.rss", "two!", 4, &changed, &err));
	ck_assert(changed);
	ck_assert_int_eq(stat(path.data, &st2), 0);
	ck_assert_int_ne(st1.st_ino, st2.st_ino);
	fp = fopen(path.data, "r");
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf) - 1, fp), 4);
	fclose(fp);
	ck_assert_str_eq(buf, "two!");
	ck_assert_uint_eq(count_entries(sub.data), 1);	/* no temporary file left */

	/* a failure leaves the old file alone and says why */
	ck_assert(!pub_write_atomic(dir, "feeds/a.rss/x.rss", "three", 5, &changed, &err));
	ck_assert(!changed);
	ck_assert_msg(strstr(ms_buf_str(&err), "Not a directory") != NULL, "%s",
		      ms_buf_str(&err));
	fp = fopen(path.data, "r");
	memset(buf, 0, sizeof(buf));
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf) - 1, fp), 4);
	fclose(fp);
	ck_assert_str_eq(buf, "two!");

	remove_tree(dir);
	free(dir);
	ms_buf_free(&err);
	ms_buf_free(&path);
	ms_buf_free(&sub);
}
END_TEST

/* the contents of dir/rel, or "" when there is no such file */
static char *file_text(const char *dir, const char *rel)
{
	static char text[64];
	struct ms_buf path = MS_BUF_INIT;
	FILE *fp;
	size_t n = 0;

	ms_buf_printf(&path, "%s/%s", dir, rel);
	fp = fopen(path.data, "r");
	if (fp != NULL) {
		n = fread(text, 1, sizeof(text) - 1, fp);
		fclose(fp);
	}
	text[n] = '\0';
	ms_buf_free(&path);
	return text;
}

START_TEST(atomic_batch_appears_at_commit)
{
	char *dir = temp_dir();
	struct ms_buf err = MS_BUF_INIT, sub = MS_BUF_INIT, name = MS_BUF_INIT;
	bool changed;

	ck_assert(pub_write_atomic(dir, "p/a.html", "old a", 5, &changed, &err));
	ms_buf_printf(&sub, "%s/p", dir);
	pub_write_batch_begin();
	ck_assert(pub_write_atomic(dir, "p/a.html", "new a", 5, &changed, &err));
	ck_assert(changed);
	ck_assert(pub_write_atomic(dir, "p/b.html", "new b", 5, &changed, &err));
	/* the last of two writes of one file in a batch is the one */
	ck_assert(pub_write_atomic(dir, "p/a.html", "newer a", 7, &changed, &err));
	/* before the commit: the old files as they were, the new ones not there */
	ck_assert_str_eq(file_text(dir, "p/a.html"), "old a");
	ck_assert_str_eq(file_text(dir, "p/b.html"), "");
	ck_assert_msg(pub_write_batch_commit(&err), "%s", ms_buf_str(&err));
	ck_assert_str_eq(file_text(dir, "p/a.html"), "newer a");
	ck_assert_str_eq(file_text(dir, "p/b.html"), "new b");
	ck_assert_uint_eq(count_entries(sub.data), 2);	/* no temporary file left */

	/* a write of the bytes on disk after one of others: the file stays */
	pub_write_batch_begin();
	ck_assert(pub_write_atomic(dir, "p/b.html", "other", 5, &changed, &err));
	ck_assert(pub_write_atomic(dir, "p/b.html", "new b", 5, &changed, &err));
	ck_assert(!changed);
	ck_assert(pub_write_batch_commit(&err));
	ck_assert_str_eq(file_text(dir, "p/b.html"), "new b");
	ck_assert_uint_eq(count_entries(sub.data), 2);

	/* an aborted batch changes nothing and leaves no temporary file */
	pub_write_batch_begin();
	ck_assert(pub_write_atomic(dir, "p/a.html", "gone", 4, &changed, &err));
	pub_write_batch_abort();
	ck_assert_str_eq(file_text(dir, "p/a.html"), "newer a");
	ck_assert_uint_eq(count_entries(sub.data), 2);
	/* so does a begin after a step that failed before its commit */
	pub_write_batch_begin();
	ck_assert(pub_write_atomic(dir, "p/a.html", "gone", 4, &changed, &err));
	pub_write_batch_begin();
	ck_assert(pub_write_batch_commit(&err));
	ck_assert_str_eq(file_text(dir, "p/a.html"), "newer a");
	ck_assert_uint_eq(count_entries(sub.data), 2);

	/* more files than a batch holds open: all of them, in order */
	pub_write_batch_begin();
	for (int i = 0; i < 150; i++) {
		ms_buf_reset(&name);
		ms_buf_printf(&name, "many/%03d.html", i);
		ck_assert(pub_write_atomic(dir, name.data, name.data, name.len, &changed, &err));
	}
	ck_assert(pub_write_batch_commit(&err));
	ck_assert_str_eq(file_text(dir, "many/149.html"), "many/149.html");
	ck_assert_str_eq(file_text(dir, "many/000.html"), "many/000.html");
	ms_buf_reset(&sub);
	ms_buf_printf(&sub, "%s/many", dir);
	ck_assert_uint_eq(count_entries(sub.data), 150);

	remove_tree(dir);
	free(dir);
	ms_buf_free(&err);
	ms_buf_free(&sub);
	ms_buf_free(&name);
}
END_TEST

START_TEST(notes_speak_the_site_time_zone)
{
	struct pub_cluster cl = { .name = "Email Cluster A" };
	struct pub_config cfg = { .timezone = "Europe/Berlin" };
	struct pub_post p = { 0 };

	/* 2010-01-13 19:07:34 UTC is 20:07 in Berlin (CET): title and body say so */
	pub_compose_note(&cfg, &cl, PUB_CLUSTER_DEGRADED, "Update", 1263409654,
			 "The faulty server was removed", &p);
	ck_assert_str_eq(p.title, "Email Cluster A: Update at 20:07 CET");
	ck_assert_msg(strstr(p.body_html, "<strong>[20:07 CET]</strong>") != NULL, "%s",
		      p.body_html);
	ck_assert_str_eq(p.summary, "[20:07 CET] The faulty server was removed");
	cfg.timezone = NULL;
	pub_compose_note(&cfg, &cl, PUB_CLUSTER_DEGRADED, "Update", 1263409654, "x", &p);
	ck_assert_str_eq(p.title, "Email Cluster A: Update at 19:07 UTC");
	ck_assert_ptr_nonnull(strstr(p.body_html, "<strong>[19:07 UTC]</strong>"));
	/* the seed's wording: every post of an incident titled with its state */
	cfg.update_title = "{cluster} is {state}";
	pub_compose_note(&cfg, &cl, PUB_CLUSTER_DEGRADED, "Update", 1263409654, "x", &p);
	ck_assert_str_eq(p.title, "Email Cluster A is Degraded");
	cfg.update_title = "{what} {time} - {cluster} ({state})";
	pub_compose_note(&cfg, &cl, PUB_CLUSTER_OFFLINE, "Issue identified", 1263409654, "x", &p);
	ck_assert_str_eq(p.title, "Issue identified 19:07 UTC - Email Cluster A (Offline)");
	free(p.title);
	free(p.body_html);
	free(p.summary);
}
END_TEST

/* What a run killed before its rename leaves, and only that, goes. */
/* creates the empty file dir/name (path: scratch) */
static void touch_in(const char *dir, const char *name, struct ms_buf *path)
{
	ms_buf_reset(path);
	ms_buf_printf(path, "%s/%s", dir, name);
	ck_assert(fclose(fopen(path->data, "w")) == 0);
}

START_TEST(atomic_stale_temps_removed)
{
	static const char *const keep[] = { "index.html", ".htaccess", ".index.html.Ab12Cd",
					    ".index.html.mailstatus-publish-toolong" };
	static const char *const temps[] = {
		".index.html.mailstatus-publish-Ab12Cd",
		/* a page whose own name holds the marker */
		".a.mailstatus-publish-x.html.mailstatus-publish-Ij56Kl",
		".publish.db-notices.mailstatus-publish-Mn78Op",	/* this store's */
		".other.db-notices.mailstatus-publish-Ef34Gh",	/* another store's */
	};
	char *dir = temp_dir();
	struct ms_buf path = MS_BUF_INIT;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		touch_in(dir, keep[i], &path);
	for (size_t i = 0; i < sizeof(temps) / sizeof(temps[0]); i++)
		touch_in(dir, temps[i], &path);
	/* a store's directory: that store's files only */
	ck_assert_uint_eq(pub_remove_stale_temps(dir, "publish.db"), 1);
	ck_assert_uint_eq(pub_remove_stale_temps(dir, "publish.db"), 0);
	ms_buf_reset(&path);
	ms_buf_printf(&path, "%s/%s", dir, temps[3]);
	ck_assert_msg(access(path.data, F_OK) == 0, "another store's file was removed");
	/* an output directory: every one */
	ck_assert_uint_eq(pub_remove_stale_temps(dir, NULL), 3);
	ck_assert_uint_eq(count_entries(dir), sizeof(keep) / sizeof(keep[0]));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		ms_buf_reset(&path);
		ms_buf_printf(&path, "%s/%s", dir, keep[i]);
		ck_assert_msg(access(path.data, F_OK) == 0, "%s was removed", keep[i]);
	}
	ck_assert_uint_eq(pub_remove_stale_temps(dir, NULL), 0);
	ck_assert_uint_eq(pub_remove_stale_temps("/nonexistent/mailstatus", NULL), 0);

	remove_tree(dir);
	free(dir);
	ms_buf_free(&path);
}
END_TEST

START_TEST(readonly_store_creates_and_writes_nothing)
{
	char *dir = temp_dir(), path[512];
	struct ms_buf err = MS_BUF_INIT;
	struct pub_store *st;

	snprintf(path, sizeof(path), "%s/publish.db", dir);
	ck_assert_ptr_null(pub_store_open_readonly(path, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), "no store yet"), "%s", ms_buf_str(&err));
	ck_assert_int_ne(access(path, F_OK), 0);	/* list/show made no file */

	ms_buf_reset(&err);
	st = pub_store_open(path, "status.example.com", &err);
	ck_assert_msg(st != NULL, "%s", ms_buf_str(&err));
	pub_store_close(st);
	st = pub_store_open_readonly(path, &err);
	ck_assert_msg(st != NULL, "%s", ms_buf_str(&err));
	ck_assert_ptr_nonnull(strstr(pub_store_guid_prefix(st), "tag:status.example.com,"));
	ck_assert(!pub_store_meta_set(st, "probe", "x", &err));	/* it cannot write */
	pub_store_close(st);
	remove_tree(dir);
	free(dir);
	ms_buf_free(&err);
}
END_TEST

Suite *publish_output_suite(void)
{
	Suite *s = suite_create("publish_output");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rfc822_utc_whatever_tz_and_locale);
	tcase_add_test(tc, readonly_store_creates_and_writes_nothing);
	tcase_add_test(tc, notes_speak_the_site_time_zone);
	tcase_add_test(tc, rfc822_local_across_dst);
	tcase_add_test(tc, parse_time_forms);
	tcase_add_test(tc, html_body_is_built_not_pasted);
	tcase_add_test(tc, html_keeps_utf8);
	tcase_add_test(tc, summary_is_shortened);
	tcase_add_test(tc, rss_document);
	tcase_add_test(tc, atomic_write_replace_and_skip);
	tcase_add_test(tc, atomic_stale_temps_removed);
	tcase_add_test(tc, atomic_batch_appears_at_commit);
	suite_add_tcase(s, tc);
	return s;
}
