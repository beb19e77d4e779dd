/*
 * The Roundcube flow's reading of Roundcube's answers: commands, env,
 * login and send classification, message list and upload, on answers
 * saved from Roundcube 1.6 and on changed ones.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webmail_roundcube.h"
#include "webmail_suites.h"

/* What a classification or parser gave: the kind, and the sentence. */
struct outcome {
	enum ms_wm_failure kind;
	char text[1024];
};

/* Keeps kind and the sentence in o; a failure, and only a failure, says why. */
static bool take(struct outcome *o, enum ms_wm_failure kind, struct ms_buf *why)
{
	ck_assert_msg((kind != MS_WM_OK) == (why->len > 0), "kind %d, '%s'", kind,
		      ms_buf_str(why));
	o->kind = kind;
	snprintf(o->text, sizeof(o->text), "%s", ms_buf_str(why));
	ms_buf_free(why);
	return kind == MS_WM_OK;
}

static void classify_login(long status, const char *location, const char *body, size_t len,
			   struct outcome *o)
{
	struct ms_buf why = MS_BUF_INIT;

	take(o, ms_rc_classify_login(status, location, body, len, &why), &why);
}

static void classify_send(long status, const char *body, size_t len, struct ms_wm_sent *sent,
			  struct outcome *o)
{
	struct ms_buf why = MS_BUF_INIT;

	take(o, ms_rc_classify_send(status, body, len, sent, &why), &why);
}

static bool parse_list(const char *json, size_t len, long *count, struct outcome *o)
{
	struct ms_buf why = MS_BUF_INIT;

	return take(o, ms_rc_parse_list(json, len, count, &why), &why);
}

static bool parse_upload(const char *json, size_t len, char *id, size_t idlen,
			 struct outcome *o)
{
	struct ms_buf why = MS_BUF_INIT;

	return take(o, ms_rc_parse_upload(json, len, id, idlen, &why), &why);
}

static void login_fixture(const char *name, long status, struct outcome *err)
{
	size_t len;
	char *page = fixture(name, &len);

	classify_login(status, NULL, page, len, err);
	free(page);
}

START_TEST(commands_and_their_json_arguments)
{
	static const char js[] =
		"if (window.parent && parent.rcmail) {\n"
		"  xrcmail.sent_successfully(\"decoy\");\n"
		"  parent.rcmail.sent_successfully(\"confirmation\",\"Sent (really).\",[\"Sent\"],false);\n"
		"}\n";
	json_t *args = ms_rc_command(js, strlen(js), "sent_successfully");

	ck_assert_ptr_nonnull(args);
	ck_assert_uint_eq(json_array_size(args), 4);
	ck_assert_str_eq(json_string_value(json_array_get(args, 1)), "Sent (really).");
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(args, 2), 0)), "Sent");
	ck_assert(json_is_false(json_array_get(args, 3)));
	json_decref(args);

	static const char ajax[] = "this.set_unread_count(\"INBOX\",1,true,\"\");\n";
	args = ms_rc_command(ajax, strlen(ajax), "set_unread_count");
	ck_assert_uint_eq(json_array_size(args), 4);
	json_decref(args);

	/* not JSON, cut off, or absent: no command */
	static const char *const bad[] = {
		"rcmail.display_message(function(){}, 1);", "rcmail.display_message(\"cut",
		"rcmail.display_message(1 2)", "rcmail.display_messages(\"x\")", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_ptr_null(ms_rc_command(bad[i], strlen(bad[i]), "display_message"));
	args = ms_rc_command("rcmail.init()", 13, "init");
	ck_assert_uint_eq(json_array_size(args), 0);
	json_decref(args);
}
END_TEST

START_TEST(page_env)
{
	size_t len;
	char *page = fixture("rc-mail.html", &len);
	json_t *env = ms_rc_page_env(page, len);

	ck_assert_ptr_nonnull(env);
	ck_assert_str_eq(json_string_value(json_object_get(env, "task")), "mail");
	ck_assert_str_eq(json_string_value(json_object_get(env, "request_token")),
			 "4ufQQRS1ABqnN1gL9xldGs5b5KiB7Tke");
	json_decref(env);
	free(page);
	ck_assert_ptr_null(ms_rc_page_env("<html><p>no script</p></html>", 29));
}
END_TEST

START_TEST(label_keys)
{
	ck_assert_str_eq(ms_rc_label_key("Login failed."), "loginfailed");
	ck_assert_str_eq(ms_rc_label_key("Connection to storage server failed."), "storageerror");
	ck_assert_str_eq(ms_rc_label_key("Your browser does not accept cookies."), "cookiesdisabled");
	ck_assert_str_eq(ms_rc_label_key("SMTP Error (-1): Connection to server failed."),
			 "smtperror");
	ck_assert_ptr_null(ms_rc_label_key("Login failed. Or not."));
	ck_assert_ptr_null(ms_rc_label_key("Anmeldung fehlgeschlagen."));
}
END_TEST

