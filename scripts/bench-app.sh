#!/usr/bin/env bash
# Benchmark of the app people install (the release build), in the real window under Xvfb:
# start to the first frame with the demo project (reported by the app), and the PSS of every
# process of the app idle, with a 700,000-line review open and after closing it, against an
# empty Tauri 2 app built the same way (tests/bench/empty-app). Prints a table of medians.
# Not a test: the numbers depend on the machine (software rendering under Xvfb).
#   scripts/bench-app.sh [--no-build]     RUNS=5 (runs of each app), REVIEW=0 (skip the review),
#                                         MEMORY_DETAIL=1 (the largest mappings of each process, and
#                                         those grown most since idle),
#                                         MEMORY_TRACE=S (the memory every 3 s for S s more)
set -euo pipefail
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
root=$(pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
if [ "${1:-}" != "--no-build" ]; then
  scripts/build-app.sh --no-bundle
  # The baseline shares the target folder (and so the compiled Tauri) with the app.
  cargo build --release --quiet --manifest-path tests/bench/empty-app/Cargo.toml --target-dir "$target"
fi
export PATCHDESK_APP_BIN="${PATCHDESK_APP_BIN:-$target/release/patchdesk-app}"
export EMPTY_APP_BIN="${EMPTY_APP_BIN:-$target/release/empty-app}"
export PATH="$HOME/.cargo/bin:$PATH"
exec scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' node tests/bench/bench-app.js
