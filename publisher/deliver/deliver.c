/*
 * deliver: the deliver loop. See deliver.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "deliver.h"
#include "delivery.h"
#include "lock.h"
#include "model.h"
#include "site.h"
#include "store.h"
#include "xalloc.h"

/* The channel of each kind of subscriber (webhook.c, email.c). */
static const struct pub_channel *const channels[] = {
	[PUB_SUBSCRIBER_WEBHOOK] = &pub_webhook_channel,
	[PUB_SUBSCRIBER_EMAIL] = &pub_email_channel,
};
_Static_assert(sizeof(channels) / sizeof(channels[0]) == PUB_SUBSCRIBER_EMAIL + 1,
	       "a channel for every kind of subscriber");

bool pub_delivery_backoff(int attempts, time_t created, time_t now, long give_up,
			  time_t *next_at)
{
	long delay = PUB_DELIVER_FIRST_RETRY;
	time_t last = created + give_up;

	if (now >= last)
		return false;
	for (int i = 1; i < attempts && delay < PUB_DELIVER_MAX_RETRY; i++)
		delay *= 2;
	if (delay > PUB_DELIVER_MAX_RETRY)
		delay = PUB_DELIVER_MAX_RETRY;
	*next_at = now + delay < last ? now + delay : last;
	return true;
}

/* One due delivery on its way. */
struct slot {
	struct pub_delivery_row *row;
	const struct pub_subscriber *sub;
	const struct pub_channel *channel;
	struct pub_delivery_item item;
	struct pub_channel_transfer *t;
	CURL *curl;
	enum { WAITING, RUNNING, FINISHED, CUT } step;
	enum pub_delivery_outcome outcome;
	struct ms_buf why;
};

struct run {
	const struct pub_config *cfg;
	CURLM *multi;
	struct timespec deadline;	/* monotonic; tv_sec 0: no budget */
	struct pub_deliver_stats *stats;
};

static bool past(const struct timespec *deadline)
{
	struct timespec t;

	if (deadline->tv_sec == 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > deadline->tv_sec ||
	       (t.tv_sec == deadline->tv_sec && t.tv_nsec >= deadline->tv_nsec);
}

/* What the channel needs of the post. */
static void make_item(const struct pub_config *cfg, struct slot *s)
{
	const struct pub_post *p = &s->row->post;
	const struct pub_cluster *cl = pub_config_cluster(cfg, p->cluster);
	enum pub_cluster_state state = PUB_CLUSTER_ONLINE;
	struct ms_buf url = MS_BUF_INIT, path = MS_BUF_INIT;

	if (s->row->post_state)
		pub_cluster_state_parse(s->row->post_state, &state);
	pub_site_post_path(&path, p->id);	/* the page the feeds link to */
	ms_buf_printf(&url, "%s%s", cfg->base_url, path.data);
	ms_buf_free(&path);
	s->item = (struct pub_delivery_item){
		.delivery_id = s->row->id,
		.post = p->id,
		.guid = p->guid,
		.cluster = p->cluster,
		.cluster_name = cl ? cl->name : p->cluster,
		.title = p->title,
		.state = (char *)pub_cluster_state_name(state),
		.incident = p->incident,
		.url = ms_buf_steal(&url),
		.published_at = p->published_at,
		.text = pub_body_text(p->body_html),
		.html = p->body_html,
		.attempts = s->row->attempts,
	};
	if (s->item.text == NULL)
		s->item.text = ms_xstrdup(p->summary);
}

static void finish(struct slot *s, enum pub_delivery_outcome outcome)
{
	s->outcome = outcome;
	s->step = FINISHED;
	free(s->item.url);
	free(s->item.text);
	s->item.url = s->item.text = NULL;
}

/* Starts s's transfer, or finishes it at once when it cannot start. */
static void start(struct run *r, struct slot *s)
{
	s->sub = pub_config_subscriber(r->cfg, s->row->subscriber);
	if (s->sub == NULL) {
		ms_buf_printf(&s->why, "subscriber %s is no longer in %s", s->row->subscriber,
			      r->cfg->path);
		s->step = FINISHED;
		s->outcome = PUB_DELIVERY_RETRY;
		return;
	}
	s->channel = channels[s->sub->kind];	/* every kind has one */
	make_item(r->cfg, s);
	s->t = s->channel->start(s->sub, r->cfg->smtp, &s->item, time(NULL), &s->curl, &s->why);
	if (s->t == NULL) {
		finish(s, PUB_DELIVERY_RETRY);
		return;
	}
	curl_easy_setopt(s->curl, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, r->cfg->deliver_timeout);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT,
			 r->cfg->deliver_timeout < 10 ? r->cfg->deliver_timeout : 10L);
	if (curl_multi_add_handle(r->multi, s->curl) != CURLM_OK) {
		ms_buf_puts(&s->why, "libcurl cannot take another transfer");
		s->channel->done(s->t);
		s->t = NULL;
		finish(s, PUB_DELIVERY_RETRY);
		return;
	}
	s->step = RUNNING;
}

