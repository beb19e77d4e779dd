/* htmlform: forms as a browser submits them, from saved and changed pages. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "htmlform.h"
#include "webmail_suites.h"

static struct ms_html *parse_fixture(const char *name)
{
	size_t len;
	char *page = fixture(name, &len);
	struct ms_html *doc = ms_html_parse(page, len);

	free(page);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static struct ms_html *parse_string(const char *page)
{
	return ms_html_parse(page, strlen(page));
}

START_TEST(login_form_of_roundcube)
{
	struct ms_html *doc = parse_fixture("rc-login.html");
	struct ms_form form;

	ck_assert(ms_html_find_form(doc, "_user", &form));
	ck_assert_str_eq(form.action, "/?_task=login");
	ck_assert_str_eq(form.method, "post");
	ck_assert_str_eq(ms_form_get(&form, "_token"), "ICWt6XVPOw29UyyAZYQWsNGLr80beh44");
	ck_assert_str_eq(ms_form_get(&form, "_task"), "login");
	ck_assert_str_eq(ms_form_get(&form, "_action"), "login");
	ck_assert_str_eq(ms_form_get(&form, "_timezone"), "_default_");
	ck_assert_str_eq(ms_form_get(&form, "_url"), "");
	ck_assert_str_eq(ms_form_get(&form, "_user"), "");
	/* a password input without a value attribute is submitted empty */
	ck_assert_str_eq(ms_form_get(&form, "_pass"), "");
	/* the submit button is not a field */
	ck_assert_uint_eq(form.n, 7);
	ms_form_free(&form);
	ms_html_free(doc);
}
END_TEST

START_TEST(compose_form_of_roundcube)
{
	struct ms_html *doc = parse_fixture("rc-compose.html");
	struct ms_form form;

	ck_assert(ms_html_find_form(doc, "_to", &form));
	ck_assert_str_eq(form.action, "/?_task=mail");
	ck_assert_str_eq(ms_form_get(&form, "_action"), "send");
	ck_assert_str_eq(ms_form_get(&form, "_id"), "20241322136b06d4261801e");
	ck_assert_str_eq(ms_form_get(&form, "_is_html"), "0");
	/* selects: the selected option */
	ck_assert_str_eq(ms_form_get(&form, "_from"), "1");
	/* the compose options are outside the form; Elastic's script copies them in */
	ck_assert_ptr_null(ms_form_get(&form, "_store_target"));
	ck_assert(ms_html_add_controls(doc, "compose-options", &form));
	ck_assert_str_eq(ms_form_get(&form, "_store_target"), "Sent");
	ck_assert_str_eq(ms_form_get(&form, "_priority"), "0");
	ck_assert(!ms_html_add_controls(doc, "no-such-id", &form));
	/* unchecked checkboxes are not sent; empty textareas are */
	ck_assert_ptr_null(ms_form_get(&form, "_mdn"));
	ck_assert_ptr_null(ms_form_get(&form, "_dsn"));
	ck_assert_str_eq(ms_form_get(&form, "_to"), "");
	ck_assert_ptr_nonnull(ms_form_get(&form, "_message"));
	/* the upload form and the search form are other forms */
	ck_assert_ptr_null(ms_form_get(&form, "_attachments[]"));
	ck_assert_ptr_null(ms_form_get(&form, "_q"));
	ms_form_free(&form);
	ms_html_free(doc);
}
END_TEST

/* The same login form as Roundcube's, written the way other versions or skins might. */
static const char changed_markup[] =
	"<HTML><BODY><TABLE><TR><TD>"
	"<FORM ACTION='/search'><INPUT NAME=q VALUE=x></FORM>"
	"<Form Method=POST action=\"/rc/?_task=login&amp;x=1\" id=login>"
	"<p>unclosed paragraph <b>bold"
	"<INPUT TYPE=submit NAME=go VALUE=Login>"
	"<input value=\"tok&quot;en\" name='_token' type=HIDDEN>"
	"<input name=_user value=\"pre&#233;\">"
	"<input type=password name=_pass>"
	"<input type=checkbox name=remember checked>"
	"<input type=radio name=lang value=de>"
	"<input type=radio name=lang value=en checked>"
	"<input name=disabled value=1 disabled>"
	"<input value=nameless>"
	"<select name=skin><option>elastic<option value=larry>Larry</select>"
	"<textarea name=note>line one\nline &lt;two&gt;</textarea>"
	"<button name=b value=1>b</button>"
	"</TD></TR></TABLE>";

