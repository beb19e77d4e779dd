/*
 * icinga2: the Icinga 2 REST API as a source. See icinga2.h.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "conf.h"
#include "icinga2.h"
#include "numfmt.h"
#include "text.h"
#include "xalloc.h"

#define NO_OBJECT ((size_t)-1)
#define MAX_ANSWER (256u << 20)		/* far beyond any filtered answer */
#define MAX_PASSWORD 1024
#define CONNECT_TIMEOUT 10L
#define TOTAL_TIMEOUT 60L

/* --- the requests --------------------------------------------------- */

static const char *const host_attrs[] = {
	"name", "state", "state_type", "last_hard_state", "last_hard_state_change",
	"downtime_depth", "acknowledgement", "last_check_result", "check_interval",
	"flapping", NULL
};
static const char *const service_attrs[] = {
	"host_name", "name", "state", "state_type", "last_hard_state",
	"last_hard_state_change", "downtime_depth", "acknowledgement",
	"last_check_result", "check_interval", "flapping", NULL
};
static const char *const comment_attrs[] = {
	"host_name", "service_name", "legacy_id", "entry_type", "entry_time",
	"author", "text", NULL
};
static const char *const downtime_attrs[] = {
	"host_name", "service_name", "legacy_id", "start_time", "end_time",
	"author", "comment", "was_cancelled", NULL
};
/* the global switches of active checks (the "app" IcingaApplication object) */
static const char *const application_attrs[] = {
	"enable_host_checks", "enable_service_checks", NULL
};

const char *pub_icinga2_path(enum pub_icinga2_query q)
{
	switch (q) {
	case PUB_I2_HOSTS: return "/v1/objects/hosts";
	case PUB_I2_SERVICES: return "/v1/objects/services";
	case PUB_I2_COMMENTS: return "/v1/objects/comments";
	case PUB_I2_DOWNTIMES: return "/v1/objects/downtimes";
	case PUB_I2_APPLICATION: return "/v1/objects/icingaapplications";
	}
	return "/";
}

