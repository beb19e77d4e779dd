/*
 * Unit tests: the status site (publisher/site/: site*.c, page.c, board.c,
 * site_time.c; render/atom.c, statusjson.c): what the pages, the Atom feeds and
 * status.json say for a known store, that outside text stays text, and
 * that a render with nothing new rewrites nothing.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "atom.h"
#include "conf.h"
#include "helpers.h"
#include "page.h"
#include "render.h"
#include "site.h"
#include "site_time.h"
#include "site_view.h"
#include "store.h"
#include "test_publish_suites.h"
#include "text.h"

#define ATOM_SCHEMA FIXTURES "/../../../contrib/atom-profile.rng"

/* What monitoring or an operator could send: markup, quotes, &, bad bytes. */
#define HOSTILE "<script>alert(\"x\")</script> & 'q' \xff\xfe \x01\x1b[0m end"

/* 2026-11-25 16:30:00 UTC, a Wednesday */
#define NOW ((time_t)1795624200)
#define DAY 86400

static void with_tz(const char *tz)
{
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* --- site_time ----------------------------------------------------- */

static void assert_coarse(time_t secs, const char *want)
{
	struct ms_buf b = MS_BUF_INIT;

	pub_duration_coarse(&b, secs);
	ck_assert_str_eq(ms_buf_str(&b), want);
	ms_buf_free(&b);
}

static void assert_exact(time_t secs, const char *want)
{
	struct ms_buf b = MS_BUF_INIT;

	pub_duration_exact(&b, secs);
	ck_assert_str_eq(ms_buf_str(&b), want);
	ms_buf_free(&b);
}

START_TEST(durations_in_words)
{
	assert_coarse(-5, "less than a minute");
	assert_coarse(59, "less than a minute");
	assert_coarse(60, "1 minute");
	assert_coarse(3599, "59 minutes");
	assert_coarse(3600, "1 hour");
	assert_coarse(2 * DAY - 1, "47 hours");
	assert_coarse(2 * DAY, "2 days");
	assert_coarse(12 * DAY + 23 * 3600, "12 days");
	assert_exact(30, "less than a minute");
	assert_exact(13 * 60 + 59, "13 minutes");
	assert_exact(2 * 3600 + 13 * 60, "2 hours 13 minutes");
	assert_exact(3600, "1 hour");
	assert_exact(DAY + 3 * 3600 + 59 * 60, "1 day 3 hours");
	assert_exact(3 * DAY, "3 days");
}
END_TEST

START_TEST(times_in_the_configured_zone)
{
	char buf[PUB_WHEN_MAX], *saved;

	pub_timezone_use("Europe/Berlin", &saved);
	/* winter: CET, +1 */
	ck_assert_str_eq(pub_when(buf, PUB_DEFAULT_DATE_FORMAT, NOW), "25 Nov 2026 17:30 CET");
	/* summer: CEST, +2 */
	ck_assert_str_eq(pub_when(buf, PUB_TIME_FORMAT, NOW - 150 * DAY), "18:30 CEST");
	ck_assert_str_eq(pub_month(buf, (time_t)1796079600), "December 2026"); /* 00:00 CET */
	ck_assert(pub_same_day(NOW, NOW + 6 * 3600));	/* 23:30 CET */
	ck_assert(!pub_same_day(NOW, NOW + 7 * 3600));	/* 00:30 CET next day */
	pub_timezone_restore(saved);
	pub_timezone_use(NULL, &saved);
	ck_assert_str_eq(pub_when(buf, PUB_DEFAULT_DATE_FORMAT, NOW), "25 Nov 2026 16:30 UTC");
	ck_assert_str_eq(pub_month(buf, (time_t)1796079600), "November 2026");
	pub_timezone_restore(saved);
	ck_assert(pub_timezone_known("UTC"));
	ck_assert(pub_timezone_known("Europe/Berlin"));
	ck_assert(!pub_timezone_known("Nowhere/Atlantis"));
	ck_assert(!pub_timezone_known("../../etc/passwd"));
	ck_assert(!pub_timezone_known("/etc/localtime"));
	ck_assert(!pub_timezone_known(""));
}
END_TEST

/* --- page building blocks ------------------------------------------ */

static xmlChar *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	xmlChar *s;

	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
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

/* The same text as the page must show it: cleaned, never markup. */
static char *as_text(const char *s)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_xml_safe(&b, s, strlen(s));
	return ms_buf_steal(&b);
}

