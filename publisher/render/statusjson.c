/*
 * statusjson: status.json with jansson. See statusjson.h.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "statusjson.h"
#include "text.h"
#include "xalloc.h"

/* A JSON string of outside text: jansson refuses invalid UTF-8, so clean it. */
static json_t *str(const char *s)
{
	struct ms_buf b = MS_BUF_INIT;
	json_t *j;

	if (s == NULL)
		return json_null();
	ms_text_add_xml_safe(&b, s, strlen(s));
	j = json_string(ms_buf_str(&b));
	ms_buf_free(&b);
	return j ? j : json_null();
}

static json_t *when(time_t t)
{
	char buf[PUB_DATE_MAX];

	return t > 0 ? json_string(pub_rfc3339(buf, t)) : json_null();
}

static void set(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL || json_object_set_new(obj, key, value) != 0)
		ms_oom();
}

static void push(json_t *arr, json_t *value)
{
	if (value == NULL || json_array_append_new(arr, value) != 0)
		ms_oom();
}

/*
 * A state and the last one known: while monitoring is stale nothing is
 * current, so "state" says unknown and a reader who looks at nothing else
 * never sees the last good state as if it were now.
 */
static void set_state(json_t *o, bool stale, const char *state, const char *last_known)
{
	bool known = strcmp(state, PUB_STATE_UNKNOWN) != 0;

	set(o, "state", str(stale ? PUB_STATE_UNKNOWN : state));
	set(o, "last_known_state", str(known ? state : last_known));
}

/* json_dump_callback's writer: into the ms_buf data. */
static int add_to_buf(const char *text, size_t size, void *data)
{
	ms_buf_add(data, text, size);
	return 0;
}

/* One window's figures; percent as the page shows it (truncated), null when nothing was observed. */
static json_t *window_json(const struct pub_uptime *u)
{
	json_t *o = json_object();

	set(o, "percent", u->percent >= 0 ? json_real(u->percent / 100.0) : json_null());
	set(o, "outage_s", json_integer(u->outage_s));
	set(o, "degraded_s", json_integer(u->degraded_s));
	set(o, "maintenance_s", json_integer(u->maintenance_s));
	set(o, "unknown_s", json_integer(u->unknown_s));
	return o;
}

/* "uptime": the figures of every window. */
static void set_uptime(json_t *o, const struct pub_figures *f)
{
	json_t *uptime = json_object();

	for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++)
		set(uptime, pub_uptime_windows[w].key, window_json(&f->windows[w]));
	set(o, "uptime", uptime);
}

/*
 * ,"days":[...] of a strip, written as text: numbers and dates only, and
 * 18,000 small objects for 50 clusters, which as jansson objects cost
 * more than the rest of the run.
 */
static void add_days(struct ms_buf *out, const struct pub_figures *f)
{
	if (f->days == NULL)
		return;
	ms_buf_puts(out, ",\"days\":[");
	for (size_t d = 0; d < PUB_STRIP_DAYS; d++) {
		const struct pub_day *day = &f->days[d];

		/* {"date":"YYYY-MM-DD","outage_s":N,...}, without printf: 18,000 of them */
		ms_buf_puts(out, d > 0 ? ",{\"date\":\"" : "{\"date\":\"");
		ms_buf_put_num(out, day->year % 10000, 4);
		ms_buf_putc(out, '-');
		ms_buf_put_num(out, day->month % 100, 2);
		ms_buf_putc(out, '-');
		ms_buf_put_num(out, day->mday % 100, 2);
		ms_buf_puts(out, "\",\"outage_s\":");
		ms_buf_put_num(out, day->u.outage_s, 0);
		ms_buf_puts(out, ",\"degraded_s\":");
		ms_buf_put_num(out, day->u.degraded_s, 0);
		ms_buf_puts(out, ",\"maintenance_s\":");
		ms_buf_put_num(out, day->u.maintenance_s, 0);
		ms_buf_puts(out, ",\"unknown_s\":");
		ms_buf_put_num(out, day->u.unknown_s, 0);
		ms_buf_putc(out, '}');
	}
	ms_buf_putc(out, ']');
}

