"""The numpy peer of bench/montecarlo.sh: the same Monte Carlo as `revcap run --paths`
(docs/montecarlo.md), in float64, vectorized, summarized like distribution.csv and
binding_probability.csv.

    montecarlo_numpy.py BASE.csv PATHS SIGMA [CAP] [RATE]

BASE.csv is `period,revenue` with monthly periods YYYY-MM. Each path multiplies the
base by exp(W(t)), W a Brownian motion with annual volatility SIGMA started at 0 on
the first day, t the period end in days / 365. Payments are RATE × revenue, their
cumulative sum is searched for the CAP (`searchsorted` on every row at once: the
count of cumulative sums below the cap), the binding day is interpolated inside its
month as revenue is spread evenly over its days, and each metric's percentiles are
`np.quantile(method="inverted_cdf")`, nearest rank as in revcap. Not exact: floats,
its own generator (PCG64), and the day rounded down; it is the speed reference.
"""
import calendar
import datetime as dt
import sys

import numpy as np


def main():
    path, paths, sigma = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    cap = float(sys.argv[4]) if len(sys.argv) > 4 else 38e9
    rate = float(sys.argv[5]) if len(sys.argv) > 5 else 0.20
    periods, base = [], []
    with open(path) as f:
        next(f)
        for line in f:
            p, r = line.strip().split(",")[:2]
            periods.append(p)
            base.append(float(r))
    base = np.array(base)
    starts = [dt.date(int(p[:4]), int(p[5:7]), 1) for p in periods]
    days_in = np.array([calendar.monthrange(d.year, d.month)[1] for d in starts])
    start = starts[0]
    ends = np.array([(d - start).days for d in starts]) + days_in  # day after each end
    t = ends / 365.0
    dt_ = np.diff(np.concatenate([[0.0], t]))
    rng = np.random.default_rng(1)
    w = np.cumsum(rng.standard_normal((paths, len(base))) * (sigma * np.sqrt(dt_)), axis=1)
    revenue = base * np.exp(w)
    del w
    pay = rate * revenue
    cum = np.cumsum(pay, axis=1)
    # searchsorted(row, cap) on every row at once: rows are increasing.
    idx = (cum < cap).sum(axis=1)
    bound = idx < len(base)
    j = np.minimum(idx, len(base) - 1)
    rows = np.arange(paths)
    before = np.where(j > 0, cum[rows, np.maximum(j - 1, 0)], 0.0)
    frac = (cap - before) / pay[rows, j]
    first_day = ends[j] - days_in[j]
    day = np.where(bound, first_day + np.ceil(frac * days_in[j]) - 1, np.inf)
    uncapped = cum[:, -1]
    total_paid = np.minimum(uncapped, cap)
    metrics = {
        "total_paid": total_paid,
        "foregone": uncapped - total_paid,
        "uncapped_total": uncapped,
        "eligible_revenue": revenue.sum(axis=1),
        "binding_day": day,
    }
    qs = [0, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 1.0]
    print("metric,mean," + ",".join(f"q{q}" for q in qs))
    for name, v in metrics.items():
        q = np.quantile(v, qs, method="inverted_cdf")
        mean = v[np.isfinite(v)].mean()
        print(name + f",{mean:.2f}," + ",".join(f"{x:.2f}" for x in q))
    for y in range(start.year, start.year + (len(base) + 11) // 12):
        ye = (dt.date(y, 12, 31) - start).days
        print(f"P(bound by {y}-12-31),{np.mean(day <= ye):.6f}")


if __name__ == "__main__":
    main()
