#!/usr/bin/env bash
# Refreshes the README screenshots from the real window: starts the built app on a fresh demo
# project under Xvfb and captures the window.
#   scripts/screenshots.sh [--no-build]
set -euo pipefail
# Mesa's software renderer (llvmpipe, used under Xvfb) aborts with "LLVM ERROR: Do not know how
# to split the result of this operator" on CPUs with AVX-512 unless its vectors are kept to 128 bits.
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-build" ] || scripts/build-app.sh --no-bundle
mkdir -p docs/screenshots
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export PATCHDESK_DATA_DIR="$data" APP="$PWD/target/debug/patchdesk-app" OUT="$PWD/docs/screenshots"
scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
  "$APP" & app=$!
  for i in $(seq 1 100); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"Patchdesk\"" && break
    sleep 0.2
  done
  sleep 3   # let the first screen load and settle
  id=$(xwininfo -root -tree | awk "/\"Patchdesk\"/ {print \$1; exit}")
  import -window "$id" "$OUT/first-screen.png"
  kill $app; wait $app 2>/dev/null || true
'
echo "Wrote docs/screenshots/first-screen.png"
