/*
 * xalloc: allocation that never returns NULL.
 *
 * A plugin that runs out of memory cannot produce a meaningful verdict, so
 * the only sane reaction is to stop with UNKNOWN (or, in the publisher, a
 * clear error). The reaction is a hook so each program decides how it dies.
 */
#ifndef MS_XALLOC_H
#define MS_XALLOC_H

#include <stddef.h>

void *ms_xmalloc(size_t size);
void *ms_xcalloc(size_t nmemb, size_t size);
void *ms_xrealloc(void *ptr, size_t size);
/* ms_xreallocarray: realloc for nmemb * size with overflow check. */
void *ms_xreallocarray(void *ptr, size_t nmemb, size_t size);
char *ms_xstrdup(const char *s);
/*
 * Makes room for at least need elements of elem_size in *array, whose
 * capacity is *cap, growing geometrically. For the small growing arrays
 * the runtime keeps (sub-checks, perfdata, argv).
 */
void ms_xgrow(void *array, size_t *cap, size_t need, size_t elem_size);
char *ms_xstrndup(const char *s, size_t n);
/* A new string formatted as printf would print it, of any length. */
char *ms_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports that memory ran out through the handler; never returns. */
_Noreturn void ms_oom(void);

/* Called when an allocation fails; must not return. */
typedef void (*ms_oom_handler)(void);
void ms_set_oom_handler(ms_oom_handler handler);

#endif