START_TEST(changed_markup_is_read_like_a_browser)
{
	struct ms_html *doc = parse_string(changed_markup);
	struct ms_form form;

	ck_assert(ms_html_find_form(doc, "_user", &form));
	ck_assert_str_eq(form.action, "/rc/?_task=login&x=1");
	ck_assert_str_eq(form.method, "post");
	ck_assert_str_eq(ms_form_get(&form, "_token"), "tok\"en");
	ck_assert_str_eq(ms_form_get(&form, "_user"), "pre\xc3\xa9");
	ck_assert_str_eq(ms_form_get(&form, "_pass"), "");
	ck_assert_str_eq(ms_form_get(&form, "remember"), "on");
	ck_assert_str_eq(ms_form_get(&form, "lang"), "en");
	ck_assert_str_eq(ms_form_get(&form, "skin"), "elastic");
	ck_assert_str_eq(ms_form_get(&form, "note"), "line one\nline <two>");
	ck_assert_ptr_null(ms_form_get(&form, "go"));
	ck_assert_ptr_null(ms_form_get(&form, "disabled"));
	ck_assert_ptr_null(ms_form_get(&form, "b"));
	ck_assert_ptr_null(ms_form_get(&form, "q"));
	ck_assert_uint_eq(form.n, 7);
	ms_form_free(&form);
	ms_html_free(doc);
}
END_TEST

START_TEST(no_such_form)
{
	struct ms_html *doc = parse_fixture("rc-send-ok.html");
	struct ms_form form;

	ck_assert(!ms_html_find_form(doc, "_user", &form));
	ck_assert_uint_eq(form.n, 0);
	ms_form_free(&form);
	ms_html_free(doc);
	/* a control named _user outside any form is no form */
	doc = parse_string("<html><input name=_user><form><input name=x></form></html>");
	ck_assert(!ms_html_find_form(doc, "_user", &form));
	ms_html_free(doc);
	ck_assert(!ms_html_find_form(NULL, "_user", &form));
}
END_TEST

START_TEST(set_and_encode)
{
	struct ms_html *doc = parse_string("<form><input name=a value=1><input name=b></form>");
	struct ms_form form;
	struct ms_buf body = MS_BUF_INIT;

	ck_assert(ms_html_find_form(doc, "a", &form));
	ms_form_set(&form, "b", "x y&z=1/\xc3\xa9+");
	ms_form_set(&form, "a", "2");
	ms_form_set(&form, "new", "~ok-._");
	ms_form_encode(&form, &body);
	ck_assert_str_eq(ms_buf_str(&body), "a=2&b=x%20y%26z%3D1%2F%C3%A9%2B&new=~ok-._");
	ms_buf_free(&body);
	ms_form_free(&form);
	ms_html_free(doc);
}
END_TEST

START_TEST(scripts_are_collected)
{
	struct ms_html *doc = parse_fixture("rc-login.html");
	struct ms_buf js = MS_BUF_INIT;

	ms_html_scripts(doc, &js);
	ck_assert_ptr_nonnull(strstr(ms_buf_str(&js), "rcmail.set_env({"));
	/* script text only: no markup of the page */
	ck_assert_ptr_null(strstr(ms_buf_str(&js), "<input"));
	ms_buf_free(&js);
	ms_html_free(doc);
}
END_TEST

START_TEST(hostile_input_is_harmless)
{
	static const char nuls[] = "<form><input name=a value=\"x\0y\"></form>\0\0<script>\0";
	char junk[4096];
	struct ms_form form;
	struct ms_buf js = MS_BUF_INIT;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)((i * 7919u + 13u) % 256u);
	const struct { const char *data; size_t len; } pages[] = {
		{ "", 0 }, { nuls, sizeof(nuls) }, { junk, sizeof(junk) },
		{ "<form><form><form><input name=a", 32 }, { "<script>", 8 },
	};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct ms_html *doc = ms_html_parse(pages[i].data, pages[i].len);
		if (ms_html_find_form(doc, "a", &form))
			ms_form_free(&form);
		ms_html_scripts(doc, &js);
		ms_html_free(doc);
	}
	/* deep nesting stays within libxml2's depth limit, without recursion trouble */
	struct ms_buf deep = MS_BUF_INIT;
	for (int i = 0; i < 5000; i++)
		ms_buf_puts(&deep, "<div>");
	ms_buf_puts(&deep, "<form><input name=a value=deep></form>");
	struct ms_html *doc = ms_html_parse(deep.data, deep.len);
	if (ms_html_find_form(doc, "a", &form))
		ms_form_free(&form);
	ms_html_free(doc);
	ms_buf_free(&deep);
	ms_buf_free(&js);
}
END_TEST

Suite *htmlform_suite(void)
{
	Suite *s = suite_create("htmlform");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, login_form_of_roundcube);
	tcase_add_test(tc, compose_form_of_roundcube);
	tcase_add_test(tc, changed_markup_is_read_like_a_browser);
	tcase_add_test(tc, no_such_form);
	tcase_add_test(tc, set_and_encode);
	tcase_add_test(tc, scripts_are_collected);
	tcase_add_test(tc, hostile_input_is_harmless);
	suite_add_tcase(s, tc);
	return s;
}