START_TEST(page_text_never_becomes_markup)
{
	struct pub_page_info info = {
		.site_title = "Status & <b>more</b>", .page_title = HOSTILE, .root = "../",
		.language = "en",
	};
	struct pub_page pg;
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	htmlDocPtr doc;
	char *clean = as_text(HOSTILE);

	pub_page_begin(&pg, &info);
	pub_el(pg.main, "p", "x", HOSTILE);
	pub_fragment(pub_el(pg.main, "div", "frag", NULL),
		     "<p onclick=\"evil()\">kept <strong>strong</strong> <a href=\"javascript:x\">"
		     "link text</a></p><script>alert(1)</script><style>p{}</style>"
		     "<img src=\"http://tracker.example/x.png\"><ul><li>item</li></ul>");
	ck_assert(pub_page_end(&pg, &out, &err));
	ck_assert_msg(ms_utf8_valid(out.data, out.len), "the page is not valid UTF-8");
	ck_assert_ptr_null(memchr(out.data, '\x01', out.len));
	doc = htmlReadMemory(out.data, (int)out.len, "page.html", "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	assert_xpath(doc, "count(//script)", "0");
	assert_xpath(doc, "count(//style)", "0");
	assert_xpath(doc, "count(//img)", "0");
	assert_xpath(doc, "count(//@onclick)", "0");
	assert_xpath(doc, "count(//a[starts-with(@href, 'javascript')])", "0");
	assert_xpath(doc, "string(//p[@class='x'])", clean);
	assert_xpath(doc, "string(//div[@class='frag']/p/strong)", "strong");
	assert_xpath(doc, "string(//div[@class='frag']/p)", "kept strong link text");
	assert_xpath(doc, "string(//div[@class='frag']/ul/li)", "item");
	assert_xpath(doc, "string(//link[@rel='stylesheet']/@href)", "../status.css");
	assert_xpath(doc, "count(//link[contains(@href, 'http')])", "0");
	ck_assert_ptr_nonnull(strstr(out.data, "<!DOCTYPE html>"));
	xmlFreeDoc(doc);
	free(clean);
	ms_buf_free(&out);
	ms_buf_free(&err);
}
END_TEST

/* --- Atom ----------------------------------------------------------- */

static bool valid_atom(const char *data, size_t len)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(ATOM_SCHEMA);
	xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
	xmlRelaxNGValidCtxtPtr vc;
	xmlDocPtr doc;
	int rc;

	ck_assert_msg(schema != NULL, "cannot read %s", ATOM_SCHEMA);
	doc = xmlReadMemory(data, (int)len, "feed.atom", NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "not well-formed:\n%s", data);
	vc = xmlRelaxNGNewValidCtxt(schema);
	rc = xmlRelaxNGValidateDoc(vc, doc);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pc);
	xmlFreeDoc(doc);
	return rc == 0;
}

START_TEST(atom_document)
{
	struct pub_feed_item items[] = {
		{ .title = "Email Cluster B is Degraded " HOSTILE,
		  .link = "https://status.example.com/posts/2.html",
		  .guid = "tag:status.example.com,2026-01-01:post-2",
		  .published = 1254214943, .updated = 1254215000, .author = "Heather",
		  .categories = { "Email Cluster B", "Incident 8469" },
		  .summary = "Provisioning is slow ]]> " HOSTILE,
		  .html = "<p>Provisioning is slow ]]&gt;</p>\n" },
		{ .title = "Email Cluster A is Online",
		  .link = "https://status.example.com/posts/1.html",
		  .guid = "tag:status.example.com,2026-01-01:post-1",
		  .published = 1254210000, .author = "",
		  .categories = { "Email Cluster A" }, .summary = "fine" },
	};
	struct pub_feed feed = {
		.title = "Example \xC2\xBB Email Service", .link = "https://status.example.com/",
		.description = "d", .language = "en", .updated = 1263409654,
		.items = items, .n_items = 2,
	};
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	xmlDocPtr doc;
	char *clean = as_text("Email Cluster B is Degraded " HOSTILE);

	with_tz("America/New_York");	/* Atom dates are UTC whatever TZ says */
	ck_assert_msg(pub_atom_write(&feed, "https://status.example.com/feeds/x.atom", &out,
				     &err), "%s", ms_buf_str(&err));
	with_tz(NULL);
	ck_assert_msg(valid_atom(out.data, out.len), "not our Atom profile:\n%s", out.data);
	doc = xmlReadMemory(out.data, (int)out.len, "feed.atom", NULL, XML_PARSE_NONET);
	assert_xpath(doc, "string(/a:feed/a:id)", "https://status.example.com/feeds/x.atom");
	assert_xpath(doc, "string(/a:feed/a:updated)", "2010-01-13T19:07:34Z");
	assert_xpath(doc, "count(/a:feed/a:entry)", "2");
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:id)", "tag:status.example.com,2026-01-01:post-2");
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:title)", clean);
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:published)", "2009-09-29T09:02:23Z");
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:updated)", "2009-09-29T09:03:20Z");
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:category[2]/@term)", "Incident 8469");
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:link/@href)",
		     "https://status.example.com/posts/2.html");
	assert_xpath(doc, "string(/a:feed/a:entry[1]/a:content)", "<p>Provisioning is slow ]]&gt;</p>\n");
	/* an edit-less entry is updated when published; a nameless author gets one */
	assert_xpath(doc, "string(/a:feed/a:entry[2]/a:updated)", "2009-09-29T07:40:00Z");
	assert_xpath(doc, "string(/a:feed/a:entry[2]/a:author/a:name)", "Operations");
	assert_xpath(doc, "count(/a:feed/a:entry[2]/a:content)", "0");
	xmlFreeDoc(doc);
	free(clean);
	ms_buf_free(&out);
	ms_buf_free(&err);
}
END_TEST

/* --- the whole site from a known store ------------------------------ */

struct fx {
	char *dir;
	char *conf_path;
	struct pub_config *cfg;
	struct pub_store *st;
};

static struct fx fx;

