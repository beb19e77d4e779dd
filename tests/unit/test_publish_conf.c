/* Unit tests: publish.conf parsing and validation (publisher/cli/conf.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "conf.h"
#include "helpers.h"
#include "test_publish_suites.h"

START_TEST(issue_example_is_accepted)
{
	char *path = publish_fixture("issue-example.conf");
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_str_eq(c->title, "Example Hosting System Status");
	ck_assert_str_eq(c->base_url, "https://status.example.com/");
	ck_assert_str_eq(c->output_dir, "/var/www/status");
	ck_assert_str_eq(c->store, "/var/lib/mailstatus/publish.db");
	ck_assert_str_eq(c->source, "statusdat:/var/lib/nagios4/status.dat");
	ck_assert_str_eq(c->author, "Operations");
	ck_assert_int_eq(c->hold_down, 120);
	ck_assert_int_eq(c->items, 50);
	ck_assert_int_eq(c->stale_after, 600);
	ck_assert_str_eq(c->language, "en");
	ck_assert_int_eq(c->unknown_as, PUB_MEMBER_IMPAIRED);
	ck_assert_uint_eq(c->n_clusters, 1);

	const struct pub_cluster *cl = &c->clusters[0];
	ck_assert_str_eq(cl->slug, "email-cluster-a");
	ck_assert_str_eq(cl->name, "Email Cluster A");
	ck_assert_str_eq(cl->service, "Email Service");
	ck_assert_str_eq(cl->service_slug, "email-service");
	ck_assert_uint_eq(cl->n_components, 1);

	const struct pub_component *co = &cl->components[0];
	ck_assert_str_eq(co->slug, "incoming");
	ck_assert_str_eq(co->name, "Incoming Mail");
	ck_assert(co->critical);
	ck_assert_uint_eq(co->n_members, 3);
	ck_assert_str_eq(co->members[0].host, "gw1.example.net");
	ck_assert_str_eq(co->members[0].service, "greylist");
	ck_assert_str_eq(co->members[0].public_name, "AV/GreyListing 1");
	ck_assert_uint_eq(co->members[0].line, 18);
	ck_assert_str_eq(co->members[1].public_name, "AV/GreyListing 2");
	ck_assert_str_eq(co->members[2].host, "bmx1.example.net");
	ck_assert_ptr_null(co->members[2].service);
	ck_assert_str_eq(co->members[2].public_name, "Backup MX 1");
	pub_config_free(c);
	ms_buf_free(&err);
	free(path);
}
END_TEST

START_TEST(comments_defaults_and_relative_paths)
{
	char *path = publish_fixture("comments.conf");
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_str_eq(c->title, "Comments Status");	/* "; an inline comment" gone */
	ck_assert_str_eq(c->base_url, "http://status.example.org/");
	ck_assert_str_eq(c->output_dir, FIXTURES "/out");
	ck_assert_str_eq(c->store, FIXTURES "/state/publish.db");
	ck_assert_str_eq(c->source, "statusdat:" FIXTURES "/status.dat");
	ck_assert_int_eq(c->hold_down, 120);	/* 2m */
	ck_assert_int_eq(c->stale_after, 0);
	ck_assert_int_eq(c->unknown_as, PUB_MEMBER_DOWN);
	ck_assert(c->show_details);
	ck_assert_str_eq(c->language, "en-GB");
	const struct pub_component *co = &c->clusters[0].components[0];
	ck_assert(!co->critical);
	ck_assert_str_eq(co->members[0].public_name, "Mail Storage 1");
	ck_assert_str_eq(co->members[1].public_name, "Mail Storage 2");
	ck_assert_ptr_nonnull(pub_config_cluster(c, "b"));
	ck_assert_ptr_null(pub_config_cluster(c, "a"));
	pub_config_free(c);
	ms_buf_free(&err);
	free(path);
}
END_TEST

/* Loads path, insists it fails with exactly "path:" + want. */
static void expect_error(const char *path, const char *want)
{
	struct ms_buf err = MS_BUF_INIT, full = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	ck_assert_msg(c == NULL, "%s was accepted, expected '%s'", path, want);
	ms_buf_printf(&full, "%s:%s", path, want);
	ck_assert_msg(strncmp(err.data, full.data, full.len) == 0,
		      "got '%s', want '%s...'", err.data, full.data);
	ms_buf_free(&err);
	ms_buf_free(&full);
}

