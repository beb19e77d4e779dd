/*
 * webmail_roundcube: the Roundcube flow. See webmail_roundcube.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "htmlform.h"
#include "redact.h"
#include "text.h"
#include "webmail_roundcube.h"
#include "xalloc.h"

struct ms_webmail {
	struct ms_http *http;
	char *base;		/* the URL the user opens */
	char *shown;		/* base as steps and messages show it (plugins/webmail_send/redact.h) */
	char *mail_url;		/* where the login redirected to */
	char *token;		/* the request token of the session */
};

/* Roundcube's labels for the answers the flow tells apart, in en_US. */
static const struct label {
	const char *key;
	const char *text;
	bool prefix;		/* the text goes on with variables ($code, $msg) */
	enum ms_wm_failure kind;
} labels[] = {
	{ "loginfailed", "Login failed.", false, MS_WM_LOGIN_FAILED },
	{ "accountlocked", "Too many failed login attempts. Try again later.", false,
	  MS_WM_LOGIN_FAILED },
	{ "storageerror", "Connection to storage server failed.", false, MS_WM_STORAGE },
	{ "invalidrequest", "Invalid request! No data was saved.", false, MS_WM_FLOW },
	{ "cookiesdisabled", "Your browser does not accept cookies.", false, MS_WM_FLOW },
	{ "sessionerror", "Your session is invalid or expired.", false, MS_WM_FLOW },
	{ "invalidhost", "Invalid server name.", false, MS_WM_FLOW },
	{ "sendingfailed", "Failed to send message.", false, MS_WM_SEND_FAILED },
	{ "fileuploaderror", "File upload failed.", false, MS_WM_SEND_FAILED },
	{ "filesizeerror", "The uploaded file exceeds the maximum size of ", true, MS_WM_SEND_FAILED },
	/* smtperror "SMTP Error: $msg", and smtpconnerror, smtpautherror,
	 * smtpfromerror, smtptoerror, smtpsizeerror: "SMTP Error ($code): ..." */
	{ "smtperror", "SMTP Error", true, MS_WM_SEND_FAILED },
};

static const struct label *find_label(const char *text)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		const struct label *l = &labels[i];
		if (l->prefix ? strncmp(text, l->text, strlen(l->text)) == 0 : strcmp(text, l->text) == 0)
			return l;
	}
	return NULL;
}

const char *ms_rc_label_key(const char *text)
{
	const struct label *l = find_label(text);

	return l ? l->key : NULL;
}

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Reads JSON values separated by commas up to ')' into a new array. */
static json_t *parse_arguments(const char *p, const char *end)
{
	json_t *args = json_array();

	if (!args)
		ms_oom();
	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == ')')
			return args;
		json_error_t e;
		json_t *v = json_loadb(p, (size_t)(end - p),
				       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (!v)
			break;
		json_array_append_new(args, v);
		p += e.position;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == ',')
			p++;
		else if (p < end && *p == ')')
			return args;
		else
			break;
	}
	json_decref(args);
	return NULL;
}

json_t *ms_rc_command(const char *js, size_t len, const char *name)
{
	static const char *const objects[] = { "rcmail.", "this." };
	size_t nlen = strlen(name);

	if (!js)
		return NULL;
	const char *end = js + len;
	for (const char *p = js; p < end; p++) {
		for (size_t i = 0; i < 2; i++) {
			size_t olen = strlen(objects[i]);
			if ((size_t)(end - p) < olen + nlen + 1 || memcmp(p, objects[i], olen) != 0 ||
			    memcmp(p + olen, name, nlen) != 0 || p[olen + nlen] != '(')
				continue;
			if (p > js && is_ident(p[-1]))
				continue;	/* "xrcmail." is another object */
			json_t *args = parse_arguments(p + olen + nlen + 1, end);
			if (args)
				return args;
		}
	}
	return NULL;
}

