#!/usr/bin/env python3
"""Writes a scenario file on which float64 gets the binding day wrong (bench/README.md).

    exact_days.py OUT.csv [--seed S]

Every scenario reaches the 38B cap in February 2026 exactly at the end of a day: with
p the January payment, P the February payment and k a day of February (28 days),
38B − p = k × P / 28 exactly, so the binding day is k itself (the cumulative payment
reaches the cap on day k, not after it). In float64, (cap − prev) × days / payment
sometimes comes out a hair above k, and ceil() then gives k + 1. revcap (exact
decimals) and DuckDB with DECIMAL(38,12) money answer k for every scenario; each
float64 peer is a day late for some (with the default seed: pandas and polars 89 of
1,120, DuckDB in DOUBLE 241, its windowed sums being rounded differently). Revenue has 3 decimal places (payment = revenue × 0.20 then has 4 at most: exact
in revcap and in DECIMAL(38,12)); 60 months per scenario, so nothing is prorated.

    bench/exact_days.py bench/data/exact-days.csv
    target/release/revcap compare bench/data/exact-days.csv --cap 38B --format csv \\
        --no-files > /tmp/a.csv
    bench/.venv/bin/python bench/duckdb_peer.py bench/data/exact-days.csv --cap 38B \\
        --decimal > /tmp/b.csv
    bench/check.py /tmp/a.csv /tmp/b.csv --exact --rel 1e-15      # OK
    (the same with polars_peer.py, duckdb_peer.py or reference.py: binding_date MISMATCH)

Standard library only.
"""

import argparse
import random
from decimal import Decimal

CAP = Decimal("38000000000")
FEB_DAYS = 28  # February 2026


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-day", type=int, default=40, help="scenarios per binding day [40]")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    months = [f"{y}-{m:02d}" for y in range(2026, 2031) for m in range(1, 13)]
    lines = ["scenario,period,revenue"]
    n = 0
    for k in range(1, FEB_DAYS + 1):
        for _ in range(args.per_day):
            # v: February's payment per day, 3 decimals, small enough that January's
            # payment p = CAP − k × v stays positive.
            v = Decimal(rng.randint(10**6, int(CAP * 1000) // (k + 1))) / 1000
            p = CAP - k * v
            feb = FEB_DAYS * v
            # revenue = payment / 0.20 = 5 × payment: exact, 3 decimals at most.
            revenue = [p * 5] + [feb * 5] * (len(months) - 1)
            lines += [f"e{n},{m},{r}" for m, r in zip(months, revenue)]
            n += 1
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"exact_days.py: wrote {n} scenarios × {len(months)} months to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
