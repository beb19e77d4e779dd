#!/usr/bin/env python3
"""make-queue.py TEMPLATES SPOOL COUNT [HOURS]: fills SPOOL/deferred with
COUNT queue files cloned from the files a real Postfix made (in the
directory TEMPLATES), the way Postfix would have made them over HOURS
(default 6) hours: each clone gets its own
arrival time (the 'T' record rewritten in place, same length), a long
queue ID that encodes that time, and the hash directory Postfix derives
from the ID (hash_queue_depth = 1: the first hex digit of the
microseconds). Prints the earliest
arrival second, which the benchmark checks every answer against."""
import os
import pwd
import random
import sys
import time

BASE52 = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
BASE51 = BASE52[:-1]    # the inode part leaves out 'z', the separator


def encode(value, alphabet, width):
    digits = ""
    while value or len(digits) < width:
        digits = alphabet[value % len(alphabet)] + digits
        value //= len(alphabet)
    return digits


def arrival_record(data):
    """Offset and length of the 'T' record's text (after C, the first)."""
    pos = 0
    while pos < len(data):
        rtype = data[pos]
        pos += 1
        length, shift = 0, 0
        while True:
            c = data[pos]
            pos += 1
            length |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                break
        if rtype == ord("T"):
            return pos, length
        pos += length
    raise ValueError("no arrival record")


def main():
    tdir, spool, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    hours = float(sys.argv[4]) if len(sys.argv) > 4 else 6
    deferred = os.path.join(spool, "deferred")
    templates = []
    for name in sorted(os.listdir(tdir)):
        with open(os.path.join(tdir, name), "rb") as f:
            templates.append(f.read())
    if not templates:
        sys.exit("make-queue.py: no queue files in %s to clone" % tdir)
    rng = random.Random(42)
    now = int(time.time())
    earliest = None
    owner = pwd.getpwnam("postfix")
    for i in range(count):
        data = bytearray(templates[i % len(templates)])
        off, length = arrival_record(data)
        sec = now - 60 - int(rng.random() * hours * 3600)
        # "SEC USEC" in the template's length: usec zero-padded to fit
        width = length - len(str(sec)) - 1
        if not 1 <= width <= 6:
            sys.exit("make-queue.py: an arrival record of %d bytes" % length)
        usec = rng.randrange(10 ** width)
        data[off:off + length] = ("%d %0*d" % (sec, width, usec)).encode()
        qid = encode(sec, BASE52, 6) + encode(usec, BASE52, 4) + "z" + encode(100000 + i, BASE51, 1)
        hashdir = os.path.join(deferred, ("%05X" % usec)[0])
        if not os.path.isdir(hashdir):
            os.mkdir(hashdir, 0o700)
            os.chown(hashdir, owner.pw_uid, owner.pw_gid)
        fd = os.open(os.path.join(hashdir, qid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o700)
        os.write(fd, data)
        os.fchmod(fd, 0o700)    # complete: owner-execute set, as Postfix marks it
        os.fchown(fd, owner.pw_uid, owner.pw_gid)
        os.close(fd)
        earliest = sec if earliest is None or sec < earliest else earliest
    print(earliest)


if __name__ == "__main__":
    main()
