#!/usr/bin/env bash
# Records every byte revcap writes for a fixed set of runs, so a restructuring can
# prove that no output moved: run it before and after, then `diff -r` the two folders.
#
#   tools/pin.sh OUT_DIR [BENCH_FILE]
#
# OUT_DIR gets one folder per run (stdout, stderr, exit code and every output file)
# and SHA256SUMS over all of it. BENCH_FILE (e.g. bench/data/scenarios-n100000-s42.csv,
# made by bench/run.sh) adds the large compare; only its stdout's hash is kept.
# Uses target/release/revcap (CARGO_TARGET_DIR is honoured), built first; REVCAP_BIN
# names another binary (e.g. a copy of an earlier build, which must be named revcap
# for the `--help` texts to match).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: tools/pin.sh OUT_DIR [BENCH_FILE]}
BENCH=${2:-}
if [[ -n ${REVCAP_BIN:-} ]]; then
    BIN=$REVCAP_BIN
else
    BIN="${CARGO_TARGET_DIR:-target}/release/revcap"
    cargo build --release --quiet --bin revcap
fi
rm -rf "$OUT"
mkdir -p "$OUT"

pin() { # name, args...
    local name=$1
    shift
    local dir="$OUT/$name"
    mkdir -p "$dir/files"
    local args=("$@")
    # Runs that write files write them into $dir/files.
    local i
    for i in "${!args[@]}"; do
        [[ ${args[$i]} == @OUT ]] && args[i]="$dir/files"
    done
    set +e
    env -u RUST_BACKTRACE "$BIN" "${args[@]}" >"$dir/stdout" 2>"$dir/stderr"
    echo $? >"$dir/rc"
    set -e
    # Paths of the pin folder appear in messages; make them relative.
    sed -i "s|$dir/files|@OUT|g" "$dir/stdout" "$dir/stderr"
}

for cmd in "" run compare validate; do
    pin "help${cmd:+-$cmd}" $cmd --help
done
pin run-table run scenarios --output @OUT --chart-format both
pin run-csv run scenarios --format csv --output @OUT --chart-format svg
pin run-json run scenarios --format json --no-files
pin run-markdown run scenarios --format markdown --no-files --unit USD
pin run-pv run scenarios --discount-rate 8% --rate-step 2029-01-01=15% --no-files
pin run-one run scenarios/feb2026.csv --cap 38B --output @OUT --chart-format svg
pin run-monthly run tests/fixtures/monthly.csv --cap 1000 --output @OUT --chart-format svg
pin run-quarterly run tests/fixtures/quarterly.csv --from 2026-04-27 --cap 5B --format json --no-files
pin run-wide run tests/fixtures/wide.csv --cap 100B --output @OUT --chart-format svg
pin compare-caps compare --caps 20B:60B:5B --thresholds --output @OUT --chart-format both
pin compare-csv compare --caps 20B:60B:5B --thresholds --format csv --no-files
pin compare-json compare --cap 25B --cap 38B --cap none --format json --no-files
pin compare-md compare --cap 25B --cap 38B --cap none --format markdown --no-files --discount-rate 8%
pin compare-mixed compare --cap 38B --rate-step 2029-01-01=10% --already-paid 3B --output @OUT --chart-format svg
pin compare-long compare tests/fixtures/long_scenarios.csv --cap 1B --cap 5B --thresholds --output @OUT --chart-format svg
pin compare-sweep compare scenarios --caps 100M:100B:100M --format csv --no-files
pin validate-ok validate scenarios
pin validate-json validate scenarios tests/fixtures --format json
pin validate-bad validate tests/fixtures
for f in tests/fixtures/bad_*.csv; do
    pin "err-$(basename "$f" .csv)" run "$f" --no-files
done
pin err-flag run --from 2031-01-01 --no-files
pin err-caps compare --caps MAX:MAX:1 --no-files

if [[ -n $BENCH ]]; then
    env -u RUST_BACKTRACE "$BIN" compare "$BENCH" --cap 25B --cap 38B --cap 50B --format csv --no-files |
        sha256sum >"$OUT/bench-compare.sha256"
fi

(cd "$OUT" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
echo "pinned $(wc -l <"$OUT/SHA256SUMS") files into $OUT"
