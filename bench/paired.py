#!/usr/bin/env python3
"""Runs two commands in turn, A B A B ..., and reports their wall times' ratio pair by
pair (bench/README.md).

    paired.py [--pairs P] [--stdout-a FILE] [--stdout-b FILE] -- A [ARGS...] --vs B [ARGS...]

Prints one line `median min max pairs median_a median_b`: the median, smallest and
largest of the P ratios wall(A) / wall(B), then each command's median wall time, in
seconds. One pair is run first and not counted (caches, the page cache's state); then
A runs first in every other pair, B in the rest, so that neither is always the one
after the other.

Why pairs: on a shared machine the speed drifts by tens of percent within minutes
(another tenant, the host's clock). Two best-of-R times, each taken at its own moment,
then compare one lucky run with another, and their ratio moves with the drift. The two
runs of a pair are seconds apart, so the drift moves both alike, and the median of the
pairs' ratios is what a goal stated as a ratio ("within 2.5x of the parse floor",
"within 12x of the 6M run") is judged on. Each command's stdout goes to its FILE
(default /dev/null); the runs are timed as measure.py times them. Standard library only.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import once  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--stdout-a", default=os.devnull)
    ap.add_argument("--stdout-b", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if "--vs" not in cmd:
        sys.exit("usage: paired.py [--pairs P] [--stdout-a FILE] [--stdout-b FILE] "
                 "-- A [ARGS...] --vs B [ARGS...]")
    if args.pairs < 1:
        sys.exit("paired.py: --pairs must be 1 or more")
    at = cmd.index("--vs")
    a, b = cmd[:at], cmd[at + 1:]
    if not a or not b:
        sys.exit("paired.py: both commands are needed, on either side of --vs")

    once(a, args.stdout_a)
    once(b, args.stdout_b)
    walls_a, walls_b, ratios = [], [], []
    for i in range(args.pairs):
        if i % 2 == 0:
            wa = once(a, args.stdout_a)[0]
            wb = once(b, args.stdout_b)[0]
        else:
            wb = once(b, args.stdout_b)[0]
            wa = once(a, args.stdout_a)[0]
        walls_a.append(wa)
        walls_b.append(wb)
        ratios.append(wa / wb)
    print(f"{statistics.median(ratios):.3f} {min(ratios):.3f} {max(ratios):.3f} "
          f"{len(ratios)} {statistics.median(walls_a):.3f} {statistics.median(walls_b):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
