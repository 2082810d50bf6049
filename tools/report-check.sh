#!/usr/bin/env bash
# Renders report.html in headless Chromium (Debian's `chromium`) at 390 px and
# 1280 px and fails if a page logs a console error, requests anything but its own
# file, or lays out wider than the viewport; saves full-page screenshots.
#
#   tools/report-check.sh [SHOTDIR] [NAME=REPORT.html...]
#
# With no report named, builds revcap and checks the reports of
# `revcap run --report`, `revcap compare --caps 20B:60B:5B --thresholds --report` and
# `revcap sensitivity --report` on the bundled scenarios, and of `run` and `compare`
# with `--paths` (the distributions). SHOTDIR defaults to target/report-check.
# CHROMIUM=path picks the browser; REVCAP_BIN=path the revcap binary.
set -euo pipefail
cd "$(dirname "$0")/.."

shots="${1:-target/report-check}"
shift || true
mkdir -p "$shots"

if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
  echo "report-check: chromium not found (apt-get install -y chromium)" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "report-check: node not found (apt-get install -y nodejs)" >&2
  exit 1
fi

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  if [ -z "${REVCAP_BIN:-}" ]; then
    cargo build --quiet
    REVCAP_BIN="$PWD/target/debug/revcap"
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp -r scenarios "$work/"
  # A hostile scenario name: it must show as text, and not break the layout.
  printf 'scenario,period,revenue\n"<script>alert(1)</script> a very long scenario name without any break in it at all",2027,60B\n"<script>alert(1)</script> a very long scenario name without any break in it at all",2028,90B\n' \
    > "$work/hostile.csv"
  (
    cd "$work"
    "$REVCAP_BIN" run --report --xlsx --output run scenarios/ >/dev/null
    "$REVCAP_BIN" compare --caps 20B:60B:5B --thresholds --report --xlsx --output compare scenarios/ >/dev/null
    "$REVCAP_BIN" run --report --terms scenarios/terms.toml --output hostile scenarios/feb2026.csv hostile.csv >/dev/null
    "$REVCAP_BIN" sensitivity --report --xlsx --output sensitivity scenarios/ >/dev/null 2>&1
    "$REVCAP_BIN" run --paths 300 --volatility 30% --report --xlsx --output paths scenarios/ >/dev/null 2>&1
    "$REVCAP_BIN" compare --paths 300 --volatility 30% --caps 25B:50B:12.5B --report --xlsx --output paths-compare scenarios/ >/dev/null 2>&1
  )
  pages=("run=$work/run/report.html" "compare=$work/compare/report.html" "hostile=$work/hostile/report.html" "sensitivity=$work/sensitivity/report.html" "paths=$work/paths/report.html" "paths-compare=$work/paths-compare/report.html")
fi

node_flags=()
if node --experimental-websocket -e 1 >/dev/null 2>&1; then
  node_flags+=(--experimental-websocket)
fi
node "${node_flags[@]}" tools/report-check.mjs "$shots" "${pages[@]}"
