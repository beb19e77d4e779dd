/*
 * Unit tests: the Icinga 2 API source (publisher/source/icinga2.c), on
 * answers a real Icinga 2.13 gave to the source's own queries (saved in
 * tests/fixtures/publisher/icinga2/), on those answers cut or changed,
 * and on the checks it makes before it connects anywhere.
 */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "engines_suites.h"
#include "helpers.h"
#include "source.h"
#include "icinga2.h"
#include "perfparse.h"

/* What the saved answers are about, plus one object Icinga does not have. */
enum { GW1, GW1_GREYLIST, STORE1, STORE1_STORAGE, BMX1, NOSUCH };

static void want(struct pub_snapshot *s)
{
	pub_snapshot_init(s);
	ck_assert_uint_eq(pub_snapshot_want(s, "gw1.example.net", NULL), GW1);
	ck_assert_uint_eq(pub_snapshot_want(s, "gw1.example.net", "greylist"), GW1_GREYLIST);
	ck_assert_uint_eq(pub_snapshot_want(s, "store1.example.net", NULL), STORE1);
	ck_assert_uint_eq(pub_snapshot_want(s, "store1.example.net", "mail storage"),
			  STORE1_STORAGE);
	ck_assert_uint_eq(pub_snapshot_want(s, "bmx1.example.net", NULL), BMX1);
	ck_assert_uint_eq(pub_snapshot_want(s, "nosuch.example.net", "imap"), NOSUCH);
}

static char *slurp(const char *name, size_t *len)
{
	char *path = engines_fixture(name);
	FILE *fp = fopen(path, "rb");
	char *data;
	long n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	free(path);
	*len = (size_t)n;
	return data;
}

static bool parse_fixture(enum pub_icinga2_query q, const char *name,
			  struct pub_snapshot *s, struct ms_buf *err)
{
	size_t len;
	char *data = slurp(name, &len);
	bool ok = pub_icinga2_parse(q, data, len, s, err);

	free(data);
	return ok;
}

