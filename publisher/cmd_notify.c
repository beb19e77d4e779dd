/*
 * cmd_notify: `mailstatus-publish notify`, run by Nagios or Icinga 2 as a
 * notification or event-handler command the moment a state changes.
 *
 * The engine's file or API may not show the change yet (Nagios writes
 * status.dat every status_update_interval seconds), so the pushed state is
 * laid over what the source says, and then the cycle of `run` decides
 * under the same lock and hold-down. A notice about an object no cluster
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
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		for (size_t j = 0; j < cl->n_components; j++) {
			const struct pub_component *co = &cl->components[j];
			for (size_t k = 0; k < co->n_members; k++) {
				const struct pub_member *m = &co->members[k];
				if (strcmp(m->host, n->host) != 0)
					continue;
				if (n->service == NULL ||
				    (m->service && strcmp(m->service, n->service) == 0))
					return true;
			}
		}
	}
	return false;
}

static void amend(struct pub_snapshot *snap, void *arg)
{
	const struct pub_notice *n = arg;

	if (pub_notice_apply(n, snap) && pub_verbose)
		printf("%s%s%s: state %d from the notification\n", n->host,
		       n->service ? "!" : "", n->service ? n->service : "", n->state);
}

int pub_cmd_notify(const struct pub_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "service", required_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 's' },
		{ "state-type", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "downtime", required_argument, NULL, 'd' },
		{ "changed", required_argument, NULL, 'c' },
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct pub_notice_args args = { 0 };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;
	time_t now = time(NULL);
	int c, rc;

	pub_reset_getopt();
	while ((c = pub_next_opt(argc, argv, opts, "notify")) != -1) {
		switch (c) {
		case 'H': args.host = optarg; break;
		case 'S': args.service = optarg; break;
		case 's': args.state = optarg; break;
		case 'T': args.state_type = optarg; break;
		case 'o': args.output = optarg; break;
		case 'd': args.downtime = optarg; break;
		case 'c': args.changed = optarg; break;
		case 'n':
			if (!pub_parse_when("--now", optarg, &now))
				return PUB_EXIT_USAGE;
			break;
		default:
			return PUB_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		pub_say_error("notify takes no arguments ('%s')", argv[optind]);
		return PUB_EXIT_USAGE;
	}
	if (!pub_notice_parse(&n, &args, &err)) {
		pub_say_error("notify: %s", err.data);
		ms_buf_free(&err);
		return PUB_EXIT_USAGE;
	}
	ms_buf_free(&err);
	if (!n.hard || !wanted(cfg, &n)) {
		if (pub_verbose)
			printf("%s%s%s: %s; nothing to do\n", n.host, n.service ? "!" : "",
			       n.service ? n.service : "",
			       n.hard ? "no cluster names it" : "a SOFT state");
		pub_notice_free(&n);
		return PUB_EXIT_OK;
	}
	rc = pub_run_cycle(cfg, now, amend, &n);
	pub_notice_free(&n);
	return rc;
}
