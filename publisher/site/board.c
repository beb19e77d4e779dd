/*
 * board: the config's clusters with the states the store recorded.
 * See board.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "render.h"
#include "xalloc.h"

/* The row of component (and object, for a member), or NULL. */
static const struct pub_state_row *find_row(const struct pub_state_row *rows, size_t n,
					    const char *component, const char *object)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].component, component) == 0 &&
		    (object == NULL || (rows[i].object && strcmp(rows[i].object, object) == 0)))
			return &rows[i];
	return NULL;
}

static void note_change(struct pub_board *b, time_t t)
{
	if (t > b->last_change)
		b->last_change = t;
}

static void fill_component(struct pub_board *b, struct pub_board_component *bc,
			   const struct pub_state_row *crows, size_t nc,
			   const struct pub_state_row *mrows, size_t nm)
{
	const struct pub_component *co = bc->conf;
	const struct pub_state_row *r = find_row(crows, nc, co->slug, NULL);
	struct ms_buf obj = MS_BUF_INIT;

	bc->state = r ? r->state : PUB_STATE_UNKNOWN;
	bc->since = r ? r->since : 0;
	bc->last_known = r ? r->last_known : NULL;
	bc->members = ms_xcalloc(co->n_members + 1, sizeof(*bc->members));
	for (size_t k = 0; k < co->n_members; k++) {
		struct pub_board_member *bm = &bc->members[k];

		bm->conf = &co->members[k];
		pub_member_object(bm->conf, &obj);
		r = find_row(mrows, nm, co->slug, obj.data);
		bm->state = r ? r->state : PUB_STATE_UNKNOWN;
		bm->since = r ? r->since : 0;
		bm->last_known = r ? r->last_known : NULL;
		bm->checked_at = r ? r->checked_at : 0;
		note_change(b, bm->since);
	}
	ms_buf_free(&obj);
}

/* An open incident every post of which was withdrawn has no page to link. */
static bool visible_incident(struct pub_store *st, long *number, struct ms_buf *err)
{
	bool visible = true;

	if (*number == 0 || !pub_store_incident_visible(st, *number, &visible, err))
		return *number == 0;
	if (!visible)
		*number = 0;
	return true;
}

static bool load_cluster(const struct pub_config *cfg, struct pub_store *st,
			 struct pub_board *b, size_t i, struct ms_buf *err)
{
	const struct pub_cluster *cl = &cfg->clusters[i];
	struct pub_board_cluster *bcl = &b->clusters[i];
	struct pub_cluster_row row;
	struct pub_state_row **crows = &b->rows[2 * i], **mrows = &b->rows[2 * i + 1];
	size_t *nc = &b->n_rows[2 * i], *nm = &b->n_rows[2 * i + 1];

	bcl->conf = cl;
	if (!pub_store_cluster_get(st, cl->slug, &row, err) ||
	    !pub_store_incident_open_of(st, cl->slug, &bcl->open_incident, err) ||
	    !visible_incident(st, &bcl->open_incident, err) ||
	    !pub_store_states(st, cl->slug, false, crows, nc, err) ||
	    !pub_store_states(st, cl->slug, true, mrows, nm, err))
		return false;
	bcl->state = row.state;
	bcl->since = row.since;
	bcl->unknown_since = row.unknown_since;
	note_change(b, row.since);
	bcl->components = ms_xcalloc(cl->n_components + 1, sizeof(*bcl->components));
	for (size_t j = 0; j < cl->n_components; j++) {
		bcl->components[j].conf = &cl->components[j];
		fill_component(b, &bcl->components[j], *crows, *nc, *mrows, *nm);
	}
	return true;
}

bool pub_board_load(const struct pub_config *cfg, struct pub_store *st,
		    struct pub_board *b, struct ms_buf *err)
{
	char *stale = NULL, *as_of = NULL;
	bool ok;

	memset(b, 0, sizeof(*b));
	b->n_clusters = cfg->n_clusters;
	b->clusters = ms_xcalloc(cfg->n_clusters + 1, sizeof(*b->clusters));
	b->rows = ms_xcalloc(2 * cfg->n_clusters + 1, sizeof(*b->rows));
	b->n_rows = ms_xcalloc(2 * cfg->n_clusters + 1, sizeof(*b->n_rows));
	ok = pub_store_meta_get(st, PUB_META_STALE_SINCE, &stale, err);
	if (ok && stale)
		b->stale_since = (time_t)strtoll(stale, NULL, 10);
	free(stale);
	ok = ok && pub_store_meta_get(st, PUB_META_LAST_GOOD, &as_of, err);
	if (ok && as_of)
		b->data_as_of = (time_t)strtoll(as_of, NULL, 10);
	free(as_of);
	for (size_t i = 0; ok && i < cfg->n_clusters; i++)
		ok = load_cluster(cfg, st, b, i, err);
	return ok;
}

void pub_board_free(struct pub_board *b)
{
	for (size_t i = 0; i < b->n_clusters; i++) {
		struct pub_board_cluster *bcl = &b->clusters[i];
		for (size_t j = 0; bcl->components && j < bcl->conf->n_components; j++) {
			free(bcl->components[j].members);
			free(bcl->components[j].fig.days);
			pub_board_metric_free(bcl->components[j].metric);
		}
		free(bcl->fig.days);
		pub_timeline_free(&bcl->timeline);
		pub_history_figures_free(bcl->months, bcl->n_months);
		free(bcl->components);
		pub_state_rows_free(b->rows[2 * i], b->n_rows[2 * i]);
		pub_state_rows_free(b->rows[2 * i + 1], b->n_rows[2 * i + 1]);
	}
	free(b->clusters);
	free(b->rows);
	free(b->n_rows);
	memset(b, 0, sizeof(*b));
}

const char *pub_mark_kind(const char *state)
{
	static const struct { const char *state, *kind; } kinds[] = {
		{ "up", "up" }, { "operational", "up" },
		{ "impaired", "impaired" }, { "degraded", "impaired" },
		{ "down", "down" }, { "outage", "down" },
		{ "maintenance", "maintenance" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].state, state) == 0)
			return kinds[i].kind;
	return "unknown";
}

const char *pub_cluster_mark_kind(enum pub_cluster_state s)
{
	switch (s) {
	case PUB_CLUSTER_ONLINE:
		return "up";
	case PUB_CLUSTER_MAINTENANCE:
		return "maintenance";
	case PUB_CLUSTER_DEGRADED:
		return "impaired";
	default:
		return "down";
	}
}