START_TEST(hosts_answer)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(parse_fixture(PUB_I2_HOSTS, "icinga2/hosts.json", &s, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(s.objects[GW1].seen);
	ck_assert_int_eq(s.objects[GW1].hard_state, 0);
	ck_assert_str_eq(s.objects[GW1].output, "PING OK");
	ck_assert(s.objects[STORE1].seen);
	/* a host answer says nothing of services */
	ck_assert(!s.objects[GW1_GREYLIST].seen);
	ck_assert(!s.objects[NOSUCH].seen);
	/* bmx1 is DOWN but SOFT: its last HARD state is what counts */
	ck_assert(s.objects[BMX1].seen);
	ck_assert_int_eq(s.objects[BMX1].hard_state, 1);
	ck_assert_str_eq(s.objects[BMX1].output, "PING CRITICAL - Packet loss = 100%");
	ck_assert_int_eq(s.objects[GW1].last_hard_change, 1795612334);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(services_answer)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	const struct pub_object *gl, *st;

	want(&s);
	ck_assert_msg(parse_fixture(PUB_I2_SERVICES, "icinga2/services.json", &s, &err),
		      "%s", ms_buf_str(&err));
	gl = &s.objects[GW1_GREYLIST];
	st = &s.objects[STORE1_STORAGE];
	ck_assert(gl->seen && st->seen);
	ck_assert_int_eq(gl->hard_state, 2);
	ck_assert(gl->acknowledged);
	ck_assert_int_eq(gl->downtime_depth, 0);
	/* UTF-8 from the plugin survives; the perfdata is not part of the output */
	ck_assert_str_eq(gl->output, "GREYLIST CRITICAL - no answer from 127.0.0.1:10023 "
			 "\xe2\x80\x93 \xe2\x80\x9cquoted\xe2\x80\x9d ");
	ck_assert_int_eq(st->hard_state, 0);
	ck_assert_int_eq(st->downtime_depth, 1);
	ck_assert(!st->acknowledged);
	ck_assert(!s.objects[GW1].seen);
	/* the perfdata, for a response-time strip, at its check's time */
	ck_assert_str_eq(gl->perfdata, "time=10s;1;3;0");
	ck_assert_int_eq(gl->perfdata_at, 1795612355);
	ck_assert_ptr_null(st->perfdata);	/* [] */
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(comments_answer)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(parse_fixture(PUB_I2_COMMENTS, "icinga2/comments.json", &s, &err),
		      "%s", ms_buf_str(&err));
	ck_assert_uint_eq(s.n_comments, 2);
	ck_assert_uint_eq(s.comments[0].object, GW1_GREYLIST);
	ck_assert_int_eq(s.comments[0].kind, PUB_COMMENT_ACK);
	ck_assert_str_eq(s.comments[0].author, "alice");
	ck_assert_str_eq(s.comments[0].text, "Looking into postgrey");
	ck_assert_uint_eq(s.comments[0].id, 1);
	ck_assert_int_eq(s.comments[0].entry_time, 1795612339);
	ck_assert_int_eq(s.comments[1].kind, PUB_COMMENT_USER);
	/* kept as text: the renderers escape it */
	ck_assert_str_eq(s.comments[1].text, "The <b>database</b> was full & is being cleaned");
	ck_assert_uint_eq(s.comments[1].id, 2);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(no_comments_answer)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert(parse_fixture(PUB_I2_COMMENTS, "icinga2/comments-none.json", &s, &err));
	ck_assert_uint_eq(s.n_comments, 0);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(downtimes_answer)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(parse_fixture(PUB_I2_DOWNTIMES, "icinga2/downtimes.json", &s, &err),
		      "%s", ms_buf_str(&err));
	ck_assert_uint_eq(s.n_downtimes, 1);
	ck_assert_uint_eq(s.downtimes[0].object, STORE1_STORAGE);
	ck_assert_int_eq(s.downtimes[0].start, 1795612339);
	ck_assert_int_eq(s.downtimes[0].end, 1795615939);
	ck_assert_str_eq(s.downtimes[0].author, "ops");
	ck_assert_str_eq(s.downtimes[0].text, "Storage firmware upgrade");
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* A saved answer to change, and the attrs of its first result. */
static json_t *fixture_json(const char *name, json_t **attrs)
{
	size_t len;
	char *data = slurp(name, &len);
	json_t *root = json_loadb(data, len, 0, NULL);

	free(data);
	ck_assert_ptr_nonnull(root);
	*attrs = json_object_get(json_array_get(json_object_get(root, "results"), 0), "attrs");
	return root;
}

/* Parses a changed answer, as the API would send it, into s (set up here). */
static bool parse_json(enum pub_icinga2_query q, json_t *root, struct pub_snapshot *s,
		       struct ms_buf *err)
{
	char *text = json_dumps(root, 0);
	bool ok;

	want(s);
	ok = pub_icinga2_parse(q, text, strlen(text), s, err);
	free(text);
	return ok;
}

/* The saved downtime answer with was_cancelled turned true. */
START_TEST(cancelled_downtime_is_skipped)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	json_t *attrs, *root = fixture_json("icinga2/downtimes.json", &attrs);

	json_object_set_new(attrs, "was_cancelled", json_true());
	ck_assert(parse_json(PUB_I2_DOWNTIMES, root, &s, &err));
	ck_assert_uint_eq(s.n_downtimes, 0);
	json_decref(root);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* attr removed (or set to value) in the first service of the saved answer */
static bool parse_changed_service(const char *attr, json_t *value, struct ms_buf *err)
{
	struct pub_snapshot s;
	json_t *attrs, *root = fixture_json("icinga2/services.json", &attrs);
	bool ok;

	if (value)
		json_object_set_new(attrs, attr, value);
	else
		json_object_del(attrs, attr);
	ok = parse_json(PUB_I2_SERVICES, root, &s, err);
	json_decref(root);
	pub_snapshot_free(&s);
	return ok;
}

START_TEST(missing_state_names_the_object)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!parse_changed_service("state", NULL, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the API's answer for store1.example.net!"
			 "mail storage: state is missing");
	ms_buf_free(&err);
}
END_TEST

/* Icinga's own flap detection ("flapping": true) reaches the model; absent is false. */
START_TEST(flapping_is_read)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_snapshot s;
	json_t *attrs, *root = fixture_json("icinga2/services.json", &attrs);

	json_object_set_new(attrs, "flapping", json_true());
	ck_assert_msg(parse_json(PUB_I2_SERVICES, root, &s, &err), "%s", ms_buf_str(&err));
	ck_assert(s.objects[STORE1_STORAGE].flapping);
	ck_assert(!s.objects[GW1_GREYLIST].flapping);
	json_decref(root);
	pub_snapshot_free(&s);
	ck_assert(!parse_changed_service("flapping", json_string("yes"), &err));
	ck_assert_str_eq(ms_buf_str(&err), "the API's answer for store1.example.net!"
			 "mail storage: flapping is not a number");
	ms_buf_free(&err);
}
END_TEST