/* The scripts of an HTML page, concatenated. */
static void page_scripts(const char *page, size_t len, struct ms_buf *js)
{
	struct ms_html *doc = ms_html_parse(page, len);

	ms_html_scripts(doc, js);
	ms_html_free(doc);
}

json_t *ms_rc_page_env(const char *page, size_t len)
{
	struct ms_buf js = MS_BUF_INIT;
	json_t *args, *env = NULL;

	page_scripts(page, len, &js);
	args = ms_rc_command(ms_buf_str(&js), js.len, "set_env");
	if (args && json_is_object(json_array_get(args, 0)))
		env = json_incref(json_array_get(args, 0));
	json_decref(args);
	ms_buf_free(&js);
	return env;
}

/*
 * Roundcube escapes the variable parts of its messages for HTML (rcube::Q)
 * even inside JavaScript strings; the status line wants them plain.
 */
static void unescape_html(struct ms_buf *b, const char *s)
{
	static const struct { const char *entity; char c; } entities[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#039;", '\'' },
		{ "&amp;", '&' },
	};

	while (*s) {
		size_t i, n = sizeof(entities) / sizeof(entities[0]);
		for (i = 0; i < n; i++)
			if (strncmp(s, entities[i].entity, strlen(entities[i].entity)) == 0)
				break;
		if (i < n) {
			ms_buf_putc(b, entities[i].c);
			s += strlen(entities[i].entity);
		} else {
			ms_buf_putc(b, *s++);
		}
	}
}

/*
 * Roundcube's displayed message in js, as the failure it means; fallback
 * when there is no message or its text is not one the flow knows.
 */
static enum ms_wm_failure classify_message(const char *js, size_t len,
					   enum ms_wm_failure fallback, const char *nomessage,
					   struct ms_buf *err)
{
	json_t *args = ms_rc_command(js, len, "display_message");
	const char *text = json_string_value(json_array_get(args, 0));
	enum ms_wm_failure kind;

	if (!text) {
		kind = ms_wm_fail(err, fallback, "%s", nomessage);
	} else {
		const struct label *l = find_label(text);
		struct ms_buf plain = MS_BUF_INIT;
		unescape_html(&plain, text);
		kind = ms_wm_fail(err, l ? l->kind : fallback, "Roundcube said \"%s\"%s%s%s",
				  ms_buf_str(&plain), l ? " (" : "", l ? l->key : "", l ? ")" : "");
		ms_buf_free(&plain);
	}
	json_decref(args);
	return kind;
}

enum ms_wm_failure ms_rc_classify_login(long status, const char *location, const char *body,
					size_t len, struct ms_buf *err)
{
	struct ms_buf js = MS_BUF_INIT;

	if (status >= 300 && status < 400 && location && strstr(location, "_task=login") == NULL)
		return MS_WM_OK;
	if (status >= 500)
		return ms_wm_fail(err, MS_WM_UNREACHABLE, "HTTP %ld from the login", status);
	page_scripts(body, len, &js);
	/* 401 is Roundcube's answer to every failed login (since 1.4) */
	enum ms_wm_failure kind = classify_message(
		ms_buf_str(&js), js.len, status == 401 ? MS_WM_LOGIN_FAILED : MS_WM_FLOW,
		status == 401 ? "Roundcube refused the login (HTTP 401) without a message"
			      : "Roundcube neither logged in nor said why", err);
	ms_buf_free(&js);
	return kind;
}

enum ms_wm_failure ms_rc_classify_send(long status, const char *body, size_t len,
				       struct ms_wm_sent *sent, struct ms_buf *err)
{
	struct ms_buf js = MS_BUF_INIT;
	enum ms_wm_failure kind = MS_WM_OK;
	json_t *args;

