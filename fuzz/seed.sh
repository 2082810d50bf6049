#!/bin/sh
# Seeds the fuzz corpora from the test fixtures (and the bundled scenarios and terms),
# so the fuzzers start from real files instead of from nothing.
#
#   fuzz/seed.sh            # from anywhere; writes fuzz/corpus/load and fuzz/corpus/parsers
#
# The corpus folders are gitignored: they are regenerated, not committed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
load="$root/fuzz/corpus/load"
parsers="$root/fuzz/corpus/parsers"
mkdir -p "$load" "$parsers"

for f in "$root"/tests/fixtures/*.csv "$root"/scenarios/*.csv; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .csv)
    # The load target's first byte picks the terms (cap, start, rate step, discount):
    # give each file once with no options and once with all of them.
    { printf '\000'; cat "$f"; } >"$load/$name-plain"
    { printf '\017'; cat "$f"; } >"$load/$name-terms"
    # Every distinct cell is a value the parsers should see.
    tr ',\r' '\n\n' <"$f" | tr -d '"' | sed 's/^ *//; s/ *$//' | sort -u | while IFS= read -r cell; do
        [ -n "$cell" ] || continue
        sum=$(printf '%s' "$cell" | cksum | cut -d' ' -f1)
        printf '%s' "$cell" >"$parsers/cell-$sum"
    done
done
for f in "$root"/scenarios/*.toml; do
    [ -f "$f" ] || continue
    cp "$f" "$parsers/terms-$(basename "$f" .toml)"
done
# Values the fixtures lack: the forms docs/spec.md §2.4 and §3 document, and spreadsheet artefacts.
for v in '$12.7B' '12,700,000,000' '1.27E+10' '20%' '12.5 %' '2027-Q3' '2027q3' '2027-03' \
    '2026-04-27' 'none' '10B:100B:5B' '#N/A' '#DIV/0!' '(1,234)' '12,7' '12 USD' '12bn' 'Total'; do
    sum=$(printf '%s' "$v" | cksum | cut -d' ' -f1)
    printf '%s' "$v" >"$parsers/value-$sum"
done
printf 'rate = "20%%"\ncap = 38e9\nfrom = 2026-04-27\n[[rate_step]]\nfrom = "2029-01-01"\nrate = 0.15\n' >"$parsers/terms-steps"
echo "seeded $(ls "$load" | wc -l) load inputs and $(ls "$parsers" | wc -l) parsers inputs"
