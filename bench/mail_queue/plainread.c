/*
 * plainread QUEUE_DIRECTORY: the plain way to read every queue file's
 * first block, the baseline bench/mail_queue/run.sh measures
 * check_mail_queue against: one file after the other, open, read the
 * first 4096 bytes, close, over the queues Postfix counts (maildrop,
 * incoming, active, deferred, hold) and their hash subdirectories.
 * Prints the number of files read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static long read_dir(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	char block[4096];
	long files = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (e->d_type == DT_DIR) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY);
			if (sub >= 0)
				files += read_dir(sub);
			continue;
		}
		int fd = openat(dirfd, e->d_name, O_RDONLY);
		if (fd < 0)
			continue;
		if (read(fd, block, sizeof(block)) > 0)
			files++;
		close(fd);
	}
	closedir(d);
	return files;
}

int main(int argc, char **argv)
{
	static const char *const queues[] = { "maildrop", "incoming", "active", "deferred", "hold" };
	long files = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: plainread QUEUE_DIRECTORY\n");
		return 2;
	}
	int top = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (top < 0) {
		perror(argv[1]);
		return 1;
	}
	for (size_t i = 0; i < sizeof(queues) / sizeof(queues[0]); i++) {
		int q = openat(top, queues[i], O_RDONLY | O_DIRECTORY);
		if (q >= 0)
			files += read_dir(q);
	}
	printf("%ld\n", files);
	return 0;
}
