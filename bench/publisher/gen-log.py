#!/usr/bin/python3
"""gen-log.py DIR SERVICES DAYS [CONF]: Nagios 4 logs of a generated installation.

The hosts and services of gen-status.py (host%05d.example.net,
service-NN, 20 per host) over DAYS days ending at its status.dat's time,
rotated daily as Nagios does (archives/nagios-MM-DD-YYYY-00.log, each
beginning with the CURRENT state of every host and service), and about
one hard alert pair (CRITICAL, then OK) per 500 services a day, with
their SOFT tries and passive check lines around them, as a busy log has.

With CONF (gen-status.py's publish.conf), every member it names has a
hard alert pair of its own each day as well, from 1 to 60 minutes long,
so that its clusters have a history of many changes to count.
"""
import os
import random
import re
import sys
import time

END = 1795610145	# gen-status.py's created
PER_HOST = 20


def members_of(conf):
    with open(conf) as f:
        return sorted(set(re.findall(r"^member = ([^!\s]+)!(\S+) =", f.read(), re.M)))


def alert_pair(rnd, t0, obj, long_enough):
    at = t0 + rnd.randrange(80000)
    end = at + long_enough(rnd)
    return [(at, "SERVICE ALERT: %s;CRITICAL;SOFT;1;MAILQ CRITICAL - 5012 messages" % obj),
            (at + 60, "SERVICE ALERT: %s;CRITICAL;HARD;3;MAILQ CRITICAL - 5012 messages" % obj),
            (at + 61, "EXTERNAL COMMAND: PROCESS_SERVICE_CHECK_RESULT;%s;2;late" % obj),
            (end, "SERVICE ALERT: %s;OK;HARD;1;MAILQ OK" % obj)]


def day_events(rnd, t0, services, members):
    events = []
    for _ in range(max(1, services // 500)):
        s = rnd.randrange(services)
        obj = "host%05d.example.net;service-%02d" % (s // PER_HOST, s % PER_HOST)
        events += alert_pair(rnd, t0, obj, lambda r: 600 + r.randrange(3000))
    for host, svc in members:
        events += alert_pair(rnd, t0, "%s;%s" % (host, svc), lambda r: 60 + r.randrange(3540))
    return ["[%d] %s\n" % e for e in sorted(events)]


def main():
    out, services, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    members = members_of(sys.argv[4]) if len(sys.argv) > 4 else []
    rnd = random.Random(1)
    os.makedirs(os.path.join(out, "archives"), exist_ok=True)
    start = END - END % 86400 - (days - 1) * 86400
    # the state lines after "[TIME" are the same every day: made once
    states = "".join(["] CURRENT HOST STATE: host%05d.example.net;UP;HARD;1;PING OK\n[" % h
                      for h in range((services + PER_HOST - 1) // PER_HOST)] +
                     ["] CURRENT SERVICE STATE: host%05d.example.net;service-%02d;OK;HARD;1;"
                      "MAILQ OK - 3 messages\n[" % (s // PER_HOST, s % PER_HOST)
                      for s in range(services)])
    for d in range(days):
        t0 = start + d * 86400
        name = "nagios.log" if d == days - 1 else \
            time.strftime("archives/nagios-%m-%d-%Y-00.log", time.gmtime(t0 + 86400))
        events = day_events(rnd, t0, services, members)
        stamp = "%d" % t0
        with open(os.path.join(out, name), "w") as f:
            f.write("[%d] LOG ROTATION: DAILY\n[%d] LOG VERSION: 2.0\n[" % (t0, t0))
            body = stamp + states.replace("\n[", "\n[" + stamp)
            f.write(body[:-(len(stamp) + 1)])
            f.writelines(events)


if __name__ == "__main__":
    main()
