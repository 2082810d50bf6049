#!/usr/bin/env bash
# The benchmark of bench/README.md: revcap compare against a pandas reference and against the
# parse floor on N generated scenarios × 60 months, plus the cap sweep at 1,000 vs
# 100,000 caps. See bench/README.md.
#
#   bench/run.sh [N]          N scenarios, default 100000 (~6M rows, ~190 MB)
#
# Environment: RUNS (best of, default 1), SEED (default 42), CARGO_TARGET_DIR,
# PYTHON (the interpreter that makes the virtualenv, default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
SEED=${SEED:-42}
RUNS=${RUNS:-1}
PYTHON=${PYTHON:-python3}
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/release"
DATA=bench/data
VENV=bench/.venv
CAPS=(--cap 25B --cap 38B --cap 50B)
mkdir -p "$DATA"

echo "== build (release)"
cargo build --release --quiet --bin revcap --example gen --example parse_floor

FILE="$DATA/scenarios-n$N-s$SEED.csv"
if [[ ! -s "$FILE" ]]; then
    echo "== generate $FILE"
    "$BIN/examples/gen" --scenarios "$N" --seed "$SEED" --out "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
fi

if ! "$VENV/bin/python" -c 'import pandas' 2>/dev/null; then
    echo "== virtualenv $VENV with pandas"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pandas
fi
PY="$VENV/bin/python"
if [[ ! -x /usr/bin/time ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== apt-get install time (for peak RSS)"
    apt-get install -y -qq time >/dev/null || true
fi
# OPENBLAS_* are set on some machines here and slow numpy down; pandas' groupby and
# cumsum do not go through BLAS, but measure it as a user would run it.
PANDAS_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

measure() { # label, stdout file, command...
    local label=$1 out=$2
    shift 2
    local r
    r=$("$PY" bench/measure.py --runs "$RUNS" --stdout "$out" -- "$@")
    printf '%s\t%s\n' "$label" "$r" >>"$RESULTS"
    printf '  %-28s %s\n' "$label" "$r"
}

RESULTS="$DATA/results-n$N.tsv"
: >"$RESULTS"
SIZE=$(stat -L -c %s "$FILE")
ROWS=$((N * 60))
echo "== measure on $FILE ($ROWS rows, $((SIZE / 1000000)) MB), best of $RUNS (wall s, peak RSS MB)"
cat "$FILE" >/dev/null # same page-cache state for everyone
measure "parse floor" /dev/null "$BIN/examples/parse_floor" "$FILE"
measure "revcap compare" "$DATA/revcap-n$N.csv" \
    "$BIN/revcap" compare "$FILE" "${CAPS[@]}" --format csv --no-files
measure "pandas reference" "$DATA/pandas-n$N.csv" \
    "${PANDAS_ENV[@]}" "$PY" bench/reference.py "$FILE" "${CAPS[@]}"
# The sweep: 4 bundled scenarios (with their terms.toml) under 1,000 and 100,000 caps.
measure "sweep 1k caps" /dev/null \
    "$BIN/revcap" compare scenarios/ --caps 100M:100B:100M --no-files --format csv
measure "sweep 100k caps" /dev/null \
    "$BIN/revcap" compare scenarios/ --caps 1M:100B:1M --no-files --format csv
OUT_1K=$("$BIN/revcap" compare scenarios/ --caps 100M:100B:100M --no-files --format csv | wc -c)
OUT_100K=$("$BIN/revcap" compare scenarios/ --caps 1M:100B:1M --no-files --format csv | wc -c)

echo
"$PY" - "$RESULTS" "$SIZE" "$ROWS" "$OUT_1K" "$OUT_100K" <<'EOF'
import sys
path, size, rows, out1k, out100k = sys.argv[1], *map(int, sys.argv[2:])
r = {}
for line in open(path):
    label, wall, rss = line.rstrip("\n").split("\t")[0], *line.split("\t")[1].split()
    r[label] = (float(wall), float(rss.rstrip("*")))
rc, floor = r["revcap compare"][0], r["parse floor"][0]
print(f"input: {rows:,} rows, {size / 1e6:.1f} MB")
print()
print(f"| tool | wall s | peak RSS MB | RSS / input | rows/s | x revcap | x parse floor |")
print(f"|---|---:|---:|---:|---:|---:|---:|")
for label in ["revcap compare", "pandas reference", "parse floor"]:
    wall, rss = r[label]
    print(f"| {label} | {wall:.2f} | {rss:.0f} | {rss * 2**20 / size:.2f} | "
          f"{rows / wall / 1e6:.2f}M | {wall / rc:.2f} | {wall / floor:.2f} |")
s1, s100 = r["sweep 1k caps"], r["sweep 100k caps"]
print()
print("| sweep (scenarios/, 4 scenarios) | wall s | peak RSS MB | output MB |")
print("|---|---:|---:|---:|")
print(f"| 1,000 caps | {s1[0]:.3f} | {s1[1]:.0f} | {out1k / 1e6:.2f} |")
print(f"| 100,000 caps | {s100[0]:.3f} | {s100[1]:.0f} | {out100k / 1e6:.2f} |")
print()
pd_ratio = r["pandas reference"][0] / rc
floor_ratio = rc / floor
mem_ratio = r["revcap compare"][1] * 2**20 / size
print("targets:")
print(f"  revcap >= 5x faster than pandas: {pd_ratio:.2f}x  {'met' if pd_ratio >= 5 else 'MISSED'}")
print(f"  revcap within 2x of parse floor: {floor_ratio:.2f}x  {'met' if floor_ratio <= 2 else 'MISSED'}")
print(f"  revcap peak RSS <= input size:   {mem_ratio:.2f}x  {'met' if mem_ratio <= 1 else 'MISSED'}")
print(f"  100k caps vs 1k caps:            {s100[0] / s1[0]:.1f}x the time for "
      f"{out100k / max(out1k, 1):.0f}x the output")
EOF

echo
echo "== equality check (revcap vs pandas)"
"$PY" bench/check.py "$DATA/revcap-n$N.csv" "$DATA/pandas-n$N.csv"