static json_t *string_array(const char *const *list)
{
	json_t *a = json_array();

	for (size_t i = 0; list[i]; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

/* The distinct names, in the order first seen: a JSON object as a set. */
static json_t *distinct(const struct pub_snapshot *snap, bool services)
{
	json_t *seen = json_object(), *list = json_array();

	for (size_t i = 0; i < snap->n_objects; i++) {
		const char *name = services ? snap->objects[i].service : snap->objects[i].host;
		if (name == NULL || json_object_get(seen, name) != NULL)
			continue;
		json_object_set_new(seen, name, json_true());
		json_array_append_new(list, json_string(name));
	}
	json_decref(seen);
	return list;
}

char *pub_icinga2_request(enum pub_icinga2_query q, const struct pub_snapshot *snap)
{
	const char *const *attrs = q == PUB_I2_HOSTS ? host_attrs
				   : q == PUB_I2_SERVICES ? service_attrs
				   : q == PUB_I2_COMMENTS ? comment_attrs
				   : q == PUB_I2_DOWNTIMES ? downtime_attrs : application_attrs;
	json_t *vars = json_object(), *req = json_object();
	char *body;

	/*
	 * The names travel as filter_vars, never pasted into the filter: a
	 * host name with a quote cannot change what the filter says. The
	 * application is one object: no filter.
	 */
	json_object_set_new(vars, "hosts", distinct(snap, false));
	if (q == PUB_I2_SERVICES) {
		json_object_set_new(vars, "services", distinct(snap, true));
		json_object_set_new(req, "filter",
				    json_string("host.name in hosts && service.name in services"));
	} else if (q != PUB_I2_APPLICATION) {
		json_object_set_new(req, "filter", json_string("host.name in hosts"));
	}
	if (q == PUB_I2_APPLICATION)
		json_decref(vars);
	else
		json_object_set_new(req, "filter_vars", vars);
	json_object_set_new(req, "attrs", string_array(attrs));
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (body == NULL)
		ms_oom();
	return body;
}

/* --- the answers ---------------------------------------------------- */

/* What one parse knows, for messages that say which object is wrong. */
struct answer {
	enum pub_icinga2_query q;
	struct pub_snapshot *snap;
	struct ms_buf *err;
	const char *what;	/* "host gw1", "service gw1!greylist" */
	char what_buf[256];
};

static bool bad(struct answer *a, const char *attr, const char *why)
{
	ms_buf_printf(a->err, "the API's answer for %s: %s %s", a->what, attr, why);
	return false;
}

/*
 * A number attribute as a long in [min, max]; integral unless whole is
 * false (times come with fractions). A missing one is def when optional.
 */
static bool number(struct answer *a, json_t *attrs, const char *attr, bool required,
		   long long min, long long max, long long def, long long *out)
{
	json_t *v = json_object_get(attrs, attr);
	double d;

	if (v == NULL || json_is_null(v)) {
		if (required)
			return bad(a, attr, "is missing");
		*out = def;
		return true;
	}
	if (json_is_boolean(v))	/* acknowledgement and the like, by some versions */
		d = json_is_true(v);
	else if (json_is_number(v))
		d = json_number_value(v);
	else
		return bad(a, attr, "is not a number");
	if (!isfinite(d) || d < (double)min || d > (double)max)
		return bad(a, attr, "is out of range");
	*out = (long long)d;
	return true;
}

/* A string attribute, cleaned to printable UTF-8; "" when missing. */
static char *text(json_t *attrs, const char *attr)
{
	json_t *v = json_object_get(attrs, attr);

	if (!json_is_string(v))
		return ms_xstrdup("");
	return ms_text_clean(json_string_value(v), json_string_length(v));
}

static const char *name_of(json_t *attrs, const char *attr)
{
	json_t *v = json_object_get(attrs, attr);

	/* a name with a NUL inside cannot be one the config names */
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

/* The snapshot object a result is about, or NO_OBJECT (not wanted). */
static size_t object_of(struct answer *a, json_t *attrs, const char *host_attr,
			const char *service_attr, bool *ok)
{
	const char *host = name_of(attrs, host_attr);
	const char *service = service_attr ? name_of(attrs, service_attr) : NULL;

	*ok = true;
	if (host == NULL || (service_attr && service == NULL)) {
		ms_buf_printf(a->err, "the API answered a %s without a name",
			      a->q == PUB_I2_HOSTS ? "host" : a->q == PUB_I2_SERVICES
			      ? "service" : a->q == PUB_I2_COMMENTS ? "comment" : "downtime");
		*ok = false;
		return NO_OBJECT;
	}
	if (service && service[0] == '\0')
		service = NULL;		/* a comment or downtime of the host */
	snprintf(a->what_buf, sizeof(a->what_buf), "%s%s%s", host, service ? "!" : "",
		 service ? service : "");
	a->what = a->what_buf;
	return pub_snapshot_find(a->snap, host, strlen(host), service,
				 service ? strlen(service) : 0);
}

/*
 * When the object was last checked (its result's end) and how often it is
 * checked (seconds; Icinga moves next_check on even while a check is
 * disabled, so that says nothing).
 */
static bool check_times(struct answer *a, json_t *attrs, json_t *result,
			struct pub_object *o)
{
	long long last, interval;

	if (!number(a, result, "execution_end", false, 0, 1LL << 40, 0, &last) ||
	    !number(a, attrs, "check_interval", false, 0, 1LL << 31, 0, &interval))
		return false;
	o->last_check = (time_t)last;
	o->check_interval = (time_t)interval;
	return true;
}

/*
 * The result's performance_data as one perfdata line (perfparse.h): the
 * API gives an array of "label=value..." strings, or of PerfdataValue
 * objects (label, value, unit) where Icinga parsed them itself.
 */
static char *perfdata_of(json_t *result)
{
	json_t *list = json_object_get(result, "performance_data"), *item;
	struct ms_buf b = MS_BUF_INIT;
	size_t i;

	if (json_is_string(list))
		return ms_text_clean(json_string_value(list), json_string_length(list));
	if (!json_is_array(list))
		return NULL;
	json_array_foreach(list, i, item) {
		json_t *label = json_object_get(item, "label"), *value = json_object_get(item, "value");
		json_t *unit = json_object_get(item, "unit");
		char num[MS_NUMBER_MAX];

		if (!json_is_string(item) && !(json_is_string(label) && json_is_number(value)))
			continue;	/* neither: not perfdata */
		if (b.len > 0)
			ms_buf_putc(&b, ' ');
		if (json_is_string(item)) {
			ms_buf_add(&b, json_string_value(item), json_string_length(item));
		} else {
			ms_buf_putc(&b, '\'');
			for (const char *c = json_string_value(label); *c; c++) {
				if (*c == '\'')
					ms_buf_putc(&b, '\'');	/* a quote in a label is written twice */
				ms_buf_putc(&b, *c);
			}
			ms_buf_printf(&b, "'=%s%s", ms_format_number(num, json_number_value(value)),
				      json_is_string(unit) ? json_string_value(unit) : "");
		}
	}
	if (b.len == 0) {
		ms_buf_free(&b);
		return NULL;
	}
	char *clean = ms_text_clean(b.data, b.len);
	ms_buf_free(&b);
	return clean;
}

static bool take_object(struct answer *a, json_t *attrs)
{
	bool services = a->q == PUB_I2_SERVICES, ok;
	size_t idx = object_of(a, attrs, services ? "host_name" : "name",
			       services ? "name" : NULL, &ok);
	long long state, type, last_hard, depth, ack, changed, flapping;
	int max_state = services ? 3 : 2;
	struct pub_object *o;
	json_t *result;

	if (idx == NO_OBJECT)
		return ok;
	/*
	 * Never checked yet ("pending"): Icinga says DOWN or UNKNOWN then, which
	 * is not news to publish. It is reported, and unknown, as Nagios'
	 * has_been_checked=0 is; a downtime is planned work all the same.
	 */
	result = json_object_get(attrs, "last_check_result");
	o = &a->snap->objects[idx];
	if (!json_is_object(result)) {
		if (!number(a, attrs, "downtime_depth", false, 0, 1000000, 0, &depth))
			return false;
		o->downtime_depth = (int)depth;
		o->seen = o->pending = true;
		o->hard_state = 0;
		o->flapping = false;
		o->last_check = o->check_interval = 0;
		free(o->output);
		o->output = NULL;
		free(o->perfdata);
		o->perfdata = NULL;
		o->perfdata_at = 0;
		return true;
	}
	if (!check_times(a, attrs, result, o))
		return false;
	if (!number(a, attrs, "state", true, 0, max_state, 0, &state) ||
	    !number(a, attrs, "state_type", true, 0, 1, 0, &type) ||
	    !number(a, attrs, "last_hard_state", true, 0, max_state, 0, &last_hard) ||
	    !number(a, attrs, "downtime_depth", false, 0, 1000000, 0, &depth) ||
	    !number(a, attrs, "acknowledgement", false, 0, 2, 0, &ack) ||
	    !number(a, attrs, "last_hard_state_change", false, 0, 1LL << 40, 0, &changed) ||
	    !number(a, attrs, "flapping", false, 0, 1, 0, &flapping))
		return false;

	o->seen = true;
	o->pending = false;
	/* state_type 1 is HARD; while SOFT the last HARD state stands */
	o->hard_state = (int)(type == 1 ? state : last_hard);
	o->downtime_depth = (int)depth;
	o->acknowledged = ack != 0;
	o->last_hard_change = (time_t)changed;
	o->flapping = flapping != 0;
	free(o->output);
	o->output = text(result, "output");
	free(o->perfdata);
	o->perfdata = perfdata_of(result);
	o->perfdata_at = o->last_check;
	return true;
}

static bool take_comment(struct answer *a, json_t *attrs)
{
	bool ok;
	size_t idx = object_of(a, attrs, "host_name", "service_name", &ok);
	long long id, kind, when;

	if (idx == NO_OBJECT)
		return ok;
	if (!number(a, attrs, "legacy_id", true, 0, 1LL << 40, 0, &id) ||
	    !number(a, attrs, "entry_type", true, PUB_COMMENT_USER, PUB_COMMENT_ACK, 0, &kind) ||
	    !number(a, attrs, "entry_time", true, 0, 1LL << 40, 0, &when))
		return false;
	struct pub_snapshot *s = a->snap;
	s->comments = ms_xreallocarray(s->comments, s->n_comments + 1, sizeof(*s->comments));
	struct pub_comment *c = &s->comments[s->n_comments++];
	c->object = idx;
	c->kind = (enum pub_comment_kind)kind;
	c->id = (unsigned long)id;
	c->entry_time = (time_t)when;
	c->author = text(attrs, "author");
	c->text = text(attrs, "text");
	return true;
}

static bool take_downtime(struct answer *a, json_t *attrs)
{
	bool ok;
	size_t idx = object_of(a, attrs, "host_name", "service_name", &ok);
	long long id, start, end;

	if (idx == NO_OBJECT)
		return ok;
	if (json_is_true(json_object_get(attrs, "was_cancelled")))
		return true;	/* the API keeps a cancelled one until it expires */
	if (!number(a, attrs, "legacy_id", true, 0, 1LL << 40, 0, &id) ||
	    !number(a, attrs, "start_time", true, 0, 1LL << 40, 0, &start) ||
	    !number(a, attrs, "end_time", true, 0, 1LL << 40, 0, &end))
		return false;
	struct pub_snapshot *s = a->snap;
	s->downtimes = ms_xreallocarray(s->downtimes, s->n_downtimes + 1,
					sizeof(*s->downtimes));
	struct pub_downtime *d = &s->downtimes[s->n_downtimes++];
	d->object = idx;
	d->id = (unsigned long)id;
	d->start = (time_t)start;
	d->end = (time_t)end;
	d->author = text(attrs, "author");
	d->text = text(attrs, "comment");
	return true;
}

/* The global switches: an explicit false says no active checks run. */
static bool take_application(struct answer *a, json_t *attrs)
{
	long long hosts, services;

	a->what = "the IcingaApplication";
	if (!number(a, attrs, "enable_host_checks", false, 0, 1, 1, &hosts) ||
	    !number(a, attrs, "enable_service_checks", false, 0, 1, 1, &services))
		return false;
	a->snap->host_checks_disabled = hosts == 0;
	a->snap->service_checks_disabled = services == 0;
	return true;
}

bool pub_icinga2_parse(enum pub_icinga2_query q, const char *body, size_t len,
		       struct pub_snapshot *snap, struct ms_buf *err)
{
	struct answer a = { .q = q, .snap = snap, .err = err, .what = "?" };
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	json_t *results = json_object_get(root, "results");
	bool ok = true;

	if (root == NULL) {
		ms_buf_printf(err, "the answer to %s is not JSON (line %d: %s)",
			      pub_icinga2_path(q), jerr.line, jerr.text);
		return false;
	}
	if (!json_is_array(results)) {
		ms_buf_printf(err, "the answer to %s has no \"results\" list",
			      pub_icinga2_path(q));
		json_decref(root);
		return false;
	}
	for (size_t i = 0; ok && i < json_array_size(results); i++) {
		json_t *attrs = json_object_get(json_array_get(results, i), "attrs");

		if (!json_is_object(attrs)) {
			ms_buf_printf(err, "result %zu of %s has no \"attrs\"", i + 1,
				      pub_icinga2_path(q));
			ok = false;
		} else if (q == PUB_I2_HOSTS || q == PUB_I2_SERVICES) {
			ok = take_object(&a, attrs);
		} else if (q == PUB_I2_COMMENTS) {
			ok = take_comment(&a, attrs);
		} else if (q == PUB_I2_APPLICATION) {
			ok = take_application(&a, attrs);
		} else {
			ok = take_downtime(&a, attrs);
		}
	}
	json_decref(root);
	return ok;
}

char *pub_icinga2_error_status(const char *body, size_t len)
{
	json_t *root = json_loadb(body, len, 0, NULL);
	json_t *status = json_object_get(root, "status");
	char *s = NULL;

	if (json_is_string(status))
		s = ms_text_clean(json_string_value(status), json_string_length(status));
	json_decref(root);
	return s;
}

/* --- HTTPS ---------------------------------------------------------- */

struct api {
	CURL *curl;
	struct curl_slist *headers;
	struct curl_slist *connect_to;
	char *base;		/* https://host:port, without a trailing '/' */
	char password[MAX_PASSWORD];
	char curl_err[CURL_ERROR_SIZE];
	struct ms_buf answer;
	bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct api *api = arg;

	if (n != 0 && size > MAX_ANSWER / n)
		return 0;
	if (api->answer.len + size * n > MAX_ANSWER) {
		api->too_big = true;
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	}
	ms_buf_add(&api->answer, data, size * n);
	return size * n;
}

/*
 * The base URL, and with api_server_name the rewrite that connects to
 * the location's address while verifying the certificate for the name.
 */
static bool api_target(struct api *api, const struct pub_config *cfg, const char *location,
		       struct ms_buf *err)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *url = NULL;
	bool ok = false;

	if (strncmp(location, "https://", 8) != 0 &&
	    !(cfg->api_allow_http && strncmp(location, "http://", 7) == 0)) {
		ms_buf_printf(err, "'%s' is not an https:// URL (the API needs a password: "
			      "it only goes over TLS)", location);
		goto out;
	}
	if (u == NULL)
		ms_oom();
	if (curl_url_set(u, CURLUPART_URL, location, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		ms_buf_printf(err, "'%s' is not a URL such as https://127.0.0.1:5665", location);
		goto out;
	}
	if (cfg->api_server_name) {
		char rule[512];
		if (curl_url_set(u, CURLUPART_HOST, cfg->api_server_name, 0) != CURLUE_OK) {
			ms_buf_printf(err, "api_server_name '%s' is not a host name",
				      cfg->api_server_name);
			goto out;
		}
		snprintf(rule, sizeof(rule), "%s:%s:%s:%s", cfg->api_server_name, port, host, port);
		api->connect_to = curl_slist_append(NULL, rule);
	}
	curl_url_set(u, CURLUPART_PATH, NULL, 0);
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
		ms_oom();
	size_t n = strlen(url);
	if (n > 0 && url[n - 1] == '/')
		n--;
	api->base = ms_xstrndup(url, n);
	ok = true;
out:
	curl_free(url);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

static bool api_open(struct api *api, const struct pub_config *cfg, const char *location,
		     struct ms_buf *err)
{
	static bool curl_ready;

	if (cfg->api_user == NULL || cfg->api_password_file == NULL) {
		ms_buf_printf(err, "source icinga2 needs api_user and api_password_file in "
			      "[publisher] of %s", cfg->path);
		return false;
	}
	if (!api_target(api, cfg, location, err) ||
	    !pub_secret_read("api_password_file", cfg->api_password_file, api->password,
			     sizeof(api->password), err))
		return false;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			ms_buf_puts(err, "libcurl cannot be initialised");
			return false;
		}
		curl_ready = true;
	}
	api->curl = curl_easy_init();
	if (api->curl == NULL)
		ms_oom();
	api->headers = curl_slist_append(api->headers, "Accept: application/json");
	api->headers = curl_slist_append(api->headers, "Content-Type: application/json");
	/* a query with a body is a POST that says it is a GET (the API's way) */
	api->headers = curl_slist_append(api->headers, "X-HTTP-Method-Override: GET");

	CURL *c = api->curl;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, api->headers);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_USERNAME, cfg->api_user);
	curl_easy_setopt(c, CURLOPT_PASSWORD, api->password);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->api_ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->api_ca_file);
	if (api->connect_to)
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, api->connect_to);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, cfg->api_allow_http ? "http,https" : "https");
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, api->curl_err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, api);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mailstatus-publish/" PACKAGE_VERSION);
	return true;
}