static void end_transfer(struct run *r, struct slot *s)
{
	curl_multi_remove_handle(r->multi, s->curl);
	s->channel->done(s->t);	/* frees the easy handle too */
	s->t = NULL;
	s->curl = NULL;
}

/* The transfers libcurl says are over. */
static size_t collect(struct run *r)
{
	CURLMsg *m;
	int left;
	size_t n = 0;

	while ((m = curl_multi_info_read(r->multi, &left)) != NULL) {
		struct slot *s = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		enum pub_delivery_outcome o = s->channel->outcome(s->t, m->data.result, &s->why);
		end_transfer(r, s);
		finish(s, o);
		n++;
	}
	return n;
}

/* Sends the batch, PUB_DELIVER_PARALLEL at a time, until done or past the deadline. */
static void send_batch(struct run *r, struct slot *slots, size_t n)
{
	size_t next = 0, running = 0;
	int still;

	for (;;) {
		bool late = past(&r->deadline);

		while (!late && running < PUB_DELIVER_PARALLEL && next < n) {
			start(r, &slots[next]);
			running += slots[next++].step == RUNNING;
		}
		if (running == 0 || late)
			break;
		curl_multi_perform(r->multi, &still);
		running -= collect(r);
		if (running > 0)
			curl_multi_poll(r->multi, NULL, 0, 100, NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (slots[i].step == RUNNING) {
			end_transfer(r, &slots[i]);
			finish(&slots[i], PUB_DELIVERY_RETRY);
			slots[i].step = CUT;
		}
}

/* What became of one: its row's new state; a delivery given up is failed. */
static bool record(struct run *r, struct pub_store *st, struct slot *s, time_t now,
		   struct ms_buf *err)
{
	const struct pub_delivery_row *row = s->row;
	int attempts = row->attempts + 1;
	time_t next_at = row->next_at;
	const char *state = "delivered";
	struct ms_buf why = MS_BUF_INIT;
	bool ok;

	if (s->outcome == PUB_DELIVERY_FAILED) {
		state = "failed";
	} else if (s->outcome == PUB_DELIVERY_RETRY) {
		state = pub_delivery_backoff(attempts, row->created_at, now,
					     r->cfg->deliver_give_up, &next_at) ? "pending" : "failed";
	}
	if (s->outcome != PUB_DELIVERED)
		ms_buf_printf(&why, "%s%s", strcmp(state, "failed") == 0 &&
			      s->outcome == PUB_DELIVERY_RETRY ? "given up: " : "",
			      ms_buf_str(&s->why));
	ok = pub_store_delivery_record(st, row->id, state, attempts, next_at,
				       why.len ? why.data : NULL, now, err);
	if (ok && strcmp(state, "failed") == 0) {
		fprintf(stderr, "mailstatus-publish: subscriber %s, post %ld: failed for good "
			"after %d attempt(s): %s\n", row->subscriber, row->post.id, attempts,
			why.data);
		r->stats->failed++;
	} else if (ok && strcmp(state, "pending") == 0) {
		r->stats->retried++;
	} else if (ok) {
		r->stats->delivered++;
	}
	ms_buf_free(&why);
	return ok;
}

/* The outcomes of a batch in one short transaction, under the store's lock. */
static bool record_batch(struct run *r, struct pub_store *st, struct slot *slots, size_t n,
			 time_t now, struct ms_buf *err)
{
	int lock = pub_lock_acquire(r->cfg->store, r->cfg->lock_timeout, err);
	bool ok = lock >= 0 && pub_store_begin(st, err);

	for (size_t i = 0; ok && i < n; i++) {
		if (slots[i].step == CUT || slots[i].step == WAITING)
			r->stats->cut++;	/* due again: the next deliver sends it */
		else if (slots[i].step == FINISHED)
			ok = record(r, st, &slots[i], now, err);
	}
	if (ok)
		ok = pub_store_commit(st, err);
	else if (lock >= 0)
		pub_store_rollback(st);
	if (lock >= 0)
		pub_lock_release(lock);
	return ok;
}

/* The deliverer's own lock, beside the store; -1 when another holds it. */
static int deliver_lock(const char *store, struct ms_buf *err)
{
	struct ms_buf path = MS_BUF_INIT;
	int fd;

	ms_buf_printf(&path, "%s.deliver", store);
	fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		ms_buf_printf(err, "cannot open %s: %s", path.data, strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		if (e != EWOULDBLOCK)
			ms_buf_printf(err, "cannot lock %s: %s", path.data, strerror(e));
		close(fd);
		fd = e == EWOULDBLOCK ? -2 : -1;
	}
	ms_buf_free(&path);
	return fd;
}

static bool deliver_batches(struct run *r, struct pub_store *st, time_t now,
			    struct ms_buf *err)
{
	struct pub_delivery_row *rows = NULL;
	size_t n = 0;
	bool ok = true;

	while (ok && !past(&r->deadline)) {
		if (!pub_store_deliveries_due(st, now, PUB_DELIVER_BATCH, &rows, &n, err))
			return false;
		if (n == 0)
			break;
		struct slot *slots = ms_xcalloc(n, sizeof(*slots));
		for (size_t i = 0; i < n; i++)
			slots[i].row = &rows[i];
		send_batch(r, slots, n);
		ok = record_batch(r, st, slots, n, now, err);
		for (size_t i = 0; i < n; i++)
			ms_buf_free(&slots[i].why);
		free(slots);
		pub_delivery_rows_free(rows, n);
		/* a batch cut short leaves its rest due: sent by the next deliverer */
		if (r->stats->cut > 0)
			break;
	}
	return ok;
}

bool pub_deliver(const struct pub_config *cfg, struct pub_store *st, time_t now, long budget,
		 struct pub_deliver_stats *stats, struct ms_buf *err)
{
	struct run r = { .cfg = cfg, .stats = stats };
	int lock;
	bool ok;

	memset(stats, 0, sizeof(*stats));
	if ((lock = deliver_lock(cfg->store, err)) == -1)
		return false;
	if (lock == -2) {
		stats->busy = true;
		return pub_store_deliveries_pending(st, &stats->pending, err);
	}
	if (budget > 0) {
		clock_gettime(CLOCK_MONOTONIC, &r.deadline);
		r.deadline.tv_sec += budget;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (r.multi = curl_multi_init()) == NULL) {
		ms_buf_puts(err, "libcurl cannot be initialised");
		close(lock);
		return false;
	}
	ok = deliver_batches(&r, st, now, err) &&
	     pub_store_deliveries_pending(st, &stats->pending, err);
	curl_multi_cleanup(r.multi);
	curl_global_cleanup();
	close(lock);
	return ok;
}