/*
 * Icinga's answer for an object it has not checked yet: DOWN/UNKNOWN, no
 * result. It is reported and pending (unknown), as has_been_checked=0 is
 * in a status.dat; its DOWN/UNKNOWN is not taken.
 */
START_TEST(pending_object_is_seen_and_pending)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_snapshot s;
	json_t *attrs, *root = fixture_json("icinga2/services.json", &attrs);

	json_object_set_new(attrs, "last_check_result", json_null());
	json_object_set_new(attrs, "state", json_integer(3));
	json_object_set_new(attrs, "last_hard_state", json_integer(3));
	ck_assert(parse_json(PUB_I2_SERVICES, root, &s, &err));
	ck_assert(s.objects[STORE1_STORAGE].seen);
	ck_assert(s.objects[STORE1_STORAGE].pending);
	ck_assert_int_eq(s.objects[STORE1_STORAGE].hard_state, 0);
	ck_assert_int_eq(s.objects[STORE1_STORAGE].last_check, 0);
	ck_assert(s.objects[GW1_GREYLIST].seen);
	ck_assert(!s.objects[GW1_GREYLIST].pending);
	/* when it was checked: the result's end */
	ck_assert_int_gt(s.objects[GW1_GREYLIST].last_check, 1795600000);
	json_decref(root);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* The IcingaApplication: whether Icinga runs active checks at all. */
START_TEST(application_answer)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_snapshot s;
	json_t *attrs, *root = fixture_json("icinga2/application.json", &attrs);

	ck_assert(parse_json(PUB_I2_APPLICATION, root, &s, &err));
	ck_assert(!s.host_checks_disabled && !s.service_checks_disabled);
	pub_snapshot_free(&s);
	json_object_set_new(attrs, "enable_service_checks", json_false());
	ck_assert(parse_json(PUB_I2_APPLICATION, root, &s, &err));
	ck_assert(s.service_checks_disabled && !s.host_checks_disabled);
	pub_snapshot_free(&s);
	json_object_set_new(attrs, "enable_host_checks", json_string("no"));
	ck_assert(!parse_json(PUB_I2_APPLICATION, root, &s, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the API's answer for the IcingaApplication: "
			 "enable_host_checks is not a number");
	json_decref(root);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
	/* asked for the switches alone, of no host */
	char *body = pub_icinga2_request(PUB_I2_APPLICATION, &s);
	root = json_loads(body, 0, NULL);
	ck_assert_ptr_null(json_object_get(root, "filter"));
	ck_assert_uint_eq(json_array_size(json_object_get(root, "attrs")), 2);
	ck_assert_str_eq(pub_icinga2_path(PUB_I2_APPLICATION), "/v1/objects/icingaapplications");
	json_decref(root);
	free(body);
}
END_TEST