	sent->saved_in[0] = '\0';
	if (status >= 500 || (status != 200 && status != 401))
		return ms_wm_fail(err, status >= 500 ? MS_WM_UNREACHABLE : MS_WM_FLOW,
				  "HTTP %ld in answer to the send", status);
	page_scripts(body, len, &js);
	args = ms_rc_command(ms_buf_str(&js), js.len, "sent_successfully");
	if (args) {
		/* (type, message, folders to refresh: where the copy went, save error) */
		json_t *folders = json_array_get(args, 2);
		const char *folder = json_string_value(json_array_get(folders, 0));
		if (folder && !json_is_true(json_array_get(args, 3)))
			snprintf(sent->saved_in, sizeof(sent->saved_in), "%s", folder);
	} else {
		kind = classify_message(ms_buf_str(&js), js.len,
					status == 401 ? MS_WM_FLOW : MS_WM_SEND_FAILED,
					"Roundcube did not confirm the message as sent", err);
	}
	json_decref(args);
	ms_buf_free(&js);
	return kind;
}

bool ms_rc_parse_mailbox(const char *page, size_t len, struct ms_wm_mailbox *mb)
{
	json_t *env = ms_rc_page_env(page, len);
	json_t *list = json_object_get(env, "mailboxes_list");
	size_t i;
	json_t *v;

	mb->folders = 0;
	mb->has_inbox = false;
	mb->inbox_messages = -1;
	if (!env)
		return false;
	json_array_foreach(list, i, v) {
		const char *name = json_string_value(v);
		if (!name)
			continue;
		mb->folders++;
		if (strcmp(name, "INBOX") == 0)
			mb->has_inbox = true;
	}
	json_decref(env);
	return true;
}

/* An AJAX answer: {"action":..., "env":{...}, "exec":"this.cmd(...);..."}. */
static json_t *load_ajax(const char *json, size_t len, const char **exec)
{
	json_error_t e;
	json_t *root = json && len ? json_loadb(json, len, 0, &e) : NULL;

	*exec = json_string_value(json_object_get(root, "exec"));
	if (!*exec)
		*exec = "";
	return root;
}

enum ms_wm_failure ms_rc_parse_list(const char *json, size_t len, long *count,
				    struct ms_buf *err)
{
	const char *exec;
	json_t *root = load_ajax(json, len, &exec);
	json_t *n = json_object_get(json_object_get(root, "env"), "messagecount");
	enum ms_wm_failure kind = MS_WM_OK;

	if (json_is_integer(n))
		*count = (long)json_integer_value(n);
	else if (!root)
		kind = ms_wm_fail(err, MS_WM_FLOW, "the message list is not JSON");
	else
		kind = classify_message(exec, strlen(exec), MS_WM_FLOW,
					"the message list has no message count", err);
	json_decref(root);
	return kind;
}

enum ms_wm_failure ms_rc_parse_upload(const char *json, size_t len, char *id, size_t idlen,
				      struct ms_buf *err)
{
	const char *exec;
	json_t *root = load_ajax(json, len, &exec);
	json_t *args = ms_rc_command(exec, strlen(exec), "add2attachment_list");
	const char *name = json_string_value(json_array_get(args, 0));
	enum ms_wm_failure kind = MS_WM_OK;

	if (name && strlen(name) < idlen)
		snprintf(id, idlen, "%s", name);
	else if (!root)
		kind = ms_wm_fail(err, MS_WM_FLOW, "the answer to the upload is not JSON");
	else
		kind = classify_message(exec, strlen(exec), MS_WM_SEND_FAILED,
					"Roundcube did not accept the attachment", err);
	json_decref(args);
	json_decref(root);
	return kind;
}

/* ---- the flow over HTTP ---- */

static enum ms_wm_failure request(struct ms_webmail *wm, const struct ms_http_request *req,
				  struct ms_http_response *resp, struct ms_buf *err)
{
	struct ms_buf why = MS_BUF_INIT;
	enum ms_wm_failure kind = MS_WM_OK;

	if (ms_http_perform(wm->http, req, resp, &why) != MS_CURL_OK)
		kind = ms_wm_fail(err, MS_WM_UNREACHABLE, "%s", ms_buf_str(&why));
	ms_buf_free(&why);
	return kind;
}

static char *url_for(struct ms_webmail *wm, const char *ref)
{
	char *url = ms_http_resolve(wm->base, ref);

	return url ? url : ms_xstrdup(wm->base);
}

