/*
 * fuzz_publish_conf: publish.conf (publisher/cli/conf.c and libinih under it).
 *
 * pub_config_load takes a path: the input is put in a memfd and read as
 * /proc/self/fd/N. Beyond "no crash":
 *   - a config that is refused says so as "PATH:LINE: ..." or "PATH: ...",
 *     and a LINE it names is a line of the file;
 *   - a config that is taken holds what the rest of the program relies on
 *     without checking again: the required keys, a base_url ending in '/',
 *     valid slugs, no cluster without a component, no component without
 *     a member, no member twice in a cluster, a comment_prefix, a title
 *     template that expands, authors named once, and the API's password
 *     never over http:// unless api_allow_http says so; views whose clusters
 *     are the file's, each once, with their own directory; subscribers named
 *     once, each a webhook with a secret_file or an address (and then
 *     an [smtp] section), naming only clusters the file has; an [smtp]
 *     with an smtp:// or smtps:// relay, a valid from and a whole login.
 */
#include "config.h"

#include <strings.h>

#include "conf.h"
#include "delivery.h"
#include "fuzz.h"
#include "mail_message.h"
#include "notes.h"
#include "fuzz_file.h"

static unsigned lines_of(const uint8_t *data, size_t size)
{
	unsigned n = 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + (size > 0 && data[size - 1] != '\n');
}

static void check_refusal(const char *path, const struct ms_buf *err, unsigned lines)
{
	const char *msg = ms_buf_str(err);
	size_t n = strlen(path);
	char *end;

	if (strncmp(msg, path, n) != 0 || msg[n] != ':')
		abort();	/* the message names the file */
	if (msg[n + 1] >= '0' && msg[n + 1] <= '9') {
		unsigned long line = strtoul(msg + n + 1, &end, 10);
		if (*end != ':' || line < 1 || line > lines)
			abort();	/* and a line that is there */
	} else if (msg[n + 1] != ' ' || msg[n + 2] == '\0') {
		abort();
	}
}

/* What of an operator's words is published: a mark, a valid title template, named authors. */
static void check_words(const struct pub_config *c)
{
	struct ms_buf why = MS_BUF_INIT;

	if (!c->comment_prefix || c->comment_prefix[0] == '\0' ||
	    strlen(c->comment_prefix) > PUB_COMMENT_PREFIX_MAX)
		abort();
	if (c->update_title && !pub_title_template_check(c->update_title, &why))
		abort();
	ms_buf_free(&why);
	for (size_t i = 0; i < c->n_authors; i++) {
		if (!c->authors[i].login[0] || !c->authors[i].name[0] ||
		    strcmp(pub_note_author(c, c->authors[i].login), c->authors[i].name) != 0)
			abort();	/* each login named once, so its own name wins */
	}
	if (pub_note_author(c, NULL) != c->author)
		abort();
}

static bool same_member(const struct pub_member *a, const struct pub_member *b)
{
	return strcmp(a->host, b->host) == 0 && (a->service == NULL) == (b->service == NULL) &&
	       (a->service == NULL || strcmp(a->service, b->service) == 0);
}

/* Every member of cluster cl once. */
static void check_members_once(const struct pub_cluster *cl)
{
	for (size_t j = 0; j < cl->n_components; j++)
		for (size_t k = 0; k < cl->components[j].n_members; k++)
			for (size_t j2 = j; j2 < cl->n_components; j2++)
				for (size_t k2 = j2 == j ? k + 1 : 0;
				     k2 < cl->components[j2].n_members; k2++)
					if (same_member(&cl->components[j].members[k],
							&cl->components[j2].members[k2]))
						abort();
}

