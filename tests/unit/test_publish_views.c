/*
 * Unit tests: publish.conf's [view NAME] sections (publisher/cli/conf.c,
 * conf_view.c) and a config narrowed to a view (publisher/site/site_view.c).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "helpers.h"
#include "site_view.h"
#include "test_publish_suites.h"

#define HEAD "[publisher]\ntitle = T\nbase_url = https://s.example/\n" \
	     "output_dir = /tmp/ms-views/main\nstore = /tmp/s.db\nsource = statusdat:/tmp/st.dat\n"
#define CLUSTERS "[cluster a]\nname = Cluster A\nservice = S\n" \
		 "[component a c]\nname = C\nmember = h1\n" \
		 "[cluster b]\nname = Cluster B\nservice = S\n" \
		 "[component b c]\nname = C\nmember = h2\n"
/* HEAD is lines 1-6, CLUSTERS 7-18: a [view] starts on line 19 */
#define VIEW "[view r]\ntitle = R\nbase_url = https://r.example\n" \
	     "output_dir = /tmp/ms-views/r\n"

static struct pub_config *load(const char *text, struct ms_buf *err)
{
	char *path = temp_file(text);
	struct pub_config *c = pub_config_load(path, err);

	unlink(path);
	free(path);
	return c;
}

START_TEST(view_is_read)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = load(HEAD CLUSTERS VIEW "clusters = b, a\ndescription = D\n", &err);

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_uint_eq(c->n_views, 1);
	ck_assert_str_eq(c->views[0].name, "r");
	ck_assert_str_eq(c->views[0].base_url, "https://r.example/");
	ck_assert_uint_eq(c->views[0].line, 19);
	ck_assert_uint_eq(c->views[0].n_clusters, 2);
	ck_assert_str_eq(c->views[0].clusters[0], "b");
	ck_assert_str_eq(c->views[0].clusters[1], "a");
	ck_assert_ptr_null(c->view);
	pub_config_free(c);
	ms_buf_free(&err);
}
END_TEST

/* The narrowed config: the view's words and only its clusters, in its order. */
START_TEST(narrowed_config_has_only_the_view)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = load(HEAD CLUSTERS VIEW "clusters = b\n", &err), v;

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	pub_view_narrow(c, &c->views[0], &v);
	ck_assert_str_eq(v.title, "R");
	ck_assert_str_eq(v.base_url, "https://r.example/");
	ck_assert_str_eq(v.output_dir, "/tmp/ms-views/r");
	ck_assert_ptr_null(v.description);
	ck_assert_uint_eq(v.n_clusters, 1);
	ck_assert_str_eq(v.clusters[0].name, "Cluster B");
	ck_assert_ptr_null(pub_config_cluster(&v, "a"));
	ck_assert_ptr_nonnull(pub_config_cluster(&v, "b"));
	ck_assert_ptr_eq(v.view, &c->views[0]);
	ck_assert_uint_eq(v.n_views, 0);
	pub_view_release(&v);
	ck_assert_uint_eq(c->n_clusters, 2);
	pub_config_free(c);
	ms_buf_free(&err);
}
END_TEST

