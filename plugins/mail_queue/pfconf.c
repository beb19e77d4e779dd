/*
 * pfconf: reading one parameter of a Postfix main.cf.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pfconf.h"
#include "strbuf.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * If the logical line s (n bytes, continuations included) defines name,
 * stores its value and returns 1; -1 when it does not fit in size bytes;
 * 0 when the line is about something else.
 */
static int line_defines(const char *s, size_t n, const char *name, char *value, size_t size)
{
	size_t nlen = strlen(name), i = 0;

	if (n < nlen || memcmp(s, name, nlen) != 0)
		return 0;
	for (i = nlen; i < n && is_space(s[i]); i++)
		;
	if (i == n || s[i] != '=')
		return 0;
	for (i++; i < n && is_space(s[i]); i++)
		;
	size_t end = n;
	while (end > i && is_space(s[end - 1]))
		end--;
	/* a NUL would cut the value short (leaving, say, a trailing space) */
	if (end - i >= size || memchr(s + i, '\0', end - i) != NULL)
		return -1;
	/* continuation lines joined by a single space, as Postfix does */
	size_t o = 0;
	for (size_t k = i; k < end; k++) {
		if (s[k] == '\n') {
			while (k + 1 < end && is_space(s[k + 1]))
				k++;
			value[o++] = ' ';
		} else {
			value[o++] = s[k];
		}
	}
	value[o] = '\0';
	return 1;
}

bool pfconf_find(const char *text, size_t len, const char *name, char *value, size_t size)
{
	bool found = false;
	size_t pos = 0;

	while (pos < len) {
		/* a logical line: this line and those that start with white space */
		size_t start = pos, end;
		for (end = pos; ; end++) {
			if (end == len)
				break;
			if (text[end] == '\n' && (end + 1 == len ||
			    (text[end + 1] != ' ' && text[end + 1] != '\t')))
				break;
		}
		pos = end < len ? end + 1 : len;
		if (text[start] == '#' || is_space(text[start]))
			continue;	/* comments, blank lines */
		int r = line_defines(text + start, end - start, name, value, size);
		if (r != 0)
			found = r > 0;	/* the last definition wins, even one too long */
	}
	return found;
}

int pfconf_lookup(const char *path, const char *name, char *value, size_t size)
{
	struct ms_buf text = MS_BUF_INIT;
	char chunk[8192];
	ssize_t n;

	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || text.len > (1u << 24)) {	/* no main.cf is 16 MiB */
			int err = n < 0 ? errno : EFBIG;
			close(fd);
			ms_buf_free(&text);
			errno = err;
			return -1;
		}
		ms_buf_add(&text, chunk, (size_t)n);
	}
	close(fd);
	bool found = pfconf_find(ms_buf_str(&text), text.len, name, value, size);
	ms_buf_free(&text);
	return found ? 1 : 0;
}