static json_t *member_json(const struct pub_board *b, const struct pub_board_member *bm)
{
	json_t *o = json_object();

	set(o, "name", str(bm->conf->public_name));
	set_state(o, b->stale_since > 0, bm->state, bm->last_known);
	set(o, "since", when(bm->since));
	set_uptime(o, &bm->fig);
	return o;
}

/* A window's min, median and max of a metric; null figures without samples. */
static json_t *metric_figures_json(const struct pub_metric_figures *f)
{
	json_t *o = json_object();

	set(o, "min", f->samples > 0 ? json_real(f->min) : json_null());
	set(o, "median", f->samples > 0 ? json_real(f->median) : json_null());
	set(o, "max", f->samples > 0 ? json_real(f->max) : json_null());
	set(o, "samples", json_integer((json_int_t)f->samples));
	return o;
}

/* The response-time strip: the member by its public name, never its host's. */
static json_t *metric_json(const struct pub_board_metric *m)
{
	json_t *o = json_object();

	set(o, "object", str(m->member->public_name));
	set(o, "label", str(m->label));
	set(o, "unit", str(m->unit));
	set(o, "24h", metric_figures_json(&m->windows[0].fig));
	set(o, "7d", metric_figures_json(&m->windows[1].fig));
	return o;
}

/*
 * "key":value into out, then value freed: status.json is written a member
 * at a time, and a cluster at a time, so that only one cluster's tree is
 * in memory at once (the days of its strips are written as text). Compact: the days
 * make it large (1.8 MB for 50 clusters, where indented it was 3.9 MB).
 */
static bool dump(struct ms_buf *out, const char *key, json_t *value)
{
	bool ok;

	if (value == NULL)
		ms_oom();
	if (key != NULL)
		ms_buf_printf(out, ",\"%s\":", key);
	ok = json_dump_callback(value, add_to_buf, out, JSON_COMPACT | JSON_ENCODE_ANY |
				JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) == 0;
	json_decref(value);
	return ok;
}

/*
 * dump of an object less its closing brace, so that the caller can add
 * members written as text (add_days).
 */
static bool dump_open(struct ms_buf *out, json_t *value)
{
	if (!dump(out, NULL, value))
		return false;
	/* a non-empty object always ends so */
	if (out->len == 0 || out->data[out->len - 1] != '}')
		return false;
	ms_buf_truncate(out, out->len - 1);
	return true;
}

static bool write_component(struct ms_buf *out, const struct pub_board *b,
			    const struct pub_board_component *bc)
{
	const struct pub_component *co = bc->conf;
	json_t *o = json_object(), *members = json_array();

	set(o, "slug", json_string(co->slug));
	set(o, "name", str(co->name));
	set(o, "area", str(co->area ? co->area : co->name));
	set(o, "critical", json_boolean(co->critical));
	set_state(o, b->stale_since > 0, bc->state, bc->last_known);
	set(o, "since", when(bc->since));
	set_uptime(o, &bc->fig);
	if (bc->metric != NULL)
		set(o, "metric", metric_json(bc->metric));
	for (size_t k = 0; k < co->n_members; k++)
		push(members, member_json(b, &bc->members[k]));
	if (!dump_open(out, o)) {
		json_decref(members);
		return false;
	}
	add_days(out, &bc->fig);
	if (!dump(out, "members", members))
		return false;
	ms_buf_putc(out, '}');
	return true;
}

