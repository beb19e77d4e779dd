/*
 * postqueue: parsing postqueue -j output with jansson.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "postqueue.h"

static bool copy_string(json_t *obj, const char *key, char *dst, size_t size,
			struct ms_buf *err)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s == NULL) {
		ms_buf_printf(err, "no %s", key);
		return false;
	}
	if (strlen(s) >= size || strlen(s) == 0) {
		ms_buf_printf(err, "%s of %zu bytes", key, strlen(s));
		return false;
	}
	memcpy(dst, s, strlen(s) + 1);
	return true;
}

static bool get_integer(json_t *obj, const char *key, int64_t *v, struct ms_buf *err)
{
	json_t *n = json_object_get(obj, key);

	if (!json_is_integer(n) || json_integer_value(n) < 0) {
		ms_buf_printf(err, "no %s", key);
		return false;
	}
	*v = (int64_t)json_integer_value(n);
	return true;
}

bool pq_message_parse(const char *line, size_t len, struct pq_message *m,
		      struct ms_buf *err)
{
	json_error_t jerr;
	json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);

	memset(m, 0, sizeof(*m));
	if (obj == NULL) {
		ms_buf_printf(err, "not JSON: %s", jerr.text);
		return false;
	}
	if (!json_is_object(obj)) {
		ms_buf_puts(err, "not a JSON object");
		goto bad;
	}
	if (!copy_string(obj, "queue_name", m->queue_name, sizeof(m->queue_name), err) ||
	    !copy_string(obj, "queue_id", m->queue_id, sizeof(m->queue_id), err) ||
	    !get_integer(obj, "arrival_time", &m->arrival_time, err) ||
	    !get_integer(obj, "message_size", &m->message_size, err))
		goto bad;
	json_t *rcpts = json_object_get(obj, "recipients");
	if (rcpts != NULL && !json_is_array(rcpts)) {
		ms_buf_puts(err, "recipients is not a list");
		goto bad;
	}
	m->nrecipients = json_array_size(rcpts);
	m->json = obj;
	return true;
bad:
	json_decref(obj);
	memset(m, 0, sizeof(*m));
	return false;
}

void pq_message_recipient(const struct pq_message *m, size_t i,
			  const char **address, const char **delay_reason)
{
	json_t *r = json_array_get(json_object_get(m->json, "recipients"), i);

	*address = json_string_value(json_object_get(r, "address"));
	*delay_reason = json_string_value(json_object_get(r, "delay_reason"));
}

void pq_message_free(struct pq_message *m)
{
	json_decref(m->json);
	m->json = NULL;
}
