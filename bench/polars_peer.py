#!/usr/bin/env python3
"""polars peer of `revcap compare` for the benchmark (bench/README.md).

    polars_peer.py FILE --cap 25B --cap 38B --cap 50B [--rate 0.20] [--out OUT.csv]
                   [--engine auto|in-memory|streaming] [--timings]

The same computation, scope and output columns as bench/reference.py (the pandas peer;
read its docstring for the rule), written as one lazy polars query the way an analyst
who knows polars would: a typed `scan_csv`, the month parsed once per row, a sort by
(scenario, month), `cum_sum().over("scenario")`, per-scenario sums in a `group_by`,
and for every cap the first crossing — a `join_where` with the caps on
prev < cap ≤ cum (one row per scenario and cap where payments are positive), its
earliest month taken per (scenario, cap) with `arg_min` all the same. float64
throughout. The checks reference.py makes (monthly periods only, none after 2030-12,
no repeated or missing month) are part of the query and refuse the file before
anything is written.
"""

import sys

import polars as pl

from peer_common import COLUMNS, LAST_MONTH, Phases, caps_from, parser


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--engine", default="auto", choices=["auto", "in-memory", "streaming"])
    args = ap.parse_args()
    phase = Phases(args.timings)
    rate = float(args.rate)
    caps = caps_from(args.cap)
    cap_frame = pl.LazyFrame(
        {
            "variant": [v for v, _ in caps],
            "cap_text": [t for _, t in caps],
            "cap": [float(t) for _, t in caps],
        },
        schema={"variant": pl.String, "cap_text": pl.String, "cap": pl.Float64},
    )

    rows = (
        pl.scan_csv(
            args.file,
            schema_overrides={"scenario": pl.String, "period": pl.String, "revenue": pl.Float64},
        )
        .select("scenario", "period", "revenue")
        # "2027-03" → 2027-03-01; strict: anything else is an error, not a null.
        .with_columns(start=(pl.col("period") + "-01").str.to_date("%Y-%m-%d", strict=True))
        .with_columns(
            month=pl.col("start").dt.year() * 12 + pl.col("start").dt.month() - 1,
            days=pl.col("start").dt.days_in_month(),
        )
        .sort("scenario", "month")
        .with_columns(payment=pl.col("revenue") * rate)
        .with_columns(cum=pl.col("payment").cum_sum().over("scenario"))
        .with_columns(prev=pl.col("cum").shift(1, fill_value=0.0).over("scenario"))
    )

    per = rows.group_by("scenario").agg(
        eligible_revenue=pl.col("revenue").sum(),
        uncapped_total=pl.col("payment").sum(),
        # Sorted by month within the scenario: any step other than 1 is a gap or a repeat.
        steps_ok=(pl.col("month").diff().fill_null(1) == 1).all(),
        last_month=pl.col("month").max(),
    )

    crossings = (
        rows.filter(pl.col("payment") > 0)
        .join_where(cap_frame, pl.col("prev") < pl.col("cap"), pl.col("cum") >= pl.col("cap"))
        .group_by("scenario", "variant")
        .agg(
            pl.col("period", "start", "days", "prev", "payment", "cap")
            .get(pl.col("month").arg_min())
        )
        .with_columns(
            k=((pl.col("cap") - pl.col("prev")) * pl.col("days") / pl.col("payment"))
            .ceil()
            .clip(1, pl.col("days"))
            .cast(pl.Int64)
        )
        .select(
            "scenario",
            "variant",
            binding_period=pl.col("period"),
            binding_date=(pl.col("start") + pl.duration(days=pl.col("k") - 1)).dt.strftime(
                "%Y-%m-%d"
            ),
        )
    )

    result = (
        per.join(cap_frame, how="cross")
        .join(crossings, on=["scenario", "variant"], how="left")
        .with_columns(total_paid=pl.min_horizontal("uncapped_total", "cap"))
        .with_columns(
            foregone=pl.col("uncapped_total") - pl.col("total_paid"),
            cap_binds=pl.when(pl.col("binding_date").is_not_null())
            .then(pl.lit("true"))
            .otherwise(pl.lit("false")),
            effective_rate=pl.col("total_paid") / pl.col("eligible_revenue"),
            present_value=pl.lit(None, pl.String),
        )
        .drop("cap")
        .rename({"cap_text": "cap"})
        .select(*COLUMNS, "steps_ok", "last_month")
    )

    try:
        out = result.collect(engine=args.engine)
    except pl.exceptions.PolarsError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        sys.exit(f"polars_peer.py: {args.file}: {first}")
    phase("query (collect)")
    if not out["steps_ok"].all():
        sys.exit("polars_peer.py: a scenario repeats a month or has a gap; not supported")
    if out.height and out["last_month"].max() > LAST_MONTH:
        sys.exit("polars_peer.py: periods after 2030-12 would be prorated; not supported")
    out = out.drop("steps_ok", "last_month")
    out.write_csv(sys.stdout if args.out == "-" else args.out)
    phase("write_csv")
    phase.total()
    return 0


if __name__ == "__main__":
    sys.exit(main())
