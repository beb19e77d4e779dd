"""perfdata_values: what an engine recorded against what the plugin prints.

For the end-to-end tests (73-e2e-nagios.sh, 74-e2e-icinga2.sh), which run
a check's command line again, as the engine's user, and compare its
performance data with what Nagios or Icinga 2 recorded: the same labels
and units, the same thresholds, minimum and maximum, and the same values:
exactly for counts, bytes and percentages; for times (s, ms, us) within
the noise of a timing: 3 s, or a factor of 3, plus the seconds that passed
between the engine's run and ours (an age grows by them).

    from perfdata_values import differences
    problems = differences(recorded, printed, elapsed)
"""
import re

ITEM = re.compile(r"""('(?:[^']|'')+'|[^'=\s]+)=([-0-9.]+|U)([a-zA-Z%]*)((?:;[^;\s]*){0,4})""")
TIME_UNITS = {"s": 1.0, "ms": 0.001, "us": 0.000001}


def parse(perf):
    """{label: (value, uom, [warn, crit, min, max])} of a perfdata string or list."""
    text = " ".join(perf) if isinstance(perf, (list, tuple)) else perf
    items = {}
    for label, value, uom, rest in ITEM.findall(text):
        label = label[1:-1].replace("''", "'") if label.startswith("'") else label
        fields = (rest[1:].split(";") if rest else []) + [""] * 4
        items[label] = (value, uom, [number(f) for f in fields[:4]])
    return items


def number(field):
    """A field as a float when it is one (0 and 0.000000 alike), else the text."""
    try:
        return float(field)
    except ValueError:
        return field


def close_in_time(a, b, uom, elapsed):
    scale = TIME_UNITS[uom]
    a, b = a * scale, b * scale
    if abs(a - b) <= 3 + elapsed:
        return True
    low, high = sorted((abs(a), abs(b)))
    return low > 0 and high / low <= 3


def differences(recorded, printed, elapsed):
    """Sentences on what differs; empty when the values agree."""
    theirs, mine = parse(recorded), parse(printed)
    problems = []
    if not theirs:
        problems.append("no perfdata recorded")
    if sorted(theirs) != sorted(mine):
        problems.append("labels %s, recorded %s" % (sorted(mine), sorted(theirs)))
    for label in sorted(set(theirs) & set(mine)):
        (tv, tu, tf), (mv, mu, mf) = theirs[label], mine[label]
        if tu != mu or tf != mf:
            problems.append("%s: unit and thresholds %s%s;%s, recorded %s%s;%s"
                            % (label, mv, mu, mf, tv, tu, tf))
        elif "U" in (tv, mv):
            if tv != mv:
                problems.append("%s=%s, recorded %s" % (label, mv, tv))
        elif mu in TIME_UNITS:
            if not close_in_time(float(tv), float(mv), mu, elapsed):
                problems.append("%s=%s%s, recorded %s%s (%.0f s apart)"
                                % (label, mv, mu, tv, tu, elapsed))
        elif float(tv) != float(mv):
            problems.append("%s=%s%s, recorded %s%s" % (label, mv, mu, tv, tu))
    return problems


def self_test():
    """The comparison can fail: each case that must differ does (python3 perfdata_values.py)."""
    same = [("time=0.002751s;;;0", "time=0.0031s;;;0", 1),
            ("'a b'=5;10;20;0;100", "'a b'=5;10;20;0;100", 1),
            ("oldest_age=12s;;;0", "oldest_age=40s;;;0", 30),
            (["login=0.179000s;;;0"], "login=0.5s;;;0", 1)]
    differ = [("total=1;0;50;0", "total=2;0;50;0", 1),
              ("time=0.002s;;;0", "time=2000s;;;0", 1),
              ("used=4096B;;;0;8388608", "used=4096B;;;0;4194304", 1),
              ("time=1s;;;0", "time=1ms;;;0", 1),
              ("a=1 b=2", "a=1", 1),
              ("", "", 1)]
    for recorded, printed, elapsed in same:
        assert not differences(recorded, printed, elapsed), (recorded, printed)
    for recorded, printed, elapsed in differ:
        assert differences(recorded, printed, elapsed), (recorded, printed)
    print("perfdata_values: %d agreeing and %d differing cases told apart" % (len(same), len(differ)))


if __name__ == "__main__":
    self_test()
