/*
 * store: SQLite persistence. See store.h.
 */
#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "store.h"
#include "xalloc.h"

#define SCHEMA_VERSION 7

/* A statement prepared once and kept, by the address of its SQL text. */
struct kept_statement {
	const char *sql;
	sqlite3_stmt *s;
};
#define KEPT_STATEMENTS 32

struct pub_store {
	sqlite3 *db;
	char *path;
	char *guid_prefix;	/* "tag:status.example.com,2026-11-25:" */
	struct kept_statement kept[KEPT_STATEMENTS];
	size_t n_kept;
	bool reading;		/* in a read transaction of pub_store_read_begin */
	pub_store_post_hook *post_hook;	/* called with each new post, or NULL */
	void *post_hook_arg;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta ("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS clusters ("
	"  slug TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER NOT NULL,"
	"  candidate TEXT, candidate_since INTEGER);"
	"CREATE TABLE IF NOT EXISTS incidents ("
	"  number INTEGER PRIMARY KEY, cluster TEXT NOT NULL, title TEXT NOT NULL,"
	"  opened_at INTEGER NOT NULL, resolved_at INTEGER,"
	"  identified_at INTEGER, identified_text TEXT);"
	"CREATE INDEX IF NOT EXISTS incidents_open ON incidents (cluster, resolved_at);"
	"CREATE TABLE IF NOT EXISTS posts ("
	"  id INTEGER PRIMARY KEY, guid TEXT UNIQUE, cluster TEXT NOT NULL,"
	"  incident INTEGER REFERENCES incidents (number), kind TEXT NOT NULL,"
	"  title TEXT NOT NULL, body_html TEXT NOT NULL, summary TEXT NOT NULL,"
	"  author TEXT NOT NULL, published_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL, source_key TEXT UNIQUE);"
	"CREATE INDEX IF NOT EXISTS posts_by_cluster ON posts (cluster, published_at);"
	"CREATE TABLE IF NOT EXISTS components ("
	"  cluster TEXT NOT NULL, component TEXT NOT NULL, state TEXT NOT NULL,"
	"  since INTEGER NOT NULL, PRIMARY KEY (cluster, component));"
	"CREATE TABLE IF NOT EXISTS members ("
	"  cluster TEXT NOT NULL, component TEXT NOT NULL, object TEXT NOT NULL,"
	"  state TEXT NOT NULL, since INTEGER NOT NULL, output TEXT,"
	"  PRIMARY KEY (cluster, component, object));"
	"CREATE TABLE IF NOT EXISTS maintenance ("
	"  id INTEGER PRIMARY KEY, cluster TEXT NOT NULL, starts_at INTEGER NOT NULL,"
	"  ends_at INTEGER NOT NULL, message TEXT NOT NULL,"
	"  post INTEGER REFERENCES posts (id));";

/*
 * upgrades[v - 1] takes a store of schema v to v + 1, in the transaction
 * that sets the new version. A new store gets the schema above, then
 * every upgrade.
 */
static const char *const upgrades[] = {
	/*
	 * 2: flaps, the impact last told, when a problem began, withdrawn
	 * posts; what is not known: a cluster whose state cannot be told
	 * (unknown_since), the last known state of a component or member that
	 * is unknown now, when a member was last checked, and the downtimes
	 * the monitoring engine has for the members (replaced by every run).
	 */
	"ALTER TABLE clusters ADD COLUMN last_away INTEGER;"
	"ALTER TABLE clusters ADD COLUMN returned INTEGER;"
	"ALTER TABLE clusters ADD COLUMN impact TEXT;"
	"ALTER TABLE incidents ADD COLUMN began_at INTEGER;"
	"ALTER TABLE posts ADD COLUMN retracted_at INTEGER;"
	"ALTER TABLE posts ADD COLUMN retracted_by TEXT;"
	"CREATE INDEX posts_by_incident ON posts (incident);"
	"CREATE INDEX posts_withdrawn ON posts (id) WHERE retracted_at IS NOT NULL;"
	"ALTER TABLE clusters ADD COLUMN unknown_since INTEGER;"
	"ALTER TABLE components ADD COLUMN last_known TEXT;"
	"ALTER TABLE members ADD COLUMN last_known TEXT;"
	"ALTER TABLE members ADD COLUMN checked_at INTEGER;"
	"UPDATE components SET last_known = state;"
	"UPDATE members SET last_known = state;"
	"CREATE TABLE engine_downtimes ("
	"  cluster TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
	"  message TEXT NOT NULL, PRIMARY KEY (cluster, starts_at, ends_at, message));",
	/*
	 * 3: history, the state intervals of every cluster, component and
	 * member (component and object '' where they name none): from a run
	 * (imported 0) or from the engine's logs (import-history, imported 1);
	 * end is NULL for the open interval of a run's record. Without rowid:
	 * a key's intervals lie together in the order they are read in.
	 */
	"CREATE TABLE history ("
	"  cluster TEXT NOT NULL, component TEXT NOT NULL, object TEXT NOT NULL,"
	"  imported INTEGER NOT NULL, state TEXT NOT NULL, start INTEGER NOT NULL,"
	"  end INTEGER, PRIMARY KEY (cluster, component, object, imported, start)) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX history_open ON history (cluster, component, object, imported)"
	"  WHERE end IS NULL;"
	"CREATE INDEX history_ends ON history (end) WHERE end IS NOT NULL;"
	/* what import-history read of the members: once each, however often read */
	"CREATE TABLE history_events ("
	"  object TEXT NOT NULL, at INTEGER NOT NULL, kind INTEGER NOT NULL,"
	"  state INTEGER NOT NULL, PRIMARY KEY (object, at, kind, state)) WITHOUT ROWID;",
	/*
	 * 4: the components' metrics (metric =): each metric once, with the
	 * unit its samples are in and its newest check's time; its samples,
	 * one per minute at most (the last check's of that minute), a week
	 * of them, small rows (10,080 of a metric take some 200 KB).
	 */
	"CREATE TABLE metrics ("
	"  id INTEGER PRIMARY KEY, cluster TEXT NOT NULL, component TEXT NOT NULL,"
	"  object TEXT NOT NULL, label TEXT NOT NULL, unit TEXT NOT NULL,"
	"  newest INTEGER NOT NULL, UNIQUE (cluster, component, object, label));"
	"CREATE TABLE metric_samples ("
	"  metric INTEGER NOT NULL, minute INTEGER NOT NULL, value REAL NOT NULL,"
	"  PRIMARY KEY (metric, minute)) WITHOUT ROWID;",
	/*
	 * 5: the calendars' revisions of a maintenance window: its SEQUENCE,
	 * counted up when its times or words change or it is cancelled, and
	 * when that was (its DTSTAMP; NULL: when it was announced).
	 */
	("ALTER TABLE maintenance ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE maintenance ADD COLUMN revised_at INTEGER;"),
	/*
	 * 6: deliveries, one post to one subscriber, queued with the post; a
	 * post's state, the cluster's as its transaction left it (set when
	 * it commits: posts_unstated finds the new ones).
	 */
	"CREATE TABLE deliveries ("
	"  id TEXT PRIMARY KEY, subscriber TEXT NOT NULL,"
	"  post INTEGER NOT NULL REFERENCES posts (id), state TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL, next_at INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL, done_at INTEGER, last_error TEXT,"
	"  UNIQUE (subscriber, post));"
	"CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending';"
	"CREATE INDEX deliveries_open ON deliveries (post) WHERE state IN ('pending', 'failed');"
	"ALTER TABLE posts ADD COLUMN state TEXT;"
	"UPDATE posts SET state = coalesce((SELECT state FROM clusters WHERE "
	"  slug = posts.cluster), 'online');"
	"CREATE INDEX posts_unstated ON posts (id) WHERE state IS NULL;",
	/*
	 * 7: history_figures, what a closed period of a key counts (period
	 * 0: a day, 1: a month, cut in the zone meta 'history_zone' names),
	 * counted once from the intervals so that a run reads a row per day
	 * instead of them: days kept as long as the intervals, months for
	 * good. Rows are forgotten, to be counted again, when the intervals
	 * under them change.
	 */
	"CREATE TABLE history_figures ("
	"  cluster TEXT NOT NULL, component TEXT NOT NULL, object TEXT NOT NULL,"
	"  period INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
	"  outage INTEGER NOT NULL, degraded INTEGER NOT NULL, maintenance INTEGER NOT NULL,"
	"  unknown INTEGER NOT NULL,"
	/* a day's: the key's record begins in it; its intervals, for a window that starts in it */
	"  first INTEGER NOT NULL DEFAULT 0, spans BLOB,"
	"  PRIMARY KEY (cluster, component, object, period, start)) WITHOUT ROWID;"
	/*
	 * the recorded states: a few pages a run reads whole (the table's
	 * rows lie apart); covering, so with the columns its WHERE names
	 */
	"CREATE INDEX history_open_states ON history (cluster, component, object, state,"
	"  imported, end) WHERE imported = 0 AND end IS NULL;",
};

/* --- running SQL: the one place that reports SQLite's errors -------- */

static bool db_fail(struct pub_store *st, struct ms_buf *err, const char *what)
{
	int code = sqlite3_errcode(st->db), sys = st->db ? sqlite3_system_errno(st->db) : 0;

	ms_buf_printf(err, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	/*
	 * "disk I/O error" and the like: the system says which. SQLite keeps
	 * no errno for a write cut short by ENOSPC, only SQLITE_FULL, which
	 * (no max_page_count is set) means just that.
	 */
	if (code == SQLITE_FULL && sys == 0)
		sys = ENOSPC;
	if (sys != 0 && (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN ||
			 code == SQLITE_READONLY))
		ms_buf_printf(err, " (%s)", strerror(sys));
	return false;
}

/* A parameter of a statement, bound to ?1, ?2, ... in order. */
struct param {
	enum { P_NULL, P_TEXT, P_INT, P_REAL, P_BLOB } type;
	const char *text;
	long long num;
	double real;
};
/* text, or NULL when s is NULL */
#define TEXT(s) { (s) != NULL ? P_TEXT : P_NULL, (s), 0, 0 }
#define NUM(n) { P_INT, NULL, (long long)(n), 0 }
#define REAL(x) { P_REAL, NULL, 0, (x) }
/* n bytes at p, or NULL when p is NULL */
#define BLOB(p, n) { (p) != NULL ? P_BLOB : P_NULL, (const char *)(p), (long long)(n), 0 }
/* a number when cond holds, else NULL */
#define NUM_IF(cond, n) { (cond) ? P_INT : P_NULL, NULL, (long long)(n), 0 }
/* the parameters of a query, and how many */
#define PARAMS(...) (const struct param[]){ __VA_ARGS__ }, \
	sizeof((const struct param[]){ __VA_ARGS__ }) / sizeof(struct param)
#define NO_PARAMS NULL, 0

/* What to do with each row of a query. */
typedef void row_fn(sqlite3_stmt *s, void *arg);

static int bind(sqlite3_stmt *s, const struct param *params, size_t n)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		if (params[i].type == P_TEXT)
			rc = sqlite3_bind_text(s, (int)i + 1, params[i].text, -1, SQLITE_TRANSIENT);
		else if (params[i].type == P_INT)
			rc = sqlite3_bind_int64(s, (int)i + 1, params[i].num);
		else if (params[i].type == P_REAL)
			rc = sqlite3_bind_double(s, (int)i + 1, params[i].real);
		else if (params[i].type == P_BLOB)
			rc = sqlite3_bind_blob(s, (int)i + 1, params[i].text, (int)params[i].num,
					       SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_null(s, (int)i + 1);
	}
	return rc;
}

/* Binds params and steps s through every row (row(s, arg) on each). */
static bool run(struct pub_store *st, sqlite3_stmt *s, const char *what, struct ms_buf *err,
		const struct param *params, size_t n, row_fn *row, void *arg)
{
	int rc;

	if ((rc = bind(s, params, n)) == SQLITE_OK)
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			if (row != NULL)
				row(s, arg);
	if (rc != SQLITE_DONE)
		db_fail(st, err, what);
	return rc == SQLITE_DONE;
}

/*
 * Every statement of the store goes through here: prepared, its
 * parameters bound, stepped through every row (row(s, arg) on each; NULL
 * for a statement that returns none), finalized. On failure false, with
 * "STORE: what: SQLite's message (the system's)" in err.
 */
static bool query(struct pub_store *st, const char *what, struct ms_buf *err,
		  const char *sql, const struct param *params, size_t n, row_fn *row,
		  void *arg)
{
	sqlite3_stmt *s = NULL;
	bool ok;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return db_fail(st, err, "cannot prepare a statement");
	ok = run(st, s, what, err, params, n, row, arg);
	sqlite3_finalize(s);
	return ok;
}

/*
 * query() for a statement run once per key or line (history): prepared
 * the first time and kept until the store is closed, found again by the
 * address of sql, which must be a string literal.
 */
static bool kept_query(struct pub_store *st, const char *what, struct ms_buf *err,
		       const char *sql, const struct param *params, size_t n, row_fn *row,
		       void *arg)
{
	struct kept_statement *k = NULL;
	bool ok;

	for (size_t i = 0; i < st->n_kept && k == NULL; i++)
		if (st->kept[i].sql == sql)
			k = &st->kept[i];
	if (k == NULL) {
		if (st->n_kept == KEPT_STATEMENTS)
			return query(st, what, err, sql, params, n, row, arg);
		k = &st->kept[st->n_kept];
		if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &k->s,
				       NULL) != SQLITE_OK)
			return db_fail(st, err, "cannot prepare a statement");
		k->sql = sql;
		st->n_kept++;
	}
	ok = run(st, k->s, what, err, params, n, row, arg);
	sqlite3_reset(k->s);
	sqlite3_clear_bindings(k->s);
	return ok;
}

