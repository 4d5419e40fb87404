#!/usr/bin/env bash
# Refreshes the README screenshots from the real window: builds the app, starts it on a fresh
# demo project under Xvfb, clicks through the main screens over WebDriver and captures each
# with ImageMagick (docs/screenshots/*.png).
#   scripts/screenshots.sh [--no-build]
set -euo pipefail
# Mesa's software renderer (llvmpipe, used under Xvfb) aborts with "LLVM ERROR: Do not know how
# to split the result of this operator" on CPUs with AVX-512 unless its vectors are kept to 128 bits.
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-build" ] || scripts/build-app.sh --no-bundle
mkdir -p docs/screenshots
export PATH="$HOME/.cargo/bin:$PATH"
scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' node tests/e2e/screenshots.js