static void site_setup(void)
{
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;

	fx.dir = temp_dir();
	ms_buf_printf(&text,
		"[publisher]\ntitle = Test Status\nbase_url = https://status.example.com/\n"
		"output_dir = %s/out\nstore = %s/publish.db\nsource = statusdat:%s/status.dat\n"
		"[cluster a]\nname = Email Cluster A\nservice = Email Service\n"
		"[component a incoming]\nname = Incoming Mail\narea = Incoming mail\n"
		"member = gw1!greylist = AV/GreyListing 1\n"
		"member = gw2!greylist = <script>alert(\"gw2\")</script> & 'Co'\n"
		"member = bmx1 = Backup MX 1\n"
		"[component a storage]\nname = Mail Storage\narea = Core mail service\n"
		"impact = Some folders may look empty\n"
		"member = store1 = Mail Storage 1\nmember = store2 = Mail Storage 2\n"
		"[cluster b]\nname = Email Cluster B\nservice = Email Service\n"
		"[component b storage]\nname = Mail Storage\narea = Core mail service\n"
		"member = store1.b = Mail Storage 1\nmember = store2.b = Mail Storage 2\n",
		fx.dir, fx.dir, fx.dir);
	fx.conf_path = temp_file(text.data);
	fx.cfg = pub_config_load(fx.conf_path, &err);
	ck_assert_msg(fx.cfg != NULL, "%s", ms_buf_str(&err));
	fx.st = pub_store_open(fx.cfg->store, "status.example.com", &err);
	ck_assert_msg(fx.st != NULL, "%s", ms_buf_str(&err));
	ms_buf_free(&text);
	ms_buf_free(&err);
}

static void site_teardown(void)
{
	pub_store_close(fx.st);
	pub_config_free(fx.cfg);
	remove_tree(fx.dir);
	remove(fx.conf_path);
	free(fx.dir);
	free(fx.conf_path);
}

static void member(const char *cluster, const char *component, const char *object,
		   const char *state, time_t since)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(pub_store_member_set(fx.st, cluster, component, object, state, HOSTILE,
					   since, &err), "%s", ms_buf_str(&err));
	ms_buf_free(&err);
}

static void component(const char *cluster, const char *slug, const char *state, time_t since)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(pub_store_component_set(fx.st, cluster, slug, state, since, &err));
	ms_buf_free(&err);
}

static long post(const char *cluster, long incident, const char *title, const char *body,
		 time_t at)
{
	struct pub_post p = {
		.cluster = (char *)cluster, .incident = incident, .kind = (char *)"auto",
		.title = (char *)title, .body_html = (char *)body, .summary = (char *)title,
		.author = (char *)"Operations", .published_at = at, .updated_at = at,
	};
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(pub_store_post_add(fx.st, &p, &err), "%s", ms_buf_str(&err));
	free(p.guid);
	ms_buf_free(&err);
	return p.id;
}

/*
 * The seeds' situation at NOW (16:30 UTC): cluster A degraded since 16:10
 * with incident 2 open (two updates), gw2 red in a group that still
 * works; incident 1 (cluster A, 31 Aug, 16:57-19:09) resolved; cluster B
 * in maintenance.
 */
static void known_state(void)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_cluster_row a = { .state = PUB_CLUSTER_DEGRADED, .since = NOW - 20 * 60 };
	struct pub_cluster_row b = { .state = PUB_CLUSTER_MAINTENANCE, .since = NOW - 3600 };
	long n1, n2;

	ck_assert(pub_store_begin(fx.st, &err));
	member("a", "incoming", "gw1!greylist", "up", NOW - 12 * DAY - 3600);
	member("a", "incoming", "gw2!greylist", "down", NOW - 20 * 60);
	member("a", "incoming", "bmx1", "up", NOW - 3 * 3600);
	member("a", "storage", "store1", "up", NOW - 40 * DAY);
	member("a", "storage", "store2", "impaired", NOW - 5 * DAY);
	component("a", "incoming", "degraded", NOW - 20 * 60);
	component("a", "storage", "degraded", NOW - 5 * DAY);
	member("b", "storage", "store1.b", "maintenance", NOW - 3600);
	member("b", "storage", "store2.b", "maintenance", NOW - 3600);
	component("b", "storage", "maintenance", NOW - 3600);
	ck_assert(pub_store_cluster_put(fx.st, "a", &a, &err));
	ck_assert(pub_store_cluster_put(fx.st, "b", &b, &err));
	/* 31 Aug 2026, 16:57 - 19:09 UTC */
	ck_assert(pub_store_incident_create(fx.st, "a", "Service Down", 1788195420, &n1, &err));
	post("a", n1, "Service Down", "<p><strong>[16:57]</strong> Some users may be "
	     "experiencing issues logging in.</p>", 1788195420);
	post("a", n1, "Email Cluster A is Online", "<p><strong>[19:09]</strong> The faulty "
	     "server was removed from the cluster and repaired.</p>", 1788203340);
	ck_assert(pub_store_incident_resolve(fx.st, n1, 1788203340, &err));
	ck_assert(pub_store_incident_create(fx.st, "a", "Email Cluster A is Degraded " HOSTILE,
					    NOW - 20 * 60, &n2, &err));
	post("a", n2, "Email Cluster A is Degraded " HOSTILE,
	     "<p>One gateway is down &amp; " HOSTILE "</p><script>alert(1)</script>",
	     NOW - 20 * 60);
	post("a", n2, "Email Cluster A: Update", "<p><strong>[16:20]</strong> The gateway was "
	     "taken out of the cluster.</p>", NOW - 10 * 60);
	post("a", n2, "Email Cluster A: Issue identified", "<p><strong>[16:25]</strong> "
	     "A corrupt database.</p>", NOW - 5 * 60);
	ck_assert(pub_store_incident_identify(fx.st, n2, NOW - 5 * 60, "A corrupt database",
					      &err));
	post("b", 0, "Email Cluster B is In Maintenance", "<p>Planned work.</p>", NOW - 3600);
	ck_assert(pub_store_commit(fx.st, &err));
	ck_assert_int_eq(n1, 1);
	ck_assert_int_eq(n2, 2);
	ms_buf_free(&err);
}

