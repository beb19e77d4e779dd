#!/usr/bin/python3
"""Writes the sample's Nagios 4 logs: the months before the first run.

mailstatus-publish import-history reads them (replay.sh does, before the
first run), so the status site's 90-day strips and uptime figures cover
the time before the publisher was installed. The lines are the ones
Nagios 4 writes (log_rotation_method=m: an archive per month, named by
the time of its rotation; the oldest compressed by the operator):

  26 Aug 00:00  Nagios starts: the INITIAL states, everything up
   3 Sep 02:11  Web Service 1 of Cluster A CRITICAL for 41 min 30 s
                (a SOFT try first: not counted)
  17 Sep 21:00  store2.b in downtime until 23:00; its storage_mount is
                CRITICAL from 21:20 to 21:50, inside the downtime
   8 Oct 23:40  AV/GreyListing 1 of Cluster A flaps across midnight
                until 00:25 (hard CRITICAL 23:41-23:43 and 23:58-00:04)
  20 Oct 06:00  both storage servers of Cluster B CRITICAL for 12 min
  30 Oct 14:00  Mail Server 1 of Cluster A CRITICAL for 45 min (a SOFT
                one at 10:00 before: not counted)
   5 Nov 03:00  Backup MX 1 (a host of both clusters) DOWN for 20 min
  13 Nov 13:54  nagios.log ends, an hour after the first run (which
                records from then on: its record wins)

Lines for objects the publisher is not told of (localhost) are there as
in every real log. Run it from this directory to write the files again.
"""
import calendar
import gzip
import time

HOSTS = ["bmx1.example.net", "gw1.a.example.net", "gw2.a.example.net", "mail1.a.example.net",
         "mail2.a.example.net", "store1.a.example.net", "store2.a.example.net",
         "web1.a.example.net", "gw1.b.example.net", "store1.b.example.net",
         "store2.b.example.net", "web1.b.example.net"]
SERVICES = [("gw1.a.example.net", "greylist"), ("gw2.a.example.net", "greylist"),
            ("mail1.a.example.net", "imap"), ("mail2.a.example.net", "imap"),
            ("store1.a.example.net", "storage_mount"), ("store2.a.example.net", "storage_mount"),
            ("web1.a.example.net", "webmail_send"), ("gw1.b.example.net", "greylist"),
            ("store1.b.example.net", "storage_mount"), ("store2.b.example.net", "storage_mount"),
            ("web1.b.example.net", "webmail_send")]
OUTPUT = {"greylist": "GREYLIST OK - policy server answered in 0.004s",
          "imap": "IMAP OK - 0.012 second response time on 127.0.0.1 port 143",
          "storage_mount": "STORAGE_MOUNT OK - 1 of 1 mount OK",
          "webmail_send": "WEBMAIL_SEND OK - sent and delivered in 2.1s"}
FIRST_RUN = 1794574475  # ../history/01-all-online.dat's created (13 Nov 12:54:35 UTC)


def t(stamp):
    return calendar.timegm(tuple(int(x) for x in stamp.replace("-", " ").replace(":", " ").split())
                           + (0, 0, 0))


def svc(at, host, service, state, kind, attempt, output):
    return (at, "SERVICE ALERT: %s;%s;%s;%s;%d;%s" % (host, service, state, kind, attempt, output))


def states(at, word):
    """The states Nagios logs at start-up (INITIAL) and at each rotation (CURRENT)."""
    lines = [(at, "%s HOST STATE: %s;UP;HARD;1;PING OK - Packet loss = 0%%, RTA = 0.05 ms"
              % (word, h)) for h in HOSTS + ["localhost"]]
    lines += [(at, "%s SERVICE STATE: %s;%s;OK;HARD;1;%s" % (word, h, s, OUTPUT[s]))
              for h, s in SERVICES]
    lines += [(at, "%s SERVICE STATE: localhost;Current Load;OK;HARD;1;OK - load average: "
               "0.05, 0.08, 0.02" % word)]
    return lines