static bool write_cluster(struct ms_buf *out, const struct pub_board *b,
			  const struct pub_board_cluster *bcl)
{
	const struct pub_cluster *cl = bcl->conf;
	json_t *o = json_object();
	bool known = bcl->since > 0 && bcl->unknown_since == 0 && b->stale_since == 0;
	bool ok;

	set(o, "slug", json_string(cl->slug));
	set(o, "name", str(cl->name));
	set(o, "service", str(cl->service));
	set(o, "state", json_string(known ? pub_cluster_state_key(bcl->state) : "unknown"));
	set(o, "last_known_state", bcl->since > 0 ? json_string(pub_cluster_state_key(bcl->state))
						  : json_null());
	set(o, "state_text", json_string(known ? pub_cluster_state_name(bcl->state)
					 : "Unknown"));
	set(o, "since", when(bcl->since));
	set(o, "open_incident", bcl->open_incident > 0
	    ? json_integer(bcl->open_incident) : json_null());
	set_uptime(o, &bcl->fig);
	if (!dump_open(out, o))
		return false;
	add_days(out, &bcl->fig);
	ms_buf_puts(out, ",\"components\":[");
	ok = true;
	for (size_t j = 0; ok && j < cl->n_components; j++) {
		if (j > 0)
			ms_buf_putc(out, ',');
		ok = write_component(out, b, &bcl->components[j]);
	}
	ms_buf_puts(out, "]}");
	return ok;
}

static json_t *incident_json(const struct pub_config *cfg, const struct pub_incident *inc)
{
	json_t *o = json_object();
	struct ms_buf url = MS_BUF_INIT;

	ms_buf_printf(&url, "%sincidents/%ld.html", cfg->base_url, inc->number);
	set(o, "number", json_integer(inc->number));
	set(o, "cluster", str(inc->cluster));
	set(o, "title", str(inc->title));
	set(o, "opened_at", when(inc->opened_at));
	set(o, "began_at", when(inc->began_at));
	set(o, "identified_at", when(inc->identified_at));
	set(o, "identified", str(inc->identified_text));
	set(o, "url", str(url.data));
	ms_buf_free(&url);
	return o;
}

static json_t *maintenance_json(const struct pub_maintenance *m)
{
	json_t *o = json_object();

	/* an operator's announcement has an id; a downtime in the engine has none */
	set(o, "origin", json_string(m->id > 0 ? "announced" : "monitoring"));
	set(o, "cluster", str(m->cluster));
	set(o, "starts_at", when(m->starts_at));
	set(o, "ends_at", when(m->ends_at));
	set(o, "message", str(m->message));
	return o;
}

bool pub_status_json(const struct pub_config *cfg, const struct pub_board *board,
		     const struct pub_incident *incidents, size_t n_incidents,
		     const struct pub_maintenance *maint, size_t n_maint,
		     struct ms_buf *out, struct ms_buf *err)
{
	json_t *open = json_array(), *windows = json_array();
	bool ok;

	if (open == NULL || windows == NULL)
		ms_oom();
	ms_buf_puts(out, "{\"version\":");
	ok = dump(out, NULL, json_integer(PUB_STATUS_JSON_VERSION)) &&
	     dump(out, "title", str(cfg->title)) && dump(out, "url", str(cfg->base_url)) &&
	     dump(out, "stale", json_boolean(board->stale_since > 0)) &&
	     dump(out, "data_written_at", board->stale_since > 0 ? when(board->stale_since)
							       : json_null()) &&
	     dump(out, "data_as_of", when(board->data_as_of)) &&
	     dump(out, "last_change", when(board->last_change));
	ms_buf_puts(out, ",\"clusters\":[");
	for (size_t i = 0; ok && i < board->n_clusters; i++) {
		if (i > 0)
			ms_buf_putc(out, ',');
		ok = write_cluster(out, board, &board->clusters[i]);
	}
	ms_buf_putc(out, ']');
	for (size_t i = 0; i < n_incidents; i++)
		if (incidents[i].resolved_at == 0)
			push(open, incident_json(cfg, &incidents[i]));
	for (size_t i = 0; i < n_maint; i++)
		push(windows, maintenance_json(&maint[i]));
	ok = dump(out, "open_incidents", open) && ok;
	ok = dump(out, "maintenance", windows) && ok;
	if (!ok) {
		ms_buf_puts(err, "cannot serialize status.json (out of memory)");
		return false;
	}
	ms_buf_puts(out, "}\n");
	return true;
}