static char *out_path(const char *rel)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_printf(&b, "%s/out/%s", fx.dir, rel);
	return ms_buf_steal(&b);
}

static htmlDocPtr read_page(const char *rel)
{
	char *path = out_path(rel);
	/* strict: a page must parse without errors or warnings (HTML 4 elements) */
	htmlDocPtr doc = htmlReadFile(path, NULL, HTML_PARSE_NONET);

	ck_assert_msg(doc != NULL, "%s does not parse", path);
	free(path);
	return doc;
}

static size_t render(time_t now)
{
	struct ms_buf err = MS_BUF_INIT;
	size_t changed = 0;

	pub_render_set_clock(now);
	ck_assert_msg(pub_render_all(fx.cfg, fx.st, &changed, &err), "%s", ms_buf_str(&err));
	pub_render_set_clock(0);
	ms_buf_free(&err);
	return changed;
}

static size_t render_site(time_t now)
{
	struct ms_buf err = MS_BUF_INIT;
	size_t changed = 0;

	ck_assert_msg(pub_site_render(fx.cfg, fx.st, now, &changed, &err), "%s",
		      ms_buf_str(&err));
	ms_buf_free(&err);
	return changed;
}

START_TEST(board_shows_dots_and_uptimes)
{
	htmlDocPtr doc;
	char *gw2 = as_text("<script>alert(\"gw2\")</script> & 'Co'");
	struct ms_buf expr = MS_BUF_INIT;

	known_state();
	render_site(NOW);
	doc = read_page("index.html");
	assert_xpath(doc, "count(//script)", "0");
	/* the summary: a shape and a word per cluster, and the open incident */
	assert_xpath(doc, "string(//ul[@class='summary']/li[1]/span[@class='name'])",
		     "Email Cluster A");
	assert_xpath(doc, "string(//ul[@class='summary']/li[1]//span[@class='label'])", "Degraded");
	assert_xpath(doc, "string(//ul[@class='summary']/li[1]/a/@href)", "incidents/2.html");
	assert_xpath(doc, "string(//ul[@class='summary']/li[2]//span[@class='label'])",
		     "In Maintenance");
	/* and under each cluster a line per service area, the worst of its boxes */
	assert_xpath(doc, "count(//ul[@class='summary']/li[1]/ul[@class='area-states']/li)", "2");
	assert_xpath(doc, "normalize-space(//ul[@class='summary']/li[1]/ul/li[1])",
		     "Incoming mail \xE2\x96\xB2" "Degraded");
	assert_xpath(doc, "normalize-space(//ul[@class='summary']/li[2]/ul/li[1])",
		     "Core mail service \xE2\x97\x86" "Maintenance");
	/* the board: one red square among green dots, in words too */
	assert_xpath(doc, "count(//div[@id='board-a']//li[contains(@class, 'member')])", "5");
	assert_xpath(doc, "count(//div[@id='board-a']//li[@class='member member-down'])", "1");
	ms_buf_printf(&expr, "string(//li[@class='member member-down']/span[@class='name'])");
	assert_xpath(doc, expr.data, gw2);
	assert_xpath(doc, "string(//li[@class='member member-down']/span[@class='detail'])",
		     "offline since 16:10 UTC");
	assert_xpath(doc, "string(//li[@class='member member-down']//span[@class='shape'])",
		     "\xE2\x96\xA0");
	assert_xpath(doc, "string(//li[span[@class='name']='AV/GreyListing 1']"
		     "/span[@class='detail'])", "online for 12 days");
	assert_xpath(doc, "string(//li[span[@class='name']='AV/GreyListing 1']"
		     "//span[@class='shape'])", "\xE2\x97\x8F");
	assert_xpath(doc, "string(//li[span[@class='name']='Backup MX 1']/span[@class='detail'])",
		     "online for 3 hours");
	assert_xpath(doc, "string(//div[@id='board-a']//li[span[@class='name']='Mail Storage 2']"
		     "/span[@class='detail'])", "impaired since 20 Nov 2026 16:30 UTC");
	assert_xpath(doc, "string(//div[@id='board-b']//li[span[@class='name']='Mail Storage 1']"
		     "/span[@class='detail'])", "in planned maintenance since 15:30 UTC");
	/* areas: named, coloured in config order, shared across clusters */
	assert_xpath(doc, "string(//div[@id='board-a']/div/div[1]/@class)", "area area-1");
	assert_xpath(doc, "string(//div[@id='board-a']/div/div[1]/p[@class='area-name'])",
		     "Incoming mail");
	assert_xpath(doc, "string(//div[@id='board-b']/div/div[1]/@class)", "area area-2");
	assert_xpath(doc, "string(//div[@id='board-a']/div/div[2]//p[@class='impact'])",
		     "Some folders may look empty");
	/* at the top: the open incident; below: the latest posts, newest first */
	assert_xpath(doc, "count(//div[contains(@class, 'notice-incident')])", "1");
	assert_xpath(doc, "string(//div[contains(@class, 'notice-incident')]//a/@href)",
		     "incidents/2.html");
	assert_xpath(doc, "string(//ul[@class='posts']/li[1]//a)", "Email Cluster A: Issue identified");
	assert_xpath(doc, "string(//ul[@class='posts']/li[1]//a/@href)", "posts/5.html");
	/* feeds are discoverable */
	assert_xpath(doc, "count(//link[@rel='alternate' and @type='application/atom+xml'])", "3");
	assert_xpath(doc, "string(//link[@rel='alternate' and @type='application/atom+xml'][1]/@href)",
		     "feeds/service/email-service.atom");
	xmlFreeDoc(doc);
	free(gw2);
	ms_buf_free(&expr);
}
END_TEST