def events():
    ev = [(t("2026-08-26 00:00:00"), "Nagios 4.4.6 starting... (PID=812)"),
          (t("2026-08-26 00:00:00"), "Local time is Wed Aug 26 00:00:00 UTC 2026"),
          (t("2026-08-26 00:00:00"), "LOG VERSION: 2.0")]
    ev += states(t("2026-08-26 00:00:01"), "INITIAL")
    w = ("web1.a.example.net", "webmail_send")
    ev += [svc(t("2026-09-03 02:10:00"), *w, "CRITICAL", "SOFT", 1, "WEBMAIL_SEND CRITICAL - "
               "the message was queued, not sent, after 10.0s"),
           svc(t("2026-09-03 02:11:00"), *w, "CRITICAL", "HARD", 3, "WEBMAIL_SEND CRITICAL - "
               "the message was queued, not sent, after 10.0s"),
           svc(t("2026-09-03 02:52:30"), *w, "OK", "HARD", 1, OUTPUT["webmail_send"])]
    ev += [(t("2026-09-17 21:00:00"), "HOST DOWNTIME ALERT: store2.b.example.net;STARTED; "
            "Host has entered a period of scheduled downtime"),
           svc(t("2026-09-17 21:20:00"), "store2.b.example.net", "storage_mount", "CRITICAL",
               "HARD", 3, "STORAGE_MOUNT CRITICAL - /srv/mail is not mounted"),
           svc(t("2026-09-17 21:50:00"), "store2.b.example.net", "storage_mount", "OK", "HARD",
               1, OUTPUT["storage_mount"]),
           (t("2026-09-17 23:00:00"), "HOST DOWNTIME ALERT: store2.b.example.net;STOPPED; "
            "Host has exited from a period of scheduled downtime")]
    g = ("gw1.a.example.net", "greylist")
    crit = "GREYLIST CRITICAL - no answer from the policy server after 10.0s"
    ev += [(t("2026-10-08 23:40:00"), "SERVICE FLAPPING ALERT: gw1.a.example.net;greylist;"
            "STARTED; Service appears to have started flapping (24.3% change >= 20.0% threshold)"),
           svc(t("2026-10-08 23:41:00"), *g, "CRITICAL", "HARD", 3, crit),
           svc(t("2026-10-08 23:43:00"), *g, "OK", "HARD", 1, OUTPUT["greylist"]),
           svc(t("2026-10-08 23:58:00"), *g, "CRITICAL", "HARD", 3, crit),
           svc(t("2026-10-09 00:04:00"), *g, "OK", "HARD", 1, OUTPUT["greylist"]),
           (t("2026-10-09 00:25:00"), "SERVICE FLAPPING ALERT: gw1.a.example.net;greylist;"
            "STOPPED; Service appears to have stopped flapping (3.8% change < 5.0% threshold)")]
    for h in ("store1.b.example.net", "store2.b.example.net"):
        ev += [svc(t("2026-10-20 06:00:00"), h, "storage_mount", "CRITICAL", "HARD", 3,
                   "STORAGE_MOUNT CRITICAL - /srv/mail not responding after 3.0s"),
               svc(t("2026-10-20 06:12:00"), h, "storage_mount", "OK", "HARD", 1,
                   OUTPUT["storage_mount"])]
    m = ("mail1.a.example.net", "imap")
    ev += [svc(t("2026-10-30 10:00:00"), *m, "CRITICAL", "SOFT", 1, "connect to 127.0.0.1 "
               "port 143: Connection refused"),
           svc(t("2026-10-30 10:01:00"), *m, "OK", "SOFT", 2, OUTPUT["imap"]),
           svc(t("2026-10-30 14:00:00"), *m, "CRITICAL", "HARD", 3, "connect to 127.0.0.1 "
               "port 143: Connection refused"),
           svc(t("2026-10-30 14:45:00"), *m, "OK", "HARD", 1, OUTPUT["imap"])]
    ev += [(t("2026-11-05 03:00:00"), "HOST ALERT: bmx1.example.net;DOWN;HARD;10;PING "
            "CRITICAL - Packet loss = 100%"),
           (t("2026-11-05 03:20:00"), "HOST ALERT: bmx1.example.net;UP;HARD;1;PING OK - "
            "Packet loss = 0%, RTA = 0.06 ms")]
    # the noise of a real log: another object, external commands, retention
    for day in range(80):
        at = t("2026-08-26 04:17:00") + day * 86400
        ev += [svc(at, "localhost", "Current Load", "WARNING", "HARD", 4,
                   "WARNING - load average: 5.12, 4.30, 2.01"),
               svc(at + 300, "localhost", "Current Load", "OK", "HARD", 1,
                   "OK - load average: 0.41, 2.10, 1.72"),
               (at + 3600, "Auto-save of retention data completed successfully.")]
    return ev


def write(name, lines, compress=False):
    text = "".join("[%d] %s\n" % line for line in lines)
    if compress:	# mtime 0: the same bytes each time
        with open(name, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as z:
            z.write(text.encode())
    else:
        with open(name, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    ev = sorted(events(), key=lambda e: e[0])
    end = FIRST_RUN + 3600
    cuts = [t("2026-09-01 00:00:00"), t("2026-10-01 00:00:00"), t("2026-11-01 00:00:00")]
    begin = 0
    for i, cut in enumerate(cuts):
        part = [e for e in ev if begin <= e[0] < cut]
        if begin:	# a new log begins with the rotation and the states
            part = [(begin, "LOG ROTATION: MONTHLY"), (begin, "LOG VERSION: 2.0")] + \
                states(begin, "CURRENT") + part
        name = time.strftime("archives/nagios-%m-%d-%Y-00.log", time.gmtime(cut))
        write(name + (".gz" if i == 0 else ""), part, compress=i == 0)
        begin = cut
    part = [(begin, "LOG ROTATION: MONTHLY"), (begin, "LOG VERSION: 2.0")] + \
        states(begin, "CURRENT") + [e for e in ev if begin <= e[0] < end] + \
        [(end, "Auto-save of retention data completed successfully.")]
    write("nagios.log", part)


main()
