/*
 * webmail_roundcube: the Roundcube flow (tested with Debian's 1.6).
 *
 *   GET  /                                   login form, session cookie
 *   POST /?_task=login                       302 to ?_task=mail on success
 *   GET  ?_task=mail                         folder list and request token
 *   GET  ?_task=mail&_action=list&_remote=1  the inbox's message count
 *   GET  ?_task=mail&_action=compose         302 to the compose id
 *   POST ?_task=mail&_action=upload          (with an attachment)
 *   POST ?_task=mail  (_action=send)         rcmail.sent_successfully(...)
 *   GET  ?_task=logout
 *
 * Roundcube answers with JavaScript commands (rcmail.NAME(args) in pages,
 * this.NAME(args) in the "exec" of AJAX answers) whose arguments are JSON;
 * they are read with jansson. Its messages are its localized labels: the
 * flow asks for English and maps the labels' English texts back to their
 * keys (loginfailed, storageerror, invalidrequest, cookiesdisabled,
 * smtperror...); a text it does not know keeps the meaning of the answer
 * it came with (a 401 to a login is a failed login).
 *
 * The parsing functions are public for the unit tests.
 */
#ifndef MS_WEBMAIL_ROUNDCUBE_H
#define MS_WEBMAIL_ROUNDCUBE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "webmail.h"

extern const struct ms_webmail_ops ms_webmail_roundcube;

/*
 * The arguments of the first call of the command name in JavaScript js
 * ("rcmail.name(" or "this.name("), as a JSON array (json_decref it);
 * NULL when there is none or its arguments are not JSON.
 */
json_t *ms_rc_command(const char *js, size_t len, const char *name);

/* The object given to rcmail.set_env() in a page, or NULL. */
json_t *ms_rc_page_env(const char *page, size_t len);

/* The label key whose English text is text ("loginfailed"), or NULL. */
const char *ms_rc_label_key(const char *text);

/*
 * The answer to the login POST: MS_WM_OK for a redirect into the mail
 * task, else the failure, with Roundcube's message added to err.
 */
enum ms_wm_failure ms_rc_classify_login(long status, const char *location, const char *body,
					size_t len, struct ms_buf *err);

/* The answer to the send POST; on success sent->saved_in is filled. */
enum ms_wm_failure ms_rc_classify_send(long status, const char *body, size_t len,
				       struct ms_wm_sent *sent, struct ms_buf *err);

/* The folder list of the mail page. False when the page has no env. */
bool ms_rc_parse_mailbox(const char *page, size_t len, struct ms_wm_mailbox *mb);

/* The message count of an AJAX list answer; a failure (with err) when it has none. */
enum ms_wm_failure ms_rc_parse_list(const char *json, size_t len, long *count,
				    struct ms_buf *err);

/* The attachment id of an AJAX upload answer; a failure (with err) when refused. */
enum ms_wm_failure ms_rc_parse_upload(const char *json, size_t len, char *id, size_t idlen,
				      struct ms_buf *err);

#endif
