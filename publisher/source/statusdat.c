/*
 * statusdat: streaming parser of Nagios' status.dat. See statusdat.h.
 *
 * The file is a sequence of blocks:
 *
 *	servicestatus {
 *		host_name=gw1
 *		service_description=greylist
 *		current_state=2
 *		...
 *		}
 *
 * Lines outside blocks are comments (#) or blank. Nagios writes a new file
 * and renames it into place, but other writers (and copies over NFS) do
 * not, so every read is checked for the marks of a cut-off file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statusdat.h"
#include "text.h"
#include "xalloc.h"

#define CHUNK (1u << 20)
#define MAX_LINE (64u << 20)	/* long_plugin_output can be big, not this big */
#define NO_OBJECT ((size_t)-1)

enum block_kind {
	B_NONE,		/* outside any block */
	B_OTHER,	/* contactstatus, ...: only checked */
	B_INFO,
	B_PROGRAM,	/* programstatus: are active checks running at all? */
	B_HOST,
	B_SERVICE,
	B_HOSTCOMMENT,
	B_SERVICECOMMENT,
	B_HOSTDOWNTIME,
	B_SERVICEDOWNTIME
};

/* The fields of the block being read that matter to us. */
struct block {
	enum block_kind kind;
	unsigned long start_line;
	bool decided;		/* identity looked up */
	bool skip;		/* not wanted: just find the end */
	bool has_host, has_service;
	size_t object;
	struct ms_buf host, service, output, perfdata, author, text;
	long long current_state, last_hard_state, state_type, downtime_depth, ack;
	long long last_hard_change, entry_type, id, entry_time, start, end, created;
	long long flapping;
	long long checked, last_check, next_check, host_checks, service_checks;
	unsigned seen;		/* bit per number field, to insist on the ones we need */
};

enum field_bit {
	F_CURRENT = 1, F_LAST_HARD = 2, F_TYPE = 4, F_DOWNTIME = 8, F_ACK = 16,
	F_ENTRY_TYPE = 32, F_ID = 64, F_ENTRY_TIME = 128, F_START = 256, F_END = 512,
	F_CREATED = 1024, F_CHECKED = 2048, F_LAST_CHECK = 4096, F_NEXT_CHECK = 8192,
	F_HOST_CHECKS = 16384, F_SERVICE_CHECKS = 32768
};

struct parser {
	struct pub_snapshot *snap;
	struct ms_buf *err;
	unsigned long line;
	bool failed;
	bool saw_info;
	struct block b;
};

static void fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	ms_buf_printf(p->err, "line %lu: ", p->line);
	va_start(ap, fmt);
	ms_buf_vprintf(p->err, fmt, ap);
	va_end(ap);
}

static bool is_key(const char *k, size_t klen, const char *name)
{
	return strlen(name) == klen && memcmp(k, name, klen) == 0;
}

