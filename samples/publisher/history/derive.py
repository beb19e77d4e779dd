#!/usr/bin/python3
"""Derives the sample's history from ../status.dat (written by a real Nagios 4).

The status site needs a past to show: servers online for days, an
incident that was resolved. Each file here is the real status.dat with
states, downtimes, comments, times and the webmail checks' performance
data changed the way Nagios would have written them at that moment:

  01-all-online.dat     13 Nov 10:54  everything up, nothing planned
  02-storage-down.dat   20 Nov 16:57  Mail Storage 1 of Cluster A CRITICAL
  03-first-update.dat   20 Nov 17:40  ...with an operator's comment
  04-second-update.dat  20 Nov 18:30  ...and a second one
  05-all-online.dat     20 Nov 19:09  repaired: everything up again

Run it from this directory to regenerate the files; replay.sh runs them.
"""
import re

CREATED = 1795611275          # ../status.dat's created (25 Nov 2026 12:54:35 UTC)
T0 = CREATED - 12 * 86400     # 13 Nov 12:54:35
T1 = 1795193820               # 20 Nov 2026 16:57 UTC

with open("../status.dat", encoding="utf-8") as f:
    real = f.read()

blocks = re.split(r"(?m)^(?=\w+ \{$)", real)


def block_kind(b):
    return b.split(" ", 1)[0]


def field(b, key):
    m = re.search(r"(?m)^\t%s=(.*)$" % key, b)
    return m.group(1) if m else None


def set_field(b, key, value):
    return re.sub(r"(?m)^(\t%s=).*$" % key, lambda m: m.group(1) + str(value), b)


def webmail_perfdata(at):
    """What check_webmail_send prints at time at (the response-time strip's
    total): login, send and delivery times that vary from check to check."""
    login = 0.30 + (at % 7) * 0.02
    send = 0.50 + (at % 11) * 0.03
    delivery = 2.0 + (at % 13) * 0.25
    return ("login=%.2fs;5;10;0 send=%.2fs;;;0 delivery=%.2fs;60;120;0 total=%.2fs;;;0"
            % (login, send, delivery, login + send + delivery))


def snapshot(at, down=None, comments=()):
    """The real file at time at: everything OK and out of downtime, except down."""
    out = []
    for b in blocks:
        kind = block_kind(b)
        if kind in ("hostcomment", "servicecomment", "hostdowntime", "servicedowntime"):
            continue
        if kind == "info":
            b = set_field(b, "created", at)
        if kind in ("hoststatus", "servicestatus"):
            obj = field(b, "host_name")
            if kind == "servicestatus":
                obj += "!" + field(b, "service_description")
            bad = obj == down
            state = 2 if bad else 0
            for k in ("current_state", "last_hard_state"):
                b = set_field(b, k, state)
            b = set_field(b, "state_type", 1)
            b = set_field(b, "problem_has_been_acknowledged", 0)
            b = set_field(b, "scheduled_downtime_depth", 0)
            b = set_field(b, "last_check", at)
            changed = T1 if bad else T0
            b = set_field(b, "last_state_change", changed)
            b = set_field(b, "last_hard_state_change", changed)
            if kind == "servicestatus":
                name = field(b, "service_description")
                b = set_field(b, "plugin_output",
                              "CRITICAL - %s does not answer" % name if bad
                              else "%s OK" % name)
                if name == "webmail_send":
                    b = set_field(b, "performance_data", webmail_perfdata(at))
        out.append(b)
    for i, (when, text) in enumerate(comments):
        host, service = down.split("!")
        out.append("servicecomment {\n\thost_name=%s\n\tservice_description=%s\n"
                   "\tentry_type=1\n\tcomment_id=%d\n\tsource=1\n\tpersistent=1\n"
                   "\tentry_time=%d\n\texpires=0\n\texpire_time=0\n\tauthor=heather\n"
                   "\tcomment_data=%s\n\t}\n\n" % (host, service, 100 + i, when, text))
    return "".join(out)


STORE = "store1.a.example.net!storage_mount"
UPDATES = [
    (T1 + 43 * 60, "public: One of the storage servers does not answer; some users may see "
                   "empty folders. The other storage server keeps the service running."),
    (T1 + 93 * 60, "public: The storage server is being remounted. Mail is not lost: new mail "
                   "is stored and shown as soon as it is back."),
]
files = {
    "01-all-online.dat": snapshot(T0),
    "02-storage-down.dat": snapshot(T1, STORE),
    "03-first-update.dat": snapshot(T1 + 45 * 60, STORE, UPDATES[:1]),
    "04-second-update.dat": snapshot(T1 + 95 * 60, STORE, UPDATES),
    "05-all-online.dat": snapshot(T1 + 132 * 60),
}
for name, text in files.items():
    with open(name, "w", encoding="utf-8") as f:
        f.write(text)
