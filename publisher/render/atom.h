/*
 * atom: Atom 1.0 (RFC 4287) beside each RSS feed, with the same items,
 * in the profile of contrib/atom-profile.rng.
 *
 * An entry's id is the post's guid (a tag: URI that never changes), its
 * link the post's page; the feed's id is its own URL. Like rss.c the
 * document is built with xmlTextWriter and every text is cleaned first.
 */
#ifndef PUB_ATOM_H
#define PUB_ATOM_H

#include <stdbool.h>

#include "rss.h"
#include "strbuf.h"

/*
 * Serializes feed as an Atom document into out. self_url is the Atom
 * feed's own URL (its id); feed->updated must be set (Atom requires it).
 */
bool pub_atom_write(const struct pub_feed *feed, const char *self_url,
		    struct ms_buf *out, struct ms_buf *err);

#endif