/* SQL without parameters or rows, of one statement or several (the schema). */
static bool exec(struct pub_store *st, const char *sql, struct ms_buf *err,
		 const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, err, what);
	return true;
}

static char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? ms_xstrdup((const char *)t) : NULL;
}

/* Rows: the first column as a number (long long *arg). */
static void row_number(sqlite3_stmt *s, void *arg)
{
	*(long long *)arg = sqlite3_column_int64(s, 0);
}

/* Rows: the first column as text (char **arg; NULL for NULL). */
static void row_text(sqlite3_stmt *s, void *arg)
{
	char **text = arg;

	free(*text);
	*text = col_text(s, 0);
}

/* Rows: there is one (bool *arg). */
static void row_found(sqlite3_stmt *s, void *arg)
{
	(void)s;
	*(bool *)arg = true;
}

/* The first row read into item by read; found says whether there was one. */
struct one_row {
	row_fn *read;
	void *item;
	bool found;
};

static void row_one(sqlite3_stmt *s, void *arg)
{
	struct one_row *one = arg;

	if (!one->found)
		one->read(s, one->item);
	one->found = true;
}

/* Every row read by read into a new, zeroed item of a growing array. */
struct all_rows {
	void *list;		/* the address of the array (T **) */
	size_t *n;
	size_t cap;
	size_t size;		/* sizeof (T) */
	row_fn *read;
};

static void row_add(sqlite3_stmt *s, void *arg)
{
	struct all_rows *all = arg;
	char *item;

	ms_xgrow(all->list, &all->cap, *all->n + 1, all->size);
	item = (char *)*(void **)all->list + *all->n * all->size;
	memset(item, 0, all->size);
	all->read(s, item);
	(*all->n)++;
}

/* An array of rows of type T, read by read, for query's row and arg. */
#define ALL_ROWS(listp, np, read) row_add, \
	&(struct all_rows){ (listp), (np), 0, sizeof(**(listp)), (read) }

/* --- opening, the schema, transactions ------------------------------ */

/* The tag: prefix of guids is fixed the day the store is made. */
static bool load_guid_prefix(struct pub_store *st, const char *authority,
			     struct ms_buf *err)
{
	char *v = NULL;

	if (!pub_store_meta_get(st, "guid_prefix", &v, err))
		return false;
	if (v == NULL) {
		struct ms_buf b = MS_BUF_INIT;
		char date[PUB_DATE_MAX];
		pub_rfc3339(date, time(NULL));
		date[10] = '\0';
		ms_buf_printf(&b, "tag:%s,%s:", authority, date);
		v = ms_buf_steal(&b);
		if (!pub_store_meta_set(st, "guid_prefix", v, err)) {
			free(v);
			return false;
		}
	}
	st->guid_prefix = v;
	return true;
}

/* The store's user_version, or -1 with err set. */
static int schema_version(struct pub_store *st, struct ms_buf *err)
{
	long long version = -1;

	if (!query(st, "cannot read the store's schema version", err, "PRAGMA user_version",
		   NO_PARAMS, row_number, &version))
		return -1;
	return (int)version;
}

/*
 * WAL lets readers (list, show, a web page) go on while a run writes; a
 * filesystem that cannot do it (some network ones) leaves the old journal,
 * which SQLite reports instead of failing: so check what we got.
 */
static bool use_wal(struct pub_store *st, struct ms_buf *err)
{
	char *mode = NULL;
	bool ok;

	if (!query(st, "cannot set up the store", err, "PRAGMA journal_mode=WAL", NO_PARAMS,
		   row_text, &mode))
		return false;
	ok = mode != NULL && strcmp(mode, "wal") == 0;
	if (!ok)
		ms_buf_printf(err, "%s: the store cannot use WAL mode (journal mode "
			      "'%s'): put it on a local filesystem", st->path,
			      mode ? mode : "?");
	free(mode);
	return ok;
}
static bool newer_schema(struct pub_store *st, int version, struct ms_buf *err)
{
	if (version <= SCHEMA_VERSION)
		return false;
	ms_buf_printf(err, "%s: the store was made by a newer mailstatus-publish "
		      "(schema %d, this one knows %d)", st->path, version, SCHEMA_VERSION);
	return true;
}

/*
 * In the schema transaction: a new store's schema, or an older store's
 * upgrades. The version is read again under the write lock, so two
 * processes that both saw an old store upgrade it once.
 */
static bool create_or_upgrade(struct pub_store *st, struct ms_buf *err)
{
	int version = schema_version(st, err);
	char sql[64];

	if (version < 0 || newer_schema(st, version, err))
		return false;
	if (version == 0 && !exec(st, schema, err, "cannot create the schema"))
		return false;
	for (int v = version > 0 ? version : 1; v < SCHEMA_VERSION; v++)
		if (!exec(st, upgrades[v - 1], err, "cannot upgrade the store's schema"))
			return false;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", SCHEMA_VERSION);
	return exec(st, sql, err, "cannot create the schema");
}

struct pub_store *pub_store_open(const char *path, const char *guid_authority,
				 struct ms_buf *err)
{
	struct pub_store *st = ms_xcalloc(1, sizeof(*st));
	int version;

	st->path = ms_xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		db_fail(st, err, "cannot open the store");
		pub_store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 30000);
	if (!use_wal(st, err) ||
	    !exec(st, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err,
		  "cannot set up the store"))
		goto fail;
	if ((version = schema_version(st, err)) < 0 || newer_schema(st, version, err))
		goto fail;
	if (version < SCHEMA_VERSION) {
		if (!exec(st, "BEGIN IMMEDIATE", err, "cannot create the schema") ||
		    !create_or_upgrade(st, err) ||
		    !load_guid_prefix(st, guid_authority, err) ||
		    !exec(st, "COMMIT", err, "cannot create the schema")) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	} else if (!load_guid_prefix(st, guid_authority, err)) {
		goto fail;
	}
	return st;
fail:
	pub_store_close(st);
	return NULL;
}

static bool open_db(struct pub_store *st, int flags, struct ms_buf *err)
{
	if (sqlite3_open_v2(st->path, &st->db, flags, NULL) != SQLITE_OK)
		return db_fail(st, err, "cannot open the store");
	sqlite3_busy_timeout(st->db, 30000);
	return true;
}

/* The last error: a read-only connection met a journal or WAL to recover. */
static bool needs_recovery(struct pub_store *st)
{
	int code = sqlite3_extended_errcode(st->db);

	return code == SQLITE_READONLY_ROLLBACK || code == SQLITE_READONLY_RECOVERY ||
	       code == SQLITE_READONLY_CANTINIT;
}

/* true when the database holds no table at all (never set up) */
static bool is_empty(struct pub_store *st)
{
	struct ms_buf ignored = MS_BUF_INIT;
	long long tables = -1;

	query(st, "cannot read the schema", &ignored, "SELECT count(*) FROM sqlite_master",
	      NO_PARAMS, row_number, &tables);
	ms_buf_free(&ignored);
	return tables == 0;
}

