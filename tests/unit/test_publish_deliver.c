/*
 * The deliver stage's parts: the webhook's signature (a known
 * HMAC-SHA256 vector), its JSON body, what an HTTP status means, the
 * backoff, delivery ids, a post's plain text, [subscriber] in
 * publish.conf, and the queue in the store (with the post, cancelled by
 * a retract, the post's state recorded at commit).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "deliver.h"
#include "helpers.h"
#include "queue.h"
#include "store.h"
#include "test_publish_suites.h"
#include "webhook.h"

/* Python: hmac.new(b"Jefe", b"1700000000." + b"what do ya want for nothing?", sha256) */
START_TEST(signature_is_hmac_sha256_over_time_dot_body)
{
	char sig[PUB_WEBHOOK_SIG_MAX];
	const char *body = "what do ya want for nothing?";

	pub_webhook_sign("Jefe", 4, 1700000000, body, strlen(body), sig);
	ck_assert_str_eq(sig, "1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e");
	/* another time, another signature: a replay of an old one does not pass */
	pub_webhook_sign("Jefe", 4, 1700000001, body, strlen(body), sig);
	ck_assert_str_ne(sig, "1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e");
}
END_TEST

START_TEST(body_has_the_documented_keys_in_order)
{
	struct pub_delivery_item item = {
		.delivery_id = "d", .post = 7, .guid = "tag:s.example,2026-01-01:post-7",
		.cluster = "email-cluster-a", .cluster_name = "Email Cluster A",
		.title = "Email Cluster A is \"Degraded\"", .state = "Degraded", .incident = 0,
		.url = "https://s.example/posts/7.html", .published_at = 1700000000,
		.text = "Line 1\n\nLine 2", .html = "<p>Line 1</p>\n<p>Line 2</p>",
	};
	char *body = pub_webhook_body(&item);

	ck_assert_str_eq(body, "{\"id\":\"tag:s.example,2026-01-01:post-7\",\"post\":7,"
			 "\"cluster\":\"email-cluster-a\",\"cluster_name\":\"Email Cluster A\","
			 "\"title\":\"Email Cluster A is \\\"Degraded\\\"\",\"state\":\"Degraded\","
			 "\"incident\":null,\"url\":\"https://s.example/posts/7.html\","
			 "\"published\":\"2023-11-14T22:13:20Z\",\"text\":\"Line 1\\n\\nLine 2\","
			 "\"html\":\"<p>Line 1</p>\\n<p>Line 2</p>\"}");
	free(body);
	item.incident = 3;
	body = pub_webhook_body(&item);
	ck_assert_ptr_nonnull(strstr(body, "\"incident\":3,"));
	free(body);
}
END_TEST

START_TEST(status_decides_the_outcome)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_int_eq(pub_webhook_status(200, &err), PUB_DELIVERED);
	ck_assert_int_eq(pub_webhook_status(204, &err), PUB_DELIVERED);
	ck_assert_int_eq(pub_webhook_status(410, emptied(&err)), PUB_DELIVERY_FAILED);
	ck_assert_str_eq(ms_buf_str(&err), "the receiver answered HTTP 410: refused for good");
	ck_assert_int_eq(pub_webhook_status(400, &err), PUB_DELIVERY_FAILED);
	ck_assert_int_eq(pub_webhook_status(408, &err), PUB_DELIVERY_RETRY);
	ck_assert_int_eq(pub_webhook_status(429, &err), PUB_DELIVERY_RETRY);
	ck_assert_int_eq(pub_webhook_status(500, emptied(&err)), PUB_DELIVERY_RETRY);
	ck_assert_str_eq(ms_buf_str(&err), "the receiver answered HTTP 500");
	ck_assert_int_eq(pub_webhook_status(301, &err), PUB_DELIVERY_RETRY);
	ck_assert_int_eq(pub_webhook_status(100, &err), PUB_DELIVERY_RETRY);
	ms_buf_free(&err);
}
END_TEST

START_TEST(backoff_doubles_to_an_hour_until_give_up)
{
	const time_t t0 = 1000000, day = 86400;
	time_t next = 0;

	ck_assert(pub_delivery_backoff(1, t0, t0, day, &next));
	ck_assert_int_eq(next - t0, 30);
	ck_assert(pub_delivery_backoff(2, t0, t0 + 30, day, &next));
	ck_assert_int_eq(next - (t0 + 30), 60);
	ck_assert(pub_delivery_backoff(7, t0, t0 + 5000, day, &next));
	ck_assert_int_eq(next - (t0 + 5000), 1920);
	ck_assert(pub_delivery_backoff(8, t0, t0 + 9000, day, &next));
	ck_assert_int_eq(next - (t0 + 9000), 3600);	/* 3840 capped */
	ck_assert(pub_delivery_backoff(60, t0, t0 + 9000, day, &next));
	ck_assert_int_eq(next - (t0 + 9000), 3600);	/* no overflow however many */
	/* the last try comes at the give-up time, not after it */
	ck_assert(pub_delivery_backoff(20, t0, t0 + day - 100, day, &next));
	ck_assert_int_eq(next, t0 + day);
	ck_assert(!pub_delivery_backoff(21, t0, t0 + day, day, &next));
}
END_TEST

