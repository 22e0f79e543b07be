#!/usr/bin/env python3
"""Lines up the first-token milestones of requests that the gateway and the stages logged (dev.baton.kafka.RequestTrace,
enabled with -Dquarkus.log.category."baton.trace".level=DEBUG) and prints where the time to first token goes.

usage: bench/gateway/ttft-trace.py [LOG ...]   (default: run/logs/*.log)

Only requests whose every milestone was found count (a request traced by all processes). For each milestone, in the
order they happen: the time since the previous milestone and since the gateway received the request, p50 and p90.
"""
import glob
import re
import statistics
import sys

LINE = re.compile(r"trace (\S+) (\S+) (\d+)\s*$")


def read(paths):
    requests = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = LINE.search(line)
                if m:
                    # the first mark of a milestone counts (a rebuilt sequence marks its stages again)
                    requests.setdefault(m.group(1), {}).setdefault(m.group(2), int(m.group(3)))
    return requests


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    paths = sys.argv[1:] or sorted(glob.glob("run/logs/*.log"))
    requests = read(paths)
    names = set()
    for marks in requests.values():
        names.update(marks)
    complete = [m for m in requests.values() if names <= m.keys() and "gateway-received" in m]
    if not complete:
        sys.exit("no request with every milestone (%d traced); is baton.trace at DEBUG in every process?" % len(requests))
    start = "gateway-received"
    order = sorted(names, key=lambda n: statistics.median(m[n] - m[start] for m in complete))
    print("%d requests with all %d milestones (of %d traced), times in ms" % (len(complete), len(order), len(requests)))
    print("%-20s %9s %9s %11s %11s" % ("milestone", "step p50", "step p90", "total p50", "total p90"))
    previous = None
    for name in order:
        total = [(m[name] - m[start]) / 1000 for m in complete]
        step = [(m[name] - m[previous]) / 1000 for m in complete] if previous else [0.0]
        print("%-20s %9.2f %9.2f %11.2f %11.2f" % (name, quantile(step, 0.5), quantile(step, 0.9),
                                                  quantile(total, 0.5), quantile(total, 0.9)))
        previous = name


if __name__ == "__main__":
    main()