struct pub_store *pub_store_open_readonly(const char *path, struct ms_buf *err)
{
	struct pub_store *st;
	int version;

	if (access(path, F_OK) != 0) {
		ms_buf_printf(err, "%s: no store yet: nothing has been published "
			      "('mailstatus-publish run' makes it)", path);
		return NULL;
	}
	st = ms_xcalloc(1, sizeof(*st));
	st->path = ms_xstrdup(path);
	if (!open_db(st, SQLITE_OPEN_READONLY, err))
		goto fail;
	version = schema_version(st, err);
	if (version < 0 && needs_recovery(st)) {
		/*
		 * A run killed mid-transaction left a hot journal or WAL that
		 * only a writer may recover; recover it as one (if allowed), and
		 * read through a connection that refuses to write.
		 */
		sqlite3_close(st->db);
		st->db = NULL;
		ms_buf_reset(err);
		if (!open_db(st, SQLITE_OPEN_READWRITE, err) ||
		    !exec(st, "PRAGMA query_only=ON", err, "cannot open the store"))
			goto fail;
		/* nor checkpoint the WAL into the store on close: runs do that */
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		version = schema_version(st, err);
	}
	if (version < 0 || newer_schema(st, version, err))
		goto fail;
	if (version == 0 && is_empty(st)) {
		/* a first run killed before it committed the schema */
		ms_buf_printf(err, "%s: no store yet: nothing has been published "
			      "('mailstatus-publish run' makes it)", path);
		goto fail;
	}
	if (version == 0) {
		ms_buf_printf(err, "%s: not a store of mailstatus-publish (or an empty one)", path);
		goto fail;
	}
	if (version < SCHEMA_VERSION) {
		ms_buf_printf(err, "%s: the store was made by an older mailstatus-publish "
			      "(schema %d); 'mailstatus-publish render' (or the next run) "
			      "upgrades it", path, version);
		goto fail;
	}
	if (!pub_store_meta_get(st, "guid_prefix", &st->guid_prefix, err))
		goto fail;
	return st;
fail:
	pub_store_close(st);
	return NULL;
}

void pub_store_close(struct pub_store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n_kept; i++)
		sqlite3_finalize(st->kept[i].s);
	sqlite3_close(st->db);
	free(st->path);
	free(st->guid_prefix);
	free(st);
}

const char *pub_store_guid_prefix(const struct pub_store *st)
{
	return st->guid_prefix;
}

bool pub_store_begin(struct pub_store *st, struct ms_buf *err)
{
	return exec(st, "BEGIN IMMEDIATE", err, "cannot start a transaction");
}

/* The new posts' state: their cluster's as the transaction leaves it. */
static const char set_post_states[] =
	"UPDATE posts SET state = coalesce((SELECT state FROM clusters WHERE "
	"slug = posts.cluster), 'online') WHERE state IS NULL";

bool pub_store_commit(struct pub_store *st, struct ms_buf *err)
{
	if (exec(st, set_post_states, err, "cannot record the posts' states") &&
	    exec(st, "COMMIT", err, "cannot commit"))
		return true;
	pub_store_rollback(st);
	return false;
}

void pub_store_rollback(struct pub_store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

bool pub_store_read_begin(struct pub_store *st, struct ms_buf *err)
{
	if (!sqlite3_get_autocommit(st->db))
		return true;	/* the open transaction reads as well */
	st->reading = exec(st, "BEGIN", err, "cannot start a transaction");
	return st->reading;
}

void pub_store_read_end(struct pub_store *st)
{
	if (st->reading)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	st->reading = false;
}


/* --- meta ----------------------------------------------------------- */

bool pub_store_meta_get(struct pub_store *st, const char *key, char **value,
			struct ms_buf *err)
{
	*value = NULL;
	return query(st, "cannot read meta", err, "SELECT value FROM meta WHERE key = ?",
		     PARAMS(TEXT(key)), row_text, value);
}

bool pub_store_meta_set(struct pub_store *st, const char *key, const char *value,
			struct ms_buf *err)
{
	if (value == NULL)
		return query(st, "cannot write meta", err, "DELETE FROM meta WHERE key = ?1",
			     PARAMS(TEXT(key)), NULL, NULL);
	return query(st, "cannot write meta", err, "INSERT INTO meta (key, value) VALUES "
		     "(?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		     PARAMS(TEXT(key), TEXT(value)), NULL, NULL);
}

/* --- clusters, components, members ---------------------------------- */

/* A cluster's row; bad says its states were not words of this program. */
struct cluster_read {
	struct pub_cluster_row *row;
	bool bad;
};

static void read_cluster(sqlite3_stmt *s, void *arg)
{
	struct cluster_read *cr = arg;
	struct pub_cluster_row *row = cr->row;
	const char *state = (const char *)sqlite3_column_text(s, 0);
	const char *cand = (const char *)sqlite3_column_text(s, 2);

	row->since = (time_t)sqlite3_column_int64(s, 1);
	if (!pub_cluster_state_parse(state ? state : "", &row->state) ||
	    (cand && !pub_cluster_state_parse(cand, &row->candidate)))
		cr->bad = true;
	row->pending = cand != NULL;
	row->candidate_since = (time_t)sqlite3_column_int64(s, 3);
	row->last_away = (time_t)sqlite3_column_int64(s, 4);
	row->returned = sqlite3_column_int(s, 5) != 0;
	row->unknown_since = (time_t)sqlite3_column_int64(s, 6);
}

bool pub_store_cluster_get(struct pub_store *st, const char *slug,
			   struct pub_cluster_row *row, struct ms_buf *err)
{
	struct cluster_read cr = { row, false };

	memset(row, 0, sizeof(*row));
	row->state = PUB_CLUSTER_ONLINE;
	if (!query(st, "cannot read a cluster", err, "SELECT state, since, candidate, "
		   "candidate_since, last_away, returned, unknown_since FROM clusters "
		   "WHERE slug = ?", PARAMS(TEXT(slug)), read_cluster, &cr))
		return false;
	if (cr.bad)
		ms_buf_printf(err, "%s: cluster %s has an unknown state in the store",
			      st->path, slug);
	return !cr.bad;
}

bool pub_store_cluster_put(struct pub_store *st, const char *slug,
			   const struct pub_cluster_row *row, struct ms_buf *err)
{
	return query(st, "cannot write a cluster", err, "INSERT INTO clusters (slug, state, "
		     "since, candidate, candidate_since, last_away, returned, unknown_since) "
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		     "ON CONFLICT (slug) DO UPDATE SET state = ?2, since = ?3, "
		     "candidate = ?4, candidate_since = ?5, last_away = ?6, "
		     "returned = ?7, unknown_since = ?8",
		     PARAMS(TEXT(slug), TEXT(pub_cluster_state_key(row->state)), NUM(row->since),
			    TEXT(row->pending ? pub_cluster_state_key(row->candidate) : NULL),
			    NUM_IF(row->pending, row->candidate_since),
			    NUM_IF(row->pending, row->last_away),
			    NUM_IF(row->pending, row->returned),
			    NUM_IF(row->unknown_since > 0, row->unknown_since)),
		     NULL, NULL);
}

bool pub_store_cluster_impact(struct pub_store *st, const char *slug, char **impact,
			      struct ms_buf *err)
{
	*impact = NULL;
	return query(st, "cannot read a cluster", err, "SELECT impact FROM clusters "
		     "WHERE slug = ?", PARAMS(TEXT(slug)), row_text, impact);
}

bool pub_store_cluster_set_impact(struct pub_store *st, const char *slug,
				  const char *impact, struct ms_buf *err)
{
	return query(st, "cannot write a cluster", err, "UPDATE clusters SET impact = ? "
		     "WHERE slug = ?", PARAMS(TEXT(impact), TEXT(slug)), NULL, NULL);
}

bool pub_store_cluster_last_change(struct pub_store *st, const char *slug,
				   time_t *last, struct ms_buf *err)
{
	long long newest = 0;
	bool ok = query(st, "cannot read component and member states", err,
			"SELECT max((SELECT coalesce(max(since), 0) FROM components WHERE "
			"cluster = ?1), (SELECT coalesce(max(since), 0) FROM members WHERE "
			"cluster = ?1))", PARAMS(TEXT(slug)), row_number, &newest);

	*last = (time_t)newest;
	return ok;
}

/* SQL: the new state when it is known, else what was known before. */
#define LAST_KNOWN(state, before) \
	"CASE WHEN " state " <> 'unknown' THEN " state " ELSE " before " END"

bool pub_store_component_set(struct pub_store *st, const char *cluster,
			     const char *component, const char *state, time_t now,
			     struct ms_buf *err)
{
	return kept_query(st, "cannot write a component", err, "INSERT INTO components (cluster, "
		     "component, state, since, last_known) VALUES (?1, ?2, ?3, ?4, "
		     LAST_KNOWN("?3", "NULL") ") ON CONFLICT (cluster, component) DO UPDATE "
		     "SET state = ?3, since = ?4, last_known = " LAST_KNOWN("?3", "last_known")
		     " WHERE state <> ?3",
		     PARAMS(TEXT(cluster), TEXT(component), TEXT(state), NUM(now)), NULL, NULL);
}

bool pub_store_member_set(struct pub_store *st, const char *cluster,
			  const char *component, const char *object,
			  const char *state, const char *output, time_t now,
			  struct ms_buf *err)
{
	return kept_query(st, "cannot write a member", err, "INSERT INTO members (cluster, "
		     "component, object, state, since, output, last_known) VALUES (?1, ?2, "
		     "?3, ?4, ?5, ?6, " LAST_KNOWN("?4", "NULL") ") "
		     "ON CONFLICT (cluster, component, object) DO UPDATE SET "
		     "since = CASE WHEN state <> ?4 THEN ?5 ELSE since END, "
		     "last_known = " LAST_KNOWN("?4", "last_known") ", "
		     "state = ?4, output = ?6",
		     PARAMS(TEXT(cluster), TEXT(component), TEXT(object), TEXT(state), NUM(now),
			    TEXT(output)), NULL, NULL);
}

static void read_state(sqlite3_stmt *s, void *arg)
{
	struct pub_state_row *r = arg;

	r->component = col_text(s, 0);
	r->object = col_text(s, 1);
	r->state = col_text(s, 2);
	r->since = (time_t)sqlite3_column_int64(s, 3);
	r->last_known = col_text(s, 4);
	r->checked_at = (time_t)sqlite3_column_int64(s, 5);
}

bool pub_store_states(struct pub_store *st, const char *cluster, bool members,
		      struct pub_state_row **rows, size_t *n, struct ms_buf *err)
{
	*rows = NULL;
	*n = 0;
	if (kept_query(st, "cannot read component and member states", err, members
		  ? "SELECT component, object, state, since, last_known, checked_at "
		    "FROM members WHERE cluster = ? ORDER BY component, object"
		  : "SELECT component, NULL, state, since, last_known, NULL "
		    "FROM components WHERE cluster = ? ORDER BY component",
		  PARAMS(TEXT(cluster)), ALL_ROWS(rows, n, read_state)))
		return true;
	pub_state_rows_free(*rows, *n);
	*rows = NULL;
	*n = 0;
	return false;
}

void pub_state_rows_free(struct pub_state_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].component);
		free(rows[i].object);
		free(rows[i].state);
		free(rows[i].last_known);
	}
	free(rows);
}

