#!/usr/bin/env bash
# Builds the release app (scripts/build-app.sh: what people install) and runs the real-window tests (tests/e2e) under Xvfb,
# inside a private D-Bus session with an unlocked keyring. Also used for README screenshots.
#   scripts/e2e.sh                      build, then run every spec
#   scripts/e2e.sh --no-build           run against the binary already built
#   scripts/e2e.sh [--no-build] SPEC…   only these specs (tests/e2e/specs/webview.test.js …)
# Binaries are taken from $CARGO_TARGET_DIR (default: target/).
set -euo pipefail
# Mesa's software renderer (llvmpipe, used under Xvfb) aborts with "LLVM ERROR: Do not know how
# to split the result of this operator" on CPUs with AVX-512 unless its vectors are kept to 128 bits.
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${1:-}" = "--no-build" ]; then
  shift
else
  scripts/build-app.sh
fi
target="${CARGO_TARGET_DIR:-$root/target}"
# Screenshots go where PATCHDESK_E2E_SHOTS says; the folder is made if it is not there.
[ -z "${PATCHDESK_E2E_SHOTS:-}" ] || mkdir -p "$PATCHDESK_E2E_SHOTS"
specs=()
for spec in "$@"; do specs+=("$(realpath "$spec")"); done
[ ${#specs[@]} -gt 0 ] || specs=("$root/tests/e2e/specs/")
# The GitHub stand-in as a process, for the GitHub journey (tests/e2e/specs/github.test.js): a
# test tool, so a debug build (`cargo test` has built it already in the test command).
cargo build -q -p github-standin --bin standin-server
export PATCHDESK_APP_BIN="${PATCHDESK_APP_BIN:-$target/release/patchdesk-app}"
export PATCHDESK_STANDIN_BIN="${PATCHDESK_STANDIN_BIN:-$target/debug/standin-server}"
# The `patchdesk` command (tests/e2e/specs/inbox-live.test.js serves the demo with it): the test
# command's `cargo test -p patchdesk-cli` has built it already.
export PATCHDESK_CLI_BIN="${PATCHDESK_CLI_BIN:-$target/debug/patchdesk}"
export PATH="$HOME/.cargo/bin:$PATH"
# The report is also kept, so that what failed can be said again at the end, where a long log
# is read first.
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' \
  bash -c 'cd tests/e2e && exec node --test --test-concurrency=1 "$@"' e2e "${specs[@]}" 2>&1 | tee "$report" || status=$?
if [ "$status" -ne 0 ]; then
  echo
  echo "=== Real-window tests that failed (again, from the report above):"
  awk '/^not ok /{on=1} on{print} on && /^  \.\.\.$/{on=0}' "$report"
fi
exit "$status"
