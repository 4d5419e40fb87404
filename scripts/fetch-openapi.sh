#!/usr/bin/env bash
# Fetches GitHub's official REST API description (npm package @octokit/openapi, file
# generated/api.github.com.json) into <repo>/.cache/openapi/, pinned by version and sha256.
# The GitHub stand-in (crates/github-standin) validates every request and response against it.
# Idempotent: does nothing when the file is present and its checksum matches.
# Needs npm and tar. Override the destination folder with PATCHDESK_OPENAPI_DIR.
set -euo pipefail

VERSION="23.0.2"
TARBALL_SHA256="71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c"
JSON_SHA256="829b4bebb19a53133289f7b0bc819f4f1118115821db2ca9f25e9ee995a7da2a"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest_dir="${PATCHDESK_OPENAPI_DIR:-$root/.cache/openapi}"
dest="$dest_dir/api.github.com.json"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dest" ] && [ "$(sha_of "$dest")" = "$JSON_SHA256" ]; then
  echo "OpenAPI description already present: $dest (@octokit/openapi $VERSION)"
  exit 0
fi

command -v npm >/dev/null || { echo "$0: npm not found; install Node.js and npm" >&2; exit 1; }
mkdir -p "$dest_dir"
work="$(mktemp -d "$dest_dir/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "Fetching @octokit/openapi $VERSION ..."
(cd "$work" && npm pack --silent "@octokit/openapi@$VERSION" >/dev/null)
tarball="$work/octokit-openapi-$VERSION.tgz"
[ -f "$tarball" ] || { echo "$0: npm pack did not produce $tarball" >&2; exit 1; }

got="$(sha_of "$tarball")"
if [ "$got" != "$TARBALL_SHA256" ]; then
  echo "$0: checksum mismatch for $tarball" >&2
  echo "  expected $TARBALL_SHA256" >&2
  echo "  got      $got" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work" package/generated/api.github.com.json
got="$(sha_of "$work/package/generated/api.github.com.json")"
if [ "$got" != "$JSON_SHA256" ]; then
  echo "$0: checksum mismatch for the extracted api.github.com.json (got $got)" >&2
  exit 1
fi
mv -f "$work/package/generated/api.github.com.json" "$dest"
echo "OpenAPI description ready: $dest (@octokit/openapi $VERSION)"