bool pub_store_member_checked(struct pub_store *st, const char *cluster,
			      const char *component, const char *object,
			      time_t checked_at, struct ms_buf *err)
{
	return kept_query(st, "cannot write a member", err, "UPDATE members SET checked_at = ?4 "
		     "WHERE cluster = ?1 AND component = ?2 AND object = ?3 AND "
		     "checked_at IS NOT ?4",
		     PARAMS(TEXT(cluster), TEXT(component), TEXT(object),
			    NUM_IF(checked_at > 0, checked_at)), NULL, NULL);
}

/* --- posts ---------------------------------------------------------- */

#define POST_COLUMNS "id, guid, cluster, incident, kind, title, body_html, summary, " \
		     "author, published_at, updated_at, source_key, retracted_at, " \
		     "retracted_by"
/* what readers may see */
#define POST_PUBLISHED "retracted_at IS NULL"

/* POST_COLUMNS from column `at` on (0: the row is a post; later: after another's columns). */
static void read_post_at(sqlite3_stmt *s, int at, struct pub_post *p)
{
	p->id = (long)sqlite3_column_int64(s, at + 0);
	p->guid = col_text(s, at + 1);
	p->cluster = col_text(s, at + 2);
	p->incident = (long)sqlite3_column_int64(s, at + 3);
	p->kind = col_text(s, at + 4);
	p->title = col_text(s, at + 5);
	p->body_html = col_text(s, at + 6);
	p->summary = col_text(s, at + 7);
	p->author = col_text(s, at + 8);
	p->published_at = (time_t)sqlite3_column_int64(s, at + 9);
	p->updated_at = (time_t)sqlite3_column_int64(s, at + 10);
	p->source_key = col_text(s, at + 11);
	p->retracted_at = (time_t)sqlite3_column_int64(s, at + 12);
	p->retracted_by = col_text(s, at + 13);
}

static void read_post(sqlite3_stmt *s, void *arg)
{
	read_post_at(s, 0, arg);
}

bool pub_store_post_add(struct pub_store *st, struct pub_post *p, struct ms_buf *err)
{
	struct ms_buf guid = MS_BUF_INIT;

	if (!query(st, "cannot add a post", err, "INSERT INTO posts (cluster, incident, kind, "
		   "title, body_html, summary, author, published_at, updated_at, source_key) "
		   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		   PARAMS(TEXT(p->cluster), NUM_IF(p->incident > 0, p->incident), TEXT(p->kind),
			  TEXT(p->title), TEXT(p->body_html), TEXT(p->summary), TEXT(p->author),
			  NUM(p->published_at), NUM(p->updated_at), TEXT(p->source_key)),
		   NULL, NULL))
		return false;
	p->id = (long)sqlite3_last_insert_rowid(st->db);
	ms_buf_printf(&guid, "%spost-%ld", st->guid_prefix, p->id);
	free(p->guid);
	p->guid = ms_buf_steal(&guid);
	return query(st, "cannot set a post's guid", err, "UPDATE posts SET guid = ? "
		     "WHERE id = ?", PARAMS(TEXT(p->guid), NUM(p->id)), NULL, NULL) &&
	       (st->post_hook == NULL || st->post_hook(st, p, st->post_hook_arg, err));
}

void pub_store_set_post_hook(struct pub_store *st, pub_store_post_hook *hook, void *arg)
{
	st->post_hook = hook;
	st->post_hook_arg = arg;
}

bool pub_store_post_get(struct pub_store *st, long id, struct pub_post *p,
			bool *found, struct ms_buf *err)
{
	struct one_row one = { read_post, p, false };
	bool ok = query(st, "cannot read a post", err, "SELECT " POST_COLUMNS " FROM posts "
			"WHERE id = ?", PARAMS(NUM(id)), row_one, &one);

	*found = one.found;
	return ok;
}

/*
 * The maintenance window post announces (if any) was revised at now:
 * its words changed, or it was cancelled. The calendars count it (SEQUENCE).
 */
static bool maintenance_revised(struct pub_store *st, long post, time_t now,
				struct ms_buf *err)
{
	return query(st, "cannot update a maintenance window", err, "UPDATE maintenance SET "
		     "sequence = sequence + 1, revised_at = ? WHERE post = ?",
		     PARAMS(NUM(now), NUM(post)), NULL, NULL);
}

bool pub_store_post_set_body(struct pub_store *st, long id, const char *html,
			     const char *summary, time_t now, struct ms_buf *err)
{
	return query(st, "cannot update a post", err, "UPDATE posts SET body_html = ?, "
		     "summary = ?, updated_at = ? WHERE id = ?",
		     PARAMS(TEXT(html), TEXT(summary), NUM(now), NUM(id)), NULL, NULL) &&
	       maintenance_revised(st, id, now, err);
}

bool pub_store_source_key_used(struct pub_store *st, const char *key, bool *used,
			       struct ms_buf *err)
{
	*used = false;
	return query(st, "cannot read posts", err, "SELECT 1 FROM posts WHERE source_key = ?",
		     PARAMS(TEXT(key)), row_found, used);
}

/* Posts of a query of POST_COLUMNS; none when it fails. */
static bool read_posts(struct pub_store *st, const char *sql, const struct param *params,
		       size_t n, struct pub_post **posts, size_t *n_posts, struct ms_buf *err)
{
	*posts = NULL;
	*n_posts = 0;
	if (query(st, "cannot read posts", err, sql, params, n,
		  ALL_ROWS(posts, n_posts, read_post)))
		return true;
	pub_posts_free(*posts, *n_posts);
	*posts = NULL;
	*n_posts = 0;
	return false;
}

bool pub_store_posts(struct pub_store *st, const char *const *slugs, size_t n,
		     long limit, struct pub_post **posts, size_t *n_posts,
		     struct ms_buf *err)
{
	struct ms_buf sql = MS_BUF_INIT;
	struct param *params = n > 0 ? ms_xcalloc(n, sizeof(*params)) : NULL;
	bool ok;

	ms_buf_puts(&sql, "SELECT " POST_COLUMNS " FROM posts WHERE " POST_PUBLISHED);
	if (slugs) {
		ms_buf_puts(&sql, " AND cluster IN (");
		for (size_t i = 0; i < n; i++) {
			ms_buf_puts(&sql, i ? ", ?" : "?");
			params[i] = (struct param)TEXT(slugs[i]);
		}
		ms_buf_puts(&sql, ")");
	}
	ms_buf_printf(&sql, " ORDER BY published_at DESC, id DESC LIMIT %ld",
		      limit > 0 ? limit : -1L);
	ok = read_posts(st, sql.data, params, slugs ? n : 0, posts, n_posts, err);
	free(params);
	ms_buf_free(&sql);
	return ok;
}

bool pub_store_incident_posts(struct pub_store *st, long number,
			      struct pub_post **posts, size_t *n_posts,
			      struct ms_buf *err)
{
	return read_posts(st, "SELECT " POST_COLUMNS " FROM posts WHERE incident = ? AND "
			  POST_PUBLISHED " ORDER BY published_at, id", PARAMS(NUM(number)),
			  posts, n_posts, err);
}

bool pub_store_post_retract(struct pub_store *st, long id, time_t now, const char *by,
			    struct ms_buf *err)
{
	return query(st, "cannot withdraw a post", err, "UPDATE posts SET retracted_at = ?, "
		     "retracted_by = ? WHERE id = ? AND retracted_at IS NULL",
		     PARAMS(NUM(now), TEXT(by), NUM(id)), NULL, NULL) &&
	       /* a withdrawn announcement cancels its window: a revision of it */
	       maintenance_revised(st, id, now, err) &&
	       /* nothing more is sent of it */
	       query(st, "cannot cancel a post's deliveries", err, "UPDATE deliveries SET "
		     "state = 'cancelled', done_at = ? WHERE post = ? AND state = 'pending'",
		     PARAMS(NUM(now), NUM(id)), NULL, NULL) &&
	       /* what the acknowledgement identified goes with its post */
	       query(st, "cannot update an incident", err, "UPDATE incidents SET "
		     "identified_at = NULL, identified_text = NULL WHERE number = (SELECT "
		     "incident FROM posts WHERE id = ? AND kind = 'identified')",
		     PARAMS(NUM(id)), NULL, NULL);
}

static void read_id(sqlite3_stmt *s, void *arg)
{
	*(long *)arg = (long)sqlite3_column_int64(s, 0);
}

/* The numbers of one column of a query without parameters. */
static bool collect_ids(struct pub_store *st, const char *sql, long **ids, size_t *n,
			struct ms_buf *err)
{
	*ids = NULL;
	*n = 0;
	if (query(st, "cannot read posts", err, sql, NO_PARAMS, ALL_ROWS(ids, n, read_id)))
		return true;
	free(*ids);
	*ids = NULL;
	*n = 0;
	return false;
}

/* An incident is hidden when it has posts and every one is withdrawn. */
#define INCIDENT_HIDDEN(number) \
	"(EXISTS (SELECT 1 FROM posts WHERE incident = " number " AND " \
	"retracted_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM posts WHERE " \
	"incident = " number " AND retracted_at IS NULL))"

