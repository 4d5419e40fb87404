#!/usr/bin/env bash
# Builds the app with its UI embedded and runs the real-window tests (tests/e2e) under Xvfb,
# inside a private D-Bus session with an unlocked keyring. Also used for README screenshots.
#   scripts/e2e.sh            build, then run every spec
#   scripts/e2e.sh --no-build run against the binary already built
set -euo pipefail
# Mesa's software renderer (llvmpipe, used under Xvfb) aborts with "LLVM ERROR: Do not know how
# to split the result of this operator" on CPUs with AVX-512 unless its vectors are kept to 128 bits.
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${1:-}" != "--no-build" ]; then
  scripts/build-app.sh
fi
# The GitHub stand-in as a process, for the GitHub journey (tests/e2e/specs/github.test.js).
cargo build -q -p github-standin --bin standin-server
export PATCHDESK_APP_BIN="${PATCHDESK_APP_BIN:-$root/target/debug/patchdesk-app}"
export PATH="$HOME/.cargo/bin:$PATH"
exec scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' \
  bash -c 'cd tests/e2e && npm test'