/* A GET that must answer 200. */
static enum ms_wm_failure get_page(struct ms_webmail *wm, const char *url, const char *header,
				   struct ms_http_response *resp, struct ms_buf *err)
{
	struct ms_http_request req = { .url = url, .header = header };
	enum ms_wm_failure kind = request(wm, &req, resp, err);

	if (kind != MS_WM_OK || resp->status == 200)
		return kind;
	kind = ms_wm_fail(err, resp->status >= 500 || resp->status == 404 ? MS_WM_UNREACHABLE
			  : MS_WM_FLOW, "HTTP %ld from %s", resp->status, url);
	ms_http_response_free(resp);
	return kind;
}

static enum ms_wm_failure rc_open(struct ms_http *http, const char *base_url,
				  struct ms_webmail **opened, struct ms_buf *err)
{
	char *base = ms_http_resolve(base_url, "");

	*opened = NULL;
	if (!base)
		return ms_wm_fail(err, MS_WM_FLOW, "'%s' is not a URL", base_url);
	struct ms_webmail *wm = ms_xcalloc(1, sizeof(*wm));
	struct ms_buf shown = MS_BUF_INIT;
	wm->http = http;
	wm->base = base;
	ms_redact_text(&shown, base, strlen(base));
	wm->shown = ms_buf_steal(&shown);
	*opened = wm;
	return MS_WM_OK;
}

static void rc_close(struct ms_webmail *wm)
{
	if (!wm)
		return;
	free(wm->base);
	free(wm->shown);
	free(wm->mail_url);
	free(wm->token);
	free(wm);
}

static enum ms_wm_failure rc_login(struct ms_webmail *wm, const char *user,
				   const char *password, struct ms_buf *err)
{
	struct ms_http_response page, answer;
	struct ms_form form;
	struct ms_buf body = MS_BUF_INIT;
	enum ms_wm_failure kind;

	ms_step("loading the login page %s", wm->shown);
	if ((kind = get_page(wm, wm->base, NULL, &page, err)) != MS_WM_OK)
		return kind;
	struct ms_html *doc = ms_html_parse(page.body.data, page.body.len);
	bool found = ms_html_find_form(doc, "_user", &form);
	ms_html_free(doc);
	ms_http_response_free(&page);
	if (!found || !ms_form_get(&form, "_token")) {
		ms_form_free(&form);
		return ms_wm_fail(err, MS_WM_FLOW, "%s has no Roundcube login form (is --url "
				  "right?)", wm->shown);
	}
	ms_form_set(&form, "_user", user);
	ms_form_set(&form, "_pass", password);
	ms_form_set(&form, "_timezone", "UTC");
	ms_form_encode(&form, &body);
	char *action = url_for(wm, form.action);
	ms_form_free(&form);

	ms_step("logging in to %s as %s", wm->shown, user);
	struct ms_http_request req = { .url = action, .form = ms_buf_str(&body) };
	kind = request(wm, &req, &answer, err);
	/* the password is in the body: do not leave it in freed memory */
	explicit_bzero(body.data, body.len);
	ms_buf_free(&body);
	free(action);
	if (kind != MS_WM_OK)
		return kind;
	kind = ms_rc_classify_login(answer.status, answer.location, answer.body.data,
				    answer.body.len, err);
	if (kind == MS_WM_OK)
		wm->mail_url = ms_xstrdup(answer.location);
	ms_http_response_free(&answer);
	return kind;
}

/* The request token from a page's env; it changes with the login. */
static enum ms_wm_failure take_token(struct ms_webmail *wm, json_t *env, struct ms_buf *err)
{
	const char *token = json_string_value(json_object_get(env, "request_token"));

	if (!token || !token[0])
		return ms_wm_fail(err, MS_WM_FLOW, "the page has no request token");
	free(wm->token);
	wm->token = ms_xstrdup(token);
	return MS_WM_OK;
}

