/*
 * fuzz_extraopts: the INI file of --extra-opts (read with libinih), as a
 * plugin expands it: "check_x --extra-opts=[SECTION]@FILE -v". The input
 * is the file; it lives in a memfd opened once per process, so the
 * parser reads it through /proc/self/fd/N as it would read a file.
 *
 * Checked: an expansion keeps argv[0] first and the command line's own
 * arguments last (so they win), drops --extra-opts, ends the vector with
 * NULL, and makes every option from the file an option ("-x" or "--x");
 * a failure says why and leaves argv alone; ms_extraopts_release frees
 * all (leaks are failures).
 */
#include "config.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "extraopts.h"
#include "fuzz.h"

static int ini_fd = -1;
static char ini_path[64];

static void write_ini(const uint8_t *data, size_t size)
{
	if (ini_fd < 0) {
		ini_fd = memfd_create("fuzz-extraopts.ini", MFD_CLOEXEC);
		if (ini_fd < 0)
			abort();
		snprintf(ini_path, sizeof(ini_path), "/proc/self/fd/%d", ini_fd);
	}
	if (ftruncate(ini_fd, 0) != 0)
		abort();
	for (size_t done = 0; done < size; ) {
		ssize_t n = pwrite(ini_fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
}

static void expand(const char *locator)
{
	char opt[128];
	struct ms_buf err = MS_BUF_INIT;
	char *args[] = { "check_x", opt, "-v", NULL };
	char **argv = args;
	int argc = 3;
	struct ms_extraopts owned;

	snprintf(opt, sizeof(opt), "--extra-opts=%s@%s", locator, ini_path);
	if (!ms_extraopts_expand("check_x", &argc, &argv, &owned, &err)) {
		if (argv != args || argc != 3 || err.len == 0 || strlen(ms_buf_str(&err)) != err.len)
			abort();	/* a failure says why, in one string */
		ms_buf_free(&err);
		ms_extraopts_release(&owned);
		return;
	}
	if (err.len != 0)
		abort();	/* success says nothing */
	/* check_x, the file's options, -v */
	if (argc < 2 || argv[argc] != NULL || strcmp(argv[0], "check_x") != 0 ||
	    strcmp(argv[argc - 1], "-v") != 0 || (size_t)argc != owned.nstrings + 2)
		abort();
	for (int i = 1; i < argc - 1; i++) {
		if (strncmp(argv[i], "--extra-opts", 12) == 0 && argv[i] == opt)
			abort();	/* the locator itself is consumed */
		/* a value follows its one-letter option as the next word */
		bool value = i > 1 && argv[i - 1][0] == '-' && argv[i - 1][1] != '-' &&
			     argv[i - 1][1] != '\0' && argv[i - 1][2] == '\0';
		if (!value && argv[i][0] != '-')
			abort();
		/* a key '-' or '-x' would end the options or be no option at all */
		if (!value && (strcmp(argv[i], "--") == 0 || strncmp(argv[i], "---", 3) == 0))
			abort();
	}
	ms_extraopts_release(&owned);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_ini(data, size);
	expand("");		/* the section named after the program */
	expand("mail");
	return 0;
}
