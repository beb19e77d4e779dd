/*
 * imapprobe: finding and deleting a probe message over IMAP(S), with
 * libcurl.
 *
 * One easy handle keeps one IMAP connection for the whole run (libcurl
 * logs in once and re-selects folders as the URL changes). Messages are
 * found by a header (UID SEARCH HEADER name value) and deleted with
 * UID STORE +FLAGS (\Deleted) and EXPUNGE. Every command runs within the
 * plugin's deadline. Folder names are sent as IMAP quoted strings; names
 * with control characters are refused (they could smuggle commands).
 */
#ifndef MS_IMAPPROBE_H
#define MS_IMAPPROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "curlutil.h"
#include "strbuf.h"

struct ms_imap_opts {
	const char *url;	/* imap[s]://host[:port][/MAILBOX]; MAILBOX default INBOX */
	const char *user;
	const char *password;
	struct ms_curl_tls tls;
	/*
	 * imap:// upgrades with STARTTLS before the login, and a server that
	 * does not offer it gets no login (MS_CURL_TLS), unless cleartext is
	 * set: then the login goes without TLS where STARTTLS is not offered.
	 */
	bool cleartext;
	int verbose;		/* > 2: libcurl's trace on stderr, secrets redacted */
};

/* UIDs found by a search. */
struct ms_uids {
	unsigned long *uid;
	size_t n, cap;
};

void ms_uids_free(struct ms_uids *u);

struct ms_imap;

/* NULL with a sentence added to err when the URL is not an IMAP URL. */
struct ms_imap *ms_imap_new(const struct ms_imap_opts *opts, struct ms_buf *err);
void ms_imap_free(struct ms_imap *imap);

/* The mailbox named in the URL (decoded), "INBOX" when none. */
const char *ms_imap_mailbox(const struct ms_imap *imap);

/* "imaps://host:port" without user or mailbox, for messages. */
const char *ms_imap_server(const struct ms_imap *imap);

/*
 * The commands below return MS_CURL_OK, or the kind of failure with a
 * sentence added to err.
 *
 * Messages in folder whose header name contains value. A refused login
 * is MS_CURL_LOGIN; a folder that cannot be selected MS_CURL_PROTOCOL.
 */
enum ms_curl_failure ms_imap_search_header(struct ms_imap *imap, const char *folder,
					   const char *name, const char *value,
					   struct ms_uids *uids, struct ms_buf *err);

/*
 * UID SEARCH with criteria as given (the caller quotes its strings with
 * ms_imap_quote); criteria with a line break are refused.
 */
enum ms_curl_failure ms_imap_search(struct ms_imap *imap, const char *folder,
				    const char *criteria, struct ms_uids *uids, struct ms_buf *err);

/* Flags the messages \Deleted and expunges the folder. */
enum ms_curl_failure ms_imap_delete(struct ms_imap *imap, const char *folder,
				    const struct ms_uids *uids, struct ms_buf *err);

/* Commands sent and connections opened so far (for bench/). */
unsigned ms_imap_requests(const struct ms_imap *imap);
unsigned ms_imap_connections(const struct ms_imap *imap);

/* The parser of SEARCH answers, public for the unit tests. */
bool ms_imap_parse_search(const char *resp, size_t len, struct ms_uids *uids);

/* Appends s as an IMAP quoted string; false (nothing appended) for CR, LF or NUL. */
bool ms_imap_quote(struct ms_buf *b, const char *s);

#endif