static enum block_kind block_kind_of(const char *name, size_t n)
{
	static const struct { const char *name; enum block_kind kind; } kinds[] = {
		{ "info", B_INFO },
		{ "programstatus", B_PROGRAM },
		{ "hoststatus", B_HOST },
		{ "servicestatus", B_SERVICE },
		{ "hostcomment", B_HOSTCOMMENT },
		{ "servicecomment", B_SERVICECOMMENT },
		{ "hostdowntime", B_HOSTDOWNTIME },
		{ "servicedowntime", B_SERVICEDOWNTIME },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (is_key(name, n, kinds[i].name))
			return kinds[i].kind;
	return B_OTHER;
}

static bool service_kind(enum block_kind k)
{
	return k == B_SERVICE || k == B_SERVICECOMMENT || k == B_SERVICEDOWNTIME;
}

static void begin_block(struct parser *p, enum block_kind kind)
{
	struct block *b = &p->b;

	b->kind = kind;
	b->start_line = p->line;
	b->decided = kind == B_OTHER || kind == B_INFO || kind == B_PROGRAM;
	b->skip = kind == B_OTHER;
	b->has_host = b->has_service = false;
	b->object = NO_OBJECT;
	b->seen = 0;
	b->last_hard_change = b->flapping = 0;	/* optional: none from the block before */
	ms_buf_reset(&b->host);
	ms_buf_reset(&b->service);
	ms_buf_reset(&b->output);
	ms_buf_reset(&b->perfdata);
	ms_buf_reset(&b->author);
	ms_buf_reset(&b->text);
}

/* Looks the block's object up once its names are known. */
static void decide(struct parser *p)
{
	struct block *b = &p->b;

	if (b->decided || !b->has_host || (service_kind(b->kind) && !b->has_service))
		return;
	b->decided = true;
	b->object = pub_snapshot_find(p->snap, b->host.data, b->host.len,
				      service_kind(b->kind) ? b->service.data : NULL,
				      b->service.len);
	b->skip = b->object == NO_OBJECT;
}

/*
 * A whole number; a fraction is dropped, since Icinga 2's compat writer
 * gives times with microseconds ("entry_time=1795611484.674150").
 */
static bool parse_number(struct parser *p, const char *k, size_t klen,
			 const char *v, size_t vlen, long long *out)
{
	long long x = 0;
	size_t i = 0, digits = 0;
	bool neg = false;

	if (vlen > 0 && v[0] == '-') {
		neg = true;
		i = 1;
	}
	for (; i < vlen && v[i] >= '0' && v[i] <= '9' && digits < 18; i++, digits++)
		x = x * 10 + (v[i] - '0');
	if (digits > 0 && i < vlen && v[i] == '.') {
		for (i++; i < vlen && v[i] >= '0' && v[i] <= '9'; i++)
			;
	}
	if (digits == 0 || i != vlen) {
		fail(p, "%.*s is not a number", (int)klen, k);
		return false;
	}
	*out = neg ? -x : x;
	return true;
}

static void take_number(struct parser *p, const char *k, size_t klen,
			const char *v, size_t vlen, long long *dst, unsigned bit)
{
	if (parse_number(p, k, klen, v, vlen, dst))
		p->b.seen |= bit;
}

/*
 * programstatus: Nagios 4, Naemon and Icinga write active_*_checks_enabled;
 * execute_*_checks is the same switch under its nagios.cfg name.
 */
static void program_field(struct parser *p, const char *k, size_t klen,
			  const char *v, size_t vlen)
{
	struct block *b = &p->b;

	if (is_key(k, klen, "active_service_checks_enabled") ||
	    is_key(k, klen, "execute_service_checks"))
		take_number(p, k, klen, v, vlen, &b->service_checks, F_SERVICE_CHECKS);
	else if (is_key(k, klen, "active_host_checks_enabled") ||
		 is_key(k, klen, "execute_host_checks"))
		take_number(p, k, klen, v, vlen, &b->host_checks, F_HOST_CHECKS);
}

/* When a host or service was checked, and whether it ever was. */
static void check_field(struct parser *p, const char *k, size_t klen,
			const char *v, size_t vlen)
{
	struct block *b = &p->b;

	if (is_key(k, klen, "has_been_checked"))
		take_number(p, k, klen, v, vlen, &b->checked, F_CHECKED);
	else if (is_key(k, klen, "last_check"))
		take_number(p, k, klen, v, vlen, &b->last_check, F_LAST_CHECK);
	else if (is_key(k, klen, "next_check"))
		take_number(p, k, klen, v, vlen, &b->next_check, F_NEXT_CHECK);
}

/* One key=value line of a block we keep. */
static void block_field(struct parser *p, const char *k, size_t klen,
			const char *v, size_t vlen)
{
	struct block *b = &p->b;

	if (is_key(k, klen, "host_name")) {
		ms_buf_reset(&b->host);
		ms_buf_add(&b->host, v, vlen);
		b->has_host = true;
		decide(p);
		return;
	}
	if (is_key(k, klen, "service_description")) {
		ms_buf_reset(&b->service);
		ms_buf_add(&b->service, v, vlen);
		b->has_service = true;
		decide(p);
		return;
	}
	switch (b->kind) {
	case B_INFO:
		if (is_key(k, klen, "created"))
			take_number(p, k, klen, v, vlen, &b->created, F_CREATED);
		break;
	case B_PROGRAM:
		program_field(p, k, klen, v, vlen);
		break;
	case B_HOST:
	case B_SERVICE:
		if (is_key(k, klen, "current_state"))
			take_number(p, k, klen, v, vlen, &b->current_state, F_CURRENT);
		else if (is_key(k, klen, "last_hard_state"))
			take_number(p, k, klen, v, vlen, &b->last_hard_state, F_LAST_HARD);
		else if (is_key(k, klen, "state_type"))
			take_number(p, k, klen, v, vlen, &b->state_type, F_TYPE);
		else if (is_key(k, klen, "scheduled_downtime_depth"))
			take_number(p, k, klen, v, vlen, &b->downtime_depth, F_DOWNTIME);
		else if (is_key(k, klen, "problem_has_been_acknowledged"))
			take_number(p, k, klen, v, vlen, &b->ack, F_ACK);
		else if (is_key(k, klen, "last_hard_state_change"))
			parse_number(p, k, klen, v, vlen, &b->last_hard_change);
		else if (is_key(k, klen, "is_flapping"))
			parse_number(p, k, klen, v, vlen, &b->flapping);
		else if (is_key(k, klen, "plugin_output")) {
			ms_buf_reset(&b->output);
			ms_buf_add(&b->output, v, vlen);
		} else if (is_key(k, klen, "performance_data")) {
			ms_buf_reset(&b->perfdata);
			ms_buf_add(&b->perfdata, v, vlen);
		} else {
			check_field(p, k, klen, v, vlen);
		}
		break;
	case B_HOSTCOMMENT:
	case B_SERVICECOMMENT:
	case B_HOSTDOWNTIME:
	case B_SERVICEDOWNTIME:
		if (is_key(k, klen, "entry_type"))
			take_number(p, k, klen, v, vlen, &b->entry_type, F_ENTRY_TYPE);
		else if (is_key(k, klen, "comment_id") && b->kind <= B_SERVICECOMMENT)
			take_number(p, k, klen, v, vlen, &b->id, F_ID);
		else if (is_key(k, klen, "downtime_id"))
			take_number(p, k, klen, v, vlen, &b->id, F_ID);
		else if (is_key(k, klen, "entry_time"))
			take_number(p, k, klen, v, vlen, &b->entry_time, F_ENTRY_TIME);
		else if (is_key(k, klen, "start_time"))
			take_number(p, k, klen, v, vlen, &b->start, F_START);
		else if (is_key(k, klen, "end_time"))
			take_number(p, k, klen, v, vlen, &b->end, F_END);
		else if (is_key(k, klen, "author")) {
			ms_buf_reset(&b->author);
			ms_buf_add(&b->author, v, vlen);
		} else if (is_key(k, klen, "comment_data") || is_key(k, klen, "comment")) {
			ms_buf_reset(&b->text);
			ms_buf_add(&b->text, v, vlen);
		}
		break;
	default:
		break;
	}
}

static bool need(struct parser *p, unsigned bits, const char *what)
{
	if ((p->b.seen & bits) == bits)
		return true;
	fail(p, "the %s block that starts on line %lu has no %s", what,
	     p->b.start_line, bits & F_ID ? "id" : bits & F_END ? "start/end time"
	     : bits & F_ENTRY_TYPE ? "entry_type/entry_time" : "state fields");
	return false;
}

static char *clean(const struct ms_buf *b)
{
	return ms_text_clean_xml(b->data ? b->data : "", b->len);
}

/*
 * A file without has_been_checked or last_check (an old or hand-made
 * one) claims nothing: the object counts as checked, of unknown age. The
 * interval is the schedule's (next_check - last_check): check_interval
 * counts in nagios.cfg's interval_length, which status.dat does not say.
 * Nagios leaves next_check alone when a check is disabled.
 */
static void take_check_times(const struct block *b, struct pub_object *o)
{
	o->pending = (b->seen & F_CHECKED) && b->checked == 0;
	o->last_check = (b->seen & F_LAST_CHECK) && b->last_check > 0
			? (time_t)b->last_check : 0;
	o->check_interval = o->last_check > 0 && (b->seen & F_NEXT_CHECK) &&
			    b->next_check > o->last_check
			    ? (time_t)(b->next_check - o->last_check) : 0;
}

static void end_block(struct parser *p)
{
	struct block *b = &p->b;
	struct pub_snapshot *s = p->snap;
	const char *name = b->kind == B_HOST ? "hoststatus" : b->kind == B_SERVICE
			   ? "servicestatus" : b->kind == B_INFO ? "info" : "comment/downtime";

	if (b->kind == B_PROGRAM) {
		/* only an explicit 0 says the checks are off */
		s->service_checks_disabled = (b->seen & F_SERVICE_CHECKS) && b->service_checks == 0;
		s->host_checks_disabled = (b->seen & F_HOST_CHECKS) && b->host_checks == 0;
	} else if (b->kind == B_INFO) {
		if (need(p, F_CREATED, name)) {
			s->created = (time_t)b->created;
			p->saw_info = true;
		}
	} else if (b->kind != B_OTHER && (!b->has_host || (service_kind(b->kind) && !b->has_service))) {
		fail(p, "the %s block that starts on line %lu names no %s", name,
		     b->start_line, b->has_host ? "service_description" : "host_name");
	} else if (b->kind == B_HOST || b->kind == B_SERVICE) {
		if (b->object != NO_OBJECT && need(p, F_CURRENT | F_LAST_HARD | F_TYPE, name)) {
			struct pub_object *o = &s->objects[b->object];
			/* state_type 1 is HARD; while SOFT the last HARD state stands */
			o->seen = true;
			o->hard_state = (int)(b->state_type == 1 ? b->current_state
					      : b->last_hard_state);
			o->downtime_depth = (int)b->downtime_depth;
			o->acknowledged = b->ack != 0;
			o->last_hard_change = (time_t)b->last_hard_change;
			o->flapping = b->flapping != 0;
			free(o->output);
			o->output = clean(&b->output);
			take_check_times(b, o);
			free(o->perfdata);
			o->perfdata = b->perfdata.len > 0 ? clean(&b->perfdata) : NULL;
			o->perfdata_at = o->last_check;
		}
	} else if (b->kind == B_HOSTCOMMENT || b->kind == B_SERVICECOMMENT) {
		if (b->object != NO_OBJECT && need(p, F_ID, name) &&
		    need(p, F_ENTRY_TYPE | F_ENTRY_TIME, name)) {
			s->comments = ms_xreallocarray(s->comments, s->n_comments + 1,
						       sizeof(*s->comments));
			struct pub_comment *c = &s->comments[s->n_comments++];
			c->object = b->object;
			c->kind = (enum pub_comment_kind)b->entry_type;
			c->id = (unsigned long)b->id;
			c->entry_time = (time_t)b->entry_time;
			c->author = clean(&b->author);
			c->text = ms_text_clean_xml(b->text.data ? b->text.data : "", b->text.len);
		}
	} else if (b->kind == B_HOSTDOWNTIME || b->kind == B_SERVICEDOWNTIME) {
		if (b->object != NO_OBJECT && need(p, F_ID, name) &&
		    need(p, F_START | F_END, name)) {
			s->downtimes = ms_xreallocarray(s->downtimes, s->n_downtimes + 1,
							sizeof(*s->downtimes));
			struct pub_downtime *d = &s->downtimes[s->n_downtimes++];
			d->object = b->object;
			d->id = (unsigned long)b->id;
			d->start = (time_t)b->start;
			d->end = (time_t)b->end;
			d->author = clean(&b->author);
			d->text = clean(&b->text);
		}
	}
	b->kind = B_NONE;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* One line, without its newline. */
static void feed_line(struct parser *p, const char *s, size_t n)
{
	struct block *b = &p->b;

	p->line++;
	if (b->kind == B_NONE) {
		if (n == 0 || s[0] == '#' || blank(s, n))
			return;
		/* "name {" */
		size_t w = 0;
		while (w < n && ((s[w] >= 'a' && s[w] <= 'z') || s[w] == '_'))
			w++;
		size_t t = w;
		while (t < n && s[t] == ' ')
			t++;
		if (w == 0 || t >= n || s[t] != '{' || !blank(s + t + 1, n - t - 1)) {
			/* s is not NUL-terminated: quote at most 40 bytes of this line */
			fail(p, "expected the start of a block ('name {'), found '%.*s'",
			     (int)ms_utf8_prefix(s, n, 40), s);
			return;
		}
		begin_block(p, block_kind_of(s, w));
		return;
	}
	/* inside a block: "\tkey=value" or the closing "\t}" */
	size_t i = 0;
	while (i < n && (s[i] == '\t' || s[i] == ' '))
		i++;
	if (i < n && s[i] == '}' && blank(s + i + 1, n - i - 1)) {
		end_block(p);
		return;
	}
	const char *eq = i < n ? memchr(s + i, '=', n - i) : NULL;
	if (i == 0 || eq == NULL || eq == s + i) {
		fail(p, "expected 'key=value' or '}' inside the block that starts on "
		     "line %lu", b->start_line);
		return;
	}
	if (b->skip)
		return;
	const char *v = eq + 1;
	size_t vlen = n - (size_t)(v - s);
	if (vlen > 0 && v[vlen - 1] == '\r')
		vlen--;
	block_field(p, s + i, (size_t)(eq - (s + i)), v, vlen);
}

static void parser_init(struct parser *p, struct pub_snapshot *snap, struct ms_buf *err)
{
	memset(p, 0, sizeof(*p));
	p->snap = snap;
	p->err = err;
	pub_snapshot_clear_state(snap);
}

static void parser_free(struct parser *p)
{
	ms_buf_free(&p->b.host);
	ms_buf_free(&p->b.service);
	ms_buf_free(&p->b.output);
	ms_buf_free(&p->b.perfdata);
	ms_buf_free(&p->b.author);
	ms_buf_free(&p->b.text);
}

/* What a complete file has: a final newline, every block closed, an info block. */
static bool parser_finish(struct parser *p, bool cut_line)
{
	if (p->failed)
		return false;
	if (cut_line)
		fail(p, "the last line has no newline: the file is truncated");
	else if (p->b.kind != B_NONE)
		fail(p, "the block that starts on line %lu is not closed: the file is "
		     "truncated", p->b.start_line);
	else if (!p->saw_info)
		fail(p, "no info block with 'created': this is not a status.dat");
	return !p->failed;
}

/* Feeds the complete lines in buf; returns how many bytes were used. */
static size_t feed_lines(struct parser *p, const char *buf, size_t len)
{
	size_t used = 0;
	/* one look for a NUL in the whole buffer, not one per line (millions) */
	bool nul = memchr(buf, '\0', len) != NULL;

	while (used < len && !p->failed) {
		const char *nl = memchr(buf + used, '\n', len - used);
		if (nl == NULL)
			break;
		if (nul && memchr(buf + used, '\0', (size_t)(nl - (buf + used))) != NULL) {
			p->line++;
			fail(p, "a NUL byte: this is not a text file");
			break;
		}
		feed_line(p, buf + used, (size_t)(nl - (buf + used)));
		used = (size_t)(nl - buf) + 1;
	}
	return used;
}

bool pub_statusdat_parse_mem(const char *data, size_t len, struct pub_snapshot *snap,
			     struct ms_buf *err)
{
	struct parser p;
	bool ok;

	parser_init(&p, snap, err);
	size_t used = feed_lines(&p, data, len);
	ok = parser_finish(&p, !p.failed && used < len);
	if (!ok)
		pub_snapshot_clear_state(snap);	/* half a file is no snapshot */
	parser_free(&p);
	return ok;
}

static bool statusdat_read(const struct pub_config *cfg, const char *path,
			   struct pub_snapshot *snap, struct ms_buf *err)
{
	struct parser p;
	size_t cap = CHUNK, have = 0;
	char *buf;
	bool ok = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	(void)cfg;
	if (fd < 0) {
		ms_buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
		return false;
	}
	buf = ms_xmalloc(cap);
	parser_init(&p, snap, err);
	for (;;) {
		if (have == cap) {
			if (cap >= MAX_LINE) {
				fail(&p, "a line longer than %u bytes", MAX_LINE);
				break;
			}
			cap *= 2;
			buf = ms_xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ms_buf_printf(err, "%s: read error: %s", path, strerror(errno));
			p.failed = true;
			break;
		}
		if (n == 0) {
			ok = parser_finish(&p, have > 0);
			break;
		}
		have += (size_t)n;
		size_t used = feed_lines(&p, buf, have);
		if (p.failed)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (!ok && p.failed && err->len > 0 && strncmp(err->data, path, strlen(path)) != 0) {
		/* name the file in front of "line N: ..." */
		char *why = ms_buf_steal(err);
		ms_buf_printf(err, "%s: %s", path, why);
		free(why);
	}
	if (!ok)
		pub_snapshot_clear_state(snap);
	parser_free(&p);
	free(buf);
	close(fd);
	return ok;
}

const struct pub_source_ops pub_statusdat_source = {
	.scheme = "statusdat",
	.location_is_path = true,
	.read = statusdat_read,
};
