#!/usr/bin/env bash
# Benchmark: the review screen with a 700,000-line, ~20 MB patch in the real window (Xvfb).
# Prints the time to the first diff lines, scroll frame times and a file switch. Not a test:
# numbers depend on the machine (software rendering under Xvfb is the slow case).
#   scripts/bench-review.sh [--no-build]
set -euo pipefail
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-build" ] || scripts/build-app.sh --no-bundle
export PATH="$HOME/.cargo/bin:$PATH"
scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' node tests/e2e/bench-review.js