START_TEST(delivery_id_is_stable_per_post_and_subscriber)
{
	char a[PUB_DELIVERY_ID_MAX], b[PUB_DELIVERY_ID_MAX], c[PUB_DELIVERY_ID_MAX];

	pub_delivery_id("tag:s.example,2026-01-01:post-1", "acme", a);
	pub_delivery_id("tag:s.example,2026-01-01:post-1", "acme", b);
	pub_delivery_id("tag:s.example,2026-01-01:post-1", "acme2", c);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_uint_eq(strlen(a), 32);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 32);
	/* the name's end is not the guid's: "post-1" + "1acme" is not "post-11" + "acme" */
	pub_delivery_id("tag:s.example,2026-01-01:post-11", "acme", b);
	pub_delivery_id("tag:s.example,2026-01-01:post-1", "1acme", c);
	ck_assert_str_ne(b, c);
}
END_TEST

START_TEST(body_text_keeps_paragraphs_and_breaks)
{
	char *t = pub_body_text("<p><strong>[16:57]</strong> First &amp; foremost.</p>\n"
				"<p>Line one<br/>line two</p>\n");

	ck_assert_str_eq(t, "[16:57] First & foremost.\n\nLine one\nline two");
	free(t);
	t = pub_body_text("");
	ck_assert_str_eq(t, "");
	free(t);
	ck_assert_ptr_null(pub_body_text("<p>unclosed"));
}
END_TEST

/* --- [subscriber NAME] ----------------------------------------------- */

#define HEAD "[publisher]\ntitle = T\nbase_url = https://s.example/\n" \
	     "output_dir = /tmp/o\nstore = /tmp/s.db\nsource = statusdat:/tmp/st.dat\n" \
	     "[cluster a]\nname = A\nservice = S\n[component a c]\nname = C\nmember = h\n" \
	     "[cluster b]\nname = B\nservice = S\n[component b c]\nname = C\nmember = h\n"

static char *secret(mode_t mode)
{
	char *path = temp_file("k3y\n");

	chmod(path, mode);
	return path;
}

static struct pub_config *load_text(const char *text, struct ms_buf *err)
{
	char *path = temp_file(text);
	struct pub_config *cfg = pub_config_load(path, err);

	unlink(path);
	free(path);
	return cfg;
}

START_TEST(subscribers_are_read)
{
	char *key = secret(0600);
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;
	struct pub_config *cfg;

	ms_buf_printf(&text, HEAD "[subscriber acme]\nwebhook = https://hooks.acme.example/x\n"
		      "secret_file = %s\nclusters = b, a\nevents = incidents\n"
		      "[subscriber plain]\nwebhook = http://127.0.0.1:8080/\nsecret_file = %s\n",
		      key, key);
	cfg = load_text(text.data, &err);
	ck_assert_msg(cfg != NULL, "%s", ms_buf_str(&err));
	ck_assert_uint_eq(cfg->n_subscribers, 2);
	ck_assert_str_eq(cfg->subscribers[0].name, "acme");
	ck_assert_int_eq(cfg->subscribers[0].kind, PUB_SUBSCRIBER_WEBHOOK);
	ck_assert_uint_eq(cfg->subscribers[0].n_clusters, 2);
	ck_assert_str_eq(cfg->subscribers[0].clusters[0], "b");
	ck_assert_str_eq(cfg->subscribers[0].clusters[1], "a");
	ck_assert_int_eq(cfg->subscribers[0].events, PUB_EVENTS_INCIDENTS);
	ck_assert_uint_eq(cfg->subscribers[1].n_clusters, 0);
	ck_assert_int_eq(cfg->subscribers[1].events, PUB_EVENTS_POSTS);
	ck_assert_int_eq(cfg->deliver_budget, 10);
	ck_assert_int_eq(cfg->deliver_give_up, 86400);
	ck_assert_int_eq(cfg->deliver_timeout, 15);

	struct pub_post p = { .cluster = "a", .incident = 0 };
	ck_assert(!pub_subscriber_wants(&cfg->subscribers[0], &p));	/* not an incident's */
	p.incident = 4;
	ck_assert(pub_subscriber_wants(&cfg->subscribers[0], &p));
	p.cluster = "c";
	ck_assert(!pub_subscriber_wants(&cfg->subscribers[0], &p));
	ck_assert(pub_subscriber_wants(&cfg->subscribers[1], &p));
	pub_config_free(cfg);
	unlink(key);
	free(key);
	ms_buf_free(&text);
	ms_buf_free(&err);
}
END_TEST

