/*
 * fuzz_imap_response: the untagged answers libcurl collects from an IMAP
 * server (Dovecot's "* SEARCH 3 7"), as check_webmail_send parses them
 * (at most 1 MiB), and IMAP quoting of folder names and search strings.
 *
 * Checked: a search answer's UIDs are each written in a "* SEARCH" line
 * (so there can be no more of them than digits in the answer); a quoted
 * string unquotes to the same bytes and a string with CR or LF is
 * refused.
 */
#include "config.h"

#include "fuzz.h"
#include "imapprobe.h"

#define MAX_ANSWER (1024 * 1024)	/* as imapprobe.c */

static void check_search(const char *resp, size_t len)
{
	struct ms_uids uids = { 0 };
	size_t digits = 0;

	for (size_t i = 0; i < len; i++)
		digits += resp[i] >= '0' && resp[i] <= '9';
	bool seen = ms_imap_parse_search(resp, len, &uids);
	if ((!seen && uids.n != 0) || uids.n > digits)
		abort();
	for (size_t i = 0; i < uids.n; i++)
		if (uids.uid[i] > 9999999999UL)
			abort();	/* at most ten digits are read */
	ms_uids_free(&uids);
}

static void check_quote(const char *s)
{
	struct ms_buf b = MS_BUF_INIT;
	bool ok = ms_imap_quote(&b, s);

	if (ok != (strpbrk(s, "\r\n") == NULL))
		abort();
	if (!ok) {
		if (b.len != 0)
			abort();	/* nothing appended */
		return;
	}
	/* "..." with \" and \\ inside: unquote and compare */
	const char *q = ms_buf_str(&b);
	if (b.len < 2 || q[0] != '"' || q[b.len - 1] != '"')
		abort();
	size_t k = 0;
	for (size_t i = 1; i + 1 < b.len; i++, k++) {
		if (q[i] == '"')
			abort();	/* an unescaped quote ends the string early */
		if (q[i] == '\\')
			i++;
		if (i + 1 >= b.len || q[i] != s[k])
			abort();
	}
	if (s[k] != '\0')
		abort();
	ms_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_ANSWER)
		return 0;

	/* the answer as collected: a buffer of its exact length */
	char *resp = malloc(size ? size : 1);

	if (resp == NULL)
		abort();
	memcpy(resp, data, size);
	check_search(resp, size);
	(void)ms_imap_parse_search(NULL, 0, &(struct ms_uids){ 0 });
	free(resp);

	char *s = fuzz_cstr(data, size);
	check_quote(s);
	free(s);
	return 0;
}