START_TEST(incident_page_has_every_update_in_order)
{
	htmlDocPtr doc;
	char *title = as_text("Email Cluster A is Degraded " HOSTILE), *tail;

	known_state();
	render_site(NOW);
	doc = read_page("incidents/2.html");
	assert_xpath(doc, "count(//script)", "0");
	assert_xpath(doc, "string(//h1//span[@class='label'])", "Open");
	assert_xpath(doc, "count(//ol[@class='updates']/li)", "3");
	assert_xpath(doc, "string(//ol[@class='updates']/li[1]//h2/a)", title);
	assert_xpath(doc, "string(//ol[@class='updates']/li[2]//strong)", "[16:20]");
	assert_xpath(doc, "string(//ol[@class='updates']/li[3]//strong)", "[16:25]");
	assert_xpath(doc, "string(//ol[@class='updates']/li[3]/@id)", "post-5");
	assert_xpath(doc, "string(//ol[@class='updates']/li[3]//h2/a/@href)", "../posts/5.html");
	assert_xpath(doc, "count(//a[@href='../index.html'])", "3");
	xmlFreeDoc(doc);
	doc = read_page("incidents/1.html");
	assert_xpath(doc, "normalize-space(//h1)", "\xE2\x97\x8F" "Resolved Service Down [Resolved]");
	assert_xpath(doc, "string(//p[@class='incident-status'])",
		     "Resolved after 2 hours 12 minutes: opened 31 Aug 2026 16:57 UTC, "
		     "resolved 31 Aug 2026 19:09 UTC.");
	xmlFreeDoc(doc);
	/* a post's page links to its place on the incident page */
	doc = read_page("posts/3.html");
	assert_xpath(doc, "count(//script)", "0");
	/* the script in the stored body is dropped, the text around it stays text */
	tail = as_text("One gateway is down &  & 'q' \xff\xfe \x01\x1b[0m end");
	assert_xpath(doc, "string(//div[@class='post-body']/p)", tail);
	free(tail);
	assert_xpath(doc, "string(//ul[@class='back']/li[1]/a/@href)", "../incidents/2.html#post-3");
	xmlFreeDoc(doc);
	free(title);
}
END_TEST

START_TEST(history_by_month_with_durations)
{
	htmlDocPtr doc;

	known_state();
	render_site(NOW);
	doc = read_page("history.html");
	/* only the resolved incident; the open one is on the front page */
	assert_xpath(doc, "count(//ul[@class='history']/li)", "1");
	assert_xpath(doc, "string(//div[@class='main']/h2[1])", "August 2026");
	assert_xpath(doc, "string(//ul[@class='history']/li/h3/a)", "Service Down [Resolved]");
	assert_xpath(doc, "string(//ul[@class='history']/li/h3/a/@href)", "incidents/1.html");
	assert_xpath(doc, "string(//ul[@class='history']/li/p[@class='meta'])",
		     "Incident 1 \xC2\xB7 Email Cluster A \xC2\xB7 Resolved after 2 hours 12 "
		     "minutes: opened 31 Aug 2026 16:57 UTC, resolved 31 Aug 2026 19:09 UTC.");
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(status_json_for_machines)
{
	char *path;
	json_t *root, *a, *m;
	json_error_t jerr;

	known_state();
	render_site(NOW);
	path = out_path("status.json");
	root = json_load_file(path, 0, &jerr);
	ck_assert_msg(root != NULL, "%s: %s", path, jerr.text);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "version")), 1);
	ck_assert(json_is_false(json_object_get(root, "stale")));
	a = json_array_get(json_object_get(root, "clusters"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "slug")), "a");
	ck_assert_str_eq(json_string_value(json_object_get(a, "state")), "degraded");
	ck_assert_str_eq(json_string_value(json_object_get(a, "state_text")), "Degraded");
	ck_assert_str_eq(json_string_value(json_object_get(a, "since")), "2026-11-25T16:10:00Z");
	ck_assert_int_eq(json_integer_value(json_object_get(a, "open_incident")), 2);
	m = json_array_get(json_object_get(json_array_get(json_object_get(a, "components"), 0),
					   "members"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(m, "name")),
			 "<script>alert(\"gw2\")</script> & 'Co'");
	ck_assert_str_eq(json_string_value(json_object_get(m, "state")), "down");
	/* public names only: no host names, no plugin output */
	ck_assert_ptr_null(json_object_get(m, "host"));
	ck_assert_ptr_null(json_object_get(m, "output"));
	ck_assert_int_eq(json_array_size(json_object_get(root, "open_incidents")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(
		json_array_get(json_object_get(root, "open_incidents"), 0), "number")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(json_object_get(root, "open_incidents"), 0), "url")),
		"https://status.example.com/incidents/2.html");
	json_decref(root);
	free(path);
}
END_TEST