bool pub_store_withdrawn(struct pub_store *st, long **posts, size_t *n_posts,
			 long **incidents, size_t *n_incidents, struct ms_buf *err)
{
	*incidents = NULL;
	*n_incidents = 0;
	if (!collect_ids(st, "SELECT id FROM posts WHERE retracted_at IS NOT NULL "
			 "ORDER BY id", posts, n_posts, err))
		return false;
	if (*n_posts == 0)
		return true;	/* nothing withdrawn, no incident hidden */
	if (collect_ids(st, "SELECT DISTINCT w.incident FROM posts w WHERE w.retracted_at "
			"IS NOT NULL AND w.incident IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
			"posts WHERE incident = w.incident AND retracted_at IS NULL) "
			"ORDER BY w.incident", incidents, n_incidents, err))
		return true;
	free(*posts);
	*posts = NULL;
	*n_posts = 0;
	return false;
}

bool pub_store_incident_visible(struct pub_store *st, long number, bool *visible,
				struct ms_buf *err)
{
	long long shown = 1;
	bool ok = query(st, "cannot read incidents", err, "SELECT NOT " INCIDENT_HIDDEN("?1"),
			PARAMS(NUM(number)), row_number, &shown);

	*visible = shown != 0;
	return ok;
}

void pub_post_free(struct pub_post *p)
{
	free(p->guid);
	free(p->cluster);
	free(p->kind);
	free(p->title);
	free(p->body_html);
	free(p->summary);
	free(p->author);
	free(p->source_key);
	free(p->retracted_by);
	memset(p, 0, sizeof(*p));
}

void pub_posts_free(struct pub_post *posts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pub_post_free(&posts[i]);
	free(posts);
}

/* --- incidents ------------------------------------------------------ */

bool pub_store_incident_open_of(struct pub_store *st, const char *cluster,
				long *number, struct ms_buf *err)
{
	long long open = 0;
	bool ok = query(st, "cannot read incidents", err, "SELECT max(number) FROM incidents "
			"WHERE cluster = ? AND resolved_at IS NULL", PARAMS(TEXT(cluster)),
			row_number, &open);

	*number = (long)open;
	return ok;
}

bool pub_store_incident_create(struct pub_store *st, const char *cluster,
			       const char *title, time_t now, long *number,
			       struct ms_buf *err)
{
	if (!query(st, "cannot open an incident", err, "INSERT INTO incidents (cluster, "
		   "title, opened_at) VALUES (?, ?, ?)",
		   PARAMS(TEXT(cluster), TEXT(title), NUM(now)), NULL, NULL))
		return false;
	*number = (long)sqlite3_last_insert_rowid(st->db);
	return true;
}

bool pub_store_incident_resolve(struct pub_store *st, long number, time_t now,
				struct ms_buf *err)
{
	/* the title says it from now on, wherever the incident is listed */
	return query(st, "cannot resolve an incident", err, "UPDATE incidents SET "
		     "resolved_at = ?, title = title || ' [Resolved]' "
		     "WHERE number = ? AND resolved_at IS NULL",
		     PARAMS(NUM(now), NUM(number)), NULL, NULL);
}

bool pub_store_incident_identify(struct pub_store *st, long number, time_t now,
				 const char *text, struct ms_buf *err)
{
	return query(st, "cannot update an incident", err, "UPDATE incidents SET "
		     "identified_at = ?, identified_text = ? WHERE number = ?",
		     PARAMS(NUM(now), TEXT(text), NUM(number)), NULL, NULL);
}

bool pub_store_incident_set_began(struct pub_store *st, long number, time_t began,
				  struct ms_buf *err)
{
	return query(st, "cannot update an incident", err, "UPDATE incidents SET "
		     "began_at = ? WHERE number = ?", PARAMS(NUM(began), NUM(number)),
		     NULL, NULL);
}

#define INCIDENT_COLUMNS "number, cluster, title, opened_at, resolved_at, " \
			 "identified_at, identified_text, began_at"

static void read_incident(sqlite3_stmt *s, void *arg)
{
	struct pub_incident *inc = arg;

	inc->number = (long)sqlite3_column_int64(s, 0);
	inc->cluster = col_text(s, 1);
	inc->title = col_text(s, 2);
	inc->opened_at = (time_t)sqlite3_column_int64(s, 3);
	inc->resolved_at = (time_t)sqlite3_column_int64(s, 4);
	inc->identified_at = (time_t)sqlite3_column_int64(s, 5);
	inc->identified_text = col_text(s, 6);
	inc->began_at = (time_t)sqlite3_column_int64(s, 7);
}

bool pub_store_incident_get(struct pub_store *st, long number,
			    struct pub_incident *inc, bool *found, struct ms_buf *err)
{
	struct one_row one = { read_incident, inc, false };
	bool ok = query(st, "cannot read an incident", err, "SELECT " INCIDENT_COLUMNS
			" FROM incidents WHERE number = ?", PARAMS(NUM(number)), row_one, &one);

	*found = one.found;
	return ok;
}

