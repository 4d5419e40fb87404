#!/usr/bin/env bash
# Builds the release app — what people install — with the UI embedded (tauri's custom-protocol)
# and the workspace's release profile (root Cargo.toml [profile.release]), plus the .deb package
# under $CARGO_TARGET_DIR/release/bundle/deb/ (default target/). Incremental after the first run.
#   scripts/build-app.sh              release binary + .deb (+ AppImage with --appimage, see below)
#   scripts/build-app.sh --no-bundle  release binary only
#   scripts/build-app.sh --appimage   also try the AppImage
# The AppImage is not made by default: tauri's bundler downloads its tools (AppRun, linuxdeploy
# and its GTK plugin, from the tauri-apps/binary-releases and linuxdeploy releases on GitHub) on
# first use and caches them in ~/.cache/tauri; this build must work offline. Without network,
# `--appimage` stops with "failed to bundle project: io: failed to lookup address information"
# after the .deb's binary is built.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=(--bundles deb)
case "${1:-}" in
  --no-bundle) bundle=(--no-bundle) ;;
  --appimage) bundle=(--bundles deb,appimage) ;;
  "") ;;
  *) echo "usage: scripts/build-app.sh [--no-bundle|--appimage]" >&2; exit 2 ;;
esac
# Without default features: only the app's binary is built (not the export-bindings tool).
ui/node_modules/.bin/tauri build "${bundle[@]}" --ci -- --no-default-features
