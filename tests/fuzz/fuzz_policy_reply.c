/*
 * fuzz_policy_reply: the answer of a Postfix policy service (postgrey,
 * sqlgrey, policyd), fed as ms_policy_query() does: lines cut at '\n'
 * with one '\r' taken off, a line longer than MS_POLICY_LINE_MAX ending
 * the exchange, until the empty line that ends the reply.
 *
 * Checked: a complete reply has an action that is not empty and holds
 * no NUL or line end; a malformed one says why; the action classifies
 * the same whatever its case.
 */
#include "config.h"

#include <ctype.h>

#include "fuzz.h"
#include "policy.h"

static void check_action(const char *action)
{
	if (action == NULL || action[0] == '\0' || strchr(action, '\n'))
		abort();
	enum ms_policy_verdict v = ms_policy_classify(action);
	char *upper = strdup(action), *lower = strdup(action);
	if (upper == NULL || lower == NULL)
		abort();
	for (char *c = upper; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (ms_policy_classify(upper) != v || ms_policy_classify(lower) != v)
		abort();
	free(upper);
	free(lower);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct ms_policy_reply r;
	struct ms_buf err = MS_BUF_INIT;
	char *line;
	size_t len;

	ms_policy_reply_init(&r);
	while ((line = fuzz_next_line(&p, end, MS_POLICY_LINE_MAX, &len)) != NULL) {
		enum ms_policy_feed f = ms_policy_reply_feed(&r, line, len, &err);
		free(line);
		if ((f == MS_POLICY_BAD) != (err.len > 0))
			abort();	/* a failure says why, and only a failure */
		if (f == MS_POLICY_BAD)
			break;
		if (f == MS_POLICY_DONE) {
			if (!r.complete)
				abort();
			check_action(r.action);
			break;	/* one query, one reply */
		}
	}
	/* the classifier also sees any text at all */
	char *s = fuzz_cstr(data, size);
	(void)ms_policy_classify(s);
	free(s);
	ms_policy_reply_free(&r);
	ms_buf_free(&err);
	return 0;
}
