#!/usr/bin/env python3
"""smtp-fill.py PORT COUNT: sends COUNT small messages to 127.0.0.1:PORT in
one SMTP session (recipients at a few remote domains), the fastest way to
have a real Postfix build a large queue of its own."""
import smtplib
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
domains = ["remote.example", "other.example", "third.example", "slow.example"]
with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
    s.ehlo("bench.mailstatus.test")
    for i in range(count):
        rcpt = "user%d@%s" % (i % 1000, domains[i % len(domains)])
        s.sendmail("bench@mailstatus.test", [rcpt],
                   "Subject: bench %d\r\n\r\nmail that cannot leave\r\n" % i)