static char *token_header(struct ms_webmail *wm)
{
	struct ms_buf h = MS_BUF_INIT;

	ms_buf_printf(&h, "X-Roundcube-Request: %s", wm->token);
	return ms_buf_steal(&h);
}

static enum ms_wm_failure rc_mailbox(struct ms_webmail *wm, struct ms_wm_mailbox *mb,
				     struct ms_buf *err)
{
	struct ms_http_response page, list;
	enum ms_wm_failure kind;

	ms_step("loading the mailbox page after the login");
	if ((kind = get_page(wm, wm->mail_url, NULL, &page, err)) != MS_WM_OK)
		return kind;
	json_t *env = ms_rc_page_env(page.body.data, page.body.len);
	const char *task = json_string_value(json_object_get(env, "task"));
	if (!env || !task || strcmp(task, "mail") != 0) {
		/* the session did not hold: the page after the login is the login */
		struct ms_buf js = MS_BUF_INIT;
		page_scripts(page.body.data, page.body.len, &js);
		kind = classify_message(ms_buf_str(&js), js.len, MS_WM_FLOW,
					"Roundcube showed the login page again after the login",
					err);
		ms_buf_free(&js);
	} else {
		kind = take_token(wm, env, err);
		if (kind == MS_WM_OK)
			ms_rc_parse_mailbox(page.body.data, page.body.len, mb);	/* env is there */
	}
	json_decref(env);
	ms_http_response_free(&page);
	if (kind != MS_WM_OK)
		return kind;

	ms_step("loading the inbox's message list");
	char *url = url_for(wm, "?_task=mail&_action=list&_mbox=INBOX&_page=1&_remote=1");
	char *header = token_header(wm);
	kind = get_page(wm, url, header, &list, err);
	free(url);
	free(header);
	if (kind != MS_WM_OK)
		return kind;
	kind = ms_rc_parse_list(list.body.data, list.body.len, &mb->inbox_messages, err);
	ms_http_response_free(&list);
	return kind;
}

/* Opens a compose window: its id, token and form. */
static enum ms_wm_failure open_compose(struct ms_webmail *wm, struct ms_form *form,
				       char **compose_id, struct ms_buf *err)
{
	struct ms_http_response redirect, page;
	struct ms_http_request req;
	enum ms_wm_failure kind;

	ms_step("opening the compose page");
	char *url = url_for(wm, "?_task=mail&_action=compose");
	req = (struct ms_http_request){ .url = url };
	kind = request(wm, &req, &redirect, err);
	free(url);
	if (kind != MS_WM_OK)
		return kind;
	if (redirect.status < 300 || redirect.status >= 400 || !redirect.location) {
		kind = ms_wm_fail(err, MS_WM_FLOW, "HTTP %ld instead of the redirect to a new "
				  "compose id", redirect.status);
		ms_http_response_free(&redirect);
		return kind;
	}
	kind = get_page(wm, redirect.location, NULL, &page, err);
	ms_http_response_free(&redirect);
	if (kind != MS_WM_OK)
		return kind;

	json_t *env = ms_rc_page_env(page.body.data, page.body.len);
	const char *id = json_string_value(json_object_get(env, "compose_id"));
	struct ms_html *doc = ms_html_parse(page.body.data, page.body.len);
	kind = take_token(wm, env, err);
	if (kind == MS_WM_OK && (!id || !ms_html_find_form(doc, "_to", form)))
		kind = ms_wm_fail(err, MS_WM_FLOW, "the compose page has no compose id or form");
	/* Elastic keeps the options (Sent folder, priority) outside the form */
	if (kind == MS_WM_OK) {
		ms_html_add_controls(doc, "compose-options", form);
		*compose_id = ms_xstrdup(id);
	}
	ms_html_free(doc);
	json_decref(env);
	ms_http_response_free(&page);
	return kind;
}

