/*
 * replay_main.c: the driver fuzz targets link when libFuzzer is not there.
 *
 * Runs LLVMFuzzerTestOneInput once on the whole of each file named on the
 * command line (directories are walked one level), exactly as libFuzzer
 * does when given files, so `make check` replays every seed and every
 * input that once crashed a parser, in any build and under valgrind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long replayed;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(f);
		free(data);
		return 1;
	}
	fclose(f);
	/* An exact-size copy, so ASan sees a read one past the input. */
	unsigned char *exact = malloc(len ? len : 1);
	if (exact == NULL)
		abort();
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	replayed++;
	return 0;
}

static int replay_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);

	DIR *d = opendir(path);
	struct dirent *e;
	int bad = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = strlen(path) + strlen(e->d_name) + 2;
		char *child = malloc(n);
		if (child == NULL)
			abort();
		snprintf(child, n, "%s/%s", path, e->d_name);
		bad |= replay_file(child);
		free(child);
	}
	closedir(d);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		/* libFuzzer's options (-runs=0) mean nothing here. */
		if (argv[i][0] == '-')
			continue;
		bad |= replay_path(argv[i]);
	}
	printf("%s: replayed %lu inputs\n", argc > 0 ? argv[0] : "fuzz", replayed);
	return bad ? 1 : 0;
}
