/*
 * imapprobe: search and delete over IMAP with libcurl. See imapprobe.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpclient.h"
#include "imapprobe.h"
#include "redact.h"
#include "xalloc.h"

/* Untagged answers larger than this are refused (a SEARCH of a probe box is tiny). */
#define MAX_ANSWER (1024 * 1024)

struct ms_imap {
	CURL *curl;
	char *server;		/* scheme://host[:port] */
	char *mailbox;
	unsigned requests;
	unsigned connections;
};

void ms_uids_free(struct ms_uids *u)
{
	free(u->uid);
	memset(u, 0, sizeof(*u));
}

static size_t on_answer(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ms_buf *b = arg;
	size_t n = size * nmemb;

	if (n > MAX_ANSWER - b->len)
		return 0;
	ms_buf_add(b, data, n);
	return n;
}

/* Splits url into server and mailbox; false when it is not imap(s). */
static bool split_url(const char *url, char **server, char **mailbox)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	bool ok = false;

	if (!u)
		ms_oom();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "imap") != 0 && strcasecmp(scheme, "imaps") != 0)
		goto out;
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);

	struct ms_buf b = MS_BUF_INIT;
	ms_buf_printf(&b, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
	*server = ms_buf_steal(&b);
	/* "/INBOX;UIDVALIDITY=..." names INBOX */
	const char *name = path && path[0] == '/' ? path + 1 : "";
	size_t len = strcspn(name, ";");
	*mailbox = len ? ms_xstrndup(name, len) : ms_xstrdup("INBOX");
	ok = true;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return ok;
}

struct ms_imap *ms_imap_new(const struct ms_imap_opts *opts, struct ms_buf *err)
{
	char *server, *mailbox;

	if (!split_url(opts->url, &server, &mailbox)) {
		struct ms_buf shown = MS_BUF_INIT;	/* a password in it is not shown */
		ms_redact_text(&shown, opts->url, strlen(opts->url));
		ms_buf_printf(err, "'%s' is not an imap:// or imaps:// URL", ms_buf_str(&shown));
		ms_buf_free(&shown);
		return NULL;
	}
	CURL *curl = ms_curl_new(&opts->tls, "imap,imaps");
	if (!curl) {
		free(server);
		free(mailbox);
		ms_buf_puts(err, "cannot create a libcurl handle");
		return NULL;
	}
	struct ms_imap *imap = ms_xcalloc(1, sizeof(*imap));
	imap->curl = curl;
	imap->server = server;
	imap->mailbox = mailbox;
	curl_easy_setopt(curl, CURLOPT_USERNAME, opts->user);
	curl_easy_setopt(curl, CURLOPT_PASSWORD, opts->password);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_answer);
	/* imaps:// is TLS from the start; imap:// must upgrade before the login */
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
			 opts->cleartext ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	if (opts->verbose > 2)
		ms_curl_trace(curl, MS_CURL_IMAP);
	return imap;
}

void ms_imap_free(struct ms_imap *imap)
{
	if (!imap)
		return;
	ms_curl_free(imap->curl);
	free(imap->server);
	free(imap->mailbox);
	free(imap);
}

const char *ms_imap_mailbox(const struct ms_imap *imap)
{
	return imap->mailbox;
}

const char *ms_imap_server(const struct ms_imap *imap)
{
	return imap->server;
}

unsigned ms_imap_requests(const struct ms_imap *imap)
{
	return imap->requests;
}

unsigned ms_imap_connections(const struct ms_imap *imap)
{
	return imap->connections;
}

bool ms_imap_quote(struct ms_buf *b, const char *s)
{
	if (strpbrk(s, "\r\n"))
		return false;
	ms_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ms_buf_putc(b, '\\');
		ms_buf_putc(b, *s);
	}
	ms_buf_putc(b, '"');
	return true;
}

/*
 * Runs command in folder (NULL: without selecting one) and collects the
 * untagged answers into answer.
 */
static enum ms_curl_failure run(struct ms_imap *imap, const char *folder, const char *command,
				struct ms_buf *answer, struct ms_buf *err)
{
	struct ms_buf url = MS_BUF_INIT;
	long connects = 0;
	CURLcode rc;

	ms_buf_printf(&url, "%s/", imap->server);
	if (folder)
		ms_url_encode(&url, folder);
	curl_easy_setopt(imap->curl, CURLOPT_URL, ms_buf_str(&url));
	curl_easy_setopt(imap->curl, CURLOPT_CUSTOMREQUEST, command);
	curl_easy_setopt(imap->curl, CURLOPT_WRITEDATA, answer);
	ms_curl_arm(imap->curl);
	imap->requests++;
	rc = curl_easy_perform(imap->curl);
	curl_easy_getinfo(imap->curl, CURLINFO_NUM_CONNECTS, &connects);
	imap->connections += (unsigned)connects;
	ms_buf_free(&url);
	if (rc == CURLE_OK)
		return MS_CURL_OK;
	/*
	 * libcurl reports a refused SELECT with the code of a refused login;
	 * its own words ("Select failed") tell them apart.
	 */
	if (rc == CURLE_LOGIN_DENIED && strstr(ms_curl_reason(imap->curl), "Select failed"))
		return ms_curl_fail(err, MS_CURL_PROTOCOL, "cannot select the folder '%s'",
				    folder ? folder : "");
	if (rc != CURLE_USE_SSL_FAILED)
		return ms_curl_describe(imap->curl, rc, err);
	struct ms_buf why = MS_BUF_INIT;
	enum ms_curl_failure kind = ms_curl_describe(imap->curl, rc, &why);
	ms_buf_printf(err, "%.200s (no TLS for the login: the password would go in cleartext; "
		      "use imaps://, or --imap-cleartext to allow that)", ms_buf_str(&why));
	ms_buf_free(&why);
	return kind;
}

