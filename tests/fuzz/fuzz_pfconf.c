/*
 * fuzz_pfconf: a Postfix main.cf, searched for the parameters
 * check_mail_queue reads without postconf (queue_directory, and
 * alternate_config_directories for a config dir given by a user), as
 * pfconf_lookup() hands the text on: any bytes, NUL-terminated after its
 * length.
 *
 * Checked: a value found fits its buffer, has no white space at either
 * end and no line break (continuation lines are joined by one space);
 * a value found with a small buffer is found, the same, with a large one.
 */
#include "config.h"

#include <limits.h>

#include "fuzz.h"
#include "pfconf.h"

static void check_value(const char *value, size_t size)
{
	size_t n = strlen(value);

	if (n >= size || strchr(value, '\n'))
		abort();
	if (n > 0 && (strchr(" \t\r", value[0]) || strchr(" \t\r", value[n - 1])))
		abort();
}

static void lookup(const char *text, size_t len, const char *name)
{
	char big[PATH_MAX], small[16];

	memset(big, 'x', sizeof(big));
	memset(small, 'x', sizeof(small));
	bool found_big = pfconf_find(text, len, name, big, sizeof(big));
	if (found_big)
		check_value(big, sizeof(big));
	if (pfconf_find(text, len, name, small, sizeof(small))) {
		check_value(small, sizeof(small));
		if (!found_big || strcmp(small, big) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);

	lookup(text, size, "queue_directory");
	lookup(text, size, "alternate_config_directories");
	lookup(text, size, "q");
	free(text);
	return 0;
}
