/*
 * icinga2: the Icinga 2 REST API as a source.
 *
 *   source = icinga2:https://master.example.com:5665
 *
 * Five queries (hosts, services, comments, downtimes, and the
 * IcingaApplication for whether active checks run at all), each filtered
 * to the hosts the config names and asking only for the attributes the
 * model needs, over HTTPS with the API user of api_user and the password in the
 * first line of api_password_file. The certificate is verified (against
 * api_ca_file, Icinga's own CA, or the system's CAs); api_server_name is
 * the name it must carry when the URL names an address (127.0.0.1) rather
 * than the node.
 *
 * The answers are parsed into the snapshot by the functions below, which
 * the unit tests drive with saved answers of a real Icinga 2.
 */
#ifndef PUB_SOURCE_ICINGA2_H
#define PUB_SOURCE_ICINGA2_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"
#include "strbuf.h"

extern const struct pub_source_ops pub_icinga2_source;

enum pub_icinga2_query {
	PUB_I2_HOSTS,
	PUB_I2_SERVICES,
	PUB_I2_COMMENTS,
	PUB_I2_DOWNTIMES,
	PUB_I2_APPLICATION
};

/* The URL path of a query ("/v1/objects/hosts"). */
const char *pub_icinga2_path(enum pub_icinga2_query q);

/*
 * The JSON request body of a query for the objects snap wants: the
 * attributes and a filter on their hosts (and service names). Freed by
 * the caller.
 */
char *pub_icinga2_request(enum pub_icinga2_query q, const struct pub_snapshot *snap);

/*
 * Takes one answer of the API (a 200 body) into snap. Objects the
 * snapshot does not want are skipped; a wanted object whose answer lacks
 * a state, or a body that is not the API's JSON, is an error in err.
 */
bool pub_icinga2_parse(enum pub_icinga2_query q, const char *body, size_t len,
		       struct pub_snapshot *snap, struct ms_buf *err);

/*
 * What an error answer (401, 404, 500...) says: its "status" text, cleaned,
 * or NULL when the body is not the API's error JSON. Freed by the caller.
 */
char *pub_icinga2_error_status(const char *body, size_t len);

#endif