START_TEST(state_out_of_range)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!parse_changed_service("state", json_integer(4), &err));
	ck_assert(strstr(ms_buf_str(&err), "state is out of range") != NULL);
	ms_buf_reset(&err);
	ck_assert(!parse_changed_service("state_type", json_string("1"), &err));
	ck_assert(strstr(ms_buf_str(&err), "state_type is not a number") != NULL);
	ms_buf_reset(&err);
	ck_assert(!parse_changed_service("downtime_depth", json_real(-1), &err));
	ck_assert(strstr(ms_buf_str(&err), "downtime_depth is out of range") != NULL);
	ms_buf_free(&err);
}
END_TEST

/*
 * A boolean where a number belongs counts as 0 or 1 (acknowledgement, by
 * some versions), and is range-checked like the number: a comment's
 * entry_type false is no kind of comment (found by fuzz_icinga2_json).
 */
START_TEST(boolean_in_range_only)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_snapshot s;
	json_t *attrs, *root = fixture_json("icinga2/comments.json", &attrs);

	ck_assert(parse_changed_service("acknowledgement", json_true(), &err));
	json_object_set_new(attrs, "entry_type", json_false());
	ck_assert(!parse_json(PUB_I2_COMMENTS, root, &s, &err));
	ck_assert(strstr(ms_buf_str(&err), "entry_type is out of range") != NULL);
	json_decref(root);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(output_with_control_characters_is_cleaned)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	json_t *attrs, *root = fixture_json("icinga2/services.json", &attrs);
	json_t *cr = json_object_get(attrs, "last_check_result");

	json_object_set_new(cr, "output", json_stringn("a\x1b[31mb\0c", 10));
	ck_assert(parse_json(PUB_I2_SERVICES, root, &s, &err));
	ck_assert(s.objects[STORE1_STORAGE].output != NULL);
	ck_assert(strchr(s.objects[STORE1_STORAGE].output, '\x1b') == NULL);
	ck_assert(strstr(s.objects[STORE1_STORAGE].output, "a") != NULL);
	json_decref(root);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* Several items, and the PerfdataValue objects some checks give, become one line. */
