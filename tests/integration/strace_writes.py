#!/usr/bin/env python3
"""strace_writes.py LOG CWD [ALLOWED-REGEX...]: the writes in an strace log.

LOG comes from `strace -f -y -qq -e trace=%file,%process,write,... -o LOG`
(TRACE below): with -y every descriptor is printed with its path, and the
process calls say where a child starts (its parent's directory). Lists every system call that
changes the filesystem -- an open or openat for writing or creating, creat,
rename, unlink, rmdir, mkdir, link, symlink, truncate, mknod, chmod, chown,
utimes -- and every write(2) family call or ftruncate/fchmod/fchown on a
descriptor that is a file (not a pipe, socket, terminal or /dev/null), one
line each:

    allowed|DENIED SYSCALL PATH [FLAGS]

PATH is absolute: a relative name is joined to the descriptor it is
relative to, or to CWD (followed through chdir). A call counts whether it
succeeded or not: trying is enough. Exits 1 when a path matches none of
the ALLOWED-REGEXes (Python re, matched against the whole path), else 0.
Used by 86-plugin-privileges.sh.
"""
import os
import re
import sys

OPENS = {"open", "openat", "openat2", "creat"}
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
# calls that change what their path arguments name
PATH_CHANGES = {
    "rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir",
    "mkdir", "mkdirat", "link", "linkat", "symlink", "symlinkat",
    "truncate", "mknod", "mknodat", "chmod", "fchmodat", "chown",
    "lchown", "fchownat", "utime", "utimes", "utimensat", "futimesat",
}
FD_WRITES = {"write", "writev", "pwrite64", "pwritev", "pwritev2",
             "ftruncate", "fchmod", "fchown", "fallocate"}
# descriptors (and device paths) whose writes leave nothing on disk
HARMLESS_FD = re.compile(r"^(pipe:|socket:|anon_inode:|/dev/null$|/dev/pts/|/dev/tty$)")

LINE = re.compile(r"^(?:(\d+)\s+)?([a-z0-9_]+)\((.*)$")	# no PID without -f
# "<... vfork resumed>) = 1234": where a call that was interrupted ends
RESUMED = re.compile(r"^(?:(\d+)\s+)?<\.\.\. ([a-z0-9_]+) resumed>(.*)$")
ARG = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"(\.\.\.)?|([A-Za-z0-9_]+)<([^>]*)>|([^,]+))')


def unquote(s):
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


def split_args(text):
    """The arguments: ('str', text), ('fd', path) or ('other', text)."""
    args = []
    for m in ARG.finditer(text):
        if m.group(1) is not None:
            args.append(("str", unquote(m.group(1))))
        elif m.group(3) is not None:
            args.append(("fd", m.group(4)))
        else:
            args.append(("other", m.group(5).strip()))
    return args


def absolute(base, name):
    return os.path.normpath(name if name.startswith("/") else os.path.join(base, name))


def writes(lines, cwd):
    """Yields (syscall, path, flags) for every call that writes."""
    cwds = {}
    for line in lines:
        m = LINE.match(line) or RESUMED.match(line)
        if not m:
            continue
        pid, call, rest = m.groups()
        here = cwds.get(pid, cwd)
        if call in ("clone", "clone3", "fork", "vfork"):
            child = re.search(r"\) += (\d+)", rest)
            if child:
                cwds[child.group(1)] = here     # a child starts where its parent is
            continue
        args = split_args(re.split(r"\)\s+= ", rest)[0].split(" <unfinished")[0])
        if call == "chdir" and args and args[0][0] == "str" and re.search(r"\)\s+= 0$", rest):
            cwds[pid] = absolute(here, args[0][1])
            continue
        if call in FD_WRITES:
            if args and args[0][0] == "fd" and not HARMLESS_FD.match(args[0][1]):
                yield call, args[0][1], ""
            continue
        if call not in OPENS and call not in PATH_CHANGES:
            continue
        flags = " ".join(a[1] for a in args if a[0] == "other" and "O_" in a[1])
        if call in OPENS and call != "creat" and not any(f in flags for f in WRITE_FLAGS):
            continue
        strs = [i for i, a in enumerate(args) if a[0] == "str"]
        if call in ("symlink", "symlinkat") and strs:
            strs = strs[1:]     # the target is text, not a path written
        for i in strs:
            base = args[i - 1][1] if i > 0 and args[i - 1][0] == "fd" else here
            path = absolute(base, args[i][1])
            if not HARMLESS_FD.match(path):
                yield call, path, flags


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    allowed = [re.compile(r) for r in sys.argv[3:]]
    denied = 0
    with open(sys.argv[1], encoding="latin-1") as log:
        for call, path, flags in writes(log, sys.argv[2]):
            ok = any(r.fullmatch(path) for r in allowed)
            denied += not ok
            print("%s %s %s %s" % ("allowed" if ok else "DENIED", call, path, flags))
    sys.exit(1 if denied else 0)


if __name__ == "__main__":
    main()