static enum ms_curl_failure refuse_search(const char *search, struct ms_buf *err)
{
	return ms_curl_fail(err, MS_CURL_OTHER, "the search '%.200s' contains a line break", search);
}

/* Runs a UID SEARCH command in folder and reads the UIDs of its answer. */
static enum ms_curl_failure uid_search(struct ms_imap *imap, const char *folder, const char *cmd,
				       struct ms_uids *uids, struct ms_buf *err)
{
	struct ms_buf answer = MS_BUF_INIT;
	enum ms_curl_failure kind = run(imap, folder, cmd, &answer, err);

	if (kind == MS_CURL_OK && !ms_imap_parse_search(answer.data, answer.len, uids))
		kind = ms_curl_fail(err, MS_CURL_PROTOCOL, "no SEARCH answer from %s",
				    imap->server);
	ms_buf_free(&answer);
	return kind;
}

enum ms_curl_failure ms_imap_search_header(struct ms_imap *imap, const char *folder,
					   const char *name, const char *value,
					   struct ms_uids *uids, struct ms_buf *err)
{
	struct ms_buf cmd = MS_BUF_INIT;
	enum ms_curl_failure kind;

	ms_buf_puts(&cmd, "UID SEARCH HEADER ");
	if (!ms_imap_quote(&cmd, name) || (ms_buf_putc(&cmd, ' '), !ms_imap_quote(&cmd, value))) {
		ms_buf_free(&cmd);
		return refuse_search(value, err);
	}
	kind = uid_search(imap, folder, ms_buf_str(&cmd), uids, err);
	ms_buf_free(&cmd);
	return kind;
}

enum ms_curl_failure ms_imap_search(struct ms_imap *imap, const char *folder,
				    const char *criteria, struct ms_uids *uids, struct ms_buf *err)
{
	struct ms_buf cmd = MS_BUF_INIT;
	enum ms_curl_failure kind;

	if (strpbrk(criteria, "\r\n"))
		return refuse_search(criteria, err);
	ms_buf_printf(&cmd, "UID SEARCH %s", criteria);
	kind = uid_search(imap, folder, ms_buf_str(&cmd), uids, err);
	ms_buf_free(&cmd);
	return kind;
}

enum ms_curl_failure ms_imap_delete(struct ms_imap *imap, const char *folder,
				    const struct ms_uids *uids, struct ms_buf *err)
{
	struct ms_buf cmd = MS_BUF_INIT, answer = MS_BUF_INIT;
	enum ms_curl_failure kind;

	if (uids->n == 0)
		return MS_CURL_OK;
	ms_buf_puts(&cmd, "UID STORE ");
	for (size_t i = 0; i < uids->n; i++)
		ms_buf_printf(&cmd, "%s%lu", i ? "," : "", uids->uid[i]);
	ms_buf_puts(&cmd, " +FLAGS.SILENT (\\Deleted)");
	kind = run(imap, folder, ms_buf_str(&cmd), &answer, err);
	if (kind == MS_CURL_OK)
		kind = run(imap, folder, "EXPUNGE", &answer, err);
	ms_buf_free(&cmd);
	ms_buf_free(&answer);
	return kind;
}

/* The next line of s (without CR LF) as [*line, *line + *n); false at the end. */
static bool next_line(const char **s, const char *end, const char **line, size_t *n)
{
	if (*s >= end)
		return false;
	const char *nl = memchr(*s, '\n', (size_t)(end - *s));
	const char *stop = nl ? nl : end;
	*line = *s;
	*n = (size_t)(stop - *s);
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	*s = nl ? nl + 1 : end;
	return true;
}

static bool starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && strncasecmp(s, prefix, plen) == 0;
}

bool ms_imap_parse_search(const char *resp, size_t len, struct ms_uids *uids)
{
	const char *s = resp ? resp : "", *end = s + (resp ? len : 0), *line;
	size_t n;
	bool seen = false;

	uids->n = 0;
	while (next_line(&s, end, &line, &n)) {
		if (!starts_with_ci(line, n, "* SEARCH"))
			continue;
		seen = true;
		for (size_t i = 8; i < n;) {
			while (i < n && line[i] == ' ')
				i++;
			unsigned long v = 0;
			size_t digits = 0;
			while (i < n && isdigit((unsigned char)line[i]) && digits < 10) {
				v = v * 10 + (unsigned long)(line[i] - '0');
				i++;
				digits++;
			}
			if (digits == 0 || (i < n && line[i] != ' '))
				break;	/* "(MODSEQ ...)" or garbage: the numbers end here */
			ms_xgrow(&uids->uid, &uids->cap, uids->n + 1, sizeof(*uids->uid));
			uids->uid[uids->n++] = v;
		}
	}
	return seen;
}
