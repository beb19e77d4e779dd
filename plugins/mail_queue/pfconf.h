/*
 * pfconf: one parameter from a Postfix main.cf, without running postconf.
 *
 * postconf(1) answers every question about the configuration, but it
 * loads all of Postfix's parameter tables to do so (about 8 MB and a few
 * milliseconds per run). For the one value check_mail_queue needs on
 * every run, queue_directory, the file itself is read: "name = value"
 * lines, '#' comments, continuation lines that start with white space,
 * the last definition winning, as postconf(5) describes the format.
 * A value that refers to other parameters ($name) is not expanded; the
 * caller asks postconf then.
 */
#ifndef MS_PFCONF_H
#define MS_PFCONF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Looks up name in the main.cf text (len bytes). Returns true with the
 * value (white space trimmed) in value when it is defined and fits in
 * size bytes; false when it is not defined (or does not fit).
 */
bool pfconf_find(const char *text, size_t len, const char *name, char *value, size_t size);

/*
 * The same on the file at path. Returns 1 (found), 0 (not defined) or
 * -1 with errno set when the file cannot be read.
 */
int pfconf_lookup(const char *path, const char *name, char *value, size_t size);

#endif