START_TEST(login_success_is_a_redirect_into_mail)
{
	struct outcome err;

	classify_login(302, "http://127.0.0.1:12080/?_task=mail&_token=abc", "", 0, &err);
	ck_assert_int_eq(err.kind, MS_WM_OK);
	/* a redirect back to the login page is no login */
	classify_login(302, "http://127.0.0.1:12080/?_task=login", "", 0, &err);
	ck_assert_int_ne(err.kind, MS_WM_OK);
	classify_login(302, NULL, "", 0, &err);
	ck_assert_int_ne(err.kind, MS_WM_OK);
}
END_TEST

START_TEST(login_failures_by_label)
{
	struct outcome err;

	login_fixture("rc-loginfailed.html", 401, &err);
	ck_assert_int_eq(err.kind, MS_WM_LOGIN_FAILED);
	ck_assert_str_eq(err.text, "Roundcube said \"Login failed.\" (loginfailed)");

	login_fixture("rc-storageerror.html", 401, &err);
	ck_assert_int_eq(err.kind, MS_WM_STORAGE);
	ck_assert_str_eq(err.text,
			 "Roundcube said \"Connection to storage server failed.\" (storageerror)");

	login_fixture("rc-invalidrequest.html", 401, &err);
	ck_assert_int_eq(err.kind, MS_WM_FLOW);
	ck_assert_ptr_nonnull(strstr(err.text, "(invalidrequest)"));

	login_fixture("rc-cookiesdisabled.html", 401, &err);
	ck_assert_int_eq(err.kind, MS_WM_FLOW);
	ck_assert_ptr_nonnull(strstr(err.text, "(cookiesdisabled)"));
}
END_TEST

START_TEST(login_failure_in_another_language)
{
	struct outcome err;

	/* the meaning of a 401 holds whatever the language */
	login_fixture("rc-loginfailed-de.html", 401, &err);
	ck_assert_int_eq(err.kind, MS_WM_LOGIN_FAILED);
	ck_assert_str_eq(err.text, "Roundcube said \"Anmeldung fehlgeschlagen.\"");
	/* without a message, the status alone */
	classify_login(401, NULL, "<html></html>", 13, &err);
	ck_assert_int_eq(err.kind, MS_WM_LOGIN_FAILED);
	/* the login page again with 200 and no message: our flow broke */
	login_fixture("rc-login.html", 200, &err);
	ck_assert_int_eq(err.kind, MS_WM_FLOW);
	classify_login(503, NULL, "", 0, &err);
	ck_assert_int_eq(err.kind, MS_WM_UNREACHABLE);
	ck_assert_str_eq(err.text, "HTTP 503 from the login");
}
END_TEST

START_TEST(send_answers)
{
	struct outcome err;
	struct ms_wm_sent sent;
	size_t len;
	char *page = fixture("rc-send-ok.html", &len);

	classify_send(200, page, len, &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_OK);
	ck_assert_str_eq(sent.saved_in, "Sent");
	free(page);

	page = fixture("rc-send-smtperror.html", &len);
	classify_send(200, page, len, &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_SEND_FAILED);
	ck_assert_str_eq(err.text, "Roundcube said \"SMTP Error (451): Failed to add recipient "
			 "\"fail@mailstatus.test\" (4.3.0 <fail@mailstatus.test>: Recipient "
			 "address rejected: Try again later).\" (smtperror)");
	ck_assert_str_eq(sent.saved_in, "");
	free(page);

	/* sent, but the copy could not be saved */
	static const char nosave[] = "<script>parent.rcmail.sent_successfully(\"confirmation\","
				     "\"Message sent successfully.\",[\"Sent\"],true);</script>";
	classify_send(200, nosave, strlen(nosave), &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_OK);
	ck_assert_str_eq(sent.saved_in, "");

	classify_send(200, "<html></html>", 13, &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_SEND_FAILED);
	classify_send(502, "", 0, &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_UNREACHABLE);
}
END_TEST

