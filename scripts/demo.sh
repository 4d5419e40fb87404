#!/usr/bin/env bash
# README command one: installs what is missing, builds Patchdesk and opens it on its built-in
# demo project (a sample repository with pod tasks, sample pod downloads and a practice remote).
# The demo lives in the app's data folder (~/.local/share/dev.patchdesk.app/demo) and is
# built on first start; your changes to it are kept between runs.
#   scripts/demo.sh                 open the demo
#   scripts/demo.sh --project PATH  open your own repository instead
set -euo pipefail
# Mesa's software renderer (llvmpipe, used under Xvfb) aborts with "LLVM ERROR: Do not know how
# to split the result of this operator" on CPUs with AVX-512 unless its vectors are kept to 128 bits.
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-app.sh --no-bundle
app="${CARGO_TARGET_DIR:-target}/release/patchdesk-app"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No desktop session found: starting Patchdesk on a virtual screen and saving a screenshot."
  scripts/setup.sh --test >/dev/null
  exec scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' bash -c "
    $app $* & app=\$!
    sleep 6
    import -window root target/demo-screenshot.png && echo 'Screenshot: target/demo-screenshot.png'
    kill \$app"
fi
exec "$app" "$@"