static time_t mtime_of(const char *rel)
{
	char *path = out_path(rel);
	struct stat sb;

	ck_assert_int_eq(stat(path, &sb), 0);
	free(path);
	return sb.st_mtime;
}

/* k was up from NOW - 2 days, `bad` from NOW - 20 minutes. */
static void history(const char *component, const char *object, const char *up,
		    const char *bad)
{
	struct pub_history_key k = { "a", component, object };
	struct ms_buf err = MS_BUF_INIT;
	time_t t;

	ck_assert(pub_store_begin(fx.st, &err));
	ck_assert(pub_store_history_note(fx.st, &k, up, 0, NOW - 2 * DAY, &t, &err));
	ck_assert(pub_store_history_note(fx.st, &k, bad, NOW - 20 * 60, NOW - 20 * 60, &t, &err));
	ck_assert(pub_store_commit(fx.st, &err));
	ms_buf_free(&err);
}

START_TEST(uptime_strips_and_cluster_history)
{
	htmlDocPtr doc;

	known_state();
	history(NULL, NULL, "online", "degraded");
	history("incoming", NULL, "operational", "degraded");
	history("incoming", "gw2!greylist", "up", "down");
	render_site(NOW);
	doc = read_page("index.html");
	assert_xpath(doc, "count(//script)", "0");
	/* a strip per cluster and per component, 90 days each, labelled */
	assert_xpath(doc, "count(//div[@id='board-a']/div[@class='uptime']/ol[@class='strip']/li)",
		     "90");
	assert_xpath(doc, "count(//div[@id='board-a']//div[contains(@class, 'box')]"
		     "/div[@class='uptime']/ol/li[span[@class='day-label']])", "180");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/ol/li[90])",
		     "25 Nov: degraded 20 min, no outage");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/ol/li[90]/@class)",
		     "day day-impaired");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/ol/li[89])",
		     "24 Nov: no outage");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/ol/li[88])",
		     "23 Nov: unknown 16 h 30 min, no outage");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/ol/li[87]/@class)",
		     "day day-unknown");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/ol/li[87])",
		     "22 Nov: no data");
	assert_xpath(doc, "string(//div[@id='board-a']/div[@class='uptime']/p)",
		     "Uptime 30 days: 100.00 % \xC2\xB7 90 days: 100.00 % (not counted over 90 "
		     "days: unknown 88 days)");
	/* the server's 30 days: 1200 s down of 2 days, 99.305 truncated */
	assert_xpath(doc, "string(//div[@id='board-a']//li[contains(@class, 'member-down')]"
		     "/span[@class='uptime'])", "30 days: 99.30 %");
	xmlFreeDoc(doc);
	doc = read_page("history.html");
	assert_xpath(doc, "string(//ul[@class='uptime-links']/li[1]/a/@href)", "history/a.html");
	xmlFreeDoc(doc);
	doc = read_page("history/a.html");
	assert_xpath(doc, "string(//h1)", "Email Cluster A: uptime history");
	assert_xpath(doc, "string(//table[@class='figures'][2]/tr[2]/th)", "November 2026");
	assert_xpath(doc, "string(//table[@class='figures'][2]/tr[2]/td[1])", "100.00 %");
	assert_xpath(doc, "count(//table[@class='figures'][2]/tr)", "2");
	assert_xpath(doc, "count(//ul[@class='history']/li)", "2");
	assert_xpath(doc, "count(//ol[@class='strip']/li)", "90");
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(nothing_new_rewrites_nothing)
{
	char *index = out_path("index.html");
	struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };

	known_state();
	ck_assert_uint_gt(render_site(NOW), 8);
	/* mark every page as old: a rewrite would show in its mtime */
	ck_assert_int_eq(utimensat(AT_FDCWD, index, old, 0), 0);
	ck_assert_uint_eq(render_site(NOW), 0);
	/* the same words on the board; status.json counts 30 more seconds of uptime */
	ck_assert_uint_eq(render_site(NOW + 30), 1);
	ck_assert_int_eq(mtime_of("index.html"), 1000000000);
	/* an hour later Backup MX 1 has been online for 4 hours: the page says so */
	ck_assert_uint_eq(render_site(NOW + 3600), 2);	/* and status.json */
	ck_assert_int_gt(mtime_of("index.html"), 1000000000);
	/* and the feeds: same store, same bytes */
	ck_assert_uint_gt(render(NOW), 0);
	ck_assert_uint_eq(render(NOW), 0);
	free(index);
}
END_TEST

