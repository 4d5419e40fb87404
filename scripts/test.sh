#!/usr/bin/env bash
# Runs every Patchdesk test suite and exits non-zero if any fails. This is the README's test
# command and what CI runs (.ci/run). It installs what the tests need first (scripts/setup.sh).
#
# Suites, in order: house rules (rustfmt, clippy -D warnings), Rust (unit, journeys, corpus,
# GitHub stand-in, keyring — inside a private D-Bus session with a real gnome-keyring), TypeScript bindings freshness, UI (Vitest),
# release app build + .deb, real-window WebDriver tests under Xvfb on that release binary, .deb
# install smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cargo/bin:$PATH"

section() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }
started=$(date +%s)
lap() { echo "--- $1 took $(( $(date +%s) - t0 ))s"; }

section "Setup"
t0=$(date +%s); scripts/setup.sh --test; lap setup

section "House rules: rustfmt and clippy (warnings are errors)"
t0=$(date +%s)
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
lap rules

section "UI: type check, build and Vitest (with the UI's house rules: ui/src/architecture.test.ts)"
t0=$(date +%s)
(cd ui && npx tsc --noEmit && npx vite build --logLevel warn && npx vitest run)
lap ui

section "Rust: every crate's tests (real git repos, corpora, GitHub stand-in, OS keyring)"
t0=$(date +%s)
scripts/with-keyring.sh cargo test --workspace --no-fail-fast -- --show-output
lap rust

section "App: release build with embedded UI and .deb package (what people install)"
t0=$(date +%s); scripts/build-app.sh; lap app

section "Real window: WebDriver tests under Xvfb"
t0=$(date +%s); scripts/e2e.sh --no-build; lap e2e

section "Package: install the .deb and start it"
t0=$(date +%s); scripts/deb-smoke.sh; lap deb

echo
echo "All suites passed in $(( $(date +%s) - started ))s"
