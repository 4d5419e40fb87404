#!/usr/bin/env bash
# A Patchdesk team server: `patchdesk serve` on its own clone of a GitHub repository, with
# auto-promote on, so every patch a pod hands in becomes a pull request (never a push to the
# default branch). The container image's entrypoint (see the Dockerfile); it also runs as is on
# any machine with git and patchdesk.
#
# Reads (environment):
#   PATCHDESK_REPOSITORY   OWNER/NAME of the GitHub repository (required)
#   GITHUB_TOKEN           a token that can read the repository, push branches and open pull
#                          requests (required; never written to disk, a log or a command line)
#   PATCHDESK_POD_TOKENS   the pods' tokens, "QAPod=<token>,DevPod=<token>" (required: a server
#                          nobody can call is of no use); `patchdesk serve` keeps only their hashes
#   PATCHDESK_GITHUB_URL   GitHub's web address (default https://github.com; GitHub Enterprise:
#                          https://github.example.com)
#   PATCHDESK_GITHUB_API   GitHub's API (default: api.github.com for github.com, else
#                          PATCHDESK_GITHUB_URL/api/v3)
#   PATCHDESK_PUBLIC_URL   the https address pods reach the server at, for the API document
#   PATCHDESK_VOLUME       where the clone and Patchdesk's settings live (default /data)
#   PATCHDESK_BIND         the address to listen on (default 0.0.0.0:8765)
#   PATCHDESK              the patchdesk binary (default: patchdesk on PATH)
# Exit: what `patchdesk serve` exits with; 2 when a setting is missing; 1 when the clone fails.
set -euo pipefail

say() { printf 'patchdesk team server: %s\n' "$*" >&2; }
missing() {
  say "$1"
  exit 2
}

[ -n "${PATCHDESK_REPOSITORY:-}" ] || missing "Set PATCHDESK_REPOSITORY to the GitHub repository (OWNER/NAME)."
[ -n "${GITHUB_TOKEN:-}" ] || missing "Set GITHUB_TOKEN to a token that can push branches and open pull requests."
[ -n "${PATCHDESK_POD_TOKENS:-}" ] || missing "Set PATCHDESK_POD_TOKENS to the pods' tokens (QAPod=<token>,DevPod=<token>)."
case "$PATCHDESK_REPOSITORY" in
  */*/* | /* | */ | *..* | *[!A-Za-z0-9._/-]*) missing "PATCHDESK_REPOSITORY must be OWNER/NAME, such as octo/hello." ;;
  */*) ;;
  *) missing "PATCHDESK_REPOSITORY must be OWNER/NAME, such as octo/hello." ;;
esac

patchdesk=${PATCHDESK:-patchdesk}
web=${PATCHDESK_GITHUB_URL:-https://github.com}
web=${web%/}
if [ -z "${PATCHDESK_GITHUB_API:-}" ]; then
  if [ "$web" = "https://github.com" ]; then
    PATCHDESK_GITHUB_API=https://api.github.com
  else
    PATCHDESK_GITHUB_API=$web/api/v3
  fi
fi
export PATCHDESK_GITHUB_API GITHUB_TOKEN PATCHDESK_POD_TOKENS
volume=${PATCHDESK_VOLUME:-/data}
clone=$volume/project
# Patchdesk's own settings stay on the volume, next to the clone.
export PATCHDESK_DATA_DIR=${PATCHDESK_DATA_DIR:-$volume/patchdesk}
mkdir -p "$volume" "$PATCHDESK_DATA_DIR"

# git gets the token from this helper, which reads it from the environment when git asks. The
# helper's text (not the token) is on git's command line, and nothing is written to the clone's
# config; the empty helper first turns off any helper that would store what it is given.
# shellcheck disable=SC2016 # $GITHUB_TOKEN is for the helper's shell to expand, not this one.
helper='!f() { test "$1" = get || exit 0; echo username=x-access-token; echo "password=$GITHUB_TOKEN"; }; f'
git_with_token() { git -c credential.helper= -c "credential.helper=$helper" "$@"; }

if [ -d "$clone/.git" ]; then
  say "Fetching $PATCHDESK_REPOSITORY into $clone."
  git_with_token -C "$clone" fetch --quiet --prune origin
  # Bring the default branch up to date when it can be done without losing anything.
  if ! git -C "$clone" merge --ff-only --quiet '@{upstream}' 2>/dev/null; then
    say "The clone's branch has its own commits; it stays as it is (pull requests are based on GitHub's default branch)."
  fi
else
  say "Cloning $PATCHDESK_REPOSITORY into $clone."
  rm -rf "$clone.partial"
  if ! git_with_token clone --quiet "$web/$PATCHDESK_REPOSITORY.git" "$clone.partial"; then
    rm -rf "$clone.partial"
    say "Could not clone $web/$PATCHDESK_REPOSITORY; check PATCHDESK_REPOSITORY, PATCHDESK_GITHUB_URL and that GITHUB_TOKEN can read the repository."
    exit 1
  fi
  mv "$clone.partial" "$clone"
fi

args=(serve --repo "$clone" --auto-promote
  # Inside a container the server must listen on every interface, or nothing outside the
  # container could reach it; the port is published (and put behind HTTPS) by whoever runs it.
  --bind "${PATCHDESK_BIND:-0.0.0.0:8765}")
[ -z "${PATCHDESK_PUBLIC_URL:-}" ] || args+=(--public-url "$PATCHDESK_PUBLIC_URL")
exec "$patchdesk" "${args[@]}"