START_TEST(mailbox_and_list)
{
	struct ms_wm_mailbox mb;
	struct outcome err;
	size_t len;
	long count = -1;
	char *page = fixture("rc-mail.html", &len);

	ck_assert(ms_rc_parse_mailbox(page, len, &mb));
	ck_assert_uint_eq(mb.folders, 5);
	ck_assert(mb.has_inbox);
	free(page);

	page = fixture("rc-mail-nofolders.html", &len);
	ck_assert(ms_rc_parse_mailbox(page, len, &mb));
	ck_assert_uint_eq(mb.folders, 0);
	ck_assert(!mb.has_inbox);
	free(page);

	page = fixture("rc-list.json", &len);
	ck_assert(parse_list(page, len, &count, &err));
	ck_assert_int_eq(count, 1);
	free(page);

	static const char storage[] =
		"{\"action\":\"list\",\"exec\":\"this.display_message(\\\"Connection to storage "
		"server failed.\\\",\\\"error\\\",0);\\n\"}";
	ck_assert(!parse_list(storage, strlen(storage), &count, &err));
	ck_assert_int_eq(err.kind, MS_WM_STORAGE);
	ck_assert(!parse_list("<html>", 6, &count, &err));
	ck_assert_int_eq(err.kind, MS_WM_FLOW);
}
END_TEST

START_TEST(upload_answers)
{
	struct outcome err;
	char id[128];
	size_t len;
	char *page = fixture("rc-upload.json", &len);

	ck_assert(parse_upload(page, len, id, sizeof(id), &err));
	ck_assert_str_eq(id, "rcmfile11795609644030095500");
	ck_assert(!parse_upload(page, 0, id, sizeof(id), &err));
	free(page);

	static const char refused[] =
		"{\"action\":\"upload\",\"exec\":\"this.display_message(\\\"The uploaded file "
		"exceeds the maximum size of 2 MB.\\\",\\\"error\\\",0);\\n\"}";
	ck_assert(!parse_upload(refused, strlen(refused), id, sizeof(id), &err));
	ck_assert_int_eq(err.kind, MS_WM_SEND_FAILED);
	ck_assert_str_eq(err.text, "Roundcube said \"The uploaded file exceeds the maximum size "
			 "of 2 MB.\" (filesizeerror)");
}
END_TEST

START_TEST(hostile_answers_are_harmless)
{
	struct outcome err;
	struct ms_wm_sent sent;
	struct ms_wm_mailbox mb;
	char id[16], junk[4096];
	long count;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)((i * 2654435761u) >> 7);
	static const char *const answers[] = {
		"rcmail.display_message(", "rcmail.display_message(\"\\u0000x\")",
		"rcmail.set_env(1)", "{\"exec\":1}", "{\"exec\":\"this.add2attachment_list(\\\"x\\\")\"}",
		"rcmail.sent_successfully(1,2,3,4,5,6)", "rcmail.display_message([\"a\"],{})",
	};
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		size_t n = strlen(answers[i]);
		classify_login(401, NULL, answers[i], n, &err);
		classify_send(200, answers[i], n, &sent, &err);
		ms_rc_parse_mailbox(answers[i], n, &mb);
		parse_list(answers[i], n, &count, &err);
		parse_upload(answers[i], n, id, sizeof(id), &err);
	}
	/* an empty answer: no body at all */
	classify_login(401, NULL, NULL, 0, &err);
	ck_assert_int_eq(err.kind, MS_WM_LOGIN_FAILED);
	classify_send(200, NULL, 0, &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_SEND_FAILED);
	ck_assert(!ms_rc_parse_mailbox(NULL, 0, &mb));
	ck_assert(!parse_list(NULL, 0, &count, &err));
	ck_assert(!parse_upload(NULL, 0, id, sizeof(id), &err));
	ck_assert_ptr_null(ms_rc_command(NULL, 0, "x"));

	classify_login(401, NULL, junk, sizeof(junk), &err);
	ck_assert_int_eq(err.kind, MS_WM_LOGIN_FAILED);
	classify_send(200, junk, sizeof(junk), &sent, &err);
	ck_assert_int_eq(err.kind, MS_WM_SEND_FAILED);
	ck_assert(!parse_list(junk, sizeof(junk), &count, &err));
	/* an attachment id longer than the caller's room is refused, not cut */
	static const char longid[] =
		"{\"exec\":\"this.add2attachment_list(\\\"rcmfile0123456789abcdef\\\",{})\"}";
	ck_assert(!parse_upload(longid, strlen(longid), id, sizeof(id), &err));
}
END_TEST

Suite *roundcube_suite(void)
{
	Suite *s = suite_create("roundcube");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, commands_and_their_json_arguments);
	tcase_add_test(tc, page_env);
	tcase_add_test(tc, label_keys);
	tcase_add_test(tc, login_success_is_a_redirect_into_mail);
	tcase_add_test(tc, login_failures_by_label);
	tcase_add_test(tc, login_failure_in_another_language);
	tcase_add_test(tc, send_answers);
	tcase_add_test(tc, mailbox_and_list);
	tcase_add_test(tc, upload_answers);
	tcase_add_test(tc, hostile_answers_are_harmless);
	suite_add_tcase(s, tc);
	return s;
}