START_TEST(atom_feeds_beside_rss_validate)
{
	const char *feeds[] = { "feeds/a.atom", "feeds/b.atom", "feeds/service/email-service.atom" };

	known_state();
	render(NOW);
	for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
		char *path = out_path(feeds[i]);
		FILE *fp = fopen(path, "rb");
		struct ms_buf b = MS_BUF_INIT;
		char chunk[4096];
		size_t n;

		ck_assert_msg(fp != NULL, "%s missing", path);
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			ms_buf_add(&b, chunk, n);
		fclose(fp);
		ck_assert_msg(valid_atom(b.data, b.len), "%s is not our Atom profile", path);
		if (i == 0) {
			xmlDocPtr doc = xmlReadMemory(b.data, (int)b.len, "a.atom", NULL, 0);
			/* same items as the RSS feed, linking to the posts' pages */
			assert_xpath(doc, "count(/a:feed/a:entry)", "5");
			assert_xpath(doc, "string(/a:feed/a:entry[1]/a:link/@href)",
				     "https://status.example.com/posts/5.html");
			xmlFreeDoc(doc);
		}
		ms_buf_free(&b);
		free(path);
	}
}
END_TEST

START_TEST(stale_monitoring_is_not_green)
{
	struct ms_buf err = MS_BUF_INIT;
	htmlDocPtr doc;
	char *path;
	json_t *root;

	known_state();
	ck_assert(pub_store_meta_set(fx.st, "stale_since", "1795620000", &err));
	render_site(NOW);
	doc = read_page("index.html");
	assert_xpath(doc, "count(//div[contains(@class, 'notice-stale')])", "1");
	assert_xpath(doc, "count(//li[@class='member member-up'])", "0");
	assert_xpath(doc, "count(//li[@class='member member-unknown'])", "7");
	assert_xpath(doc, "string(//ul[@class='summary']/li[1]//span[@class='label'])", "Unknown");
	xmlFreeDoc(doc);
	path = out_path("status.json");
	root = json_load_file(path, 0, NULL);
	ck_assert(json_is_true(json_object_get(root, "stale")));
	ck_assert_str_eq(json_string_value(json_object_get(root, "data_written_at")),
			 "2026-11-25T15:20:00Z");
	json_decref(root);
	free(path);
	ms_buf_free(&err);
}
END_TEST

