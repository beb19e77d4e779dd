/*
 * xalloc: allocation that never returns NULL. See xalloc.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

static void default_oom(void)
{
	static const char msg[] = "out of memory\n";
	/* write(2): stdio may itself need memory. */
	ssize_t rc = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)rc;
	_exit(3);
}

static ms_oom_handler oom_handler = default_oom;

void ms_set_oom_handler(ms_oom_handler handler)
{
	oom_handler = handler ? handler : default_oom;
}

_Noreturn void ms_oom(void)
{
	oom_handler();
	abort(); /* the handler must not return */
}

static void *checked(void *p)
{
	if (p == NULL)
		ms_oom();
	return p;
}

void *ms_xmalloc(size_t size)
{
	return checked(malloc(size ? size : 1));
}

void *ms_xcalloc(size_t nmemb, size_t size)
{
	return checked(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *ms_xrealloc(void *ptr, size_t size)
{
	return checked(realloc(ptr, size ? size : 1));
}

void *ms_xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		return checked(NULL);
	return ms_xrealloc(ptr, nmemb * size);
}

char *ms_xstrdup(const char *s)
{
	return checked(strdup(s));
}

char *ms_xstrndup(const char *s, size_t n)
{
	return checked(strndup(s, n));
}

char *ms_xasprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ms_xstrdup("");	/* an encoding error in fmt, as ms_buf_printf */
	char *s = ms_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void ms_xgrow(void *array, size_t *cap, size_t need, size_t elem_size)
{
	void **p = array;
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			ms_oom();
		n *= 2;
	}
	*p = ms_xreallocarray(*p, n, elem_size);
	*cap = n;
}
