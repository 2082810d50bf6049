#!/usr/bin/env python3
"""Runs a command and reports its wall time and peak RSS (bench/README.md).

    measure.py [--runs R] [--stdout FILE] [--clear DIR] -- COMMAND [ARGS...]

Prints one line `wall_s peak_rss_mb` for the best (shortest) of R runs, the peak RSS
being that run's. The wall time is taken here around the child alone (not this
wrapper's start-up). The peak RSS is /usr/bin/time's "Maximum resident set size"
(%M) when that program exists: a forked Python child would report at least the
Python parent's ~10 MB, since ru_maxrss survives exec. Without /usr/bin/time it
falls back to os.wait4's ru_maxrss, flagged with a `*`. The child's stdout goes to
FILE (default /dev/null); a non-zero exit aborts with the child's stderr shown.
With --clear, DIR (the command's output folder) is removed before each run, outside
the timing: every run writes a new folder, as the first does, rather than replacing
the folder the run before wrote (which revcap stages beside it, then removes inside
its own time, and which at 60M rows would need twice the 35 GB on disk).
Standard library only.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def once(cmd, stdout_path):
    rss_file = None
    if os.access(GNU_TIME, os.X_OK):
        fd, rss_file = tempfile.mkstemp(prefix="measure-")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file, *cmd]
    with open(stdout_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        # Read stderr only after the child ends would risk a full pipe; commands here
        # print little on stderr, but drain it the safe way all the same.
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
        sys.exit(f"measure.py: {' '.join(cmd)} exited with {proc.returncode}")
    # Both report KiB on Linux.
    if rss_file is None:
        return wall, usage.ru_maxrss / 1024, "*"
    with open(rss_file) as f:
        kib = int(f.read().split()[-1])
    os.unlink(rss_file)
    return wall, kib / 1024, ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("--clear", default=None)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        sys.exit("usage: measure.py [--runs R] [--stdout FILE] [--clear DIR] -- COMMAND [ARGS...]")

    def run():
        if args.clear:
            shutil.rmtree(args.clear, ignore_errors=True)
        return once(cmd, args.stdout)

    best = min((run() for _ in range(max(args.runs, 1))), key=lambda r: r[0])
    print(f"{best[0]:.3f} {best[1]:.1f}{best[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
