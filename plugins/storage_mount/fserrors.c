/*
 * fserrors: ext4's error counters in sysfs. See fserrors.h.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fserrors.h"

/* A decimal number, alone on the line, from a sysfs attribute. */
static bool read_number(const char *path, unsigned long long *v)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *end;
	if (buf[0] < '0' || buf[0] > '9')
		return false;
	*v = strtoull(buf, &end, 10);
	return *end == '\0' || *end == '\n';
}

/* The kernel's device name for major:minor: the last part of the sysfs link. */
static bool device_name(const char *sysfs, unsigned major, unsigned minor,
			char *name, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];

	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, major, minor);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (base[0] == '\0' || base[0] == '.' || strlen(base) >= size)
		return false;
	memcpy(name, base, strlen(base) + 1);
	return true;
}

bool ms_fs_errors_read(const char *sysfs, const char *fstype, unsigned major,
		       unsigned minor, struct ms_fs_errors *e)
{
	char dev[128], path[PATH_MAX];
	unsigned long long v;

	memset(e, 0, sizeof(*e));
	if (strcmp(fstype, "ext4") != 0 && strcmp(fstype, "ext3") != 0 &&
	    strcmp(fstype, "ext2") != 0)
		return false;
	if (!device_name(sysfs, major, minor, dev, sizeof(dev)))
		return false;
	snprintf(path, sizeof(path), "%s/fs/ext4/%s/errors_count", sysfs, dev);
	if (!read_number(path, &e->count))
		return false;
	snprintf(path, sizeof(path), "%s/fs/ext4/%s/last_error_time", sysfs, dev);
	if (read_number(path, &v) && v <= LLONG_MAX)
		e->last_time = (long long)v;
	return true;
}
