/*
 * options: check_mail_queue's options, each written once (see plugin.h
 * for the table, optdoc.h for the markup of the texts).
 */
#include "config.h"

#include "options.h"

static const struct ms_option options[] = {
	{ .key = OPT_MTA, .name = "mta", .arg = "auto|postfix|exim",
	  .help = "The mail server: *auto* (the default) takes Postfix when *postconf* "
		  "is in PATH, else Exim (*exim4* or *exim*)." },
	{ .key = OPT_METHOD, .name = "method", .arg = "auto|spool|command",
	  .help = "*spool* reads the queue directory; *command* runs *postqueue -j* or "
		  "*exim -bp*; *auto* (the default) reads the spool and falls back to "
		  "the command when the spool is not readable (permission denied)." },
	{ .key = OPT_QUEUE_DIR, .name = "queue-dir", .arg = "DIR",
	  .help = "The spool. Default: Postfix's *postconf -h queue_directory* "
		  "(usually _/var/spool/postfix_), Exim's *exim -bP spool_directory* "
		  "(else _/var/spool/exim4_)." },
	{ .key = OPT_INSTANCE, .name = "instance", .arg = "NAME",
	  .help = "The Postfix instance _NAME_ as *postmulti -l* lists it; its "
		  "configuration directory is used as with *--config-dir*." },
	{ .key = OPT_CONFIG_DIR, .name = "config-dir", .arg = "DIR",
	  .help = "The configuration directory of the Postfix instance, passed to "
		  "*postconf -c* and *postqueue -c*.\n\n"
		  "For a user other than root, *postqueue* accepts it only when it is "
		  "listed in *alternate_config_directories* or "
		  "*multi_instance_directories* of the default _main.cf_." },
	{ .key = OPT_QUEUES, .name = "queues", .arg = "LIST",
	  .help = "The queues that make up the total and the oldest age, separated by "
		  "commas. Postfix: *maildrop*, *incoming*, *active*, *deferred*, "
		  "*hold*, *corrupt* (default: maildrop,incoming,active,deferred). Exim: "
		  "*queued*, *frozen* (default: both)." },
	{ .key = 'w', .name = "warning", .arg = "RANGE", .flags = MS_OPT_WITH_NEXT },
	{ .key = 'c', .name = "critical", .arg = "RANGE",
	  .help = "Ranges for the number of counted messages, e.g. *-w 100 -c 500* "
		  "(WARNING above 100, CRITICAL above 500)." },
	{ .key = OPT_AGE_WARNING, .name = "age-warning", .arg = "RANGE",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_AGE_CRITICAL, .name = "age-critical", .arg = "RANGE",
	  .help = "Ranges for the age of the oldest counted message, in seconds or "
		  "with a unit: *--age-warning=30m --age-critical=4h*." },
	{ .key = OPT_HOLD_WARNING, .name = "hold-warning", .arg = "RANGE",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_HOLD_CRITICAL, .name = "hold-critical", .arg = "RANGE",
	  .help = "Ranges for the number of messages on hold (Postfix).\n\n"
		  "When one alerts, the first line names the held messages once, as the "
		  "alert (\"25 messages on hold\"); otherwise it says \", 25 on hold\" "
		  "after the counted queues." },
	{ .key = OPT_MAILDROP_AGE_WARNING, .name = "maildrop-age-warning", .arg = "RANGE",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_MAILDROP_AGE_CRITICAL, .name = "maildrop-age-critical", .arg = "RANGE",
	  .help = "Ranges for how long the oldest message has waited in maildrop "
		  "(Postfix), which grows when pickup is stalled: the webmail host whose "
		  "local submissions never leave. On by default: 5m and 15m; *none* "
		  "turns one off.\n\n"
		  "The wait counts from when the file got into maildrop (its inode change "
		  "time: postdrop finishing it, or *postsuper -r* moving it there), not "
		  "from the message's arrival: mail of an hour ago that is re-queued "
		  "waits up to a minute for pickup, and that is no stall. With the "
		  "command method the maildrop directory is still listed for these times "
		  "where it may be read (as root); where it may not, the arrival "
		  "*postqueue -j* reports is all there is, and *-v* says so." },
	{ .key = OPT_DOMAIN_WARNING, .name = "domain-warning", .arg = "RANGE",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_DOMAIN_CRITICAL, .name = "domain-critical", .arg = "RANGE",
	  .help = "Ranges for the number of deferred recipients of any one recipient "
		  "domain (Postfix), e.g. *--domain-warning=500* for the one big "
		  "provider that throttles you while the rest of the queue is fine.\n\n"
		  "The counts come from *postqueue -j* (so this costs what "
		  "*--method=command* costs); up to 5000 domains are told apart. Each "
		  "domain over a threshold is a sub-check; the first line names the "
		  "three largest." },
	{ .key = OPT_DOWN_STATE, .name = "down-state", .arg = "STATE",
	  .help = "The state when the mail system is down (default *critical*)." },
	{ .key = OPT_READ_ALL, .name = "read-all",
	  .help = "Accepted for older configurations and without effect: every queue "
		  "file's arrival record is read in any case, so the oldest age is "
		  "always exact." },
	{ .key = OPT_TOP, .name = "top", .arg = "N",
	  .help = "How many deferral reasons and recipient domains *-v* lists "
		  "(default 5)." },
	{ 0 },
};

const struct ms_optset mail_queue_options = {
	.options = options,
	.synopsis = "[--mta=auto|postfix|exim] [--method=auto|spool|command] "
		    "[--queue-dir=DIR] [--instance=NAME | --config-dir=DIR] [--queues=LIST] "
		    "[-w RANGE] [-c RANGE] [--age-warning=RANGE] [--age-critical=RANGE] "
		    "[--hold-warning=RANGE] [--hold-critical=RANGE] "
		    "[--maildrop-age-warning=RANGE] [--maildrop-age-critical=RANGE] "
		    "[--domain-warning=RANGE] [--domain-critical=RANGE] "
		    "[--down-state=STATE] [--read-all] [--top=N]",
};
