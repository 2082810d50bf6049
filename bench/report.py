#!/usr/bin/env python3
"""Prints bench/run.sh's tables (bench/README.md) from the figures it recorded.

    report.py RESULTS.tsv [SCALE.tsv]

RESULTS.tsv (one run on one file): `#input SIZE ROWS`, then `LABEL WALL RSS FILES` per
measurement (RSS in MB, flagged `*` when it came from ru_maxrss; FILES the bytes the
command wrote into its output folder), `out LABEL BYTES` for the sweeps' stdout, and
`paired LABEL MEDIAN MIN MAX PAIRS WALL_A WALL_B` for two commands run in turn
(bench/paired.py): `revcap compare / parse floor`, and `growth SMALL BIG` (rows) for
compare csv at the two largest sizes. A goal stated as a ratio is judged on the pairs'
median when there is one.
SCALE.tsv: `ROWS SIZE LABEL WALL RSS FILES`, or `ROWS SIZE LABEL skipped WHY`.
Tab-separated. Standard library only.
"""

import sys

TOOLS = ["revcap compare", "pandas", "polars", "duckdb f64", "duckdb decimal", "parse floor"]
MODES = ["revcap compare", "revcap run csv", "revcap run json", "revcap run default",
         "revcap compare default"]
MODE_TEXT = {
    "revcap compare": "`compare FILE --cap 25B --cap 38B --cap 50B --format csv --no-files`",
    "revcap run csv": "`run FILE --format csv --output TMP`",
    "revcap run json": "`run FILE --format json --output TMP`",
    "revcap run default": "`run FILE --output TMP` (table)",
    "revcap compare default": "`compare FILE --cap 25B --cap 38B --cap 50B --output TMP` (table)",
    "revcap compare csv": "`compare FILE --cap 25B --cap 38B --cap 50B --format csv --no-files`",
}
SHORT = {
    "revcap compare csv": "compare csv", "revcap run csv": "run csv",
    "revcap run json": "run json", "revcap run default": "run (table)",
    "revcap compare default": "compare (table)",
}