static enum ms_wm_failure upload_attachment(struct ms_webmail *wm, const char *compose_id,
					    size_t size, char *id, size_t idlen,
					    struct ms_buf *err)
{
	struct ms_buf query = MS_BUF_INIT, data = MS_BUF_INIT;
	struct ms_http_response answer;
	enum ms_wm_failure kind;

	ms_step("uploading a %zu byte attachment", size);
	ms_buf_puts(&query, "?_task=mail&_action=upload&_uploadid=upload1&_from=compose&_remote=1&_id=");
	ms_url_encode(&query, compose_id);
	ms_wm_attachment(&data, size);
	char *url = url_for(wm, ms_buf_str(&query));
	char *header = token_header(wm);
	struct ms_http_request req = {
		.url = url, .header = header,
		.upload_field = "_attachments[]", .upload_filename = "mailstatus-probe.txt",
		.upload_type = "text/plain", .upload_data = data.data, .upload_len = data.len,
	};
	kind = request(wm, &req, &answer, err);
	if (kind == MS_WM_OK) {
		if (answer.status == 200)
			kind = ms_rc_parse_upload(answer.body.data, answer.body.len, id, idlen, err);
		else
			kind = ms_wm_fail(err, answer.status == 413 ? MS_WM_SEND_FAILED : MS_WM_FLOW,
					  "HTTP %ld in answer to the attachment upload",
					  answer.status);
		ms_http_response_free(&answer);
	}
	free(url);
	free(header);
	ms_buf_free(&query);
	ms_buf_free(&data);
	return kind;
}

static enum ms_wm_failure rc_send(struct ms_webmail *wm, const struct ms_wm_message *msg,
				  struct ms_wm_sent *sent, struct ms_buf *err)
{
	struct ms_form form;
	struct ms_http_response answer;
	struct ms_buf body = MS_BUF_INIT;
	char *compose_id = NULL;
	char attachment[128] = "";
	enum ms_wm_failure kind;

	if ((kind = open_compose(wm, &form, &compose_id, err)) != MS_WM_OK)
		return kind;
	if (msg->attach_size > 0)
		kind = upload_attachment(wm, compose_id, msg->attach_size, attachment,
					 sizeof(attachment), err);
	if (kind != MS_WM_OK) {
		ms_form_free(&form);
		free(compose_id);
		return kind;
	}
	ms_form_set(&form, "_to", msg->to);
	ms_form_set(&form, "_subject", msg->subject);
	ms_form_set(&form, "_message", msg->body);
	ms_form_set(&form, "_attachments", attachment);
	ms_form_encode(&form, &body);
	char *url = url_for(wm, form.action);
	ms_form_free(&form);
	free(compose_id);

	ms_step("sending the message through %s", wm->shown);
	struct ms_http_request req = { .url = url, .form = ms_buf_str(&body) };
	kind = request(wm, &req, &answer, err);
	ms_buf_free(&body);
	free(url);
	if (kind != MS_WM_OK)
		return kind;
	kind = ms_rc_classify_send(answer.status, answer.body.data, answer.body.len, sent, err);
	ms_http_response_free(&answer);
	return kind;
}

static void rc_logout(struct ms_webmail *wm)
{
	struct ms_buf query = MS_BUF_INIT;
	struct ms_http_response answer;
	struct ms_buf err = MS_BUF_INIT;	/* best effort: a failed logout is not said */

	if (!wm->token)
		return;
	ms_step("logging out");
	ms_buf_puts(&query, "?_task=logout&_token=");
	ms_url_encode(&query, wm->token);
	char *url = url_for(wm, ms_buf_str(&query));
	struct ms_http_request req = { .url = url };
	if (request(wm, &req, &answer, &err) == MS_WM_OK)
		ms_http_response_free(&answer);
	free(url);
	ms_buf_free(&query);
	ms_buf_free(&err);
}

const struct ms_webmail_ops ms_webmail_roundcube = {
	.name = "roundcube",
	.open = rc_open,
	.login = rc_login,
	.mailbox = rc_mailbox,
	.send = rc_send,
	.logout = rc_logout,
	.close = rc_close,
};
