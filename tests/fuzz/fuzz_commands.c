/*
 * fuzz_commands: what an operator types: post, edit, retract, incident
 * open|resolve, maintenance schedule, list and show (publisher/cli/cmd_posts.c,
 * cmd_retract.c, cmd_query.c, the checks of cmdutil.c), run in-process
 * against a store and a config of this process.
 *
 * The input is the command line, one argument per line (or NUL-separated);
 * a line ";" starts another command (at most four), so "post ..." then
 * "edit 1 ..." reaches a post that exists. The argument "@msg" names a
 * message file that holds what follows a line "%%message". Every input
 * starts from an empty store.
 *
 * Beyond "no crash": the store never holds a half-done command. Each
 * command that says it succeeded added exactly the posts it says (edit
 * none, retract one less, the others one), a refused one added nothing,
 * and the store then reads back whole (posts, incidents, maintenance) and
 * passes SQLite's integrity check; a withdrawn post is in no list of
 * posts, and says who withdrew it and when.
 */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <sqlite3.h>

#include "cmdutil.h"
#include "commands.h"
#include "conf.h"
#include "fuzz.h"
#include "fuzz_file.h"
#include "render.h"
#include "store.h"

#define MAX_COMMANDS 4
#define MAX_ARGS 32

static struct pub_config *cfg;
static FILE *devnull;

static const char config_text[] =
	"[publisher]\n"
	"title = Example Hosting System Status\n"
	"base_url = https://status.example.com/\n"
	"output_dir = www\n"
	"store = publish.db\n"
	"source = statusdat:status.dat\n"
	"hold_down = 0\n"
	"stale_after = 0\n"
	"lock_timeout = 1\n"
	"[cluster email-cluster-a]\n"
	"name = Email Cluster A\n"
	"service = Email Service\n"
	"[component email-cluster-a incoming]\n"
	"name = Incoming Mail\n"
	"member = gw1.a.example.net!greylist = AV/GreyListing 1\n"
	"[cluster b]\n"
	"name = Email Cluster B\n"
	"service = Email Service\n"
	"[component b storage]\n"
	"name = Mail Storage\n"
	"member = store1.b.example.net!storage_mount = Mail Storage 1\n";

/* The config and the store live in a directory of this process. */
static void setup(void)
{
	char path[256];
	struct ms_buf err = MS_BUF_INIT;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/publish.conf", fuzz_tmpdir());
	if ((fp = fopen(path, "w")) == NULL || fputs(config_text, fp) < 0 || fclose(fp) != 0)
		abort();
	if ((cfg = pub_config_load(path, &err)) == NULL)
		abort();
	ms_buf_free(&err);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	/* "--message-file -" reads stdin: an empty one, not a terminal to wait on */
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		abort();
	close(fd);
	xmlInitParser();
}

static void remove_store(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };
	char path[512];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", cfg->store, suffixes[i]);
		unlink(path);
	}
}

/*
 * --no-post as getopt_long takes it: spelled out, or any prefix of it
 * past "--" (a unique abbreviation; an ambiguous one fails the command).
 */
static bool is_no_post(const char *arg)
{
	size_t n = strlen(arg);

	return n > 2 && strncmp(arg, "--no-post", n) == 0;
}

/* How many published posts a command adds when it succeeds (retract: -1). */
static long posts_added(int argc, char **argv)
{
	if (strcmp(argv[0], "retract") == 0)
		return -1;
	if (strcmp(argv[0], "edit") == 0 || strcmp(argv[0], "list") == 0 ||
	    strcmp(argv[0], "show") == 0)
		return 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (is_no_post(argv[i]))
			return 0;
	return 1;
}