static const struct {
	const char *keys;	/* after [subscriber x]; %s: a secret file of mode 600 */
	const char *error;
} bad_subscribers[] = {
	{ "secret_file = %s\n", "[subscriber x] has no webhook = URL or email = ADDRESS" },
	{ "webhook = https://h.example/\n", "[subscriber x] has no secret_file" },
	{ "webhook = ftp://h.example/\nsecret_file = %s\n", "webhook must start with http://" },
	{ "webhook = https://h.example/\nemail = a@b.example\nsecret_file = %s\n",
	  "[subscriber x] has both webhook and email" },
	{ "email = ops@acme.example\n", "e-mail subscribers need the [smtp] section" },
	{ "email = not an address\n", "email must be one address, local@domain" },
	{ "email = a@b.example\nsecret_file = %s\n", "secret_file is for a webhook" },
	{ "webhook = https://h.example/\nsecret_file = %s\nclusters = a, zz\n",
	  "[subscriber x]: there is no cluster 'zz'" },
	{ "webhook = https://h.example/\nsecret_file = %s\nclusters = A\n",
	  "[subscriber x]: clusters: 'A' is not a cluster's slug" },
	/* blanks separate as commas do (as in [view]): the second is checked, not dropped */
	{ "webhook = https://h.example/\nsecret_file = %s\nclusters = a zz\n",
	  "[subscriber x]: there is no cluster 'zz'" },
	{ "webhook = https://h.example/\nsecret_file = %s\nclusters = a, a\n",
	  "[subscriber x]: cluster 'a' is listed twice" },
	{ "webhook = https://h.example/\nsecret_file = %s\nevents = all\n",
	  "events must be posts or incidents, not 'all'" },
	{ "webhook = https://h.example/\nsecret_file = %s\nsecret = x\n",
	  "unknown key 'secret' in [subscriber x] (webhook, email, clusters" },
};

START_TEST(bad_subscribers_are_refused)
{
	char *key = secret(0600);
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;
	struct pub_config *cfg;

	ms_buf_puts(&text, HEAD "[subscriber x]\n");
	for (const char *k = bad_subscribers[_i].keys; *k; k++) {
		if (k[0] == '%' && k[1] == 's')
			ms_buf_puts(&text, key), k++;
		else
			ms_buf_putc(&text, *k);
	}
	cfg = load_text(text.data, &err);
	ck_assert_ptr_null(cfg);
	ck_assert_msg(strstr(ms_buf_str(&err), bad_subscribers[_i].error) != NULL,
		      "want '%s', got '%s'", bad_subscribers[_i].error, ms_buf_str(&err));
	unlink(key);
	free(key);
	ms_buf_free(&text);
	ms_buf_free(&err);
}
END_TEST

START_TEST(secret_open_to_others_is_refused_without_saying_it)
{
	char *key = secret(0644);
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;

	ms_buf_printf(&text, HEAD "[subscriber x]\nwebhook = https://h.example/\n"
		      "secret_file = %s\n", key);
	ck_assert_ptr_null(load_text(text.data, &err));
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&err), "is open to everyone (mode 0644)"));
	ck_assert_ptr_null(strstr(ms_buf_str(&err), "k3y"));
	unlink(key);
	free(key);
	ms_buf_free(&text);
	ms_buf_free(&err);
}
END_TEST

/* --- the queue in the store ------------------------------------------ */

static long count(struct pub_store *st, const char *state)
{
	struct pub_delivery_row *rows;
	size_t n;
	long k = 0;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(pub_store_deliveries_open(st, &rows, &n, &err));
	for (size_t i = 0; i < n; i++)
		k += strcmp(rows[i].state, state) == 0;
	pub_delivery_rows_free(rows, n);
	ms_buf_free(&err);
	return k;
}

static void make_post(struct pub_post *p, const char *cluster, time_t at)
{
	pub_post_free(p);
	p->cluster = strdup(cluster);
	p->kind = strdup("manual");
	p->title = strdup("T");
	p->body_html = strdup("<p>x</p>");
	p->summary = strdup("x");
	p->author = strdup("Ops");
	p->published_at = p->updated_at = at;
}

