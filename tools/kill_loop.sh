#!/usr/bin/env bash
# SIGKILLs revcap at random moments of large runs into a folder that holds the other
# run's complete set (and a file of someone else's), and checks after each kill that
# the folder holds exactly one run's complete set, then that the next run leaves no
# staging folder, lock file or temporary file behind (docs/spec.md §5.8).
#
#   tools/kill_loop.sh WORK_DIR [KILLS] [SCENARIOS]
#
# WORK_DIR gets a generated input of SCENARIOS scenarios x 50 months (default 40000:
# 2M rows, 1 GB of outputs), the two reference sets and the folder under test.
# Uses target/release/revcap, built first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin revcap
BIN=$PWD/${CARGO_TARGET_DIR:-target}/release/revcap
WORK=${1:?usage: tools/kill_loop.sh WORK_DIR [KILLS] [SCENARIOS]}
KILLS=${2:-20}
N=${3:-40000}
mkdir -p "$WORK/sc"
cd "$WORK"
if [[ ! -f sc/big-$N.csv ]]; then
    rm -f sc/*.csv
    awk -v n="$N" 'BEGIN { print "scenario,period,revenue";
        for (s = 0; s < n; s++) for (m = 0; m < 50; m++)
            printf "s%d,%d-%02d,%d\n", s, 2026 + int(m / 12), m % 12 + 1, (s % 97 + 1) * 1000000 + m }' \
        > "sc/big-$N.csv"
fi
run() { "$BIN" run sc --cap "$1" --output "$2" --format csv >/dev/null 2>&1; }
# By path, not from inside the folder: a swap leaves a reader inside the old one.
# Every file of the set but the charts: the ledger, summary and JSON, and the
# distributions (on by themselves above 50 scenarios).
sums() { md5sum "$1"/*.csv "$1/result.json" | cut -d' ' -f1; }
start=$(date +%s.%N)
run 38B ref_38B
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
run 20B ref_20B
a=$(sums ref_38B)
b=$(sums ref_20B)
rm -rf out .out.revcap-*
cp -r ref_38B out
echo "someone else's" > out/notes.txt
mixed=0
for i in $(seq 1 "$KILLS"); do
    cap=20B
    if (( i % 2 == 0 )); then cap=38B; fi
    "$BIN" run sc --cap "$cap" --output out --format csv >/dev/null 2>&1 &
    pid=$!
    if (( i % 4 < 2 )); then
        # Anywhere in the run.
        t=$(awk -v t="$took" -v r="$RANDOM" 'BEGIN { printf "%.2f", t * r / 32767 }')
        sleep "$t"
        t="${t}s"
    else
        # While the set is finished and swapped in: the staging folder exists from the
        # first batch, and result.json is begun at the end of the run, after the
        # streamed files (the distribution files and charts follow it); kill anywhere
        # in the next half of the run's time (the set is finished and swapped in then,
        # or the run is over).
        while ! ls .out.revcap-staging-*/result.json >/dev/null 2>&1 && kill -0 "$pid" 2>/dev/null; do
            sleep 0.02
        done
        t=$(awk -v t="$took" -v r="$RANDOM" 'BEGIN { printf "%.2f", t / 2 * r / 32767 }')
        sleep "$t"
        t="${t}s after result.json was begun"
    fi
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    got=$(sums out)
    if [[ $got == "$a" ]]; then set=38B; elif [[ $got == "$b" ]]; then set=20B; else set=MIXED; mixed=$((mixed + 1)); fi
    [[ $(cat out/notes.txt) == "someone else's" ]] || { set="$set, notes.txt lost"; mixed=$((mixed + 1)); }
    echo "kill $i at $t of a ${took}s run (cap $cap): the folder holds the $set set; leftovers: $(ls -A . out | grep -c revcap- || true)"
done
run 20B out
[[ $(sums out) == "$b" ]] || { echo "the next run's set is wrong"; mixed=$((mixed + 1)); }
left=$(ls -A . out | grep -c revcap- || true)
echo "after the next run: $left leftovers; $mixed mixed sets"
(( left == 0 && mixed == 0 ))
