/*
 * cmd_notify: `mailstatus-publish notify`, run by Nagios or Icinga 2 as a
 * notification or event-handler command the moment a state changes.
 *
 * The engine's file or API may not show the change yet (Nagios writes
 * status.dat every status_update_interval seconds), so the pushed state is
 * kept beside the store until the source catches up, laid over what the
 * source says by every run, and the cycle of `run` decides under the same
 * lock and hold-down. A notice about an object no cluster
 * names, or a SOFT state, changes nothing and exits 0 without touching
 * the store: an engine calls this for every object it has.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmdutil.h"
#include "commands.h"
#include "notify.h"

/* Does any member of the config name this object (or its host)? */
static bool wanted(const struct pub_config *cfg, const struct pub_notice *n)
{
	struct pub_member_cursor at = { 0 };
	const struct pub_member *m;

	while ((m = pub_config_next_member(cfg, &at)) != NULL)
		if (strcmp(m->host, n->host) == 0 &&
		    (n->service == NULL || (m->service && strcmp(m->service, n->service) == 0)))
			return true;
	return false;
}

/*
 * notify's command line into the notice it pushes (the macros in the
 * environment for what it does not give), and --now; false with what is
 * wrong in err.
 */
static bool notify_options(int argc, char **argv, struct pub_notice *n, time_t *now,
			   struct ms_buf *err)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "service", required_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 's' },
		{ "state-type", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "downtime", required_argument, NULL, 'd' },
		{ "changed", required_argument, NULL, 'c' },
		{ "type", required_argument, NULL, 't' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct pub_notice_args args = { 0 };
	struct ms_buf why = MS_BUF_INIT;
	bool ok;
	int c;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "notify", err)) != -1) {
		/* an empty macro ($NOTIFICATIONTYPE$ in an event handler) is not given */
		const char *v = optarg != NULL && optarg[0] != '\0' ? optarg : NULL;

		switch (c) {
		case 'H': args.host = v; break;
		case 'S': args.service = v; break;
		case 's': args.state = v; break;
		case 'T': args.state_type = v; break;
		case 'o': args.output = v; break;
		case 'd': args.downtime = v; break;
		case 'c': args.changed = v; break;
		case 't': args.type = v; break;
		case 'n':
			if (!pub_parse_when("--now", optarg, now, err))
				return false;
			break;
		default:
			return false;
		}
	}
	if (optind != argc) {
		ms_buf_printf(err, "notify takes no arguments ('%s')", argv[optind]);
		return false;
	}
	if (!(ok = pub_notice_parse(n, &args, &why)))
		ms_buf_printf(err, "notify: %s", why.data);
	ms_buf_free(&why);
	return ok;
}

int pub_cmd_notify(const struct pub_config *cfg, int argc, char **argv)
{
	struct ms_buf err = MS_BUF_INIT;
	struct pub_notice n;
	time_t now = time(NULL);
	int rc;

	if (!notify_options(argc, argv, &n, &now, &err))
		return pub_refuse(&err);
	if (!n.hard || !wanted(cfg, &n)) {
		if (pub_verbose)
			printf("%s%s%s: %s; nothing to do\n", n.host, n.service ? "!" : "",
			       n.service ? n.service : "",
			       n.hard ? "no cluster names it" : "a SOFT state");
		pub_notice_free(&n);
		return PUB_EXIT_OK;
	}
	n.received = now;
	rc = pub_run_cycle(cfg, now, &n);
	pub_notice_free(&n);
	return rc;
}