bool pub_store_incidents(struct pub_store *st, struct pub_incident **list,
			 size_t *n, struct ms_buf *err)
{
	*list = NULL;
	*n = 0;
	if (query(st, "cannot read incidents", err, "SELECT " INCIDENT_COLUMNS " FROM "
		  "incidents WHERE NOT " INCIDENT_HIDDEN("incidents.number")
		  " ORDER BY number DESC", NO_PARAMS, ALL_ROWS(list, n, read_incident)))
		return true;
	for (size_t i = 0; i < *n; i++)
		pub_incident_free(&(*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
	return false;
}

void pub_incident_free(struct pub_incident *inc)
{
	free(inc->cluster);
	free(inc->title);
	free(inc->identified_text);
	memset(inc, 0, sizeof(*inc));
}

/* --- maintenance ---------------------------------------------------- */

bool pub_store_maintenance_add(struct pub_store *st, struct pub_maintenance *m,
			       struct ms_buf *err)
{
	if (!query(st, "cannot add a maintenance", err, "INSERT INTO maintenance (cluster, "
		   "starts_at, ends_at, message, post) VALUES (?, ?, ?, ?, ?)",
		   PARAMS(TEXT(m->cluster), NUM(m->starts_at), NUM(m->ends_at),
			  TEXT(m->message), NUM_IF(m->post > 0, m->post)), NULL, NULL))
		return false;
	m->id = (long)sqlite3_last_insert_rowid(st->db);
	return true;
}

/* An announcement is withdrawn with its post (retract): its window and words too. */
#define MAINTENANCE_PUBLISHED "NOT EXISTS (SELECT 1 FROM posts WHERE posts.id = " \
			      "maintenance.post AND posts.retracted_at IS NOT NULL)"
#define MAINTENANCE_COLUMNS "id, cluster, starts_at, ends_at, message, post"

static void read_maintenance(sqlite3_stmt *s, void *arg)
{
	struct pub_maintenance *m = arg;

	m->id = (long)sqlite3_column_int64(s, 0);
	m->cluster = col_text(s, 1);
	m->starts_at = (time_t)sqlite3_column_int64(s, 2);
	m->ends_at = (time_t)sqlite3_column_int64(s, 3);
	m->message = col_text(s, 4);
	m->post = (long)sqlite3_column_int64(s, 5);
}

/* Rows of maintenance (or the engine's downtimes) read by read; none when it fails. */
static bool read_windows(struct pub_store *st, const char *what, const char *sql,
			 const struct param *params, size_t n_params, row_fn *read,
			 struct pub_maintenance **list, size_t *n, struct ms_buf *err)
{
	*list = NULL;
	*n = 0;
	if (query(st, what, err, sql, params, n_params, ALL_ROWS(list, n, read)))
		return true;
	for (size_t i = 0; i < *n; i++)
		pub_maintenance_free(&(*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
	return false;
}

bool pub_store_maintenance_at(struct pub_store *st, const char *cluster, time_t t,
			      struct pub_maintenance *m, bool *found,
			      struct ms_buf *err)
{
	struct one_row one = { read_maintenance, m, false };
	bool ok = query(st, "cannot read maintenance", err, "SELECT " MAINTENANCE_COLUMNS
			" FROM maintenance WHERE cluster = ? AND starts_at <= ?2 AND "
			"ends_at > ?2 AND " MAINTENANCE_PUBLISHED
			" ORDER BY starts_at DESC, id DESC LIMIT 1",
			PARAMS(TEXT(cluster), NUM(t)), row_one, &one);

	*found = one.found;
	return ok;
}

bool pub_store_maintenances_after(struct pub_store *st, time_t t,
				  struct pub_maintenance **list, size_t *n,
				  struct ms_buf *err)
{
	return read_windows(st, "cannot read maintenance", "SELECT " MAINTENANCE_COLUMNS
			    " FROM maintenance WHERE ends_at > ? AND " MAINTENANCE_PUBLISHED
			    " ORDER BY starts_at, id", PARAMS(NUM(t)), read_maintenance, list, n,
			    err);
}

/* The calendars' columns: a window with its announcement's words and fate. */
#define WINDOW_COLUMNS "m.id, m.cluster, m.starts_at, m.ends_at, m.message, m.post, " \
		       "m.sequence, COALESCE(m.revised_at, p.published_at, 0), p.title, " \
		       "p.summary, COALESCE(p.retracted_at, 0)"
#define WINDOW_FROM " FROM maintenance m LEFT JOIN posts p ON p.id = m.post"

static void read_window(sqlite3_stmt *s, void *arg)
{
	struct pub_maintenance *m = arg;

	read_maintenance(s, m);
	m->sequence = (long)sqlite3_column_int64(s, 6);
	m->revised_at = (time_t)sqlite3_column_int64(s, 7);
	m->title = col_text(s, 8);
	m->summary = col_text(s, 9);
	m->cancelled_at = (time_t)sqlite3_column_int64(s, 10);
}

bool pub_store_maintenance_windows(struct pub_store *st, time_t t,
				   struct pub_maintenance **list, size_t *n,
				   struct ms_buf *err)
{
	return read_windows(st, "cannot read maintenance", "SELECT " WINDOW_COLUMNS WINDOW_FROM
			    " WHERE m.ends_at > ? ORDER BY m.starts_at, m.id", PARAMS(NUM(t)),
			    read_window, list, n, err);
}

bool pub_store_maintenance_get(struct pub_store *st, long id, bool by_post,
			       struct pub_maintenance *m, bool *found, struct ms_buf *err)
{
	struct one_row one = { read_window, m, false };
	bool ok = query(st, "cannot read maintenance", err, by_post
			? "SELECT " WINDOW_COLUMNS WINDOW_FROM " WHERE m.post = ?"
			: "SELECT " WINDOW_COLUMNS WINDOW_FROM " WHERE m.id = ?",
			PARAMS(NUM(id)), row_one, &one);

	*found = one.found;
	return ok;
}

bool pub_store_maintenance_move(struct pub_store *st, long id, time_t starts_at,
				time_t ends_at, const char *message, struct ms_buf *err)
{
	return query(st, "cannot change a maintenance window", err, "UPDATE maintenance SET "
		     "starts_at = ?, ends_at = ?, message = ? WHERE id = ?",
		     PARAMS(NUM(starts_at), NUM(ends_at), TEXT(message), NUM(id)), NULL, NULL);
}

void pub_maintenance_free(struct pub_maintenance *m)
{
	free(m->cluster);
	free(m->message);
	free(m->title);
	free(m->summary);
	memset(m, 0, sizeof(*m));
}

/* --- the engine's downtimes ------------------------------------------ */

static void read_downtime(sqlite3_stmt *s, void *arg)
{
	struct pub_maintenance *m = arg;

	m->cluster = col_text(s, 0);
	m->starts_at = (time_t)sqlite3_column_int64(s, 1);
	m->ends_at = (time_t)sqlite3_column_int64(s, 2);
	m->message = col_text(s, 3);
	if (m->message && m->message[0] == '\0') {
		free(m->message);	/* "": none */
		m->message = NULL;
	}
}

#define DOWNTIME_COLUMNS "cluster, starts_at, ends_at, message"

static bool same_window(const struct pub_maintenance *a, const struct pub_maintenance *b)
{
	return strcmp(a->cluster, b->cluster) == 0 && a->starts_at == b->starts_at &&
	       a->ends_at == b->ends_at &&
	       strcmp(a->message ? a->message : "", b->message ? b->message : "") == 0;
}

/* Does the table hold exactly the windows of list (which may repeat one)? */
static bool downtimes_unchanged(struct pub_store *st, const struct pub_maintenance *list,
				size_t n, bool *same, struct ms_buf *err)
{
	struct pub_maintenance *rows;
	size_t n_rows, distinct = 0;

	if (!read_windows(st, "cannot read the engine's downtimes", "SELECT "
			  DOWNTIME_COLUMNS " FROM engine_downtimes", NO_PARAMS, read_downtime,
			  &rows, &n_rows, err))
		return false;
	*same = true;
	for (size_t i = 0; i < n && *same; i++) {
		bool repeat = false, stored = false;

		for (size_t k = 0; k < i && !repeat; k++)
			repeat = same_window(&list[k], &list[i]);
		distinct += !repeat;
		for (size_t r = 0; r < n_rows && !stored; r++)
			stored = same_window(&rows[r], &list[i]);
		*same = stored;
	}
	*same = *same && n_rows == distinct;
	for (size_t r = 0; r < n_rows; r++)
		pub_maintenance_free(&rows[r]);
	free(rows);
	return true;
}

bool pub_store_engine_downtimes_set(struct pub_store *st, const struct pub_maintenance *list,
				    size_t n, struct ms_buf *err)
{
	const char *what = "cannot write the engine's downtimes";
	bool same;

	/* most runs: the same downtimes (or none), and nothing to write */
	if (!downtimes_unchanged(st, list, n, &same, err))
		return false;
	if (same)
		return true;
	if (!query(st, what, err, "DELETE FROM engine_downtimes WHERE 1", NO_PARAMS, NULL, NULL))
		return false;
	for (size_t i = 0; i < n; i++)
		/* one row per cluster and window: two servers' downtime is one to readers */
		if (!query(st, what, err, "INSERT OR IGNORE INTO engine_downtimes (cluster, "
			   "starts_at, ends_at, message) VALUES (?, ?, ?, ?)",
			   PARAMS(TEXT(list[i].cluster), NUM(list[i].starts_at),
				  NUM(list[i].ends_at),
				  TEXT(list[i].message ? list[i].message : "")),	/* "": none */
			   NULL, NULL))
			return false;
	return true;
}

bool pub_store_engine_downtimes_after(struct pub_store *st, time_t t,
				      struct pub_maintenance **list, size_t *n,
				      struct ms_buf *err)
{
	return read_windows(st, "cannot read the engine's downtimes", "SELECT "
			    DOWNTIME_COLUMNS " FROM engine_downtimes WHERE ends_at > ? ORDER BY "
			    "starts_at, cluster, ends_at, message", PARAMS(NUM(t)), read_downtime,
			    list, n, err);
}

/* --- history: state intervals --------------------------------------- */

#define HISTORY_KEY "cluster = ?1 AND component = ?2 AND object = ?3"
#define KEY_PARAMS(k) TEXT((k)->cluster), TEXT((k)->component ? (k)->component : ""), \
	TEXT((k)->object ? (k)->object : "")

/* The open interval of a run's record: its state and start. */
struct open_interval {
	char *state;
	long long start;
};

static void read_open(sqlite3_stmt *s, void *arg)
{
	struct open_interval *o = arg;

	free(o->state);
	o->state = col_text(s, 0);
	o->start = sqlite3_column_int64(s, 1);
}

/*
 * When the change to a new state happened: at, unless it is not known
 * (0), in the future, or before the open interval began (then the
 * engine's time is not this change's): the run's time, never before the
 * open interval's start. The first interval of a record starts at the run.
 */
static time_t change_time(time_t at, time_t now, const struct open_interval *open)
{
	time_t t = at > 0 && at <= now ? at : now;

	/* a record begins with the run that first makes it: before, it is not known */
	if (open->state == NULL)
		return now;
	if (t < open->start)
		t = now > open->start ? now : (time_t)open->start;
	return t;
}

/* Figures were forgotten: the next pub_history_keep counts every key again. */
static bool figures_incomplete(struct pub_store *st, struct ms_buf *err)
{
	return kept_query(st, "cannot write the history", err, "DELETE FROM meta WHERE key = "
			  "'" PUB_META_HISTORY_COUNTED "'", NO_PARAMS, NULL, NULL);
}

bool pub_store_history_note(struct pub_store *st, const struct pub_history_key *k,
			    const char *state, time_t at, time_t now, time_t *changed_at,
			    struct ms_buf *err)
{
	struct open_interval open = { NULL, 0 };
	bool ok;
	time_t t;

	*changed_at = 0;
	ok = kept_query(st, "cannot read the history", err, "SELECT state, start FROM history "
		   "WHERE " HISTORY_KEY " AND imported = 0 AND end IS NULL",
		   PARAMS(KEY_PARAMS(k)), read_open, &open);
	if (!ok || (open.state != NULL && strcmp(open.state, state) == 0))
		goto out;
	t = change_time(at, now, &open);
	/* the open interval ends where the new one starts (none when that is its start) */
	if (open.state != NULL)
		ok = kept_query(st, "cannot write the history", err, t > open.start
			   ? "UPDATE history SET end = ?4 WHERE " HISTORY_KEY " AND imported = 0 "
			     "AND end IS NULL"
			   : "DELETE FROM history WHERE " HISTORY_KEY " AND imported = 0 AND "
			     "end IS NULL AND ?4 IS NOT NULL",
			   PARAMS(KEY_PARAMS(k), NUM(t)), NULL, NULL);
	ok = ok && kept_query(st, "cannot write the history", err, "INSERT INTO history (cluster, "
			 "component, object, imported, state, start) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
			 PARAMS(KEY_PARAMS(k), TEXT(state), NUM(t)), NULL, NULL);
	/*
	 * The engine's time may lie in a day already counted: its figures
	 * go, to be counted again. A period is at most 32 days long: the
	 * key's range holds every row that can end after t.
	 */
	ok = ok && kept_query(st, "cannot write the history", err, "DELETE FROM history_figures "
			 "WHERE " HISTORY_KEY " AND start > ?4 - 2764800 AND end > ?4",
			 PARAMS(KEY_PARAMS(k), NUM(t)), NULL, NULL) &&
	     (sqlite3_changes(st->db) == 0 || figures_incomplete(st, err));
	if (ok)
		*changed_at = t;
out:
	free(open.state);
	return ok;
}

static void read_open_state(sqlite3_stmt *s, void *arg)
{
	struct pub_history_open *o = arg;

	o->cluster = col_text(s, 0);
	o->component = col_text(s, 1);
	o->object = col_text(s, 2);
	o->state = col_text(s, 3);
}

bool pub_store_history_open_all(struct pub_store *st, struct pub_history_open **list,
				size_t *n, struct ms_buf *err)
{
	*list = NULL;
	*n = 0;
	/* its index holds all it reads, in this order: no sorting, no table page read */
	if (query(st, "cannot read the history", err, "SELECT cluster, component, object, state "
		  "FROM history INDEXED BY history_open_states WHERE imported = 0 AND "
		  "end IS NULL ORDER BY cluster, component, object", NO_PARAMS, ALL_ROWS(list, n,
		  read_open_state)))
		return true;
	pub_history_open_free(*list, *n);
	*list = NULL;
	*n = 0;
	return false;
}

void pub_history_open_free(struct pub_history_open *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].cluster);
		free(list[i].component);
		free(list[i].object);
		free(list[i].state);
	}
	free(list);
}

bool pub_store_history_prune(struct pub_store *st, time_t before, struct ms_buf *err)
{
	return query(st, "cannot prune the history", err, "DELETE FROM history WHERE "
		     "end IS NOT NULL AND end < ?1", PARAMS(NUM(before)), NULL, NULL);
}

bool pub_store_history_figures_prune(struct pub_store *st, time_t before, struct ms_buf *err)
{
	return query(st, "cannot prune the history", err, "DELETE FROM history_figures WHERE "
		     "period = 0 AND end < ?1", PARAMS(NUM(before)), NULL, NULL);
}

bool pub_store_history_first(struct pub_store *st, const struct pub_history_key *k,
			     time_t *first, struct ms_buf *err)
{
	long long t = 0;

	/* each a search of the key's range; min() of a NULL would be NULL */
	if (!kept_query(st, "cannot read the history", err, "SELECT coalesce(min(coalesce(a, b), "
			"coalesce(b, a)), 0) FROM (SELECT (SELECT min(start) FROM history WHERE "
			HISTORY_KEY " AND imported = 0) AS a, (SELECT min(start) FROM history "
			"WHERE " HISTORY_KEY " AND imported = 1) AS b)",
			PARAMS(KEY_PARAMS(k)), row_number, &t))
		return false;
	*first = (time_t)t;
	return true;
}

/* --- history figures: what closed days and months counted ------------ */

static void read_figures(sqlite3_stmt *s, void *arg)
{
	struct pub_history_figures *f = arg;
	const void *spans = sqlite3_column_blob(s, 7);
	int len = sqlite3_column_bytes(s, 7);

	f->start = (time_t)sqlite3_column_int64(s, 0);
	f->end = (time_t)sqlite3_column_int64(s, 1);
	f->outage_s = sqlite3_column_int64(s, 2);
	f->degraded_s = sqlite3_column_int64(s, 3);
	f->maintenance_s = sqlite3_column_int64(s, 4);
	f->unknown_s = sqlite3_column_int64(s, 5);
	f->first = sqlite3_column_int(s, 6) != 0;
	if (spans != NULL && len > 0) {
		f->spans = ms_xmalloc((size_t)len);
		memcpy(f->spans, spans, (size_t)len);
		f->spans_len = (size_t)len;
	}
}

bool pub_store_history_figures(struct pub_store *st, const struct pub_history_key *k,
			       enum pub_history_period period, time_t from, time_t to,
			       const time_t spans_at[static PUB_HISTORY_SPANS_AT],
			       struct pub_history_figures **list, size_t *n, struct ms_buf *err)
{
	/* a row's intervals only when one of the times falls inside it */
#define INSIDE(i) "(start < ?" i " AND ?" i " < end)"
	*list = NULL;
	*n = 0;
	if (kept_query(st, "cannot read the history", err, "SELECT start, end, outage, degraded, "
		       "maintenance, unknown, first, CASE WHEN " INSIDE("7") " OR " INSIDE("8")
		       " OR " INSIDE("9") " OR " INSIDE("10") " THEN spans END FROM "
		       "history_figures WHERE " HISTORY_KEY " AND period = ?4 AND start >= ?5 AND "
		       "end <= ?6 ORDER BY start",
		       PARAMS(KEY_PARAMS(k), NUM(period), NUM(from), NUM(to), NUM(spans_at[0]),
			      NUM(spans_at[1]), NUM(spans_at[2]), NUM(spans_at[3])),
		       ALL_ROWS(list, n, read_figures)))
		return true;
#undef INSIDE
	pub_history_figures_free(*list, *n);
	*list = NULL;
	*n = 0;
	return false;
}

void pub_history_figures_free(struct pub_history_figures *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].spans);
	free(list);
}

