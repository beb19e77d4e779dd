/*
 * mail_message: a post as the e-mail a subscriber receives (RFC 5322,
 * MIME multipart/alternative, text/plain and text/html).
 *
 * The message is made only of what the delivery carries, so a retry
 * sends the same bytes: the Message-ID is the delivery ID at the site's
 * host, the Date the post's publication. Every line ends in CRLF, is at
 * most 998 bytes (headers folded at 78 where they can be) and is 7-bit:
 * text that is not ASCII goes into RFC 2047 encoded-words (headers) or
 * quoted-printable (the parts). Titles and names from the config or the
 * store are one line of text before they become a header: a CR or LF in
 * them is folded into a space, so no header can be injected.
 */
#ifndef PUB_MAIL_MESSAGE_H
#define PUB_MAIL_MESSAGE_H

#include <stdbool.h>

#include "delivery.h"
#include "strbuf.h"

/* Who the message is from and to, and the list it belongs to. */
struct pub_mail_envelope {
	const char *site_title;	/* From's display name, the List-Id's description */
	const char *site_url;	/* base_url: the host of Message-ID and List-Id */
	const char *from;	/* an address */
	const char *to;		/* an address */
	const char *list_unsubscribe;	/* a mailto: URL, or NULL */
};

/*
 * Appends the whole message, headers and body, to out. false with the
 * reason in err when the envelope's addresses are not addresses (nothing
 * is appended then).
 */
bool pub_mail_compose(const struct pub_mail_envelope *env,
		      const struct pub_delivery_item *item, struct ms_buf *out,
		      struct ms_buf *err);

/*
 * An address as the envelope and the To: header take it: local@domain,
 * the local part a dot-atom of printable ASCII without quotes, the
 * domain dot-separated labels of letters, digits and '-'; at most 254
 * bytes. What publish.conf accepts for [smtp] from and a subscriber's.
 */
bool pub_mail_address_valid(const char *addr);

/*
 * A mailto: URL for List-Unsubscribe: "mailto:" and an address, with an
 * optional ?query of URL characters (no spaces, quotes or '<' '>').
 */
bool pub_mail_mailto_valid(const char *url);

#endif
