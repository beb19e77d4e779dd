/*
 * conf_view: the checks of publish.conf's [view NAME] sections that need
 * the whole file (conf.c reads their keys with the others'): the clusters
 * a view shows exist, its output directory is its own (neither the main
 * site's nor another view's, nor inside one, nor holding one: a view must
 * never serve a page of a cluster outside it), its css and logo are files
 * that can be read now, not at the first render. See conf.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "xalloc.h"

/* The logo is published under its own name: an image's, and safe in a URL. */
static const char *const logo_types[] = { ".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp" };

static bool fail_at(const struct pub_config *cfg, unsigned line, struct ms_buf *err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static bool fail_at(const struct pub_config *cfg, unsigned line, struct ms_buf *err,
		    const char *fmt, ...)
{
	va_list ap;

	ms_buf_reset(err);
	ms_buf_printf(err, "%s:%u: ", cfg->path, line);
	va_start(ap, fmt);
	ms_buf_vprintf(err, fmt, ap);
	va_end(ap);
	return false;
}

/* clusters = (split, each once, by conf.c): each a cluster of the file. */
static bool check_clusters(const struct pub_config *cfg, const struct pub_view *v,
			   struct ms_buf *err)
{
	for (size_t i = 0; i < v->n_clusters; i++)
		if (pub_config_cluster(cfg, v->clusters[i]) == NULL)
			return fail_at(cfg, v->clusters_line, err, "[view %s]: cluster '%s' is not "
				       "defined in this file ([cluster %s])", v->name,
				       v->clusters[i], v->clusters[i]);
	return true;
}

/*
 * The path without "." and ".." steps, repeated or trailing slashes; the
 * real path when it exists (a symbolic link does not make two names one).
 */
static char *canonical(const char *path)
{
	char *real = realpath(path, NULL), *copy, *save = NULL;
	struct ms_buf b = MS_BUF_INIT;

	if (real != NULL)
		return real;
	copy = ms_xstrdup(path);
	for (char *step = strtok_r(copy, "/", &save); step; step = strtok_r(NULL, "/", &save)) {
		if (strcmp(step, ".") == 0)
			continue;
		if (strcmp(step, "..") == 0) {
			char *slash = b.len ? strrchr(b.data, '/') : NULL;
			b.len = slash ? (size_t)(slash - b.data) : 0;
			if (b.data)
				b.data[b.len] = '\0';
			continue;
		}
		ms_buf_printf(&b, "/%s", step);
	}
	free(copy);
	if (b.len == 0)
		ms_buf_puts(&b, "/");
	return ms_buf_steal(&b);
}

/* a is b, or one holds the other */
static bool overlap(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n = na < nb ? na : nb;

	if (strncmp(a, b, n) != 0)
		return false;
	return na == nb || (na < nb ? b[na] == '/' || a[na - 1] == '/'
			    : a[nb] == '/' || b[nb - 1] == '/');
}

static bool own_directory(const struct pub_config *cfg, size_t i, struct ms_buf *err)
{
	const struct pub_view *v = &cfg->views[i];
	char *mine = canonical(v->output_dir), *other = canonical(cfg->output_dir);
	bool ok = true;

	if (overlap(mine, other))
		ok = fail_at(cfg, v->line, err, "[view %s]: output_dir %s is the main site's "
			     "output_dir %s, or inside it, or holds it: a view has a directory "
			     "of its own", v->name, v->output_dir, cfg->output_dir);
	for (size_t j = 0; ok && j < i; j++) {
		free(other);
		other = canonical(cfg->views[j].output_dir);
		if (overlap(mine, other))
			ok = fail_at(cfg, v->line, err, "[view %s]: output_dir %s is the one of "
				     "[view %s] (line %u), or inside it, or holds it", v->name,
				     v->output_dir, cfg->views[j].name, cfg->views[j].line);
	}
	free(mine);
	free(other);
	return ok;
}

/* A regular file this process can read now. */
static bool readable_file(const struct pub_config *cfg, const struct pub_view *v,
			  const char *key, const char *path, struct ms_buf *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool ok;

	if (fd < 0)
		return fail_at(cfg, v->line, err, "[view %s]: %s %s cannot be read: %s", v->name,
			       key, path, strerror(errno));
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok || fail_at(cfg, v->line, err, "[view %s]: %s %s is not a file", v->name,
			     key, path);
}

/* The logo's file name: letters, digits, '.', '_', '-', an image's ending. */
static bool logo_name_ok(const struct pub_config *cfg, const struct pub_view *v,
			 struct ms_buf *err)
{
	const char *slash = strrchr(v->logo, '/'), *name = slash ? slash + 1 : v->logo;
	const char *dot = strrchr(name, '.');
	bool type = false;

	for (size_t i = 0; dot && i < sizeof(logo_types) / sizeof(logo_types[0]); i++)
		type = type || strcasecmp(dot, logo_types[i]) == 0;
	if (name[0] == '.' || name[0] == '\0' ||
	    name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789._-")] != '\0' || !type)
		return fail_at(cfg, v->line, err, "[view %s]: logo %s: its file name is published "
			       "as it is: letters, digits, '.', '_' and '-', ending in .png, "
			       ".svg, .jpg, .jpeg, .gif or .webp", v->name, v->logo);
	return true;
}

bool pub_config_check_views(struct pub_config *cfg, struct ms_buf *err)
{
	for (size_t i = 0; i < cfg->n_views; i++) {
		struct pub_view *v = &cfg->views[i];

		if (!check_clusters(cfg, v, err) || !own_directory(cfg, i, err) ||
		    (v->css && !readable_file(cfg, v, "css", v->css, err)) ||
		    (v->logo && (!logo_name_ok(cfg, v, err) ||
				 !readable_file(cfg, v, "logo", v->logo, err))))
			return false;
	}
	return true;
}

void pub_view_free(struct pub_view *v)
{
	free(v->name);
	free(v->title);
	free(v->description);
	free(v->base_url);
	free(v->output_dir);
	for (size_t i = 0; i < v->n_clusters; i++)
		free(v->clusters[i]);
	free(v->clusters);
	free(v->css);
	free(v->logo);
	memset(v, 0, sizeof(*v));
}
