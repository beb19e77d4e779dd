/*
 * fsspace: df's arithmetic and space limits. See fsspace.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fsspace.h"
#include "numfmt.h"

bool ms_space_compute(const struct ms_statfs_counts *c, struct ms_space *s)
{
	memset(s, 0, sizeof(*s));
	if (c->blocks == 0 || c->frsize == 0)
		return false;
	/* bfree > blocks or bavail > bfree would be a filesystem bug; clamp */
	uint64_t bfree = c->bfree < c->blocks ? c->bfree : c->blocks;
	uint64_t bavail = c->bavail < bfree ? c->bavail : bfree;
	double frsize = (double)c->frsize;
	uint64_t used_blocks = c->blocks - bfree;
	uint64_t cap_blocks = used_blocks + bavail;

	s->size = (double)c->blocks * frsize;
	s->used = (double)used_blocks * frsize;
	s->avail = (double)bavail * frsize;
	s->capacity = s->used + s->avail;
	if (cap_blocks > 0) {
		/* integer arithmetic, rounded up, as df does */
		long double pct = (long double)used_blocks * 100 / (long double)cap_blocks;
		s->used_pct = (double)ceill(pct);
	} else {
		s->used_pct = 100;
	}
	s->free_pct = 100 - s->used_pct;
	s->files = (double)c->files;
	s->files_free = (double)(c->ffree < c->files ? c->ffree : c->files);
	s->files_free_pct = c->files ? 100.0 * s->files_free / s->files : 100;
	return true;
}

/* The multiplier of a size suffix ("G", "GB", "GiB"), or 0 when it is none. */
static double size_unit(const char *u)
{
	static const char units[] = "KMGTP";
	char c = u[0] == 'k' ? 'K' : u[0];
	const char *at;

	if (u[0] == '\0' || strcmp(u, "B") == 0)
		return 1;
	if ((at = strchr(units, c)) == NULL)
		return 0;
	if (u[1] != '\0' && strcmp(u + 1, "B") != 0 && strcmp(u + 1, "iB") != 0)
		return 0;
	return pow(1024.0, (double)(at - units + 1));
}

bool ms_space_limit_parse(const char *s, bool bytes, struct ms_space_limit *l,
			  struct ms_buf *err)
{
	size_t digits = strspn(s, "0123456789.");
	double v;

	memset(l, 0, sizeof(*l));
	if (digits == 0 || !ms_parse_decimal(s, digits, &v)) {
		ms_buf_printf(err, "'%s' does not start with a number", s);
		return false;
	}
	const char *unit = s + digits;
	if (strcmp(unit, "%") == 0) {
		if (v > 100) {
			ms_buf_printf(err, "%s is more than 100%%", s);
			return false;
		}
		l->percent = true;
	} else if (bytes) {
		double mult = size_unit(unit);
		if (mult == 0) {
			ms_buf_printf(err, "unknown unit '%s' (use %%, K, M, G, T or P)", unit);
			return false;
		}
		v *= mult;
	} else if (unit[0] != '\0') {
		ms_buf_printf(err, "unknown unit '%s' (use a count or a percentage)", unit);
		return false;
	}
	l->set = true;
	l->value = v;
	return true;
}

double ms_space_limit_amount(const struct ms_space_limit *l, double total)
{
	return l->percent ? total * l->value / 100 : l->value;
}

bool ms_space_limit_crossed(const struct ms_space_limit *l, double free, double total)
{
	return l->set && free < ms_space_limit_amount(l, total);
}
