#!/usr/bin/env bash
# The Patchdesk GitHub Action's install step: builds the `patchdesk` command from the action's
# own source (GITHUB_ACTION_PATH) into the runner's temporary folder and puts it on the PATH of
# the next steps.
set -euo pipefail
: "${GITHUB_ACTION_PATH:?run as a step of the Patchdesk action}" "${RUNNER_TEMP:?run on a GitHub runner}"
root="$RUNNER_TEMP/patchdesk"
cargo install --locked --quiet --root "$root" --path "$GITHUB_ACTION_PATH/crates/cli"
echo "$root/bin" >>"${GITHUB_PATH:?}"