START_TEST(fixture_errors_name_file_and_line)
{
	char *p1 = publish_fixture("bad-unknown-key.conf");
	char *p2 = publish_fixture("bad-long-line.conf");
	char *p3 = publish_fixture("missing.conf");

	expect_error(p1, "7: unknown key 'hold_dwon' in [publisher]");
	expect_error(p2, "12: the line is 241 characters long, libinih reads at most 198");
	expect_error(p3, " cannot open: No such file or directory");
	free(p1);
	free(p2);
	free(p3);
}
END_TEST

#define HEAD "[publisher]\ntitle = T\nbase_url = https://s.example/\n" \
	     "output_dir = /tmp/o\nstore = /tmp/s.db\nsource = statusdat:/tmp/st.dat\n"
#define CLUSTER "[cluster a]\nname = A\nservice = S\n"

static const struct {
	const char *text;
	const char *error;	/* after "PATH:" */
} bad[] = {
	{ HEAD CLUSTER "[component a c]\nname = C\n  member = h1\n",
	  "12: the line is indented; libinih would read it as the continuation" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = !svc = X\n",
	  "12: member '!svc = X': the host name is empty" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1!\n",
	  "12: member 'h1!': the service after '!' is empty" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1!s = X\nmember = h1!s = Y\n",
	  "13: member 'h1!s = Y' is already listed on line 12" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1 =\n",
	  "12: the member's public name (after '=') is empty" },
	{ HEAD "[component a c]\nname = C\nmember = h1\n",
	  "7: [component a c]: cluster 'a' is not defined above this line" },
	{ HEAD "[cluster a]\nname = A\n[component a c]\nname = C\nmember = h\n",
	  "7: [cluster a] has no service" },
	{ HEAD "[cluster Email]\nname = A\n",
	  "7: [cluster Email]: a cluster's slug is lower-case letters" },
	{ HEAD CLUSTER "[component a c]\nname = C\n",
	  "10: [component a c] has no member" },
	{ HEAD CLUSTER "[component a c]\nname = C\ncritical = maybe\nmember = h\n",
	  "12: critical must be yes or no, not 'maybe'" },
	{ HEAD CLUSTER, "7: [cluster a] has no [component a ...] section" },
	{ HEAD, " no [cluster SLUG] section: nothing to publish" },
	{ CLUSTER, " there is no [publisher] section" },
	{ "# a comment\n[publisher]\ntitle = T\n", "2: [publisher] has no base_url" },
	{ "[publisher]\nsource = nagios:/x\n",
	  "2: source: 'nagios:/x' is not a known source; write statusdat:" },
	{ "[publisher]\nsource = statusdat:\n",
	  "2: source: 'statusdat:' names no location after the ':'" },
	{ "[publisher]\nhold_down = soon\n", "2: hold_down: " },
	{ "[publisher]\nitems = 0\n", "2: items must be a whole number from 1 to 1000, not '0'" },
	{ "[publisher]\ntitle = A\ntitle = B\n", "3: title is already set in [publisher] on line 2" },
	{ "[publisher]\nthis line has no equals sign\n",
	  "2: not a section header, key = value line or comment" },
	{ "[publisher]\nbase_url = ftp://s.example/\n",
	  "2: base_url must start with http:// or https://" },
	{ "[publisher]\nbase_url = https://s.example/a b\n",
	  "2: base_url contains '?', which a URL may not hold" },
	{ "[publisher]\ntitle = bad \xff byte\n", "2: title is not valid UTF-8" },
	{ "[publisher]\nunknown_state = green\n",
	  "2: unknown_state must be up, impaired or down, not 'green'" },
	{ "[mystery]\nx = 1\n", "1: unknown section [mystery]" },
	{ "key = 1\n", "1: key 'key' outside of any section" },
	{ HEAD CLUSTER CLUSTER, "10: cluster 'a' is defined twice" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h\n"
	  "[cluster b]\nname = B\nservice = s!\n[component b c]\nname = C\nmember = h\n",
	  "13: service 's!' and service 'S' (line 7) would both be feeds/service/s.rss" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h\ncolour = red\n",
	  "13: unknown key 'colour' in [component a c]" },
	/* the response-time strip: a member of the component, a label, once */
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1!s\nmetric = h2!s:time\n",
	  "13: metric 'h2!s:time' must name a member of [component a c] and a perfdata label" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmetric = h1!s\nmember = h1!s\n",
	  "12: metric 'h1!s' must name a member of [component a c] and a perfdata label" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1!s\nmetric = h1!s:\n",
	  "13: metric 'h1!s:' names no perfdata label after the member" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1!s\nmetric = h1!s:a\n"
	  "metric = h1!s:b\n",
	  "14: metric is already set in component a c on line 13" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1!s\n"
	  "[component a d]\nname = D\nmember = h2\nmetric = h1!s:time\n",
	  "16: metric 'h1!s:time' must name a member of [component a d]" },
	{ HEAD CLUSTER "[component a c]\nname = C\nmember = h1\nmetric = h1!s:time\n",
	  "13: metric 'h1!s:time' must name a member of [component a c]" },
};