static const struct {
	const char *text;
	const char *error;	/* after "PATH:" */
} bad[] = {
	{ HEAD CLUSTERS VIEW "clusters = b c\n",
	  "23: [view r]: cluster 'c' is not defined in this file ([cluster c])" },
	{ HEAD CLUSTERS VIEW "clusters = b b\n", "23: [view r]: cluster 'b' is listed twice" },
	{ HEAD CLUSTERS VIEW "clusters = ,\n", "23: [view r]: clusters names none" },
	{ HEAD CLUSTERS "[view r]\ntitle = R\nbase_url = https://r.example/\nclusters = a\n",
	  "19: [view r] has no output_dir" },
	{ HEAD CLUSTERS "[view r]\ntitle = R\nbase_url = https://r.example/\n"
	  "output_dir = /tmp/o\nclusters = a\ncolour = red\n",
	  "24: unknown key 'colour' in [view r] (title, description, base_url, output_dir, "
	  "clusters, css, logo)" },
	{ HEAD CLUSTERS "[view R]\n", "19: [view R]: a view's name is lower-case letters" },
	{ HEAD CLUSTERS VIEW "clusters = a\n" VIEW "clusters = b\n",
	  "24: view 'r' is defined twice (first on line 19)" },
	{ HEAD CLUSTERS "[view r]\ntitle = R\nbase_url = https://r.example/\n"
	  "output_dir = /tmp/ms-views/main\nclusters = a\n",
	  "19: [view r]: output_dir /tmp/ms-views/main is the main site's output_dir" },
	{ HEAD CLUSTERS "[view r]\ntitle = R\nbase_url = https://r.example/\n"
	  "output_dir = /tmp/ms-views/main/../main/r/\nclusters = a\n",
	  "19: [view r]: output_dir /tmp/ms-views/main/../main/r/ is the main site's" },
	{ HEAD CLUSTERS "[view r]\ntitle = R\nbase_url = https://r.example/\n"
	  "output_dir = /tmp/ms-views\nclusters = a\n",
	  "19: [view r]: output_dir /tmp/ms-views is the main site's output_dir" },
	{ HEAD CLUSTERS VIEW "clusters = a\n[view s]\ntitle = S\nbase_url = https://s.example/\n"
	  "output_dir = /tmp/ms-views/r/s\nclusters = b\n",
	  "24: [view s]: output_dir /tmp/ms-views/r/s is the one of [view r] (line 19)" },
	{ HEAD CLUSTERS VIEW "clusters = a\ncss = /nonexistent/r.css\n",
	  "19: [view r]: css /nonexistent/r.css cannot be read: No such file or directory" },
	{ HEAD CLUSTERS VIEW "clusters = a\ncss = /tmp\n", "19: [view r]: css /tmp is not a file" },
	{ HEAD CLUSTERS VIEW "clusters = a\nlogo = /etc/passwd\n",
	  "19: [view r]: logo /etc/passwd: its file name is published as it is" },
	{ HEAD CLUSTERS VIEW "clusters = a\nlogo = /tmp/a\"b.png\n",
	  "19: [view r]: logo /tmp/a\"b.png: its file name is published" },
	{ HEAD CLUSTERS VIEW "clusters = a\nlogo = /nonexistent/r.png\n",
	  "19: [view r]: logo /nonexistent/r.png cannot be read" },
};

START_TEST(bad_view_is_refused_with_line)
{
	char *path = temp_file(bad[_i].text);
	struct ms_buf err = MS_BUF_INIT, want = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	ck_assert_msg(c == NULL, "case %d was accepted, expected '%s'", _i, bad[_i].error);
	ms_buf_printf(&want, "%s:%s", path, bad[_i].error);
	ck_assert_msg(strncmp(err.data, want.data, want.len) == 0, "got '%s', want '%s...'",
		      err.data, want.data);
	unlink(path);
	free(path);
	ms_buf_free(&err);
	ms_buf_free(&want);
}
END_TEST

/* css and logo that exist are accepted; the logo keeps its path (copied at render). */
START_TEST(css_and_logo_files_are_accepted)
{
	char *css = temp_file("body { color: black }\n"), *dir = temp_file("");
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT, logo = MS_BUF_INIT;
	struct pub_config *c;
	FILE *fp;

	ms_buf_printf(&logo, "%s-logo.png", dir);
	fp = fopen(logo.data, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("\x89PNG", fp);
	fclose(fp);
	ms_buf_printf(&text, HEAD CLUSTERS VIEW "clusters = a\ncss = %s\nlogo = %s\n", css,
		      logo.data);
	c = load(text.data, &err);
	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_str_eq(c->views[0].css, css);
	ck_assert_str_eq(c->views[0].logo, logo.data);
	pub_config_free(c);
	unlink(css);
	unlink(dir);
	unlink(logo.data);
	free(css);
	free(dir);
	ms_buf_free(&text);
	ms_buf_free(&err);
	ms_buf_free(&logo);
}
END_TEST

Suite *publish_views_suite(void)
{
	Suite *s = suite_create("publish_views");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, view_is_read);
	tcase_add_test(tc, narrowed_config_has_only_the_view);
	tcase_add_loop_test(tc, bad_view_is_refused_with_line, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, css_and_logo_files_are_accepted);
	suite_add_tcase(s, tc);
	return s;
}