static void api_close(struct api *api)
{
	if (api->curl)
		curl_easy_cleanup(api->curl);
	curl_slist_free_all(api->headers);
	curl_slist_free_all(api->connect_to);
	free(api->base);
	ms_buf_free(&api->answer);
	/* the password does not outlive the read */
	memset(api->password, 0, sizeof(api->password));
}

/* One query: its 200 answer into snap, or why not into err. */
static bool api_query(struct api *api, enum pub_icinga2_query q, struct pub_snapshot *snap,
		      struct ms_buf *err)
{
	char *body = pub_icinga2_request(q, snap);
	struct ms_buf url = MS_BUF_INIT;
	long code = 0;
	CURLcode rc;
	bool ok = false;

	ms_buf_printf(&url, "%s%s", api->base, pub_icinga2_path(q));
	ms_buf_reset(&api->answer);
	api->too_big = false;
	api->curl_err[0] = '\0';
	curl_easy_setopt(api->curl, CURLOPT_URL, url.data);
	curl_easy_setopt(api->curl, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(api->curl);
	curl_easy_getinfo(api->curl, CURLINFO_RESPONSE_CODE, &code);
	if (api->too_big) {
		ms_buf_printf(err, "%s: the answer is larger than %u MiB", url.data,
			      MAX_ANSWER >> 20);
	} else if (rc != CURLE_OK) {
		ms_buf_printf(err, "%s: %s", url.data,
			      api->curl_err[0] ? api->curl_err : curl_easy_strerror(rc));
	} else if (code != 200) {
		char *status = pub_icinga2_error_status(api->answer.data ? api->answer.data : "",
							api->answer.len);
		ms_buf_printf(err, "%s: HTTP %ld%s%s%s", url.data, code,
			      status ? " (" : "", status ? status : "", status ? ")" : "");
		if (code == 401)
			ms_buf_printf(err, "; check api_user and api_password_file");
		else if (code == 403)
			ms_buf_printf(err, "; the API user needs permission objects/query/*");
		free(status);
	} else {
		ok = pub_icinga2_parse(q, api->answer.data ? api->answer.data : "",
				       api->answer.len, snap, err);
	}
	ms_buf_free(&url);
	free(body);
	return ok;
}

static bool icinga2_read(const struct pub_config *cfg, const char *location,
			 struct pub_snapshot *snap, struct ms_buf *err)
{
	static const enum pub_icinga2_query queries[] = {
		PUB_I2_HOSTS, PUB_I2_SERVICES, PUB_I2_COMMENTS, PUB_I2_DOWNTIMES,
		PUB_I2_APPLICATION
	};
	struct api api = { 0 };
	bool ok;

	ok = api_open(&api, cfg, location, err);
	for (size_t i = 0; ok && i < sizeof(queries) / sizeof(queries[0]); i++)
		ok = api_query(&api, queries[i], snap, err);
	api_close(&api);
	/*
	 * The API answers live: its data is as of now. Whether it is current
	 * is for each object's last check to say (pub_freshness_check).
	 */
	if (ok)
		snap->created = time(NULL);
	return ok;
}

const struct pub_source_ops pub_icinga2_source = {
	.scheme = "icinga2",
	.location_is_path = false,
	.read = icinga2_read,
};