START_TEST(bad_config_is_refused_with_line)
{
	char *path = temp_file(bad[_i].text);

	expect_error(path, bad[_i].error);
	unlink(path);
	free(path);
}
END_TEST

/*
 * metric = names a member of its component (written before or after it)
 * and a label, which may hold ':' as host and service names may.
 */
START_TEST(metric_names_member_and_label)
{
	char *path = temp_file(HEAD CLUSTER "[component a c]\nname = C\n"
			       "metric = \"web 1\"!send:mail:total ms\n"
			       "member = \"web 1\"!send = Web 1\nmember = \"web 1\"!send:mail = Web 2\n"
			       "[component a d]\nname = D\nmember = h2\nmetric = h2:rta\n"
			       "[component a e]\nname = E\nmember = h3\n");
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	const struct pub_component *co = c->clusters[0].components;
	/* the longest member that fits: "web 1!send:mail", label "total ms" */
	ck_assert_uint_eq(co[0].metric_member, 1);
	ck_assert_str_eq(co[0].metric_label, "total ms");
	ck_assert_uint_eq(co[0].metric_line, 12);
	ck_assert_uint_eq(co[1].metric_member, 0);
	ck_assert_str_eq(co[1].metric_label, "rta");
	ck_assert_ptr_null(co[2].metric);
	ck_assert_ptr_null(co[2].metric_label);
	pub_config_free(c);
	ms_buf_free(&err);
	unlink(path);
	free(path);
}
END_TEST

/* libinih's limit, exactly: 198 characters and the newline pass, 199 do not */
START_TEST(longest_line)
{
	struct ms_buf text = MS_BUF_INIT, err = MS_BUF_INIT;
	const char *member = "member = h!s = ";

	for (int len = 198; len <= 199; len++) {
		ms_buf_reset(&text);
		ms_buf_puts(&text, HEAD CLUSTER "[component a c]\nname = C\n");
		ms_buf_puts(&text, member);
		for (size_t i = strlen(member); i < (size_t)len; i++)
			ms_buf_putc(&text, 'x');
		ms_buf_putc(&text, '\n');
		char *path = temp_file(text.data);
		struct pub_config *c = pub_config_load(path, &err);
		if (len == 198) {
			ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
			ck_assert_uint_eq(strlen(c->clusters[0].components[0].members[0].public_name),
					  198 - strlen(member));
		} else {
			ck_assert(c == NULL);
			ck_assert_msg(strstr(ms_buf_str(&err), ":12: the line is 199 characters long") != NULL,
				      "%s", ms_buf_str(&err));
		}
		pub_config_free(c);
		unlink(path);
		free(path);
	}
	ms_buf_free(&text);
	ms_buf_free(&err);
}
END_TEST

/*
 * The sample (contrib/publish.conf.sample, the Debian package's
 * /etc/mailstatus/publish.conf) is refused on its line "sample = yes",
 * saying what to do; with that line deleted, or "sample = no", the same
 * file is accepted.
 */