bool pub_store_history_figures_add(struct pub_store *st, const struct pub_history_key *k,
				   enum pub_history_period period,
				   const struct pub_history_figures *f, struct ms_buf *err)
{
	return kept_query(st, "cannot write the history", err, "INSERT OR REPLACE INTO "
			  "history_figures (cluster, component, object, period, start, end, outage, "
			  "degraded, maintenance, unknown, first, spans) VALUES (?1, ?2, ?3, ?4, ?5, "
			  "?6, ?7, ?8, ?9, ?10, ?11, ?12)", PARAMS(KEY_PARAMS(k), NUM(period),
			  NUM(f->start), NUM(f->end), NUM(f->outage_s), NUM(f->degraded_s),
			  NUM(f->maintenance_s), NUM(f->unknown_s), NUM(f->first),
			  BLOB(f->spans, f->spans_len)), NULL, NULL);
}

bool pub_store_history_figures_end(struct pub_store *st, const struct pub_history_key *k,
				   enum pub_history_period period, time_t *end,
				   struct ms_buf *err)
{
	long long t = 0;

	if (!kept_query(st, "cannot read the history", err, "SELECT coalesce(max(end), 0) FROM "
			"history_figures WHERE " HISTORY_KEY " AND period = ?4",
			PARAMS(KEY_PARAMS(k), NUM(period)), row_number, &t))
		return false;
	*end = (time_t)t;
	return true;
}

bool pub_store_history_figures_forget(struct pub_store *st, time_t after, time_t months_from,
				      struct ms_buf *err)
{
	return query(st, "cannot write the history", err, "DELETE FROM history_figures WHERE "
		     "end > ?1 AND (period = 0 OR start >= ?2)", PARAMS(NUM(after),
		     NUM(months_from)), NULL, NULL) && figures_incomplete(st, err);
}

static void read_interval(sqlite3_stmt *s, void *arg)
{
	struct pub_history_row *r = arg;

	r->state = col_text(s, 0);
	r->start = (time_t)sqlite3_column_int64(s, 1);
	r->end = (time_t)sqlite3_column_int64(s, 2);
	r->imported = sqlite3_column_int(s, 3) != 0;
}

/*
 * What is imported counts only before the run's record of the same key
 * begins: time recorded live wins. Two statements, each read in the
 * order of the table's key (no sorting): what was imported, cut where
 * the record begins, then the record.
 */
static bool history_rows(struct pub_store *st, const struct pub_history_key *k, time_t from,
			 time_t to, row_fn *row, void *arg, struct ms_buf *err)
{
	/* FIRST: when the record begins (a subquery SQLite runs once); imported time ends there */
#define FIRST "coalesce((SELECT min(start) FROM history WHERE " HISTORY_KEY " AND imported = 0), "
	/*
	 * SINCE(i): the intervals of one kind do not overlap, so those that
	 * end after from start no earlier than the one from falls in: a
	 * search of the key's range, not a scan of all its past.
	 */
#define SINCE(i) "start >= coalesce((SELECT max(start) FROM history WHERE " HISTORY_KEY \
		 " AND imported = " i " AND start <= ?4), ?4)"
	/* one statement: the two ranges merged in the order of start, no sorting */
	return kept_query(st, "cannot read the history", err, "SELECT state, start, "
			  "min(end, " FIRST "end)), 1 FROM history WHERE " HISTORY_KEY " AND "
			  "imported = 1 AND " SINCE("1") " AND start < ?5 AND end > ?4 AND "
			  "start < " FIRST "end) UNION ALL SELECT state, start, coalesce(end, 0), 0 "
			  "FROM history WHERE " HISTORY_KEY " AND imported = 0 AND " SINCE("0")
			  " AND start < ?5 AND (end IS NULL OR end > ?4) ORDER BY 2",
			  PARAMS(KEY_PARAMS(k), NUM(from), NUM(to)), row, arg);
#undef SINCE
#undef FIRST
}

bool pub_store_history(struct pub_store *st, const struct pub_history_key *k, time_t from,
		       struct pub_history_row **rows, size_t *n, struct ms_buf *err)
{
	*rows = NULL;
	*n = 0;
	if (history_rows(st, k, from, PUB_TIME_MAX, ALL_ROWS(rows, n, read_interval), err))
		return true;
	pub_history_rows_free(*rows, *n);
	*rows = NULL;
	*n = 0;
	return false;
}

/* Rows: to the caller's function, with no copy. */
struct each_interval {
	pub_history_fn *fn;
	void *arg;
};

static void row_each(sqlite3_stmt *s, void *arg)
{
	struct each_interval *e = arg;

	e->fn((const char *)sqlite3_column_text(s, 0), (time_t)sqlite3_column_int64(s, 1),
	      (time_t)sqlite3_column_int64(s, 2), e->arg);
}

bool pub_store_history_each(struct pub_store *st, const struct pub_history_key *k, time_t from,
			    time_t to, pub_history_fn *fn, void *arg, struct ms_buf *err)
{
	struct each_interval e = { fn, arg };

	return history_rows(st, k, from, to, row_each, &e, err);
}

void pub_history_rows_free(struct pub_history_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].state);
	free(rows);
}

/* --- history: what import-history read ------------------------------ */

bool pub_store_history_event_add(struct pub_store *st, const char *object, time_t at,
				 int kind, int state, bool *added, struct ms_buf *err)
{
	bool ok = kept_query(st, "cannot write the history", err, "INSERT OR IGNORE INTO "
			"history_events (object, at, kind, state) VALUES (?1, ?2, ?3, ?4)",
			PARAMS(TEXT(object), NUM(at), NUM(kind), NUM(state)), NULL, NULL);

	*added = ok && sqlite3_changes(st->db) > 0;
	return ok;
}

static void read_event(sqlite3_stmt *s, void *arg)
{
	struct pub_history_event *e = arg;

	e->at = (time_t)sqlite3_column_int64(s, 0);
	e->kind = sqlite3_column_int(s, 1);
	e->state = sqlite3_column_int(s, 2);
}

bool pub_store_history_events(struct pub_store *st, const char *object,
			      struct pub_history_event **events, size_t *n, struct ms_buf *err)
{
	*events = NULL;
	*n = 0;
	if (kept_query(st, "cannot read the history", err, "SELECT at, kind, state FROM "
		  "history_events WHERE object = ? ORDER BY at, kind, state",
		  PARAMS(TEXT(object)), ALL_ROWS(events, n, read_event)))
		return true;
	free(*events);
	*events = NULL;
	*n = 0;
	return false;
}

bool pub_store_history_import_clear(struct pub_store *st, struct ms_buf *err)
{
	return query(st, "cannot write the history", err, "DELETE FROM history WHERE "
		     "imported = 1", NO_PARAMS, NULL, NULL);
}

bool pub_store_history_import_add(struct pub_store *st, const struct pub_history_key *k,
				  const char *state, time_t start, time_t end,
				  struct ms_buf *err)
{
	return kept_query(st, "cannot write the history", err, "INSERT OR REPLACE INTO history "
		     "(cluster, component, object, imported, state, start, end) VALUES "
		     "(?1, ?2, ?3, 1, ?4, ?5, ?6)",
		     PARAMS(KEY_PARAMS(k), TEXT(state), NUM(start), NUM(end)), NULL, NULL);
}

/* --- metrics: the samples of a component's response-time strip ------- */

#define METRIC_KEY(k) TEXT((k)->cluster), TEXT((k)->component), TEXT((k)->object), \
	TEXT((k)->label)

