#!/usr/bin/env python3
"""Checks a peer's compare CSV against revcap's (bench/README.md).

    check.py REVCAP.csv PEER.csv [--peer NAME] [--rel R] [--exact]

Rows are matched on (scenario, variant); both files must hold the same set. Per row:
cap, eligible_revenue, uncapped_total, total_paid and effective_rate within a relative
R (default 1e-9) of each other; cap_binds, binding_period and binding_date equal.
foregone is left out of the float comparison: it is a difference of two nearly equal
amounts when the cap barely binds, so a float peer's relative error there is not its
accuracy.

--exact (for a peer with exact decimal money, DuckDB's DECIMAL(38,12)): cap,
eligible_revenue, uncapped_total, total_paid and foregone must be equal as decimal
numbers (25000000000 = 25000000000.000000000000); effective_rate, which such a peer
still divides in float64, within R.

Standard library only, so it runs without the virtualenv. Exit 0 when everything
agrees, 1 otherwise (listing the first mismatches).
"""

import argparse
import csv
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation

FLOAT = ["cap", "eligible_revenue", "uncapped_total", "total_paid", "effective_rate"]
MONEY = ["cap", "eligible_revenue", "uncapped_total", "total_paid", "foregone"]
SAME = ["cap_binds", "binding_period", "binding_date"]


def read(path):
    with open(path, newline="") as f:
        rows = {}
        for r in csv.DictReader(f):
            key = (r["scenario"], r["variant"])
            if key in rows:
                sys.exit(f"check.py: {path}: {key} appears twice")
            rows[key] = r
        return rows


def close(a: str, b: str, rel: float) -> bool:
    if a == "" or b == "":
        return a == b
    x, y = float(a), float(b)
    return abs(x - y) <= rel * max(abs(x), abs(y), 1e-300)


def equal(a: str, b: str) -> bool:
    if a == "" or b == "":
        return a == b
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("revcap")
    ap.add_argument("peer")
    ap.add_argument("--peer", dest="name", default="peer", help="the peer's name in messages")
    ap.add_argument("--rel", type=float, default=1e-9, help="relative tolerance [1e-9]")
    ap.add_argument("--exact", action="store_true", help="money columns equal as decimals")
    args = ap.parse_args()
    name = args.name
    ours, ref = read(args.revcap), read(args.peer)
    problems = []
    for key in sorted(ours.keys() - ref.keys())[:5]:
        problems.append(f"{key}: only in {args.revcap}")
    for key in sorted(ref.keys() - ours.keys())[:5]:
        problems.append(f"{key}: only in {args.peer}")
    exact = MONEY if args.exact else []
    approx = [c for c in FLOAT if c not in exact]
    worst = 0.0
    binds = 0
    bad = Counter()  # per-row problems by column
    for key in ours.keys() & ref.keys():
        a, b = ours[key], ref[key]
        binds += a["cap_binds"] == "true"
        for col in exact:
            if not equal(a[col], b[col]):
                bad[col] += 1
                problems.append(f"{key} {col}: revcap {a[col]} vs {name} {b[col]} (not equal)")
        for col in approx:
            if not close(a[col], b[col], args.rel):
                bad[col] += 1
                problems.append(f"{key} {col}: revcap {a[col]} vs {name} {b[col]}")
            elif a[col] and float(a[col]):
                worst = max(worst, abs(float(a[col]) - float(b[col])) / abs(float(a[col])))
        for col in SAME:
            if a[col] != b[col]:
                bad[col] += 1
                problems.append(f"{key} {col}: revcap {a[col]!r} vs {name} {b[col]!r}")
    n = len(ours.keys() & ref.keys())
    if problems:
        by_col = ", ".join(f"{c} {k}" for c, k in sorted(bad.items()))
        print(
            f"check {name}: MISMATCH, {len(problems)} problem(s) over {n} rows"
            f"{f' ({by_col})' if by_col else ''}; first ones:"
        )
        for p in problems[:20]:
            print("  " + p)
        return 1
    what = f"{', '.join(exact)} equal; " if exact else ""
    print(
        f"check {name}: OK, {n} rows agree ({binds} with the cap binding); {what}"
        f"largest relative difference of {', '.join(approx)} {worst:.2e} "
        f"(tolerance {args.rel:g}); {', '.join(SAME)} identical"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
