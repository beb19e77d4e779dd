/*
 * fuzz_nagioslog: a line of the engines' logs (publisher/source/nagioslog.c),
 * as import-history gives it: without its newline, not NUL-terminated
 * (the parser gets a copy of exactly its size, so a read past it is seen).
 * Beyond "no crash": an event's host (and service) lie inside the line,
 * are not empty and hold no ';'; a state is in range for its kind.
 */
#include "config.h"

#include "fuzz.h"
#include "nagioslog.h"

static void check_name(const char *line, size_t size, const char *p, size_t len)
{
	if (p < line || p + len > line + size || len == 0 || memchr(p, ';', len) != NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	struct pub_log_event ev;

	if (line == NULL)
		abort();
	memcpy(line, data, size);
	if (pub_log_parse(line, size, &ev) == PUB_LOG_EVENT) {
		check_name(line, size, ev.host, ev.host_len);
		if (ev.service != NULL)
			check_name(line, size, ev.service, ev.service_len);
		if (ev.kind == PUB_LOG_STATE &&
		    (ev.state < 0 || ev.state > (ev.service != NULL ? 3 : 2)))
			abort();
		if (ev.at < 0)
			abort();
	}
	free(line);
	return 0;
}
