/*
 * statusjson: status.json, the board for machines (resellers who poll).
 *
 * The format is documented in mailstatus-publish(1). Times are RFC 3339 in
 * UTC, states are the store's words; public names only, never host names.
 * Like the pages it holds no "generated at" time, only when the monitoring
 * data it shows was written (data_as_of), so it changes only when the
 * state or that data does.
 */
#ifndef PUB_STATUSJSON_H
#define PUB_STATUSJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "board.h"
#include "conf.h"
#include "store.h"

#define PUB_STATUS_JSON_VERSION 1

/* Serializes the board, the open incidents and maintenance windows into out. */
bool pub_status_json(const struct pub_config *cfg, const struct pub_board *board,
		     const struct pub_incident *incidents, size_t n_incidents,
		     const struct pub_maintenance *maint, size_t n_maint,
		     struct ms_buf *out, struct ms_buf *err);

#endif