START_TEST(sample_is_refused_until_set_up)
{
	FILE *fp = fopen(CONTRIB "/publish.conf.sample", "r");
	struct ms_buf without = MS_BUF_INIT, with_no = MS_BUF_INIT, err = MS_BUF_INIT;
	char line[512], want[64];
	unsigned lineno = 0, sample_line = 0;

	ck_assert_msg(fp != NULL, "%s/publish.conf.sample", CONTRIB);
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (strcmp(line, "sample = yes\n") == 0) {
			sample_line = lineno;
			ms_buf_puts(&with_no, "sample = no\n");
			continue;
		}
		ms_buf_puts(&without, line);
		ms_buf_puts(&with_no, line);
	}
	fclose(fp);
	ck_assert_msg(sample_line > 0, "the sample has no line 'sample = yes'");
	snprintf(want, sizeof(want), "%u: this is the sample publish.conf", sample_line);
	expect_error(CONTRIB "/publish.conf.sample", want);
	pub_config_free(pub_config_load(CONTRIB "/publish.conf.sample", &err));
	ck_assert_msg(strstr(err.data, "then delete this line") != NULL, "%s", err.data);

	const char *texts[] = { without.data, with_no.data };
	for (size_t i = 0; i < 2; i++) {
		char *path = temp_file(texts[i]);
		struct pub_config *c = pub_config_load(path, &err);

		ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
		ck_assert_uint_eq(c->n_clusters, 2);
		pub_config_free(c);
		unlink(path);
		free(path);
	}
	ms_buf_free(&without);
	ms_buf_free(&with_no);
	ms_buf_free(&err);
}
END_TEST

START_TEST(slug_rule)
{
	ck_assert(pub_slug_valid("email-cluster-a"));
	ck_assert(pub_slug_valid("b2"));
	ck_assert(!pub_slug_valid(""));
	ck_assert(!pub_slug_valid("-a"));
	ck_assert(!pub_slug_valid("a-"));
	ck_assert(!pub_slug_valid("a--b"));
	ck_assert(!pub_slug_valid("A"));
	ck_assert(!pub_slug_valid("a_b"));
	ck_assert(!pub_slug_valid("../x"));
}
END_TEST

/* --- the manual and the parser -------------------------------------- */

/* A key as mailstatus-publish.conf(5) documents it. */
struct doc_key {
	char section[16];	/* "publisher", "cluster", "component" */
	char name[32];
	struct ms_buf text;	/* its paragraph, the markup taken out */
};

/* ".BR a b" -> "ab", ".B \"a b\"" -> "a b", text as it is; with a space after. */
static void add_roff_line(struct ms_buf *b, const char *line)
{
	if (line[0] != '.') {
		ms_buf_printf(b, "%s ", line);
		return;
	}
	line += strcspn(line, " ");
	for (const char *s = line; *s; s++)
		if (*s != ' ' && *s != '"')
			ms_buf_putc(b, *s);
		else if (*s == '"')
			for (s++; *s && *s != '"'; s++)
				ms_buf_putc(b, *s);
	ms_buf_putc(b, ' ');
}

/* The keys of the manual's [publisher], [cluster SLUG] and [component ...] sections. */
static size_t doc_keys(struct doc_key *keys, size_t max)
{
	FILE *fp = fopen(MANPAGES "/mailstatus-publish.conf.5", "r");
	char line[512], section[16] = "";
	bool tagged = false;
	size_t n = 0;

	ck_assert_msg(fp != NULL, "%s/mailstatus-publish.conf.5", MANPAGES);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".SH ", 4) == 0) {
			sscanf(line, ".SH \"[%15[a-z]", section);
			if (strcmp(section, "authors") == 0 || line[4] != '"')
				section[0] = '\0';	/* [authors]' keys are logins */
			tagged = false;
		} else if (strcmp(line, ".TP") == 0) {
			tagged = section[0] != '\0';
		} else if (tagged && strncmp(line, ".B ", 3) == 0) {
			ck_assert_uint_lt(n, max);
			memset(&keys[n], 0, sizeof(keys[n]));
			snprintf(keys[n].section, sizeof(keys[n].section), "%.15s", section);
			snprintf(keys[n].name, sizeof(keys[n].name), "%.31s", line + 3);
			n++;
			tagged = false;
		} else if (n > 0 && section[0] != '\0') {
			add_roff_line(&keys[n - 1].text, line);
		}
	}
	fclose(fp);
	return n;
}

static bool parser_knows(const char *section, const char *name)
{
	const char *key, *def;
	bool required;

	for (size_t i = 0; (key = pub_config_key(section, i, &required, &def)) != NULL; i++)
		if (strcmp(key, name) == 0)
			return true;
	return false;
}