/* Each view: its keys, a base_url ending in '/', its clusters the file's, once each. */
static void check_views(const struct pub_config *c)
{
	for (size_t i = 0; i < c->n_views; i++) {
		const struct pub_view *v = &c->views[i];
		size_t n = v->base_url ? strlen(v->base_url) : 0;

		if (!pub_slug_valid(v->name) || !v->title || n == 0 || v->base_url[n - 1] != '/' ||
		    !v->output_dir || strcmp(v->output_dir, c->output_dir) == 0 ||
		    v->n_clusters == 0)
			abort();
		for (size_t j = 0; j < v->n_clusters; j++) {
			if (pub_config_cluster(c, v->clusters[j]) == NULL)
				abort();
			for (size_t k = 0; k < j; k++)
				if (strcmp(v->clusters[j], v->clusters[k]) == 0)
					abort();
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(v->name, c->views[k].name) == 0 ||
			    strcmp(v->output_dir, c->views[k].output_dir) == 0)
				abort();
	}
}

/* [subscriber NAME]: what the deliver stage takes as given. */
static void check_subscribers(const struct pub_config *c)
{
	for (size_t i = 0; i < c->n_subscribers; i++) {
		const struct pub_subscriber *sub = &c->subscribers[i];

		if (!pub_slug_valid(sub->name) || pub_config_subscriber(c, sub->name) != sub ||
		    sub->target == NULL)
			abort();
		if (sub->kind == PUB_SUBSCRIBER_WEBHOOK &&
		    (sub->secret_file == NULL || (strncmp(sub->target, "http://", 7) != 0 &&
						  strncmp(sub->target, "https://", 8) != 0)))
			abort();
		if (sub->kind == PUB_SUBSCRIBER_EMAIL &&
		    (c->smtp == NULL || !pub_mail_address_valid(sub->target) || sub->secret_file))
			abort();
		for (size_t j = 0; j < sub->n_clusters; j++)
			if (pub_config_cluster(c, sub->clusters[j]) == NULL)
				abort();
	}
	if (c->deliver_timeout < 1 || c->deliver_give_up < 60 || c->deliver_budget < 0)
		abort();
}

/* [smtp]: a relay URL, an address to send from, a login whole or none. */
static void check_smtp(const struct pub_smtp *s)
{
	if (s == NULL)
		return;
	if (!s->url || (strncmp(s->url, "smtp://", 7) != 0 && strncmp(s->url, "smtps://", 8) != 0))
		abort();
	if (!s->from || !pub_mail_address_valid(s->from) || !s->site_title || !s->site_url)
		abort();
	if ((s->user == NULL) != (s->password_file == NULL))
		abort();
	if (s->list_unsubscribe && !pub_mail_mailto_valid(s->list_unsubscribe))
		abort();
}

static void check_config(const struct pub_config *c)
{
	size_t n;

	check_words(c);
	check_views(c);
	check_subscribers(c);
	check_smtp(c->smtp);
	if (!c->title || !c->base_url || !c->output_dir || !c->store || !c->source ||
	    !c->author || !c->language || c->n_clusters == 0)
		abort();
	if (strncasecmp(c->source, "icinga2:http://", 15) == 0 && !c->api_allow_http)
		abort();
	n = strlen(c->base_url);
	if (n == 0 || c->base_url[n - 1] != '/')
		abort();
	for (size_t i = 0; i < c->n_clusters; i++) {
		const struct pub_cluster *cl = &c->clusters[i];
		if (!pub_slug_valid(cl->slug) || !cl->name || !cl->service ||
		    !cl->service_slug || cl->service_slug[0] == '\0' || cl->n_components == 0)
			abort();
		if (pub_config_cluster(c, cl->slug) != cl)
			abort();
		check_members_once(cl);
		for (size_t j = 0; j < cl->n_components; j++) {
			const struct pub_component *co = &cl->components[j];
			if (!pub_slug_valid(co->slug) || !co->name || co->n_members == 0)
				abort();
			for (size_t k = 0; k < co->n_members; k++)
				if (co->members[k].host[0] == '\0' || !co->members[k].public_name)
					abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file file;
	const char *path = fuzz_file_put(&file, "publish.conf", data, size);
	struct ms_buf err = MS_BUF_INIT;
	struct pub_config *c = pub_config_load(path, &err);

	if (c == NULL)
		check_refusal(path, &err, lines_of(data, size));
	else
		check_config(c);
	pub_config_free(c);
	ms_buf_free(&err);
	return 0;
}
