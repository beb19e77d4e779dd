#!/usr/bin/python3
"""gen-log.py DIR SERVICES DAYS: Nagios 4 logs of a generated installation.

The hosts and services of gen-status.py (host%05d.example.net,
service-NN, 20 per host) over DAYS days ending at its status.dat's time,
rotated daily as Nagios does (archives/nagios-MM-DD-YYYY-00.log, each
beginning with the CURRENT state of every host and service), and about
one hard alert pair (CRITICAL, then OK) per 500 services a day, with
their SOFT tries and passive check lines around them, as a busy log has.
"""
import os
import random
import sys
import time

END = 1795610145	# gen-status.py's created


def main():
    out, services, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    per_host = 20
    rnd = random.Random(1)
    os.makedirs(os.path.join(out, "archives"), exist_ok=True)
    start = END - END % 86400 - (days - 1) * 86400
    for d in range(days):
        t0 = start + d * 86400
        name = "nagios.log" if d == days - 1 else \
            time.strftime("archives/nagios-%m-%d-%Y-00.log", time.gmtime(t0 + 86400))
        lines = ["[%d] LOG ROTATION: DAILY" % t0, "[%d] LOG VERSION: 2.0" % t0]
        for h in range((services + per_host - 1) // per_host):
            lines.append("[%d] CURRENT HOST STATE: host%05d.example.net;UP;HARD;1;PING OK" % (t0, h))
        for s in range(services):
            lines.append("[%d] CURRENT SERVICE STATE: host%05d.example.net;service-%02d;OK;HARD;1;"
                         "MAILQ OK - 3 messages" % (t0, s // per_host, s % per_host))
        events = []
        for _ in range(max(1, services // 500)):
            s = rnd.randrange(services)
            at = t0 + rnd.randrange(80000)
            obj = "host%05d.example.net;service-%02d" % (s // per_host, s % per_host)
            events += [(at, "SERVICE ALERT: %s;CRITICAL;SOFT;1;MAILQ CRITICAL - 5012 messages" % obj),
                       (at + 60, "SERVICE ALERT: %s;CRITICAL;HARD;3;MAILQ CRITICAL - 5012 messages" % obj),
                       (at + 61, "EXTERNAL COMMAND: PROCESS_SERVICE_CHECK_RESULT;%s;2;late" % obj),
                       (at + 600 + rnd.randrange(3000), "SERVICE ALERT: %s;OK;HARD;1;MAILQ OK" % obj)]
        lines += ["[%d] %s" % e for e in sorted(events)]
        with open(os.path.join(out, name), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
