#!/usr/bin/env python3
"""Checks revcap's compare CSV against the pandas reference's (bench/README.md).

    check.py REVCAP.csv PANDAS.csv

Rows are matched on (scenario, variant); both files must hold the same set. Per row:
total_paid (and eligible_revenue, uncapped_total, foregone's complement, effective
rate) within a relative 1e-9 of each other; cap_binds, binding_period and
binding_date equal. Standard library only, so it runs without the virtualenv.
Exit 0 when everything agrees, 1 otherwise (listing the first mismatches).
"""

import csv
import sys

REL = 1e-9
NUMERIC = ["cap", "eligible_revenue", "uncapped_total", "total_paid", "effective_rate"]
EXACT = ["cap_binds", "binding_period", "binding_date"]


def read(path):
    with open(path, newline="") as f:
        rows = {}
        for r in csv.DictReader(f):
            key = (r["scenario"], r["variant"])
            if key in rows:
                sys.exit(f"check.py: {path}: {key} appears twice")
            rows[key] = r
        return rows


def close(a: str, b: str) -> bool:
    if a == "" or b == "":
        return a == b
    x, y = float(a), float(b)
    return abs(x - y) <= REL * max(abs(x), abs(y), 1e-300)


def main() -> int:
    if len(sys.argv) != 3:
        sys.exit("usage: check.py REVCAP.csv PANDAS.csv")
    ours, ref = read(sys.argv[1]), read(sys.argv[2])
    problems = []
    for key in sorted(ours.keys() - ref.keys())[:5]:
        problems.append(f"{key}: only in {sys.argv[1]}")
    for key in sorted(ref.keys() - ours.keys())[:5]:
        problems.append(f"{key}: only in {sys.argv[2]}")
    worst = 0.0
    binds = 0
    for key in ours.keys() & ref.keys():
        a, b = ours[key], ref[key]
        binds += a["cap_binds"] == "true"
        for col in NUMERIC:
            if not close(a[col], b[col]):
                problems.append(f"{key} {col}: revcap {a[col]} vs pandas {b[col]}")
            elif a[col] and float(a[col]):
                worst = max(worst, abs(float(a[col]) - float(b[col])) / abs(float(a[col])))
        for col in EXACT:
            if a[col] != b[col]:
                problems.append(f"{key} {col}: revcap {a[col]!r} vs pandas {b[col]!r}")
    n = len(ours.keys() & ref.keys())
    if problems:
        print(f"check: MISMATCH, {len(problems)} problem(s) over {n} rows; first ones:")
        for p in problems[:20]:
            print("  " + p)
        return 1
    print(
        f"check: OK, {n} rows agree ({binds} with the cap binding); "
        f"largest relative difference {worst:.2e} (tolerance {REL:g}); "
        "cap_binds, binding_period and binding_date identical"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
