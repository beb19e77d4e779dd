/*
 * fuzz_icinga2_json: the Icinga 2 REST API's answers
 * (publisher/source/icinga2.c), as each of the five queries and as an
 * error answer.
 *
 * The snapshot wants the objects of the saved answers of a real Icinga
 * 2.13 (tests/fixtures/publisher/icinga2) and a short pair ("a", "a!b").
 * Beyond "no crash": a failed parse says why; what a parse takes in is
 * in range (states, comment kinds, indexes of wanted objects, check
 * times), a pending object has no state of its own, and its texts are
 * printable UTF-8; an error's status text is one clean line.
 */
#include "config.h"

#include "fuzz.h"
#include "source.h"
#include "icinga2.h"
#include "text.h"

static const char *const objects[][2] = {
	{ "gw1.example.net", NULL }, { "gw1.example.net", "greylist" },
	{ "gw1.example.net", "imap" }, { "bmx1.example.net", NULL },
	{ "store1.example.net", NULL }, { "store1.example.net", "mail storage" },
	{ "a", NULL }, { "a", "b" },
};

static void check_line(const char *t)
{
	if (t == NULL || !ms_utf8_valid(t, strlen(t)))
		abort();
	for (const unsigned char *s = (const unsigned char *)t; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			abort();
}

static void check_snapshot(const struct pub_snapshot *s)
{
	for (size_t i = 0; i < s->n_objects; i++) {
		const struct pub_object *o = &s->objects[i];
		if (!o->seen)
			continue;
		if (o->hard_state < 0 || o->hard_state > (o->service ? 3 : 2) ||
		    o->downtime_depth < 0 || o->last_check < 0 || o->check_interval < 0)
			abort();
		if (o->pending) {
			if (o->hard_state != 0 || o->output != NULL || o->last_check != 0)
				abort();	/* nothing taken from an object never checked */
			continue;
		}
		check_line(o->output);
	}
	for (size_t i = 0; i < s->n_comments; i++) {
		const struct pub_comment *c = &s->comments[i];
		if (c->object >= s->n_objects || c->kind < PUB_COMMENT_USER ||
		    c->kind > PUB_COMMENT_ACK)
			abort();
		check_line(c->author);
		check_line(c->text);
	}
	for (size_t i = 0; i < s->n_downtimes; i++) {
		if (s->downtimes[i].object >= s->n_objects)
			abort();
		check_line(s->downtimes[i].author);
		check_line(s->downtimes[i].text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pub_icinga2_query queries[] = {
		PUB_I2_HOSTS, PUB_I2_SERVICES, PUB_I2_COMMENTS, PUB_I2_DOWNTIMES,
		PUB_I2_APPLICATION
	};
	struct pub_snapshot snap;
	char *status;

	/* one snapshot through the five queries, as a read of the API fills it */
	pub_snapshot_init(&snap);
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		pub_snapshot_want(&snap, objects[i][0], objects[i][1]);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct ms_buf err = MS_BUF_INIT;

		if (!pub_icinga2_parse(queries[i], (const char *)data, size, &snap, &err) &&
		    err.len == 0)
			abort();	/* a refusal always says why */
		ms_buf_free(&err);
	}
	check_snapshot(&snap);
	pub_snapshot_free(&snap);

	status = pub_icinga2_error_status((const char *)data, size);
	if (status != NULL)
		check_line(status);
	free(status);
	return 0;
}
