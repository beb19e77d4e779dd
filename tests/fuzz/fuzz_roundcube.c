/*
 * fuzz_roundcube: what Roundcube answers, through the parsers of the
 * Roundcube flow: pages (rcmail.set_env, the folder list, the messages
 * shown after a login or a send) and AJAX answers (the message list and
 * the upload, JSON with JavaScript commands in "exec"). The same bytes go
 * to each, as a body of at most MS_HTTP_MAX_BODY bytes.
 *
 * Checked: what the parsers return is consistent (an env is an object,
 * a command's arguments an array, a folder count no larger than the
 * list); every failure they report is a NUL-terminated sentence; the
 * attachment id fits its buffer; nothing leaks.
 */
#include "config.h"

#include "fuzz.h"
#include "httpclient.h"
#include "webmail_roundcube.h"

/* A failure, and only a failure, says why, in one string. */
static void check_error(enum ms_wm_failure kind, struct ms_buf *err)
{
	if ((kind != MS_WM_OK) != (err->len > 0) || strlen(ms_buf_str(err)) != err->len)
		abort();
	ms_buf_free(err);
}

static void fuzz_page(const char *body, size_t len)
{
	json_t *env = ms_rc_page_env(body, len);
	struct ms_wm_mailbox mb;

	if (env != NULL && !json_is_object(env))
		abort();
	json_decref(env);
	memset(&mb, 0xff, sizeof(mb));
	if (ms_rc_parse_mailbox(body, len, &mb)) {
		if (mb.has_inbox && mb.folders == 0)
			abort();
	} else if (mb.folders != 0 || mb.has_inbox) {
		abort();
	}
}

static void fuzz_commands(const char *body, size_t len)
{
	static const char *const names[] = {
		"set_env", "display_message", "sent_successfully", "add2attachment_list",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *args = ms_rc_command(body, len, names[i]);
		if (args != NULL && !json_is_array(args))
			abort();
		json_decref(args);
	}
}

static void fuzz_answers(const char *body, size_t len)
{
	struct ms_buf err = MS_BUF_INIT;
	struct ms_wm_sent sent;
	long count = -42;
	char id[64];

	check_error(ms_rc_parse_list(body, len, &count, &err), &err);
	memset(id, 'x', sizeof(id));
	enum ms_wm_failure kind = ms_rc_parse_upload(body, len, id, sizeof(id), &err);
	if (kind == MS_WM_OK && (memchr(id, '\0', sizeof(id)) == NULL || id[0] == '\0'))
		abort();
	check_error(kind, &err);
	check_error(ms_rc_classify_login(401, NULL, body, len, &err), &err);
	check_error(ms_rc_classify_login(200, "/?_task=login", body, len, &err), &err);
	memset(&sent, 'x', sizeof(sent));
	check_error(ms_rc_classify_send(200, body, len, &sent, &err), &err);
	if (memchr(sent.saved_in, '\0', sizeof(sent.saved_in)) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MS_HTTP_MAX_BODY)
		return 0;

	/* a body as the HTTP client keeps it: NUL-terminated after its length */
	char *body = fuzz_cstr(data, size);

	fuzz_page(body, size);
	fuzz_commands(body, size);
	fuzz_answers(body, size);
	char *label = fuzz_cstr(data, size < 256 ? size : 256);
	(void)ms_rc_label_key(label);
	free(label);
	free(body);
	return 0;
}
