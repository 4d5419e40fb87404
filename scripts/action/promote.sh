#!/usr/bin/env bash
# The Patchdesk GitHub Action's step, plain bash: every pod patch a push added directly under
# .patches/ is sent for review with `patchdesk promote` (one branch, one pull request each), and
# the job summary lists each pull request.
#
# Runs in the pushed repository's checkout (with the pushed commits). Reads:
#   GITHUB_EVENT_PATH     the push payload ({before, after})
#   GITHUB_TOKEN          pushes the branches and opens the pull requests
#   GITHUB_REPOSITORY     OWNER/NAME
#   GITHUB_STEP_SUMMARY   the job summary file (appended to)
#   GITHUB_API_URL        the GitHub API (PATCHDESK_GITHUB_API wins)
#   PATCHDESK             the patchdesk binary (default: patchdesk on PATH)
# Exit: 0 when every new patch became a pull request (or there was none); 1 otherwise.
set -euo pipefail

patchdesk=${PATCHDESK:-patchdesk}
[ -n "$patchdesk" ] || patchdesk=patchdesk
: "${GITHUB_EVENT_PATH:?the push payload is needed}" "${GITHUB_REPOSITORY:?OWNER/NAME is needed}"
: "${GITHUB_TOKEN:?a token is needed to open pull requests}"
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
export PATCHDESK_GITHUB_API=${PATCHDESK_GITHUB_API:-${GITHUB_API_URL:-}}
[ -n "$PATCHDESK_GITHUB_API" ] || unset PATCHDESK_GITHUB_API
# Patchdesk's own settings stay out of the runner's home.
export PATCHDESK_DATA_DIR=${PATCHDESK_DATA_DIR:-$(mktemp -d)}

before=$(jq -r '.before // ""' "$GITHUB_EVENT_PATH")
after=$(jq -r '.after // ""' "$GITHUB_EVENT_PATH")
[ -n "$after" ] || after=$(git rev-parse HEAD)

# Files the push added; a new branch (no commit before) counts its last commit's.
if [ -n "$before" ] && [ "$before" != "0000000000000000000000000000000000000000" ] \
  && git cat-file -e "$before^{commit}" 2>/dev/null; then
  added=$(git diff --name-only --diff-filter=A "$before" "$after" -- .patches/)
else
  added=$(git diff-tree -r --root --no-commit-id --name-only --diff-filter=A "$after" -- .patches/)
fi

patches=()
while IFS= read -r path; do
  case "$path" in
    .patches/*/*) ;; # the inbox's own folders (.patches/queue/…)
    .patches/*.diff | .patches/*.patch | .patches/*.zip | .patches/*.json | .patches/*.txt) patches+=("$path") ;;
  esac
done <<<"$added"

{
  echo "## Patchdesk"
  echo
} >>"$summary"
if [ "${#patches[@]}" -eq 0 ]; then
  echo "No new pod patch under .patches/ in this push." | tee -a "$summary"
  exit 0
fi

echo "| Patch | Pull request |" >>"$summary"
echo "| --- | --- |" >>"$summary"
failed=0
for path in "${patches[@]}"; do
  name=${path#.patches/}
  if out=$("$patchdesk" promote --repo . --json --github-repo "$GITHUB_REPOSITORY" "$path" 2>/dev/null); then
    url=$(jq -r '.pr_url' <<<"$out")
    number=$(jq -r '.pr_number' <<<"$out")
    echo "$name → $url"
    echo "| \`$name\` | [#$number]($url) |" >>"$summary"
  else
    why=$(jq -r '.error.message // "patchdesk promote failed"' <<<"$out" 2>/dev/null || echo "patchdesk promote failed")
    echo "::error file=$path::$why"
    echo "| \`$name\` | not sent: ${why//|/\\|} |" >>"$summary"
    failed=1
  fi
done
exit "$failed"