/* The manual's paragraph about [section] key, or NULL. */
static const char *doc_of(struct doc_key *doc, size_t n, const char *section, const char *key)
{
	for (size_t d = 0; d < n; d++)
		if (strcmp(doc[d].section, section) == 0 && strcmp(doc[d].name, key) == 0)
			return ms_buf_str(&doc[d].text);
	return NULL;
}

/*
 * Every key the parser knows is in the manual, in its section, and the
 * manual has no key the parser does not know; a required key says
 * "Required.", a default is the manual's "Default: ...".
 */
START_TEST(manual_documents_every_key)
{
	static const char *const sections[] = { "publisher", "cluster", "component", "view",
						"subscriber", "smtp" };
	struct doc_key doc[64];
	size_t n = doc_keys(doc, 64), known = 0;
	const char *key, *def, *text;
	bool required;
	char want[80];

	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		for (size_t i = 0; (key = pub_config_key(sections[s], i, &required, &def)); i++) {
			text = doc_of(doc, n, sections[s], key);
			ck_assert_msg(text != NULL, "[%s] %s is not in mailstatus-publish.conf(5)",
				      sections[s], key);
			ck_assert_msg((strstr(text, "Required.") != NULL) == required,
				      "[%s] %s: the manual %s Required.", sections[s], key,
				      required ? "does not say" : "says");
			snprintf(want, sizeof(want), "Default: %s", def ? def : "");
			ck_assert_msg(def == NULL || strstr(text, want) != NULL,
				      "[%s] %s: the manual does not say '%s': %s", sections[s],
				      key, want, text);
			known++;
		}
	for (size_t d = 0; d < n; d++) {
		ck_assert_msg(parser_knows(doc[d].section, doc[d].name),
			      "mailstatus-publish.conf(5) documents [%s] %s, which the parser "
			      "does not know", doc[d].section, doc[d].name);
		ms_buf_free(&doc[d].text);
	}
	ck_assert_uint_eq(n, known);
}
END_TEST

/*
 * Every command of the table (--help, the message without a command) has
 * its entry in mailstatus-publish(1)'s COMMANDS, and every entry there is
 * a command of the table.
 */
START_TEST(manual_documents_every_command)
{
	FILE *fp = fopen(MANPAGES "/mailstatus-publish.1", "r");
	char line[1024], name[32];
	bool in_commands = false, tagged = false, documented[32] = { false };
	size_t n = 0;
	int end = 0;

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		bool tag = tagged;

		line[strcspn(line, "\n")] = '\0';
		tagged = in_commands && strncmp(line, ".TP", 3) == 0;
		if (strncmp(line, ".SH ", 4) == 0)
			in_commands = strncmp(line, ".SH COMMANDS", 12) == 0;
		if (!tag || strncmp(line, ".B ", 3) != 0)
			continue;
		/* the entry's first word, whole: ".B show \fIPOST-ID..." */
		ck_assert_msg(sscanf(line, ".B %31[a-z-]%n", name, &end) == 1 &&
			      strchr(" \\", line[end]) != NULL &&
			      pub_command_find(name) != NULL,
			      "mailstatus-publish(1) documents '%s', which is not a command", line);
		documented[pub_command_find(name) - pub_commands] = true;
	}
	fclose(fp);
	for (const struct pub_command *c = pub_commands; c->name; c++, n++) {
		ck_assert_uint_lt(n, 32);
		ck_assert_msg(documented[n], "mailstatus-publish(1) has no entry for '%s'",
			      c->name);
	}
}
END_TEST

Suite *publish_conf_suite(void)
{
	Suite *s = suite_create("publish_conf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, issue_example_is_accepted);
	tcase_add_test(tc, comments_defaults_and_relative_paths);
	tcase_add_test(tc, fixture_errors_name_file_and_line);
	tcase_add_loop_test(tc, bad_config_is_refused_with_line, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, metric_names_member_and_label);
	tcase_add_test(tc, longest_line);
	tcase_add_test(tc, sample_is_refused_until_set_up);
	tcase_add_test(tc, slug_rule);
	tcase_add_test(tc, manual_documents_every_key);
	tcase_add_test(tc, manual_documents_every_command);
	suite_add_tcase(s, tc);
	return s;
}
