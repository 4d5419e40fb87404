#!/usr/bin/env bash
# Installs the release .deb built by scripts/build-app.sh with dpkg, starts the installed app under
# Xvfb, checks that its window appears with the right title and icon files in place, then
# removes the package again.
set -euo pipefail
# Mesa's software renderer (llvmpipe, used under Xvfb) aborts with "LLVM ERROR: Do not know how
# to split the result of this operator" on CPUs with AVX-512 unless its vectors are kept to 128 bits.
export LP_NATIVE_VECTOR_WIDTH="${LP_NATIVE_VECTOR_WIDTH:-128}"
cd "$(dirname "$0")/.."
deb=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "no .deb found: run scripts/build-app.sh first" >&2; exit 1; }
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

pkg=$(dpkg-deb -f "$deb" Package)
echo "Package $pkg $(dpkg-deb -f "$deb" Version): $(dpkg-deb -f "$deb" Description | head -n1)"
"${sudo_cmd[@]}" dpkg -i "$deb" >/dev/null
trap '"${sudo_cmd[@]}" dpkg -r "$pkg" >/dev/null 2>&1 || true' EXIT

test -x /usr/bin/patchdesk-app || { echo "the package did not install /usr/bin/patchdesk-app" >&2; exit 1; }
desktop=$(dpkg -L "$pkg" | grep '\.desktop$' | head -n1)
grep -q '^Name=Patchdesk' "$desktop" || { echo "desktop entry lacks Name=Patchdesk" >&2; exit 1; }
# "Open with Patchdesk": the entry takes files (%F) and declares pod patches and ZIP bundles.
grep -q '^Exec=patchdesk-app %F$' "$desktop" || { echo "desktop entry does not pass the opened files (%F)" >&2; exit 1; }
grep -q '^MimeType=text/x-patch;application/zip' "$desktop" || { echo "desktop entry declares no pod file types" >&2; exit 1; }
dpkg -L "$pkg" | grep -q 'icons/hicolor/.*/apps/patchdesk-app.png' || { echo "no icon installed" >&2; exit 1; }

data=$(mktemp -d)
export PATCHDESK_DATA_DIR="$data"
scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
  /usr/bin/patchdesk-app & app=$!
  for i in $(seq 1 60); do
    if xwininfo -root -tree 2>/dev/null | grep -q "\"Patchdesk\"" && [ -f "$PATCHDESK_DATA_DIR/demo/project/.patchdesk/demo.json" ]; then
      echo "The installed app opened its window and the demo project within about $((i * 200)) ms"
      kill $app; wait $app 2>/dev/null || true
      exit 0
    fi
    if ! kill -0 $app 2>/dev/null; then echo "the installed app exited early" >&2; exit 1; fi
    sleep 0.2
  done
  echo "no Patchdesk window with its demo project appeared within 12 s" >&2
  kill $app 2>/dev/null || true
  exit 1
'
test -f "$data/demo/project/.patchdesk/demo.json" || { echo "the installed app did not build its demo project" >&2; exit 1; }
rm -rf "$data"
echo "deb smoke test passed"
