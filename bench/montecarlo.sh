#!/usr/bin/env bash
# The Monte Carlo benchmark of bench/README.md ("Monte Carlo"): time and peak RSS of
#   A. revcap run --paths 100000 around a 60-month base (paths drawn in process), and
#   B. revcap run on a 6M-row file (100,000 scenarios × 60 months) with distributions,
# next to bench/montecarlo_numpy.py, which simulates and summarizes the same 100,000
# paths of 60 months in float64.
#
#   bench/montecarlo.sh [PATHS]     default 100000
#
# Environment: CARGO_TARGET_DIR, PYTHON (makes bench/.venv, default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
PYTHON=${PYTHON:-python3}
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/release"
DATA=bench/data
VENV=bench/.venv
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$DATA"

echo "== build (release)"
cargo build --release --quiet --bin revcap --example gen

# A 60-month base: 2026-01 to 2030-12, revenue growing 3.8% a month from $2.5B.
BASE="$DATA/base60.csv"
awk 'BEGIN { print "period,revenue"; r = 2500000000;
             for (m = 0; m < 60; m++) { printf "%d-%02d,%.2f\n", 2026 + int(m / 12), m % 12 + 1, r; r *= 1.038 } }' > "$BASE"

FILE="$DATA/scenarios-n$N-s42.csv"
if [[ ! -s "$FILE" ]]; then
    echo "== generate $FILE"
    "$BIN/examples/gen" --scenarios "$N" --seed 42 --out "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
fi

if ! "$VENV/bin/python" -c 'import numpy' 2>/dev/null; then
    echo "== virtualenv $VENV with numpy"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check numpy
fi

# Runs a command under /usr/bin/time -v; prints "seconds peak-MB".
measure() {
    local log="$OUT/time.log"
    /usr/bin/time -v "$@" > "$OUT/stdout" 2> "$log" || { cat "$log"; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
    echo "$wall $rss"
}

TERMS=(--rate 20% --cap 38B --no-charts)
echo "== A: revcap run --paths $N on a 60-month base"
read -r a_s a_mb < <(measure "$BIN/revcap" run "$BASE" --paths "$N" --volatility 30% --seed 1 "${TERMS[@]}" --output "$OUT/a")
echo "   ${a_s}s, ${a_mb} MB"
echo "== B: revcap run on $FILE (distributions: over 50 scenarios)"
read -r b_s b_mb < <(measure "$BIN/revcap" run "$FILE" "${TERMS[@]}" --format csv --output "$OUT/b")
echo "   ${b_s}s, ${b_mb} MB"
echo "== numpy: simulate and summarize $N paths of 60 months"
read -r n_s n_mb < <(measure "$VENV/bin/python" bench/montecarlo_numpy.py "$BASE" "$N" 0.30 38e9 0.20)
echo "   ${n_s}s, ${n_mb} MB"
awk -v a="$a_s" -v n="$n_s" 'BEGIN { printf "== ratio A / numpy: %.2f\n", a / n }'
