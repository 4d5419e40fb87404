#!/usr/bin/env bash
# Builds target/debug/patchdesk-app with the UI embedded (tauri's custom-protocol), plus the
# .deb package (target/debug/bundle/deb/). Incremental after the first run.
#   scripts/build-app.sh            debug binary + .deb
#   scripts/build-app.sh --no-bundle  debug binary only
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=(--bundles deb)
[ "${1:-}" = "--no-bundle" ] && bundle=(--no-bundle)
ui/node_modules/.bin/tauri build --debug "${bundle[@]}" --ci
