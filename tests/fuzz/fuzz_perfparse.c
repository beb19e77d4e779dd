/*
 * fuzz_perfparse: a plugin's performance data as the engines keep it
 * (publisher/source/perfparse.c), a C string as status.dat's
 * performance_data= and the Icinga 2 API give it. Beyond "no crash":
 * every item moves the cursor on and the reading ends; a label and a
 * unit are NUL-terminated inside their buffers; a value is finite and its
 * unit holds no digit; pub_perfdata_find finds every label read with a
 * value, with the value of its first such item; a time unit normalises
 * to seconds.
 */
#include "config.h"

#include <math.h>

#include "fuzz.h"
#include "perfparse.h"

static void check_item(const char *perf, const struct pub_perf_item *it)
{
	struct pub_perf_item found;
	double v;
	char unit[PUB_PERF_UNIT_MAX];

	if (memchr(it->label, '\0', sizeof(it->label)) == NULL ||
	    memchr(it->unit, '\0', sizeof(it->unit)) == NULL)
		abort();
	if (!it->has_value)
		return;
	if (!isfinite(it->value) || strpbrk(it->unit, "0123456789") != NULL)
		abort();
	if (it->label_ok && !pub_perfdata_find(perf, it->label, &found))
		abort();
	v = it->value;
	memcpy(unit, it->unit, sizeof(unit));
	if (pub_perf_normalise(&v, unit) && (strcmp(unit, "s") != 0 || !isfinite(v)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *perf = fuzz_cstr(data, size);
	const char *p = perf, *before;
	struct pub_perf_item it;
	size_t items = 0;

	for (;;) {
		before = p;
		if (!pub_perfdata_next(&p, &it))
			break;
		if (p <= before || p > perf + strlen(perf) || ++items > size)
			abort();
		check_item(perf, &it);
	}
	free(perf);
	return 0;
}
