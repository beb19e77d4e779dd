/*
 * options: check_greylist's options, each written once (see plugin.h
 * for the table, optdoc.h for the markup of the texts).
 */
#include "config.h"

#include "options.h"

static const struct ms_option options[] = {
	{ .key = OPT_MODE, .name = "mode", .arg = "policy|smtp",
	  .help = "*policy* (default): speak the Postfix policy protocol to the "
		  "greylisting daemon; *smtp*: speak SMTP to the MTA that asks it." },
	{ .key = 'H', .name = "host", .arg = "HOST", .var = "address",
	  .help = "The greylisting daemon (policy) or the MTA (smtp): a name, an IPv4 "
		  "or an IPv6 address." },
	{ .key = 'p', .name = "port", .arg = "PORT",
	  .help = "TCP port (default 10023 in policy mode, 25 in smtp mode)." },
	{ .key = OPT_SOCKET, .name = "socket", .arg = "PATH",
	  .help = "The greylisting daemon's unix socket instead of *-H* and *-p* "
		  "(policy mode)." },
	{ .key = OPT_SENDER, .name = "sender", .arg = "ADDRESS",
	  .help = "The envelope sender. Default: a new address in a new subdomain of "
		  "example.com each run; *@*_DOMAIN_ makes the new address at _DOMAIN_.\n\n"
		  "*@*_DOMAIN_ is for MTAs that check that the sender's domain exists; "
		  "sqlgrey then whitelists _DOMAIN_ for the probe's client address after "
		  "two learning checks, so keep those rare or leave the domain to the "
		  "plugin in policy mode. A fixed address makes every run the same "
		  "triplet: use it only with *--expect=pass*." },
	{ .key = OPT_RECIPIENT, .name = "recipient", .arg = "ADDRESS",
	  .help = "The envelope recipient (default probe@example.net in policy mode; "
		  "required in smtp mode: a mailbox the MX accepts mail for, and not one "
		  "the greylister whitelists)." },
	{ .key = OPT_CLIENT_ADDRESS, .name = "client-address", .arg = "IP",
	  .help = "The client address in the policy request (policy mode). Default: "
		  "one of 761 TEST-NET addresses, a different one each minute." },
	{ .key = OPT_CLIENT_NAME, .name = "client-name", .arg = "NAME",
	  .help = "The client's host name in the policy request (default *unknown*, "
		  "what Postfix sends for a client without reverse DNS)." },
	{ .key = OPT_HELO, .name = "helo", .arg = "NAME",
	  .help = "The HELO/EHLO name (default mailstatus-probe.example.com)." },
	{ .key = OPT_EXPECT, .name = "expect", .arg = "defer|pass",
	  .help = "*defer* (default): the new triplet must be deferred; *pass*: it "
		  "must pass at once, for a client, sender or recipient the greylister "
		  "must never delay (a whitelisted partner); a deferral is then "
		  "CRITICAL." },
	{ .key = OPT_RETRY_AFTER, .name = "retry-after", .arg = "SECONDS",
	  .help = "Wait this long, then offer the same triplet again (on a new "
		  "connection): it must pass, else CRITICAL \"triplet still deferred "
		  "after _N_s\". Set it just above the greylister's delay (postgrey's "
		  "*--delay*, 300 s by default); *-t* must be at least 5 seconds longer.\n\n"
		  "Durations take *s*, *m*, *h* suffixes. When *-t* leaves less time, "
		  "the plugin says so as UNKNOWN before it sends anything. Nagios (and "
		  "Icinga 1, Naemon) kill a check at *service_check_timeout* (60 s by "
		  "default in *nagios.cfg*) and report it CRITICAL \"Service check timed "
		  "out\": a learning check with postgrey's default delay (-t 305 s or "
		  "more) needs that raised above *-t*, which holds a Nagios worker for "
		  "five minutes each run. With postgrey, use *--test-time-offset* "
		  "instead: it checks learning in one run, within the default timeouts." },
	{ .key = OPT_TEST_TIME_OFFSET, .name = "test-time-offset", .arg = "SECONDS",
	  .help = "postgrey only (policy mode): instead of waiting, ask again at once "
		  "with the request attribute *policy_test_time* set to now plus "
		  "_SECONDS_, which postgrey takes for the current time: the triplet "
		  "must pass. Checks learning in one run." },
	{ .key = 'S', .name = "starttls",
	  .help = "Use STARTTLS (smtp mode) and verify the certificate against the "
		  "system's CAs and _HOST_ (an IP address is matched against the "
		  "certificate's IP entries).\n\n"
		  "A certificate that cannot be verified is CRITICAL. Data the server "
		  "sends before the TLS handshake is refused (CVE-2011-0411)." },
	{ .key = OPT_CA_FILE, .name = "ca-file", .arg = "FILE",
	  .help = "Trust the CAs in this PEM file instead of the system's (a "
		  "self-signed certificate can be its own CA file)." },
	{ .key = OPT_CA_PATH, .name = "ca-path", .arg = "DIR",
	  .help = "Trust the CAs in this hashed directory instead of the system's." },
	{ .key = OPT_SERVERNAME, .name = "servername", .arg = "NAME",
	  .help = "The name the certificate must carry and the SNI sent (default: "
		  "_HOST_)." },
	{ .key = OPT_INSECURE, .name = "insecure",
	  .help = "Do not fail when the certificate cannot be verified; the long "
		  "output still says why it was not." },
	{ .key = OPT_CERT_DAYS, .name = "cert-days", .arg = "W[,C]",
	  .help = "WARNING when the certificate expires within _W_ days, CRITICAL "
		  "within _C_ (default 0: when it has expired)." },
	{ .key = 'w', .name = "warning", .arg = "RANGE", .flags = MS_OPT_WITH_NEXT },
	{ .key = 'c', .name = "critical", .arg = "RANGE",
	  .help = "WARNING (*-w*) or CRITICAL (*-c*) when the reply time is outside "
		  "_RANGE_ seconds: the whole policy exchange (policy mode) or the RCPT "
		  "TO reply (smtp mode)." },
	{ 0 },
};

const struct ms_optset greylist_options = {
	.options = options,
	.synopsis = "[--mode=policy] (-H HOST [-p PORT] | --socket=PATH)\n"
		    "       [--retry-after=SECONDS | --test-time-offset=SECONDS] [--expect=defer|pass]\n"
		    "       [--sender=ADDRESS] [--recipient=ADDRESS] [--client-address=IP]\n"
		    "       [--client-name=NAME] [--helo=NAME] [-w RANGE] [-c RANGE]\n"
		    "   or: check_greylist --mode=smtp -H HOST [-p PORT] --recipient=ADDRESS\n"
		    "       [-S [--ca-file=FILE] [--ca-path=DIR] [--servername=NAME] [--insecure]\n"
		    "       [--cert-days=W[,C]]] [--retry-after=SECONDS] [--expect=defer|pass]\n"
		    "       [--sender=ADDRESS] [--helo=NAME] [-w RANGE] [-c RANGE]",
};
