/*
 * options: check_webmail_send's options, each written once (see plugin.h
 * for the table, optdoc.h for the markup of the texts).
 */
#include "config.h"

#include "options.h"

/*
 * The default -t: long enough that a delivery slower than the -c 120 of
 * the README's example is measured and CRITICAL, not cut short.
 */
#define DEFAULT_TIMEOUT_S 180

static const struct ms_option options[] = {
	{ .key = OPT_URL, .name = "url", .arg = "URL", .flags = MS_OPT_MANDATORY,
	  .help = "The webmail's address as users open it, e.g. "
		  "*https://webmail.example.com/*." },
	{ .key = OPT_WEBMAIL, .name = "webmail", .arg = "NAME",
	  .help = "Which webmail answers there: *roundcube* (the default; tested with "
		  "Roundcube 1.6, Elastic skin)." },
	{ .key = 'u', .name = "user", .arg = "USER", .flags = MS_OPT_MANDATORY,
	  .help = "The probe mailbox's login name." },
	{ .key = OPT_PASSWORD_FILE, .name = "password-file", .arg = "FILE",
	  .help = "Read the password from the first line of _FILE_ (default: the "
		  "environment variable *MAILSTATUS_PASSWORD*).\n\n"
		  "There is no option that takes the password itself: command lines are "
		  "visible to every user of the machine." },
	{ .key = OPT_TO, .name = "to", .arg = "ADDRESS",
	  .help = "Send the message to _ADDRESS_ (default: the user itself)." },
	{ .key = OPT_ATTACH_SIZE, .name = "attach-size", .arg = "BYTES",
	  .help = "Attach a generated text file of _BYTES_ bytes (default: no "
		  "attachment), uploaded through the compose page as a browser does." },
	{ .key = OPT_IMAP_URL, .name = "imap-url", .arg = "URL", .flags = MS_OPT_MANDATORY,
	  .help = "Where the message must arrive: *imaps://*_host_[:_port_]/_FOLDER_ "
		  "(or *imap://*); _FOLDER_ defaults to INBOX. *imap://* logs in only "
		  "after STARTTLS.\n\n"
		  "With *imap://* the plugin upgrades the connection with STARTTLS, "
		  "verifying the server's certificate as for *imaps://*, before it logs "
		  "in; a server that offers no STARTTLS gets no login (CRITICAL, \"no TLS "
		  "for the login\") unless *--imap-cleartext*." },
	{ .key = OPT_IMAP_USER, .name = "imap-user", .arg = "USER",
	  .help = "The IMAP login name (default: the webmail user)." },
	{ .key = OPT_IMAP_PASSWORD_FILE, .name = "imap-password-file", .arg = "FILE",
	  .help = "The IMAP password's file (default: the webmail password)." },
	{ .key = OPT_DELIVERY_TIMEOUT, .name = "delivery-timeout", .arg = "DURATION",
	  .help = "How long to wait for the message after sending it. Default: as "
		  "long as *-t* allows, keeping 5 seconds (or a quarter of a shorter "
		  "*-t*) for the last search and the clean-up.\n\n"
		  "So a message that does not arrive is CRITICAL _not delivered_, never a "
		  "timeout: with *-t 30* alone the plugin waits up to 25 seconds, less "
		  "what the login and the send took. Above 0. Given with *-t*, it must be at least 5 seconds shorter (a "
		  "usage error, UNKNOWN, names both options); given alone, it raises the "
		  "default *-t* to the delivery timeout plus 5 seconds when that is "
		  "longer. When a slow login leaves less time than the delivery timeout, "
		  "the wait ends 5 seconds before *-t* all the same (_not delivered after "
		  "21.3s, all the time -t 30s left for it_)." },
	{ .key = OPT_JUNK_FOLDER, .name = "junk-folder", .arg = "NAME",
	  .flags = MS_OPT_REPEATABLE, .var = "junk_folders",
	  .help = "A folder where arrival means WARNING \"delivered to Junk\"; "
		  "repeatable, up to 8 (default: Junk and Spam, where they exist)." },
	{ .key = OPT_KEEP, .name = "keep",
	  .help = "Leave the probe message and its copy in Sent in place." },
	{ .key = 'w', .name = "warning", .arg = "RANGE", .flags = MS_OPT_WITH_NEXT },
	{ .key = 'c', .name = "critical", .arg = "RANGE",
	  .help = "Thresholds on the seconds from sending to arrival (*delivery*)." },
	{ .key = OPT_LOGIN_WARNING, .name = "login-warning", .arg = "RANGE",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_LOGIN_CRITICAL, .name = "login-critical", .arg = "RANGE",
	  .help = "Thresholds on the seconds the login takes." },
	{ .key = OPT_CA_FILE, .name = "ca-file", .arg = "FILE",
	  .help = "Verify the webmail's and the IMAP server's certificates against "
		  "the CAs in _FILE_ (PEM) instead of the system's." },
	{ .key = OPT_INSECURE, .name = "insecure",
	  .help = "Do not verify certificates (say so explicitly; never the "
		  "default)." },
	{ .key = OPT_IMAP_CLEARTEXT, .name = "imap-cleartext",
	  .help = "Allow an *imap://* login without TLS when the server offers no "
		  "STARTTLS (a server that offers it is still used with TLS).\n\n"
		  "Never the default: the password, or its base64 form, would cross the "
		  "network in clear. No effect on *imaps://*." },
	{ 0 },
};

const struct ms_optset webmail_send_options = {
	.options = options,
	.default_timeout = DEFAULT_TIMEOUT_S,
	.synopsis = "--url=URL -u USER [--password-file=FILE] --imap-url=URL "
		    "[--webmail=roundcube] [--to=ADDRESS] [--attach-size=BYTES] [--imap-user=USER] "
		    "[--imap-password-file=FILE] [--delivery-timeout=DURATION] [--junk-folder=NAME]... "
		    "[--keep] [-w RANGE] [-c RANGE] [--login-warning=RANGE] [--login-critical=RANGE] "
		    "[--ca-file=FILE] [--insecure] [--imap-cleartext]",
};
