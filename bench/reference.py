#!/usr/bin/env python3
"""pandas reference of `revcap compare` for the benchmark (bench/README.md).

    reference.py FILE --cap 25B --cap 38B --cap 50B [--rate 0.20] [--out OUT.csv]

Reads a long scenario file (scenario,period,revenue) of monthly periods and writes
what `revcap compare FILE --cap ... --format csv --no-files` writes, computed the
way an analyst would in pandas: float64, vectorized groupby/cumsum, no Python loop
over rows or scenarios.

Scope (what keeps it apples to apples): the terms are revcap's defaults but for the
caps, i.e. rate 0.20, `from` = each scenario's first period, through 2030-12-31,
nothing already paid, no rate steps, no discount rate. Every period must be a whole
month inside the term, so nothing is prorated: the script checks this and refuses
anything else. Then, per (scenario, cap):

    uncapped_total = sum(revenue × rate), total_paid = min(uncapped_total, cap)
    the cap binds in the first month whose cumulative uncapped payment reaches it,
    on day k = ceil(remaining × days / payment) of that month (clipped to 1..days),
    where remaining = cap − cumulative payment before the month;
    effective_rate = total_paid / eligible revenue.
"""

import argparse
import sys
import time

import numpy as np
import pandas as pd

SUFFIX = {"K": 3, "M": 6, "B": 9, "T": 12}
COLUMNS = [
    "scenario", "variant", "cap", "eligible_revenue", "uncapped_total", "total_paid",
    "foregone", "cap_binds", "binding_period", "binding_date", "effective_rate",
    "present_value",
]
THROUGH = pd.Timestamp("2030-12-31")


def parse_cap(raw: str) -> float:
    s = raw.strip().lstrip("$").replace(",", "")
    exp = SUFFIX.get(s[-1:].upper())
    return float(s[:-1]) * 10**exp if exp is not None else float(s)


def cap_text(cap: float) -> str:
    return str(int(cap)) if cap.is_integer() else repr(cap)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--cap", action="append", required=True)
    ap.add_argument("--rate", type=float, default=0.20)
    ap.add_argument("--out", default="-")
    ap.add_argument("--timings", action="store_true", help="print phase times to stderr")
    args = ap.parse_args()
    t0 = last = time.perf_counter()

    def phase(name):
        nonlocal last
        if args.timings:
            now = time.perf_counter()
            print(f"{name:<22} {now - last:7.3f} s", file=sys.stderr)
            last = now

    # Two categorical columns: 60 distinct periods, N distinct scenarios.
    df = pd.read_csv(
        args.file,
        dtype={"scenario": "category", "period": "category", "revenue": "float64"},
        usecols=["scenario", "period", "revenue"],
    )
    phase("read_csv")

    # Periods: parse the few distinct labels once, then map through the codes.
    labels = df["period"].cat.categories
    starts = pd.to_datetime(pd.Series(labels), format="%Y-%m", errors="coerce")
    if starts.isna().any():
        bad = list(labels[starts.isna().to_numpy()][:3])
        sys.exit(f"reference.py: only monthly periods YYYY-MM are supported, got {bad}")
    if (starts + pd.offsets.MonthEnd(0)).max() > THROUGH:
        sys.exit("reference.py: periods after 2030-12 would be prorated; not supported")
    codes = df["period"].cat.codes.to_numpy()
    df["month"] = (starts.dt.year * 12 + starts.dt.month - 1).to_numpy()[codes]
    df["start"] = starts.to_numpy()[codes]
    df["days"] = starts.dt.days_in_month.to_numpy()[codes]

    phase("periods")
    df = df.sort_values(["scenario", "month"], kind="stable", ignore_index=True)
    g = df.groupby("scenario", observed=True, sort=False)
    if (g["month"].diff().fillna(1) != 1).any():
        sys.exit("reference.py: a scenario repeats a month or has a gap; not supported")

    df["payment"] = df["revenue"] * args.rate
    df["cum"] = g["payment"].cumsum()
    df["prev"] = g["cum"].shift(1, fill_value=0.0)

    phase("sort, check, cumsum")
    per = g.agg(eligible_revenue=("revenue", "sum"), uncapped_total=("payment", "sum"))
    cum, prev, pay = df["cum"].to_numpy(), df["prev"].to_numpy(), df["payment"].to_numpy()

    parts = []
    for raw in args.cap:
        cap = parse_cap(raw)
        hit = (prev < cap) & (cum >= cap) & (pay > 0)
        b = df.loc[hit, ["scenario", "period", "start", "days", "prev", "payment"]]
        k = np.ceil((cap - b["prev"]) * b["days"] / b["payment"]).clip(1, b["days"])
        binding = pd.DataFrame(
            {
                "binding_period": b["period"].astype(str).to_numpy(),
                "binding_date": (b["start"] + pd.to_timedelta(k - 1, unit="D"))
                .dt.strftime("%Y-%m-%d")
                .to_numpy(),
            },
            index=b["scenario"].to_numpy(),
        )
        out = per.copy()
        out["total_paid"] = np.minimum(out["uncapped_total"], cap)
        out["foregone"] = out["uncapped_total"] - out["total_paid"]
        out = out.join(binding)
        out["cap_binds"] = np.where(out["binding_date"].notna(), "true", "false")
        out["effective_rate"] = out["total_paid"] / out["eligible_revenue"]
        out["variant"] = raw.strip()
        out["cap"] = cap_text(cap)
        out["present_value"] = ""
        parts.append(out.rename_axis("scenario").reset_index())

    phase("per-cap summaries")
    result = pd.concat(parts, ignore_index=True)[COLUMNS]
    result.to_csv(sys.stdout if args.out == "-" else args.out, index=False)
    phase("to_csv")
    if args.timings:
        print(f"{'total':<22} {time.perf_counter() - t0:7.3f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
