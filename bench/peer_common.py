"""What the polars and DuckDB peers share (bench/README.md): the command line, the caps,
the output columns and the phase timer. Standard library only, so importing it costs a
peer nothing it would not load anyway.

The computation every peer reproduces is the one bench/reference.py documents (the
pandas peer, left as it was so that earlier figures stay comparable): rate 0.20, `from`
= each scenario's first period, through 2030-12-31, whole months only; per (scenario,
cap) the first month whose cumulative uncapped payment reaches the cap, and in it day
k = ceil(remaining × days / payment) clipped to 1..days.
"""

import argparse
import sys
import time

SUFFIX = {"K": 3, "M": 6, "B": 9, "T": 12}
COLUMNS = [
    "scenario", "variant", "cap", "eligible_revenue", "uncapped_total", "total_paid",
    "foregone", "cap_binds", "binding_period", "binding_date", "effective_rate",
    "present_value",
]
# The last month the default term covers whole (through 2030-12-31), as year × 12 +
# month − 1: a later period would be prorated, which the peers do not do.
LAST_MONTH = 2030 * 12 + 11


def parse_cap_text(raw: str) -> str:
    """A cap as revcap accepts it (25B, $38,000,000,000, 1.5T) as a plain decimal string,
    computed on the text so that it stays exact for DECIMAL money."""
    s = raw.strip().lstrip("$").replace(",", "")
    exp = SUFFIX.get(s[-1:].upper())
    if exp is not None:
        s = s[:-1]
    whole, _, frac = s.partition(".")
    if not (whole or frac) or not (whole + frac).isdigit():
        sys.exit(f"peer: cap {raw!r} is not a plain amount like 38B or 38000000000")
    exp = exp or 0
    frac = frac.ljust(exp, "0")
    digits = (whole + frac[:exp]).lstrip("0") or "0"
    rest = frac[exp:].rstrip("0")
    return f"{digits}.{rest}" if rest else digits


def caps_from(raws: list[str]) -> list[tuple[str, str]]:
    """(variant label, cap as plain decimal text) for each --cap, in order."""
    return [(raw.strip(), parse_cap_text(raw)) for raw in raws]


def parser(doc: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--cap", action="append", required=True)
    ap.add_argument("--rate", default="0.20", help="share of revenue paid [0.20]")
    ap.add_argument("--out", default="-")
    ap.add_argument("--timings", action="store_true", help="print phase times to stderr")
    return ap


class Phases:
    """Prints each phase's time to stderr when asked (--timings), like reference.py."""

    def __init__(self, on: bool):
        self.on = on
        self.t0 = self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.on:
            now = time.perf_counter()
            print(f"{name:<22} {now - self.last:7.3f} s", file=sys.stderr)
            self.last = now

    def total(self) -> None:
        if self.on:
            print(f"{'total':<22} {time.perf_counter() - self.t0:7.3f} s", file=sys.stderr)
