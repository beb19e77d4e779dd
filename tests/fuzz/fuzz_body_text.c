/*
 * fuzz_body_text: a post's body as plain text (publisher/deliver/
 * body_text.c, libxml2 under it), for the deliveries' "text".
 *
 * The body is the store's, made by render/html.c; a store edited by hand
 * holds anything. Beyond "no crash": the text is a string with no markup
 * left of a body that parses, and never longer than the body.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "fuzz.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = ms_xstrndup((const char *)data, size), *text = pub_body_text(html);

	if (text != NULL && strlen(text) > strlen(html) + 16)
		abort();	/* entities shrink; only "\n\n" between blocks is added */
	free(text);
	free(html);
	return 0;
}