START_TEST(posts_are_queued_with_their_transaction)
{
	char *key = secret(0600), *dir = temp_dir();
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT, db = MS_BUF_INIT;
	struct pub_config *cfg;
	struct pub_store *st;
	struct pub_post p = { 0 };
	struct pub_delivery_row *rows;
	size_t n;
	long pending;

	ms_buf_printf(&text, HEAD "[subscriber all]\nwebhook = https://h.example/\n"
		      "secret_file = %s\n[subscriber only-b]\nwebhook = https://h.example/\n"
		      "secret_file = %s\nclusters = b\n", key, key);
	cfg = load_text(text.data, &err);
	ck_assert_msg(cfg != NULL, "%s", ms_buf_str(&err));
	ms_buf_printf(&db, "%s/s.db", dir);
	st = pub_store_open(db.data, "s.example", &err);
	ck_assert_msg(st != NULL, "%s", ms_buf_str(&err));
	pub_queue_attach(cfg, st);

	/* rolled back: no post, no delivery */
	make_post(&p, "a", 100);
	ck_assert(pub_store_begin(st, &err) && pub_store_post_add(st, &p, &err));
	pub_store_rollback(st);
	ck_assert(pub_store_deliveries_pending(st, &pending, &err));
	ck_assert_int_eq(pending, 0);
	free(p.guid);
	p.guid = NULL;

	ck_assert(pub_store_begin(st, &err) && pub_store_post_add(st, &p, &err) &&
		  pub_store_commit(st, &err));
	ck_assert(pub_store_deliveries_due(st, 100, 10, &rows, &n, &err));
	ck_assert_uint_eq(n, 1);	/* only-b does not want cluster a */
	ck_assert_str_eq(rows[0].subscriber, "all");
	ck_assert_str_eq(rows[0].post_state, "online");	/* recorded at commit */
	ck_assert_str_eq(rows[0].post.guid, p.guid);
	char id[PUB_DELIVERY_ID_MAX];
	pub_delivery_id(p.guid, "all", id);
	ck_assert_str_eq(rows[0].id, id);
	pub_delivery_rows_free(rows, n);
	ck_assert(pub_store_deliveries_due(st, 99, 10, &rows, &n, &err));
	ck_assert_uint_eq(n, 0);	/* not due before it was made */
	pub_delivery_rows_free(rows, n);

	/* withdrawn: nothing is sent of it */
	ck_assert(pub_store_begin(st, &err) && pub_store_post_retract(st, p.id, 200, "ops", &err) &&
		  pub_store_commit(st, &err));
	ck_assert(pub_store_deliveries_due(st, 300, 10, &rows, &n, &err));
	ck_assert_uint_eq(n, 0);
	pub_delivery_rows_free(rows, n);
	ck_assert_int_eq(count(st, "pending"), 0);

	/* a recorded outcome; a cancelled one is not brought back */
	make_post(&p, "b", 400);
	ck_assert(pub_store_begin(st, &err) && pub_store_post_add(st, &p, &err) &&
		  pub_store_commit(st, &err));
	ck_assert(pub_store_deliveries_due(st, 400, 10, &rows, &n, &err));
	ck_assert_uint_eq(n, 2);
	ck_assert(pub_store_begin(st, &err) &&
		  pub_store_delivery_record(st, rows[0].id, "failed", 1, 400, "HTTP 410", 400, &err) &&
		  pub_store_delivery_record(st, rows[1].id, "pending", 1, 430, "HTTP 500", 400, &err) &&
		  pub_store_commit(st, &err));
	pub_delivery_rows_free(rows, n);
	ck_assert_int_eq(count(st, "failed"), 1);
	ck_assert_int_eq(count(st, "pending"), 1);
	ck_assert(pub_store_deliveries_due(st, 429, 10, &rows, &n, &err));
	ck_assert_uint_eq(n, 0);
	pub_delivery_rows_free(rows, n);
	ck_assert(pub_store_deliveries_due(st, 430, 10, &rows, &n, &err));
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rows[0].attempts, 1);
	ck_assert_str_eq(rows[0].last_error, "HTTP 500");
	pub_delivery_rows_free(rows, n);

	pub_post_free(&p);
	pub_store_close(st);
	pub_config_free(cfg);
	remove_tree(dir);
	free(dir);
	unlink(key);
	free(key);
	ms_buf_free(&text);
	ms_buf_free(&err);
	ms_buf_free(&db);
}
END_TEST

Suite *publish_deliver_suite(void)
{
	Suite *s = suite_create("publish_deliver");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, signature_is_hmac_sha256_over_time_dot_body);
	tcase_add_test(tc, body_has_the_documented_keys_in_order);
	tcase_add_test(tc, status_decides_the_outcome);
	tcase_add_test(tc, backoff_doubles_to_an_hour_until_give_up);
	tcase_add_test(tc, delivery_id_is_stable_per_post_and_subscriber);
	tcase_add_test(tc, body_text_keeps_paragraphs_and_breaks);
	tcase_add_test(tc, subscribers_are_read);
	tcase_add_loop_test(tc, bad_subscribers_are_refused, 0,
			    sizeof(bad_subscribers) / sizeof(bad_subscribers[0]));
	tcase_add_test(tc, secret_open_to_others_is_refused_without_saying_it);
	tcase_add_test(tc, posts_are_queued_with_their_transaction);
	suite_add_tcase(s, tc);
	return s;
}
