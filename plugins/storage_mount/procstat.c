/*
 * procstat: a process's state from /proc. See procstat.h.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procstat.h"

/* Reads at most size - 1 bytes of a small /proc file; -1 when it cannot. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

bool ms_proc_parse_stat(const char *text, size_t n, struct ms_proc_info *pi)
{
	const char *close_paren = NULL;

	memset(pi, 0, sizeof(*pi));
	for (size_t i = 0; i < n; i++)
		if (text[i] == ')')
			close_paren = text + i;
	if (close_paren == NULL)
		return false;
	const char *p = close_paren + 1, *end = text + n;
	/* fields 3 (state) to 22 (starttime), each after one space */
	for (int field = 3; field <= 22; field++) {
		if (p >= end || *p != ' ')
			return false;
		p++;
		const char *start = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (p == start)
			return false;
		if (field == 3) {
			if (p - start != 1)
				return false;
			pi->state = *start;
		} else if (field == 22) {
			unsigned long long v = 0;
			for (const char *q = start; q < p; q++) {
				if (*q < '0' || *q > '9' || v > (~0ULL - 9) / 10)
					return false;
				v = v * 10 + (unsigned)(*q - '0');
			}
			pi->start_ticks = v;
		}
	}
	return true;
}

/* The wait channel: a kernel symbol; anything else is dropped. */
static void read_wchan(const char *procdir, pid_t pid, struct ms_proc_info *pi)
{
	char path[256], buf[sizeof(pi->wchan)];

	snprintf(path, sizeof(path), "%s/%ld/wchan", procdir, (long)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 || strcmp(buf, "0") == 0)
		return;
	size_t len = strspn(buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
	memcpy(pi->wchan, buf, len);
	pi->wchan[len] = '\0';
}

bool ms_proc_read(const char *procdir, pid_t pid, struct ms_proc_info *pi)
{
	char path[256], buf[2048];

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "%s/%ld/stat", procdir, (long)pid);
	ssize_t n = read_small(path, buf, sizeof(buf));
	if (n <= 0 || !ms_proc_parse_stat(buf, (size_t)n, pi))
		return false;
	read_wchan(procdir, pid, pi);
	return true;
}
