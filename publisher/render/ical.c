/*
 * ical: RFC 5545 calendars of maintenance windows. See ical.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ical.h"
#include "text.h"

/* TEXT (RFC 5545, 3.3.11): \ ; , escaped, a line break as \n, no other control. */
static void add_text(struct ms_buf *b, const char *s)
{
	struct ms_buf clean = MS_BUF_INIT;

	ms_text_add_xml_safe(&clean, s, strlen(s));	/* valid UTF-8, tab CR LF kept */
	for (size_t i = 0; i < clean.len; i++) {
		char c = clean.data[i];

		if (c == '\\' || c == ';' || c == ',') {
			ms_buf_putc(b, '\\');
			ms_buf_putc(b, c);
		} else if (c == '\r' || c == '\n') {
			if (c == '\r' && i + 1 < clean.len && clean.data[i + 1] == '\n')
				i++;	/* CRLF is one line break */
			ms_buf_puts(b, "\\n");
		} else if (c == '\t') {
			ms_buf_putc(b, ' ');
		} else {
			ms_buf_putc(b, c);
		}
	}
	ms_buf_free(&clean);
}

/*
 * line (its bytes, valid UTF-8) into out, folded (3.1): at most 75
 * octets a line, a continuation line starting with one space (which
 * counts), a break never inside a character.
 */
static void add_folded(struct ms_buf *out, const char *line, size_t n)
{
	size_t room = PUB_ICAL_LINE_MAX;

	while (n > room) {
		size_t cut = room;

		/* back to the first byte of the character that would be split */
		while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		ms_buf_add(out, line, cut);
		ms_buf_puts(out, "\r\n ");
		line += cut;
		n -= cut;
		room = PUB_ICAL_LINE_MAX - 1;
	}
	ms_buf_add(out, line, n);
	ms_buf_puts(out, "\r\n");
}

void pub_ical_line(struct ms_buf *out, const char *name, const char *value, bool text)
{
	struct ms_buf line = MS_BUF_INIT;

	ms_buf_printf(&line, "%s:", name);
	if (text)
		add_text(&line, value);
	else
		ms_buf_puts(&line, value);
	add_folded(out, line.data, line.len);
	ms_buf_free(&line);
}

/* 19970714T173000Z */
static void add_time(struct ms_buf *out, const char *name, time_t t)
{
	struct tm tm;
	char v[32];

	if (gmtime_r(&t, &tm) == NULL || strftime(v, sizeof(v), "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(v, sizeof(v), "19700101T000000Z");
	pub_ical_line(out, name, v, false);
}

static void add_event(struct ms_buf *out, const struct pub_ical_event *e)
{
	char seq[32];

	snprintf(seq, sizeof(seq), "%ld", e->sequence);
	pub_ical_line(out, "BEGIN", "VEVENT", false);
	pub_ical_line(out, "UID", e->uid, true);
	pub_ical_line(out, "SEQUENCE", seq, false);
	add_time(out, "DTSTAMP", e->stamp);
	add_time(out, "DTSTART", e->start);
	add_time(out, "DTEND", e->end);
	pub_ical_line(out, "SUMMARY", e->summary, true);
	if (e->description)
		pub_ical_line(out, "DESCRIPTION", e->description, true);
	if (e->category)
		pub_ical_line(out, "CATEGORIES", e->category, true);
	if (e->url)
		pub_ical_line(out, "URL", e->url, false);
	pub_ical_line(out, "STATUS", e->cancelled ? "CANCELLED" : "CONFIRMED", false);
	/* the service is down for readers, not for their diaries */
	pub_ical_line(out, "TRANSP", "TRANSPARENT", false);
	pub_ical_line(out, "END", "VEVENT", false);
}

void pub_ical_write(const struct pub_ical *cal, struct ms_buf *out)
{
	pub_ical_line(out, "BEGIN", "VCALENDAR", false);
	pub_ical_line(out, "VERSION", "2.0", false);
	pub_ical_line(out, "PRODID", "-//mailstatus//mailstatus-publish//EN", false);
	pub_ical_line(out, "CALSCALE", "GREGORIAN", false);
	pub_ical_line(out, "X-WR-CALNAME", cal->name, true);
	for (size_t i = 0; i < cal->n_events; i++)
		add_event(out, &cal->events[i]);
	pub_ical_line(out, "END", "VCALENDAR", false);
}