/* A metric's row: its id (0: none yet), unit and newest check. */
struct metric_row {
	long long id;
	char *unit;
	long long newest;
};

static void read_metric(sqlite3_stmt *s, void *arg)
{
	struct metric_row *m = arg;

	m->id = sqlite3_column_int64(s, 0);
	free(m->unit);
	m->unit = col_text(s, 1);
	m->newest = sqlite3_column_int64(s, 2);
}

static bool metric_row(struct pub_store *st, const struct pub_metric_key *k,
		       struct metric_row *m, struct ms_buf *err)
{
	return kept_query(st, "cannot read the metric's samples", err, "SELECT id, unit, newest "
			  "FROM metrics WHERE cluster = ?1 AND component = ?2 AND object = ?3 AND "
			  "label = ?4", PARAMS(METRIC_KEY(k)), read_metric, m);
}

/* The metric's row made or brought up to the check at `at` in unit (a new unit: no samples). */
static bool metric_take(struct pub_store *st, const struct pub_metric_key *k,
			struct metric_row *m, time_t at, const char *unit, struct ms_buf *err)
{
	if (m->id == 0) {
		if (!kept_query(st, "cannot write the metric's samples", err, "INSERT INTO metrics "
				"(cluster, component, object, label, unit, newest) VALUES "
				"(?1, ?2, ?3, ?4, ?5, ?6)", PARAMS(METRIC_KEY(k), TEXT(unit), NUM(at)),
				NULL, NULL))
			return false;
		m->id = sqlite3_last_insert_rowid(st->db);
		return true;
	}
	if (strcmp(m->unit, unit) != 0 &&
	    !kept_query(st, "cannot write the metric's samples", err, "DELETE FROM "
			"metric_samples WHERE metric = ?1", PARAMS(NUM(m->id)), NULL, NULL))
		return false;
	return kept_query(st, "cannot write the metric's samples", err, "UPDATE metrics SET "
			  "unit = ?2, newest = ?3 WHERE id = ?1",
			  PARAMS(NUM(m->id), TEXT(unit), NUM(at)), NULL, NULL);
}

bool pub_store_metric_add(struct pub_store *st, const struct pub_metric_key *k, time_t at,
			  double value, const char *unit, time_t now, bool *added,
			  struct ms_buf *err)
{
	struct metric_row m = { 0, NULL, -1 };
	/* a week of minutes up to now (or a check after it): at most PUB_METRIC_MINUTES rows */
	long long last_minute = (long long)(at > now ? at : now) / 60;
	bool ok;

	*added = false;
	if (at / 60 <= last_minute - PUB_METRIC_MINUTES)
		return true;	/* older than the week kept */
	if (!metric_row(st, k, &m, err))
		return false;
	if (m.id != 0 && at <= m.newest) {
		free(m.unit);
		return true;	/* the same check again, or an older one */
	}
	/* a later check of the same minute replaces the earlier one */
	ok = metric_take(st, k, &m, at, unit, err) &&
	     kept_query(st, "cannot write the metric's samples", err, "INSERT OR REPLACE INTO "
			"metric_samples (metric, minute, value) VALUES (?1, ?2, ?3)",
			PARAMS(NUM(m.id), NUM(at / 60), REAL(value)), NULL, NULL) &&
	     kept_query(st, "cannot write the metric's samples", err, "DELETE FROM "
			"metric_samples WHERE metric = ?1 AND minute <= ?2",
			PARAMS(NUM(m.id), NUM(last_minute - PUB_METRIC_MINUTES)), NULL, NULL);
	*added = ok;
	free(m.unit);
	return ok;
}

/* Rows: a sample added to the array of pub_metric_samples (arg). */
static void add_sample(sqlite3_stmt *s, void *arg)
{
	struct pub_metric_samples *l = arg;

	if (l->n == l->cap)	/* a week at most: room for it at once */
		ms_xgrow(&l->samples, &l->cap, l->n < PUB_METRIC_MINUTES ? PUB_METRIC_MINUTES
			 : l->n + 1, sizeof(*l->samples));
	l->samples[l->n].at = (time_t)sqlite3_column_int64(s, 0) * 60;
	l->samples[l->n++].value = sqlite3_column_double(s, 1);
}

bool pub_store_metric_samples(struct pub_store *st, const struct pub_metric_key *k,
			      time_t from, struct pub_metric_samples *out, struct ms_buf *err)
{
	struct metric_row m = { 0, NULL, 0 };

	free(out->unit);
	out->unit = NULL;
	out->newest = 0;
	out->n = 0;
	if (!metric_row(st, k, &m, err))
		return false;
	if (m.id == 0)
		return true;	/* never a sample */
	out->unit = m.unit;
	out->newest = (time_t)m.newest;
	return kept_query(st, "cannot read the metric's samples", err, "SELECT minute, value FROM "
			  "metric_samples WHERE metric = ?1 AND minute >= ?2 ORDER BY minute",
			  PARAMS(NUM(m.id), NUM((from + 59) / 60)), add_sample, out);
}

void pub_metric_samples_free(struct pub_metric_samples *m)
{
	free(m->unit);
	free(m->samples);
	memset(m, 0, sizeof(*m));
}

/* --- deliveries ----------------------------------------------------- */

bool pub_store_delivery_add(struct pub_store *st, const char *id, const char *subscriber,
			    long post, time_t now, struct ms_buf *err)
{
	return kept_query(st, "cannot queue a delivery", err, "INSERT INTO deliveries (id, "
			  "subscriber, post, state, attempts, next_at, created_at) VALUES "
			  "(?, ?, ?, 'pending', 0, ?, ?)",
			  PARAMS(TEXT(id), TEXT(subscriber), NUM(post), NUM(now), NUM(now)),
			  NULL, NULL);
}

#define DELIVERY_COLUMNS "d.id, d.subscriber, d.attempts, d.created_at, d.last_error, " \
			 "d.state, d.next_at, p.state"
#define DELIVERY_N_COLUMNS 8	/* a post's columns follow these */

static void read_delivery(sqlite3_stmt *s, void *arg)
{
	struct pub_delivery_row *r = arg;

	r->id = col_text(s, 0);
	r->subscriber = col_text(s, 1);
	r->attempts = sqlite3_column_int(s, 2);
	r->created_at = (time_t)sqlite3_column_int64(s, 3);
	r->last_error = col_text(s, 4);
	r->state = col_text(s, 5);
	r->next_at = (time_t)sqlite3_column_int64(s, 6);
	r->post_state = col_text(s, 7);
}

/* A delivery and its post: DELIVERY_COLUMNS, then the post's POST_COLUMNS. */
static void read_delivery_post(sqlite3_stmt *s, void *arg)
{
	struct pub_delivery_row *r = arg;

	read_delivery(s, r);
	read_post_at(s, DELIVERY_N_COLUMNS, &r->post);
}

/* A delivery and what list shows of its post: id, title, cluster. */
static void read_delivery_open(sqlite3_stmt *s, void *arg)
{
	struct pub_delivery_row *r = arg;

	read_delivery(s, r);
	r->post.id = (long)sqlite3_column_int64(s, DELIVERY_N_COLUMNS);
	r->post.title = col_text(s, DELIVERY_N_COLUMNS + 1);
	r->post.cluster = col_text(s, DELIVERY_N_COLUMNS + 2);
}

static bool read_deliveries(struct pub_store *st, const char *sql, const struct param *params,
			    size_t np, row_fn *read, struct pub_delivery_row **rows, size_t *n,
			    struct ms_buf *err)
{
	*rows = NULL;
	*n = 0;
	if (query(st, "cannot read deliveries", err, sql, params, np, ALL_ROWS(rows, n, read)))
		return true;
	pub_delivery_rows_free(*rows, *n);
	*rows = NULL;
	*n = 0;
	return false;
}

bool pub_store_deliveries_due(struct pub_store *st, time_t now, long limit,
			      struct pub_delivery_row **rows, size_t *n, struct ms_buf *err)
{
	return read_deliveries(st, "SELECT " DELIVERY_COLUMNS ", p.id, p.guid, p.cluster, "
			       "p.incident, p.kind, p.title, p.body_html, p.summary, p.author, "
			       "p.published_at, p.updated_at, p.source_key, p.retracted_at, "
			       "p.retracted_by FROM deliveries d JOIN posts p ON p.id = d.post "
			       "WHERE d.state = 'pending' AND d.next_at <= ? AND "
			       "p.retracted_at IS NULL ORDER BY d.next_at, d.rowid LIMIT ?",
			       PARAMS(NUM(now), NUM(limit)), read_delivery_post, rows, n, err);
}

bool pub_store_deliveries_open(struct pub_store *st, struct pub_delivery_row **rows,
			       size_t *n, struct ms_buf *err)
{
	return read_deliveries(st, "SELECT " DELIVERY_COLUMNS ", p.id, p.title, p.cluster "
			       "FROM deliveries d JOIN posts p ON p.id = d.post WHERE "
			       "d.state IN ('pending', 'failed') ORDER BY d.post DESC, "
			       "d.subscriber", NO_PARAMS, read_delivery_open, rows, n, err);
}

bool pub_store_deliveries_pending(struct pub_store *st, long *n, struct ms_buf *err)
{
	long long count = 0;
	bool ok = query(st, "cannot read deliveries", err, "SELECT count(*) FROM deliveries "
			"WHERE state = 'pending'", NO_PARAMS, row_number, &count);

	*n = (long)count;
	return ok;
}

bool pub_store_delivery_record(struct pub_store *st, const char *id, const char *state,
			       int attempts, time_t next_at, const char *error, time_t now,
			       struct ms_buf *err)
{
	bool done = strcmp(state, "pending") != 0;

	return kept_query(st, "cannot record a delivery", err, "UPDATE deliveries SET "
			  "state = ?, attempts = ?, next_at = ?, last_error = ?, done_at = ? "
			  "WHERE id = ? AND state = 'pending'",
			  PARAMS(TEXT(state), NUM(attempts), NUM(next_at), TEXT(error),
				 NUM_IF(done, now), TEXT(id)), NULL, NULL);
}

void pub_delivery_rows_free(struct pub_delivery_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].id);
		free(rows[i].subscriber);
		free(rows[i].last_error);
		free(rows[i].state);
		free(rows[i].post_state);
		pub_post_free(&rows[i].post);
	}
	free(rows);
}