START_TEST(configured_zone_and_format)
{
	htmlDocPtr doc;

	known_state();
	free(fx.cfg->timezone);
	fx.cfg->timezone = strdup("America/New_York");
	fx.cfg->date_format = strdup("%Y-%m-%d %H:%M %Z");
	render_site(NOW);
	doc = read_page("index.html");
	assert_xpath(doc, "string(//li[@class='member member-down']/span[@class='detail'])",
		     "offline since 11:10 EST");
	assert_xpath(doc, "string(//div[@id='board-a']//li[span[@class='name']='Mail Storage 2']"
		     "/span[@class='detail'])", "impaired since 2026-11-20 11:30 EST");
	assert_xpath(doc, "string(//div[@class='footer']/p[1])",
		     "Times are in America/New_York (EST).");
	xmlFreeDoc(doc);
	/* the zone is the page's, not the process's */
	ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

START_TEST(config_site_keys)
{
	struct ms_buf err = MS_BUF_INIT;
	char *path = temp_file("[publisher]\ntitle = T\nbase_url = https://s.example/\n"
			       "output_dir = out\nstore = db\nsource = statusdat:x\n"
			       "timezone = Mars/Olympus_Mons\n"
			       "[cluster a]\nname = A\nservice = S\n"
			       "[component a c]\nname = C\nmember = h\n");
	struct pub_config *cfg = pub_config_load(path, &err);

	ck_assert_ptr_null(cfg);
	ck_assert_msg(strstr(err.data, ":7: timezone 'Mars/Olympus_Mons' is not a time zone"),
		      "%s", err.data);
	remove(path);
	free(path);
	ms_buf_reset(&err);
	path = temp_file("[publisher]\ntitle = T\nbase_url = https://s.example/\n"
			 "output_dir = out\nstore = db\nsource = statusdat:x\n"
			 "timezone = Europe/Berlin\ndate_format = %d.%m.%Y %H:%M\n"
			 "stylesheet = site.css\n"
			 "[cluster a]\nname = A\nservice = S\n"
			 "[component a c]\nname = C\narea = Hosting\nmember = h\n");
	cfg = pub_config_load(path, &err);
	ck_assert_msg(cfg != NULL, "%s", ms_buf_str(&err));
	ck_assert_str_eq(cfg->timezone, "Europe/Berlin");
	ck_assert_str_eq(cfg->date_format, "%d.%m.%Y %H:%M");
	ck_assert_ptr_nonnull(strstr(cfg->stylesheet, "/site.css"));
	ck_assert_str_eq(cfg->clusters[0].components[0].area, "Hosting");
	pub_config_free(cfg);
	remove(path);
	free(path);
	ms_buf_free(&err);
}
END_TEST

/* The stale notice takes one of a feed's places, never one more. */
START_TEST(stale_feed_keeps_its_length)
{
	struct ms_buf err = MS_BUF_INIT;
	char *path, *text = NULL;
	size_t len = 0, items = 0;
	FILE *f;

	known_state();
	fx.cfg->items = 2;	/* fewer than cluster a's posts */
	ck_assert(pub_store_meta_set(fx.st, "stale_since", "1795620000", &err));
	render(NOW);
	path = out_path("feeds/a.rss");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ne(getdelim(&text, &len, '\0', f), -1);
	fclose(f);
	for (const char *p = text; (p = strstr(p, "<item>")) != NULL; p++)
		items++;
	ck_assert_uint_eq(items, 2);
	ck_assert_ptr_nonnull(strstr(text, "unknown: monitoring data is stale</title>"));
	free(text);
	free(path);
	ms_buf_free(&err);
}
END_TEST

/* The files under the view's directory that hold needle, for view_names_only_its_clusters. */
static const char *view_needle;
static struct ms_buf view_hits;

static int search_view_file(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	FILE *fp = type == FTW_F ? fopen(path, "rb") : NULL;
	struct ms_buf data = MS_BUF_INIT;
	char chunk[4096];
	size_t n;

	(void)sb;
	(void)f;
	if (fp == NULL)
		return 0;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ms_buf_add(&data, chunk, n);
	fclose(fp);
	ms_buf_putc(&data, '\0');
	if (strstr(data.data, view_needle))
		ms_buf_printf(&view_hits, " %s", path);
	ms_buf_free(&data);
	return 0;
}

/*
 * A view of Cluster B, rendered from the store that holds both clusters'
 * posts, incidents and maintenance: none of A's is in any of its files;
 * its own are, under its title and base URL, and its calendar has B's
 * window alone.
 */
START_TEST(view_names_only_its_clusters)
{
	struct ms_buf err = MS_BUF_INIT, dir = MS_BUF_INIT;
	char *b_slug = "b";
	struct pub_view v = { .name = "r", .title = "Reseller Status",
			      .base_url = "https://status.reseller.example/", .clusters = &b_slug,
			      .n_clusters = 1 };
	struct pub_maintenance ma = { .cluster = "a", .starts_at = NOW + DAY,
				      .ends_at = NOW + DAY + 3600, .message = "Window of A" };
	struct pub_maintenance mb = { .cluster = "b", .starts_at = NOW + 2 * DAY,
				      .ends_at = NOW + 2 * DAY + 3600, .message = "Window of B" };
	struct pub_config narrowed;
	size_t changed = 0;
	static const char *const absent[] = { "Email Cluster A", "history/a.html", "feeds/a.",
					      "incidents/1.html", "incidents/2.html",
					      "Window of A", "status.example.com/" };

	known_state();
	ck_assert(pub_store_begin(fx.st, &err));
	ck_assert(pub_store_maintenance_add(fx.st, &ma, &err));
	ck_assert(pub_store_maintenance_add(fx.st, &mb, &err));
	ck_assert(pub_store_commit(fx.st, &err));
	ms_buf_printf(&dir, "%s/view", fx.dir);
	v.output_dir = dir.data;
	pub_view_narrow(fx.cfg, &v, &narrowed);
	pub_render_set_clock(NOW);
	ck_assert_msg(pub_render_all(&narrowed, fx.st, &changed, &err), "%s", ms_buf_str(&err));
	pub_render_set_clock(0);
	pub_view_release(&narrowed);
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		view_needle = absent[i];
		ms_buf_reset(&view_hits);
		ck_assert_int_eq(nftw(dir.data, search_view_file, 16, FTW_PHYS), 0);
		ck_assert_msg(view_hits.len == 0, "'%s' is in%s", absent[i], ms_buf_str(&view_hits));
	}
	for (size_t i = 0; i < 3; i++) {
		static const char *const present[] = { "Email Cluster B is In Maintenance",
						       "Window of B", "Reseller Status" };
		view_needle = present[i];
		ms_buf_reset(&view_hits);
		ck_assert_int_eq(nftw(dir.data, search_view_file, 16, FTW_PHYS), 0);
		ck_assert_msg(view_hits.len > 0, "'%s' is in no file of the view", present[i]);
	}
	ms_buf_free(&view_hits);
	ms_buf_free(&dir);
	ms_buf_free(&err);
}
END_TEST

Suite *publish_site_suite(void)
{
	Suite *s = suite_create("publish_site");
	TCase *tc = tcase_create("parts");
	TCase *site = tcase_create("site");

	tcase_add_test(tc, durations_in_words);
	tcase_add_test(tc, times_in_the_configured_zone);
	tcase_add_test(tc, page_text_never_becomes_markup);
	tcase_add_test(tc, atom_document);
	tcase_add_test(tc, config_site_keys);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(site, site_setup, site_teardown);
	tcase_add_test(site, board_shows_dots_and_uptimes);
	tcase_add_test(site, incident_page_has_every_update_in_order);
	tcase_add_test(site, history_by_month_with_durations);
	tcase_add_test(site, status_json_for_machines);
	tcase_add_test(site, nothing_new_rewrites_nothing);
	tcase_add_test(site, atom_feeds_beside_rss_validate);
	tcase_add_test(site, stale_monitoring_is_not_green);
	tcase_add_test(site, stale_feed_keeps_its_length);
	tcase_add_test(site, configured_zone_and_format);
	tcase_add_test(site, uptime_strips_and_cluster_history);
	tcase_add_test(site, view_names_only_its_clusters);
	/* every render fsyncs each new file: slow on a busy disk, more under sanitizers */
	tcase_set_timeout(site, 30);
	suite_add_tcase(s, site);
	return s;
}
