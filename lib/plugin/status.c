/*
 * status: the four plugin states. See status.h.
 */
#include "config.h"

#include <strings.h>

#include "status.h"

static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

const char *ms_state_name(enum ms_state state)
{
	if ((unsigned)state > MS_UNKNOWN)
		return "UNKNOWN";
	return names[state];
}

static int severity(enum ms_state s)
{
	switch (s) {
	case MS_OK:
		return 0;
	case MS_UNKNOWN:
		return 1;
	case MS_WARNING:
		return 2;
	case MS_CRITICAL:
		return 3;
	}
	return 1;
}

enum ms_state ms_state_worst(enum ms_state a, enum ms_state b)
{
	return severity(a) >= severity(b) ? a : b;
}

bool ms_state_parse(const char *s, enum ms_state *state)
{
	for (int i = MS_OK; i <= MS_UNKNOWN; i++) {
		if (strcasecmp(s, names[i]) == 0 ||
		    (s[0] == '0' + i && s[1] == '\0')) {
			*state = (enum ms_state)i;
			return true;
		}
	}
	return false;
}
