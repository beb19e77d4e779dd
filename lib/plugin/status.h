/*
 * status: the four plugin states and the exit-code convention.
 *
 * The numeric values are the exit codes Nagios and Icinga read, so a state
 * is returned from main() as it is.
 */
#ifndef MS_STATUS_H
#define MS_STATUS_H

#include <stdbool.h>

enum ms_state {
	MS_OK = 0,
	MS_WARNING = 1,
	MS_CRITICAL = 2,
	MS_UNKNOWN = 3
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *ms_state_name(enum ms_state state);

/*
 * The worse of two states, for results that several sub-checks add to:
 * CRITICAL > WARNING > UNKNOWN > OK. A CRITICAL that was measured is more
 * urgent than something that could not be measured, so UNKNOWN ranks
 * below WARNING (the order monitoring-plugins' max_state_alt uses).
 */
enum ms_state ms_state_worst(enum ms_state a, enum ms_state b);

/*
 * Parses a state given by name (ok, warning, critical, unknown; any case)
 * or by number (0-3). Returns false when s names no state.
 */
bool ms_state_parse(const char *s, enum ms_state *state);

#endif
