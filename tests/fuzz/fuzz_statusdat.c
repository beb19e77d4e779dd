/*
 * fuzz_statusdat: Nagios' status.dat (publisher/source/statusdat.c).
 *
 * The parser keeps only the objects the config wants, so the snapshot
 * wants the hosts and services of the seeds (tests/fixtures/publisher,
 * samples/publisher) and a short pair ("a", "a!b") a mutation can reach.
 * Beyond "no crash":
 *   - a parse that fails says where ("line N: ...") and leaves no half
 *     snapshot; one that succeeds holds only valid UTF-8 texts,
 *     comments/downtimes of wanted objects and check times that are not
 *     negative (none for an object never checked);
 *   - the same bytes read as a file (the program's way, in chunks) give
 *     the same verdict and the same counts as from memory.
 */
#include "config.h"

#include "fuzz.h"
#include "fuzz_file.h"
#include "source.h"
#include "statusdat.h"
#include "text.h"

static const char *const hosts[] = {
	"gw1.example.net", "bmx1.example.net", "gw1.a.example.net", "gw2.a.example.net",
	"gw1.b.example.net", "mail1.a.example.net", "mail2.a.example.net",
	"store1.a.example.net", "store2.a.example.net", "store1.b.example.net",
	"store2.b.example.net", "web1.a.example.net", "web1.b.example.net", "a",
};
static const char *const services[] = {
	"greylist", "imap", "storage_mount", "webmail_send", "b",
};

static void want_all(struct pub_snapshot *s)
{
	pub_snapshot_init(s);
	for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
		pub_snapshot_want(s, hosts[h], NULL);
		for (size_t v = 0; v < sizeof(services) / sizeof(services[0]); v++)
			pub_snapshot_want(s, hosts[h], services[v]);
	}
}

static void check_text(const char *t)
{
	if (t == NULL || !ms_utf8_valid(t, strlen(t)))
		abort();
}

static void check_ok(const struct pub_snapshot *s)
{
	for (size_t i = 0; i < s->n_objects; i++)
		if (s->objects[i].seen) {
			check_text(s->objects[i].output);
			if (s->objects[i].last_check < 0 || s->objects[i].check_interval < 0 ||
			    (s->objects[i].check_interval > 0 && s->objects[i].last_check == 0))
				abort();
		}
	for (size_t i = 0; i < s->n_comments; i++) {
		if (s->comments[i].object >= s->n_objects)
			abort();
		check_text(s->comments[i].author);
		check_text(s->comments[i].text);
	}
	for (size_t i = 0; i < s->n_downtimes; i++) {
		if (s->downtimes[i].object >= s->n_objects)
			abort();
		check_text(s->downtimes[i].author);
		check_text(s->downtimes[i].text);
	}
}

/* A failed parse: a message that says where, and nothing half read kept. */
static void check_failed(const struct pub_snapshot *s, const struct ms_buf *err,
			 const char *prefix)
{
	size_t n = strlen(prefix);

	if (err->len == 0 || strncmp(ms_buf_str(err), prefix, n) != 0)
		abort();
	if (s->n_comments != 0 || s->n_downtimes != 0 || s->created != 0 ||
	    s->host_checks_disabled || s->service_checks_disabled)
		abort();
	for (size_t i = 0; i < s->n_objects; i++)
		if (s->objects[i].seen || s->objects[i].output != NULL || s->objects[i].pending ||
		    s->objects[i].last_check != 0)
			abort();
}

static size_t n_seen(const struct pub_snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_objects; i++)
		n += s->objects[i].seen;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file file;
	struct pub_snapshot mem, disk;
	struct ms_buf err = MS_BUF_INIT, derr = MS_BUF_INIT;
	const char *path = fuzz_file_put(&file, "status.dat", data, size);
	char prefix[80];
	bool ok, dok;

	want_all(&mem);
	ok = pub_statusdat_parse_mem((const char *)data, size, &mem, &err);
	if (ok)
		check_ok(&mem);
	else
		check_failed(&mem, &err, "line ");

	want_all(&disk);
	dok = pub_statusdat_source.read(NULL, path, &disk, &derr);
	snprintf(prefix, sizeof(prefix), "%s: line ", path);
	if (dok != ok)
		abort();
	if (ok && (disk.created != mem.created || disk.n_comments != mem.n_comments ||
		   disk.n_downtimes != mem.n_downtimes || n_seen(&disk) != n_seen(&mem) ||
		   disk.service_checks_disabled != mem.service_checks_disabled ||
		   disk.host_checks_disabled != mem.host_checks_disabled))
		abort();
	if (!ok)
		check_failed(&disk, &derr, prefix);

	pub_snapshot_free(&mem);
	pub_snapshot_free(&disk);
	ms_buf_free(&err);
	ms_buf_free(&derr);
	return 0;
}