static bool operator_command(const char *name)
{
	static const char *const names[] = {
		"post", "edit", "retract", "incident", "maintenance", "list", "show"
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Runs one command line; returns the posts it says it added. */
static long run_command(int argc, char **argv)
{
	const struct pub_command *cmd;
	FILE *out = stdout, *err = stderr;
	int rc;

	if (argc == 0 || !operator_command(argv[0]) || (cmd = pub_command_find(argv[0])) == NULL)
		return 0;
	argv[argc] = NULL;
	/*
	 * The commands talk on stdout/stderr through stdio; sanitizer and
	 * libFuzzer reports write to file descriptor 2, which stays.
	 */
	stdout = devnull;
	stderr = devnull;
	rc = cmd->run(cfg, argc, argv);
	stdout = out;
	stderr = err;
	pub_render_set_clock(0);	/* --now: for this command only */
	if (rc != PUB_EXIT_OK && rc != PUB_EXIT_FAILURE && rc != PUB_EXIT_USAGE)
		abort();
	return rc == PUB_EXIT_OK ? posts_added(argc, argv) : 0;
}

static void check_sqlite(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	if (access(cfg->store, F_OK) != 0)
		return;	/* no command got as far as the store */
	if (sqlite3_open_v2(cfg->store, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		abort();
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Every withdrawn post is withdrawn whole: when, by whom, and listed nowhere. */
static void check_withdrawn(struct pub_store *st, const struct pub_post *posts, size_t n_posts)
{
	struct ms_buf err = MS_BUF_INIT;
	long *ids = NULL, *incidents = NULL;
	size_t n_ids = 0, n_incidents = 0;

	if (!pub_store_withdrawn(st, &ids, &n_ids, &incidents, &n_incidents, &err))
		abort();
	for (size_t i = 0; i < n_ids; i++) {
		struct pub_post p = { 0 };
		bool found = false;

		if (!pub_store_post_get(st, ids[i], &p, &found, &err) || !found ||
		    p.retracted_at == 0 || p.retracted_by == NULL || p.retracted_by[0] == '\0')
			abort();
		for (size_t k = 0; k < n_posts; k++)
			if (posts[k].id == ids[i])
				abort();
		pub_post_free(&p);
	}
	free(ids);
	free(incidents);
	ms_buf_free(&err);
}

/* The store reads back whole, with the posts the commands said they added. */
static void check_store(long expected)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_store *st;
	struct pub_post *posts = NULL;
	struct pub_incident *inc = NULL;
	struct pub_maintenance *m = NULL;
	size_t n_posts = 0, n_inc = 0, n_m = 0;

	check_sqlite();
	if (access(cfg->store, F_OK) != 0) {
		if (expected != 0)
			abort();
		return;
	}
	if ((st = pub_store_open_readonly(cfg->store, &err)) == NULL ||
	    !pub_store_posts(st, NULL, 0, 0, &posts, &n_posts, &err) ||
	    !pub_store_incidents(st, &inc, &n_inc, &err) ||
	    !pub_store_maintenances_after(st, 0, &m, &n_m, &err))
		abort();
	if ((long)n_posts != expected)
		abort();
	check_withdrawn(st, posts, n_posts);
	for (size_t i = 0; i < n_posts; i++)
		if (posts[i].guid == NULL || strncmp(posts[i].guid, pub_store_guid_prefix(st),
						     strlen(pub_store_guid_prefix(st))) != 0 ||
		    pub_config_cluster(cfg, posts[i].cluster) == NULL)
			abort();
	for (size_t i = 0; i < n_m; i++)
		if (m[i].ends_at <= m[i].starts_at)
			abort();
	pub_posts_free(posts, n_posts);
	for (size_t i = 0; i < n_inc; i++)
		pub_incident_free(&inc[i]);
	free(inc);
	for (size_t i = 0; i < n_m; i++)
		pub_maintenance_free(&m[i]);
	free(m);
	pub_store_close(st);
	ms_buf_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file msg;
	static const char marker[] = "\n%%message\n";
	const uint8_t *body = NULL;
	size_t line_len = size;
	long expected = 0;
	char *input, *argv[MAX_ARGS + 1];
	int argc = 0, commands = 0;

	if (cfg == NULL)
		setup();
	/* the command lines, then the message file */
	for (size_t i = 0; i + sizeof(marker) - 1 <= size; i++)
		if (memcmp(data + i, marker, sizeof(marker) - 1) == 0) {
			line_len = i;
			body = data + i + sizeof(marker) - 1;
			break;
		}
	fuzz_file_put(&msg, "message", body, body ? size - (size_t)(body - data) : 0);
	input = malloc(line_len + 1);
	if (input == NULL)
		abort();
	memcpy(input, data, line_len);
	input[line_len] = '\0';
	remove_store();

	/* arguments end at a newline, a NUL or the end; ";" ends a command */
	for (size_t i = 0, start = 0; i <= line_len && commands < MAX_COMMANDS; i++) {
		if (i < line_len && input[i] != '\n' && input[i] != '\0')
			continue;
		input[i] = '\0';
		char *arg = input + start;
		bool last = i == line_len;
		start = i + 1;
		if (strcmp(arg, ";") != 0 && !(last && arg[0] == '\0') && argc < MAX_ARGS)
			argv[argc++] = strcmp(arg, "@msg") == 0 ? msg.path : arg;
		if (strcmp(arg, ";") == 0 || last) {
			expected += run_command(argc, argv);
			argc = 0;
			commands++;
		}
	}
	check_store(expected);
	free(input);
	return 0;
}
