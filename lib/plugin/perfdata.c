/*
 * perfdata: formatting one performance-data value. See perfdata.h.
 */
#include "config.h"

#include <string.h>

#include "numfmt.h"
#include "perfdata.h"
#include "text.h"

static const char *const valid_uoms[] = {
	"", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c", NULL
};

bool ms_perf_uom_valid(const char *uom)
{
	if (uom == NULL)
		return true;
	for (int i = 0; valid_uoms[i]; i++)
		if (strcmp(uom, valid_uoms[i]) == 0)
			return true;
	return false;
}

/* Appends the label, quoted when it must be, to b. */
static void ms_perf_add_label(struct ms_buf *b, const char *label)
{
	struct ms_buf clean = MS_BUF_INIT;

	/* '|' and control characters would end the perfdata early */
	ms_text_add_line(&clean, label, strlen(label));
	const char *l = ms_buf_str(&clean);
	if (l[0] != '\0' && strpbrk(l, " ='") == NULL) {
		ms_buf_puts(b, l);
	} else {
		ms_buf_putc(b, '\'');
		for (const char *p = l; *p; p++) {
			if (*p == '\'')
				ms_buf_putc(b, '\'');
			ms_buf_putc(b, *p);
		}
		ms_buf_putc(b, '\'');
	}
	ms_buf_free(&clean);
}

void ms_perf_format(struct ms_buf *b, const struct ms_perf *p)
{
	char num[MS_NUMBER_MAX];
	const char *fields[4] = { NULL, NULL, NULL, NULL };
	char minbuf[MS_NUMBER_MAX], maxbuf[MS_NUMBER_MAX];
	int last = -1;

	ms_perf_add_label(b, p->label);
	ms_buf_putc(b, '=');
	ms_buf_puts(b, ms_format_number(num, p->value));
	if (p->uom && ms_perf_uom_valid(p->uom))
		ms_buf_puts(b, p->uom);

	if (p->warn)
		fields[0] = p->warn->text;
	if (p->crit)
		fields[1] = p->crit->text;
	if (p->has_min)
		fields[2] = ms_format_number(minbuf, p->min);
	if (p->has_max)
		fields[3] = ms_format_number(maxbuf, p->max);
	for (int i = 0; i < 4; i++)
		if (fields[i])
			last = i;
	for (int i = 0; i <= last; i++) {
		ms_buf_putc(b, ';');
		if (fields[i])
			ms_buf_puts(b, fields[i]);
	}
}
