#!/usr/bin/env python3
"""DuckDB peer of `revcap compare` for the benchmark (bench/README.md).

    duckdb_peer.py FILE --cap 25B --cap 38B --cap 50B [--rate 0.20] [--out OUT.csv]
                   [--decimal] [--timings]

The same computation, scope and output columns as bench/reference.py (the pandas peer;
read its docstring for the rule), written as the SQL an analyst who knows DuckDB would
write: a typed `read_csv`, the month parsed once per row, a window `SUM(payment) OVER
(PARTITION BY scenario ORDER BY month)`, per-scenario sums, and for every cap the first
crossing — a join of the windowed rows with the caps on cum ≥ cap and `arg_min(…,
month)` per (scenario, cap) — then every (scenario, cap) pair with its crossing, if any.

Money is DOUBLE by default. With `--decimal` it is DECIMAL(38,12): revenue is read
exactly, payment = revenue × rate is rounded to 12 places (exact for the bench data:
cents × 0.20), and every sum, the cap comparison and `total_paid` are exact; so is the
binding day, taken from a DOUBLE estimate of ceil(remaining × days / payment) then
corrected by exact multiplications (the smallest k ≥ 1 with payment × k ≥ remaining ×
days, as revcap does). Only `effective_rate` stays a DOUBLE (DuckDB divides DECIMALs
in DOUBLE, and 28 significant digits would not fit in 38 anyway).

The checks reference.py makes (monthly periods only, none after 2030-12, no repeated or
missing month) are part of the query and refuse the file before anything is written.
"""

import decimal
import sys

import duckdb

from peer_common import COLUMNS, LAST_MONTH, Phases, caps_from, parser

MONEY = {False: "DOUBLE", True: "DECIMAL(38,12)"}


def binding_day(decimal_money: bool) -> str:
    """SQL for the binding day k of the crossing row (columns prev, payment, days, cap)."""
    estimate = "LEAST(GREATEST(CEIL((cap - prev) * days / payment), 1), days)::BIGINT"
    if not decimal_money:
        return estimate
    # The estimate is within one day of k (a DOUBLE quotient of at most 31), so one exact
    # step either way finds the smallest k ≥ 1 with payment × k ≥ (cap − prev) × days.
    target = "((cap - prev) * days)"
    return f"""CASE
        WHEN k0 > 1 AND payment * (k0 - 1) >= {target} THEN k0 - 1
        WHEN k0 < days AND payment * k0 < {target} THEN k0 + 1
        ELSE k0 END""".replace("k0", f"({estimate})")


def query(money: str, rate: str, caps: list[tuple[str, str]], decimal_money: bool) -> str:
    cap_rows = ", ".join(
        f"({i}, '{v.replace(chr(39), chr(39) * 2)}', '{t}', CAST('{t}' AS {money}))"
        for i, (v, t) in enumerate(caps)
    )
    return f"""
CREATE TEMP TABLE caps (i INTEGER, variant VARCHAR, cap_text VARCHAR, cap {money});
INSERT INTO caps VALUES {cap_rows};

CREATE TEMP TABLE result AS
WITH rows AS (
    SELECT scenario, period, revenue, CAST(period || '-01' AS DATE) AS start
    FROM read_csv(getvariable('file'), header = true,
                  columns = {{'scenario': 'VARCHAR', 'period': 'VARCHAR', 'revenue': '{money}'}})
),
windowed AS MATERIALIZED (
    SELECT scenario, period, start, revenue, payment,
           year(start) * 12 + month(start) - 1 AS month,
           day(last_day(start)) AS days,
           SUM(payment) OVER w AS cum,
           (year(start) * 12 + month(start)) - lag(year(start) * 12 + month(start)) OVER w AS step
    FROM (SELECT *, CAST(revenue * {rate} AS {money}) AS payment FROM rows)
    WINDOW w AS (PARTITION BY scenario ORDER BY start
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
per AS (
    SELECT scenario,
           SUM(revenue) AS eligible_revenue,
           SUM(payment) AS uncapped_total,
           bool_and(coalesce(step, 1) = 1) AS steps_ok,
           max(month) AS last_month
    FROM windowed GROUP BY scenario
),
crossing AS (
    SELECT w.scenario, c.i,
           arg_min({{'period': w.period, 'start': w.start, 'days': w.days,
                     'prev': w.cum - w.payment, 'payment': w.payment}}, w.month) AS b
    FROM windowed w JOIN caps c ON w.cum >= c.cap
    WHERE w.payment > 0
    GROUP BY w.scenario, c.i
),
bound AS (
    SELECT scenario, i, b.period AS binding_period, b.start AS start,
           {binding_day(decimal_money)} AS k
    FROM (SELECT scenario, i, b, b.prev AS prev, b.payment AS payment, b.days AS days,
                 c.cap AS cap
          FROM crossing JOIN caps c USING (i))
)
SELECT p.scenario, c.variant, c.cap_text AS cap, p.eligible_revenue, p.uncapped_total,
       LEAST(p.uncapped_total, c.cap) AS total_paid,
       p.uncapped_total - LEAST(p.uncapped_total, c.cap) AS foregone,
       CASE WHEN b.k IS NULL THEN 'false' ELSE 'true' END AS cap_binds,
       b.binding_period,
       strftime(b.start + CAST(b.k - 1 AS INTEGER), '%Y-%m-%d') AS binding_date,
       CAST(LEAST(p.uncapped_total, c.cap) AS DOUBLE)
           / CAST(p.eligible_revenue AS DOUBLE) AS effective_rate,
       NULL::VARCHAR AS present_value,
       p.steps_ok, p.last_month
FROM per p CROSS JOIN caps c LEFT JOIN bound b ON b.scenario = p.scenario AND b.i = c.i;
"""


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--decimal", action="store_true", help="DECIMAL(38,12) money, not DOUBLE")
    args = ap.parse_args()
    phase = Phases(args.timings)
    try:
        rate = str(decimal.Decimal(args.rate))
    except decimal.InvalidOperation:
        sys.exit(f"duckdb_peer.py: --rate {args.rate!r} is not a number")
    money = MONEY[args.decimal]
    con = duckdb.connect()
    con.execute("SET VARIABLE file = ?", [args.file])
    try:
        con.execute(query(money, rate, caps_from(args.cap), args.decimal))
        phase("query")
        ok, last = con.execute("SELECT bool_and(steps_ok), max(last_month) FROM result").fetchone()
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        sys.exit(f"duckdb_peer.py: {args.file}: {first}")
    if ok is False:
        sys.exit("duckdb_peer.py: a scenario repeats a month or has a gap; not supported")
    if last is not None and last > LAST_MONTH:
        sys.exit("duckdb_peer.py: periods after 2030-12 would be prorated; not supported")
    out = "/dev/stdout" if args.out == "-" else args.out
    sys.stdout.flush()
    con.execute(
        f"COPY (SELECT {', '.join(COLUMNS)} FROM result) TO '{out.replace(chr(39), chr(39) * 2)}'"
        " (HEADER, DELIMITER ',')"
    )
    phase("COPY TO csv")
    phase.total()
    return 0


if __name__ == "__main__":
    sys.exit(main())
