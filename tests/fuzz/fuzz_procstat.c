/*
 * fuzz_procstat: /proc/PID/stat of a probe left behind, read as
 * ms_proc_read() reads it (at most 2047 bytes, NUL-terminated), through
 * ms_proc_parse_stat().
 *
 * Checked: a parsed state is one printable character other than a blank
 * and the command name, which may hold anything, does not change the
 * result: the fields are counted from the last ')'.
 */
#include "config.h"

#include "fuzz.h"
#include "procstat.h"

#define STAT_MAX 2047		/* ms_proc_read's buffer, less the NUL */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_proc_info pi, pi2;

	if (size > STAT_MAX)
		size = STAT_MAX;
	char *text = fuzz_cstr(data, size);
	bool ok = ms_proc_parse_stat(text, size, &pi);
	if (ok && (pi.state == ' ' || pi.state == '\n' || pi.wchan[0] != '\0'))
		abort();

	/* "PID (NAME) rest": a name with ')' and spaces must not matter */
	const char *close = memrchr(text, ')', size);
	if (close != NULL) {
		const char *rest = close + 1;
		size_t rlen = size - (size_t)(rest - text);
		static const char prefix[] = "4242 (a) b) (c d)";
		char *other = malloc(sizeof(prefix) - 1 + rlen + 1);
		if (other == NULL)
			abort();
		memcpy(other, prefix, sizeof(prefix) - 1);
		memcpy(other + sizeof(prefix) - 1, rest, rlen);
		other[sizeof(prefix) - 1 + rlen] = '\0';
		bool ok2 = ms_proc_parse_stat(other, sizeof(prefix) - 1 + rlen, &pi2);
		if (ok2 != ok || (ok && (pi2.state != pi.state || pi2.start_ticks != pi.start_ticks)))
			abort();
		free(other);
	}
	free(text);
	return 0;
}