def num(text: str) -> float:
    return float(text.rstrip("*"))


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    r, out, paired = {}, {}, {}
    size = rows = 0
    for line in open(sys.argv[1]):
        f = line.rstrip("\n").split("\t")
        if f[0] == "#input":
            size, rows = int(f[1]), int(f[2])
        elif f[0] == "paired":
            median, lo, hi, n, a, b = f[2:8]
            paired[f[1]] = (float(median), float(lo), float(hi), int(n), float(a), float(b))
        elif f[0] == "out":
            out[f[1]] = int(f[2])
        else:
            r[f[0]] = (num(f[1]), num(f[2]), int(f[3]), f[2].endswith("*"))
    mb = 2**20
    print(f"input: {rows:,} rows, {size / 1e6:.1f} MB (wall s, peak RSS in MiB, best of the runs)")
    if any(v[3] for v in r.values()):
        print("(* peak RSS from ru_maxrss: includes the measuring Python's ~10 MB)")
    rc, floor = r["revcap compare"][0], r["parse floor"][0]

    print()
    print("| tool | wall s | peak RSS MB | RSS / input | rows/s | × revcap | × parse floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in TOOLS:
        if label in r:
            wall, rss, _, star = r[label]
            print(f"| {label} | {wall:.2f} | {rss:.0f}{'*' if star else ''} | "
                  f"{rss * mb / size:.2f} | {rows / wall / 1e6:.2f}M | {wall / rc:.2f} | "
                  f"{wall / floor:.2f} |")

    print()
    print("| revcap mode | wall s | peak RSS MB | RSS / input | files MB | × compare csv |")
    print("|---|---:|---:|---:|---:|---:|")
    for label in MODES:
        if label in r:
            wall, rss, files, star = r[label]
            print(f"| {MODE_TEXT[label]} | {wall:.2f} | {rss:.0f}{'*' if star else ''} | "
                  f"{rss * mb / size:.2f} | {files / 1e6:.0f} | {wall / rc:.2f} |")

    print()
    print("| sweep (scenarios/, 4 scenarios) | wall s | peak RSS MB | output MB |")
    print("|---|---:|---:|---:|")
    for label, what, bytes_ in [
        ("sweep 1k caps", "1,000 caps, csv on stdout", out.get("sweep 1k caps", 0)),
        ("sweep 100k caps", "100,000 caps, csv on stdout", out.get("sweep 100k caps", 0)),
        ("sweep 100k caps, table+files", "100,000 caps, table and files", None),
    ]:
        if label in r:
            wall, rss, files, _ = r[label]
            shown = files if bytes_ is None else bytes_
            print(f"| {what} | {wall:.3f} | {rss:.0f} | {shown / 1e6:.1f} |")

    print()
    print("targets (bench/README.md):")
    fastest = min((r[p][0], p) for p in ["polars", "duckdb f64"] if p in r)
    x = fastest[0] / rc
    print(f"  revcap compare >= 3x faster than the fastest float peer ({fastest[1]}): "
          f"{x:.2f}x  {verdict(x >= 3)}")
    x = rc / floor
    p = paired.get("revcap compare / parse floor")
    if p:
        print(f"  revcap compare within 2.5x of the parse floor: {p[0]:.2f}x in pairs "
              f"(median of {p[3]}, {p[1]:.2f} to {p[2]:.2f}; best-of ratio {x:.2f}x)  "
              f"{verdict(p[0] <= 2.5)}")
    else:
        print(f"  revcap compare within 2.5x of the parse floor: {x:.2f}x  {verdict(x <= 2.5)}")
    for label in MODES:
        if label in r:
            x = r[label][1] * mb / size
            print(f"  {label}: peak RSS <= input size: {x:.2f}x  {verdict(x <= 1)}")
    for label in ["sweep 100k caps", "sweep 100k caps, table+files"]:
        if label in r:
            print(f"  {label}: peak RSS < 200 MB: {r[label][1]:.0f} MB  "
                  f"{verdict(r[label][1] < 200)}")
    if "pandas" in r:
        x = r["pandas"][0] / rc
        print(f"  (earlier goal) revcap >= 5x faster than pandas: {x:.2f}x  {verdict(x >= 5)}")

    if len(sys.argv) > 2:
        scale(sys.argv[2], paired)
    return 0


def scale(path: str, paired: dict) -> None:
    sizes, cells = {}, {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        n, size, label = int(f[0]), int(f[1]), f[2]
        sizes[n] = size
        cells[n, label] = None if f[3] == "skipped" else (num(f[3]), num(f[4]))
    if not sizes:
        return
    labels = ["revcap compare csv"] + MODES[1:]
    print()
    print("scaling (wall s / peak RSS MB; `—`: skipped, see above):")
    print()
    print("| rows | input MB | " + " | ".join(SHORT[l] for l in labels) + " |")
    print("|---:|---:|" + "---:|" * len(labels))
    for n in sorted(sizes):
        row = []
        for label in labels:
            c = cells.get((n, label))
            row.append("—" if c is None else f"{c[0]:.2f} / {c[1]:.0f}")
        print(f"| {n:,} | {sizes[n] / 1e6:.0f} | " + " | ".join(row) + " |")
    ns = sorted(sizes)
    if len(ns) >= 2:
        big, small = ns[-1], ns[-2]
        print()
        print(f"growth from {small:,} to {big:,} rows ({big / small:.1f}x the rows), "
              "target: time within 12x, peak RSS within 1.2x (for 6M → 60M):")
        p = paired.get(f"growth {small} {big}")
        for label in labels:
            a, b = cells.get((small, label)), cells.get((big, label))
            if a and b:
                t, m = b[0] / a[0], b[1] / a[1]
                if label == "revcap compare csv" and p:
                    print(f"  {label}: time {p[0]:.2f}x in pairs (median of {p[3]}, "
                          f"{p[1]:.2f} to {p[2]:.2f}; best-of ratio {t:.2f}x), "
                          f"peak RSS {m:.2f}x  {verdict(p[0] <= 12 and m <= 1.2)}")
                else:
                    print(f"  {label}: time {t:.2f}x, peak RSS {m:.2f}x  "
                          f"{verdict(t <= 12 and m <= 1.2)}")


if __name__ == "__main__":
    sys.exit(main())