START_TEST(performance_data_items_join)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	json_t *attrs, *root = fixture_json("icinga2/services.json", &attrs);
	json_t *cr = json_object_get(attrs, "last_check_result");
	json_t *list = json_pack("[s, {s:s, s:f, s:s}, {s:s, s:f}, i]", "'send total'=0.52s;1;2",
				 "label", "it's login", "value", 0.25, "unit", "s",
				 "label", "count", "value", 3.0, 7);

	json_object_set_new(cr, "performance_data", list);
	ck_assert(parse_json(PUB_I2_SERVICES, root, &s, &err));
	ck_assert_str_eq(s.objects[STORE1_STORAGE].perfdata,
			 "'send total'=0.52s;1;2 'it''s login'=0.25s 'count'=3");
	struct pub_perf_item it;
	ck_assert(pub_perfdata_find(s.objects[STORE1_STORAGE].perfdata, "it's login", &it));
	ck_assert(it.value == 0.25 && strcmp(it.unit, "s") == 0);
	json_decref(root);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(not_the_api)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	size_t len;
	char *data = slurp("icinga2/services.json", &len);

	want(&s);
	/* cut in the middle: not JSON any more */
	ck_assert(!pub_icinga2_parse(PUB_I2_SERVICES, data, len / 2, &s, &err));
	ck_assert(strstr(ms_buf_str(&err), "/v1/objects/services is not JSON") != NULL);
	ms_buf_reset(&err);
	ck_assert(!pub_icinga2_parse(PUB_I2_HOSTS, "{\"error\":404}", 13, &s, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the answer to /v1/objects/hosts has no "
			 "\"results\" list");
	ms_buf_reset(&err);
	ck_assert(!pub_icinga2_parse(PUB_I2_HOSTS, "{\"results\":[1]}", 15, &s, &err));
	ck_assert_str_eq(ms_buf_str(&err), "result 1 of /v1/objects/hosts has no \"attrs\"");
	ms_buf_reset(&err);
	ck_assert(!pub_icinga2_parse(PUB_I2_HOSTS, "{\"results\":[{\"attrs\":{\"state\":0}}]}",
				     35, &s, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the API answered a host without a name");
	free(data);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

START_TEST(error_answer_status)
{
	size_t len;
	char *data = slurp("icinga2/unauth.json", &len);
	char *status = pub_icinga2_error_status(data, len);

	ck_assert_str_eq(status, "Unauthorized. Please check your user credentials.");
	free(status);
	ck_assert_ptr_null(pub_icinga2_error_status("<html>", 6));
	free(data);
}
END_TEST

/* The names go into filter_vars as data, whatever they contain. */
START_TEST(request_filters_by_names)
{
	struct pub_snapshot s;
	char *body;
	json_t *req, *vars, *hosts, *services;

	pub_snapshot_init(&s);
	pub_snapshot_want(&s, "gw1", "greylist");
	pub_snapshot_want(&s, "gw1", NULL);
	pub_snapshot_want(&s, "a\"b || true", "x");
	pub_snapshot_want(&s, "gw1", "x");
	body = pub_icinga2_request(PUB_I2_SERVICES, &s);
	req = json_loads(body, 0, NULL);
	ck_assert_ptr_nonnull(req);
	ck_assert_str_eq(json_string_value(json_object_get(req, "filter")),
			 "host.name in hosts && service.name in services");
	vars = json_object_get(req, "filter_vars");
	hosts = json_object_get(vars, "hosts");
	services = json_object_get(vars, "services");
	ck_assert_uint_eq(json_array_size(hosts), 2);
	ck_assert_str_eq(json_string_value(json_array_get(hosts, 0)), "gw1");
	ck_assert_str_eq(json_string_value(json_array_get(hosts, 1)), "a\"b || true");
	ck_assert_uint_eq(json_array_size(services), 2);
	ck_assert_str_eq(json_string_value(json_array_get(services, 1)), "x");
	/* only what the model reads */
	ck_assert_uint_eq(json_array_size(json_object_get(req, "attrs")), 11);
	json_decref(req);
	free(body);

	body = pub_icinga2_request(PUB_I2_DOWNTIMES, &s);
	req = json_loads(body, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(req, "filter")),
			 "host.name in hosts");
	ck_assert_ptr_null(json_object_get(json_object_get(req, "filter_vars"), "services"));
	json_decref(req);
	free(body);
	pub_snapshot_free(&s);
}
END_TEST

/* A config with the keys the source reads, from a file like users write. */
static struct pub_config *load_config(const char *publisher_extra)
{
	char text[2048];
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *cfg;
	char *path;

	snprintf(text, sizeof(text),
		 "[publisher]\ntitle = T\nbase_url = https://status.example.com/\n"
		 "output_dir = /nonexistent/out\nstore = /nonexistent/db\n%s\n"
		 "[cluster a]\nname = A\nservice = Email\n"
		 "[component a in]\nname = In\nmember = gw1!greylist = Gateway 1\n",
		 publisher_extra);
	path = temp_file(text);
	cfg = pub_config_load(path, &err);
	ck_assert_msg(cfg != NULL, "%s", ms_buf_str(&err));
	unlink(path);
	free(path);
	ms_buf_free(&err);
	return cfg;
}

static bool read_source(const struct pub_config *cfg, struct ms_buf *err)
{
	const struct pub_source_ops *ops;
	const char *location;
	struct ms_buf why = MS_BUF_INIT;
	struct pub_snapshot s;
	bool ok;

	ck_assert_msg(pub_source_find(cfg->source, &ops, &location, &why), "%s", ms_buf_str(&why));
	ms_buf_free(&why);
	ck_assert_str_eq(ops->scheme, "icinga2");
	pub_snapshot_init(&s);
	pub_snapshot_want(&s, "gw1", "greylist");
	ok = ops->read(cfg, location, &s, err);
	ck_assert(!ok || s.created != 0);
	pub_snapshot_free(&s);
	return ok;
}

START_TEST(config_keys)
{
	struct pub_config *cfg = load_config(
		"source = icinga2:https://127.0.0.1:5665\napi_user = mailstatus\n"
		"api_password_file = /etc/mailstatus/api.pw\napi_ca_file = ca.crt\n"
		"api_server_name = master.example.net");

	ck_assert_str_eq(cfg->source, "icinga2:https://127.0.0.1:5665");
	ck_assert_str_eq(cfg->api_user, "mailstatus");
	ck_assert_str_eq(cfg->api_password_file, "/etc/mailstatus/api.pw");
	/* relative to the config file, like every other path */
	ck_assert(cfg->api_ca_file[0] == '/');
	ck_assert(strstr(cfg->api_ca_file, "/ca.crt") != NULL);
	ck_assert_str_eq(cfg->api_server_name, "master.example.net");
	pub_config_free(cfg);
}
END_TEST

START_TEST(read_needs_credentials)
{
	struct pub_config *cfg = load_config("source = icinga2:https://127.0.0.1:5665");
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!read_source(cfg, &err));
	ck_assert(strstr(ms_buf_str(&err), "source icinga2 needs api_user and "
			 "api_password_file in [publisher]") != NULL);
	ms_buf_free(&err);
	pub_config_free(cfg);
}
END_TEST

/* The config with the keys of the source, refused: "FILE:LINE: why". */
static void expect_refused(const char *publisher_extra, const char *line_and_why)
{
	char text[2048];
	struct ms_buf err = MS_BUF_INIT;
	char *path;

	snprintf(text, sizeof(text),
		 "[publisher]\ntitle = T\nbase_url = https://status.example.com/\n"
		 "output_dir = /nonexistent/out\nstore = /nonexistent/db\n%s\n"
		 "[cluster a]\nname = A\nservice = Email\n"
		 "[component a in]\nname = In\nmember = gw1!greylist = Gateway 1\n",
		 publisher_extra);
	path = temp_file(text);
	ck_assert(pub_config_load(path, &err) == NULL);
	ck_assert_msg(strncmp(ms_buf_str(&err), path, strlen(path)) == 0 &&
		      strstr(ms_buf_str(&err), line_and_why) != NULL, "%s", ms_buf_str(&err));
	unlink(path);
	free(path);
	ms_buf_free(&err);
}

/* The password in clear: refused with the file and line, unless allowed */
START_TEST(plain_http_needs_api_allow_http)
{
	char *pw = temp_file("secret\n");
	char extra[512];
	struct pub_config *cfg;
	struct ms_buf err = MS_BUF_INIT;
	int port, fd = listen_loopback(&port);

	snprintf(extra, sizeof(extra), "source = icinga2:http://127.0.0.1:%d\n"
		 "api_user = u\napi_password_file = %s", port, pw);
	expect_refused(extra, ":6: source: 'icinga2:http://127.0.0.1:");
	expect_refused(extra, "would send api_user's password in clear");
	/* allowed: the run goes to the http:// URL (where nobody answers) */
	close(fd);
	snprintf(extra, sizeof(extra), "source = icinga2:http://127.0.0.1:%d\n"
		 "api_user = u\napi_password_file = %s\napi_allow_http = yes", port, pw);
	cfg = load_config(extra);
	ck_assert(cfg->api_allow_http);
	ck_assert(!read_source(cfg, &err));
	ck_assert_msg(strncmp(ms_buf_str(&err), "http://127.0.0.1:", 17) == 0, "%s",
		      ms_buf_str(&err));
	ck_assert(strstr(ms_buf_str(&err), "not an https:// URL") == NULL);
	unlink(pw);
	free(pw);
	ms_buf_free(&err);
	pub_config_free(cfg);
}
END_TEST

/* A password file others may read: refused at load (file:line) and at read */
START_TEST(password_file_must_be_private)
{
	char *pw = temp_file("secret\n");
	char extra[512];
	struct pub_config *cfg;
	struct ms_buf err = MS_BUF_INIT;

	snprintf(extra, sizeof(extra), "source = icinga2:https://127.0.0.1:5665\n"
		 "api_user = u\napi_password_file = %s", pw);
	ck_assert_int_eq(chmod(pw, 0644), 0);
	expect_refused(extra, ":8: api_password_file ");
	expect_refused(extra, " is open to everyone (mode 0644): it holds a password; chmod 600 it");
	ck_assert_int_eq(chmod(pw, 0640), 0);
	expect_refused(extra, "is open to its group (mode 0640)");
	/* made readable after the config was read: the read refuses it too */
	ck_assert_int_eq(chmod(pw, 0600), 0);
	cfg = load_config(extra);
	ck_assert_int_eq(chmod(pw, 0604), 0);
	ck_assert(!read_source(cfg, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), "is open to everyone (mode 0604)") != NULL, "%s",
		      ms_buf_str(&err));
	ck_assert(strstr(ms_buf_str(&err), "secret") == NULL);
	unlink(pw);
	free(pw);
	ms_buf_free(&err);
	pub_config_free(cfg);
}
END_TEST

