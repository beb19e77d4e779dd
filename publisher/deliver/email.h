/*
 * email: the e-mail channel (pub_email_channel, delivery.h): a post to a
 * subscriber's address through the [smtp] relay, with libcurl's SMTP.
 *
 * The relay must offer STARTTLS and show a certificate the publisher
 * trusts (the system's CAs or ca_file), unless insecure = yes; smtps://
 * speaks TLS from the start. The password (password_file) goes only to
 * libcurl, never into a message, a reason or libcurl's verbose trace.
 */
#ifndef PUB_EMAIL_H
#define PUB_EMAIL_H

#include <curl/curl.h>

#include "delivery.h"
#include "strbuf.h"

/*
 * What a finished SMTP transfer means: rc is libcurl's result, code the
 * relay's last reply code (CURLINFO_RESPONSE_CODE, 0 when none), reply
 * that reply's text as the relay wrote it (or NULL), curl_error
 * libcurl's own words (or NULL).
 *   - delivered: libcurl finished (the relay answered 250 to the message);
 *   - retry: no connection, a timeout, a 4xx reply, no STARTTLS or an
 *     untrusted certificate, the login refused (the config's to fix);
 *   - failed for good: any other 5xx reply (550 unknown recipient...).
 * The reason, unless delivered, goes into err: the reply's text when
 * there is one. It names "the relay", not its URL (list --deliveries
 * shows reasons, never a URL).
 */
enum pub_delivery_outcome pub_email_classify(CURLcode rc, long code, const char *reply,
					     const char *curl_error, struct ms_buf *err);

#endif