START_TEST(read_refuses_an_empty_password)
{
	char *pw = temp_file("\nsecond line\n");
	char extra[512];
	struct pub_config *cfg;
	struct ms_buf err = MS_BUF_INIT;

	snprintf(extra, sizeof(extra), "source = icinga2:https://127.0.0.1:5665\n"
		 "api_user = u\napi_password_file = %s", pw);
	cfg = load_config(extra);
	ck_assert(!read_source(cfg, &err));
	ck_assert(strstr(ms_buf_str(&err), "holds nothing on its first line") != NULL);
	unlink(pw);
	free(pw);
	ms_buf_free(&err);
	pub_config_free(cfg);
}
END_TEST

START_TEST(read_names_a_missing_password_file)
{
	struct pub_config *cfg = load_config("source = icinga2:https://127.0.0.1:5665\n"
					     "api_user = u\napi_password_file = /nonexistent/pw");
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!read_source(cfg, &err));
	ck_assert_str_eq(ms_buf_str(&err), "cannot open api_password_file /nonexistent/pw: "
			 "No such file or directory");
	ms_buf_free(&err);
	pub_config_free(cfg);
}
END_TEST

Suite *publish_icinga2_suite(void)
{
	Suite *s = suite_create("publish_icinga2");
	TCase *tc = tcase_create("api");

	tcase_add_test(tc, hosts_answer);
	tcase_add_test(tc, services_answer);
	tcase_add_test(tc, comments_answer);
	tcase_add_test(tc, no_comments_answer);
	tcase_add_test(tc, downtimes_answer);
	tcase_add_test(tc, cancelled_downtime_is_skipped);
	tcase_add_test(tc, missing_state_names_the_object);
	tcase_add_test(tc, state_out_of_range);
	tcase_add_test(tc, boolean_in_range_only);
	tcase_add_test(tc, flapping_is_read);
	tcase_add_test(tc, pending_object_is_seen_and_pending);
	tcase_add_test(tc, application_answer);
	tcase_add_test(tc, output_with_control_characters_is_cleaned);
	tcase_add_test(tc, performance_data_items_join);
	tcase_add_test(tc, not_the_api);
	tcase_add_test(tc, error_answer_status);
	tcase_add_test(tc, request_filters_by_names);
	tcase_add_test(tc, config_keys);
	tcase_add_test(tc, read_needs_credentials);
	tcase_add_test(tc, plain_http_needs_api_allow_http);
	tcase_add_test(tc, password_file_must_be_private);
	tcase_add_test(tc, read_refuses_an_empty_password);
	tcase_add_test(tc, read_names_a_missing_password_file);
	suite_add_tcase(s, tc);
	return s;
}
