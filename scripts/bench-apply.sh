#!/usr/bin/env bash
# Times `patchdesk apply` (release build) against `git apply --cached` on one large patch.
#
# The corpus repositories are small (at most ~220 files per snapshot), so the large patch is
# built from real history by composition: the base tree holds N folders, folder i holding the
# ripgrep or requests snapshot S_i; the target tree holds the same folders with a snapshot far
# later in history. `git diff --full-index --binary` between the two trees is a real-history
# patch of the required size. Every run gets its own fresh (shared) clone so that neither tool
# finds its output objects already written.
#
# Usage: scripts/bench-apply.sh [corpus dir]   (default: $PATCHDESK_CORPUS or ../shared/corpus)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-${PATCHDESK_CORPUS:-$here/../shared/corpus}}
target=${CARGO_TARGET_DIR:-$here/target}
# BENCH_KEEP=DIR keeps the repository and patch in DIR afterwards (for profiling).
if [ -n "${BENCH_KEEP:-}" ]; then work=$BENCH_KEEP; rm -rf "$work"; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi

echo "building patchdesk (release)..."
(cd "$here" && cargo build -q --release -p patchdesk-cli)
bin=$target/release/patchdesk

repo=$work/big.git
git init -q --bare "$repo"
for r in ripgrep requests; do
  git -C "$repo" fetch -q "$corpus/real/bundles/$r.bundle" "refs/*:refs/$r/*"
done

# Snapshot trees of each project in history order (committer date of the stand-in commits).
mapfile -t rg < <(git -C "$repo" for-each-ref --sort=committerdate --format='%(objectname)^{tree}' refs/ripgrep/snap)
mapfile -t rq < <(git -C "$repo" for-each-ref --sort=committerdate --format='%(objectname)^{tree}' refs/requests/snap)

export GIT_DIR=$repo GIT_WORK_TREE=$work/wt; mkdir -p "$work/wt"
base_idx=$work/base.idx; new_idx=$work/new.idx
compose() { # compose <index> <prefix> <tree>
  GIT_INDEX_FILE=$1 git read-tree --prefix="$2/" "$(git rev-parse "$3")"
}
n=0; bytes=0; lines=0; files=0
while :; do
  for set in rg rq; do
    if [ $set = rg ]; then arr=("${rg[@]}"); else arr=("${rq[@]}"); fi
    len=${#arr[@]}; half=$((len / 2))
    i=$(( (n * 7) % half )); j=$(( i + half + (n % (len - half - i)) ))
    compose "$base_idx" "p$n-$set" "${arr[$i]}"
    compose "$new_idx" "p$n-$set" "${arr[$j]}"
  done
  n=$((n + 1))
  if (( n % 8 == 0 )); then
    bt=$(GIT_INDEX_FILE=$base_idx git write-tree); nt=$(GIT_INDEX_FILE=$new_idx git write-tree)
    git diff --full-index --binary -M "$bt" "$nt" > "$work/big.diff"
    bytes=$(stat -c %s "$work/big.diff"); lines=$(wc -l < "$work/big.diff")
    files=$(grep -c '^diff --git ' "$work/big.diff" || true)
    if (( bytes >= 20000000 && lines >= 500000 && files >= 2000 )); then break; fi
  fi
done
unset GIT_DIR GIT_WORK_TREE
git -C "$repo" repack -adq
echo "patch: $((bytes / 1000000)) MB, $lines lines, $files files ($((n * 2)) snapshot folders); base tree $bt"

best() { sort -n | head -1; }
ns() { date +%s%N; }
runs=3
pd_times=(); git_times=()
for k in $(seq $runs); do
  c=$work/pd$k.git; git clone -q --bare --shared "$repo" "$c"
  t0=$(ns); /usr/bin/time -f "    patchdesk run $k: %e s wall, %U s user, %S s sys" "$bin" apply --repo "$c" --base "$bt" --allow-links --json "$work/big.diff" > "$work/pd.json"; t1=$(ns)
  pd_times+=($(( (t1 - t0) / 1000000 )))
  got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tree"])' "$work/pd.json")
  [ "$got" = "$nt" ] || { echo "patchdesk produced $got, expected $nt" >&2; exit 1; }
  c=$work/git$k.git; git clone -q --bare --shared "$repo" "$c"
  GIT_DIR=$c GIT_INDEX_FILE=$work/scratch$k.idx git read-tree "$bt"
  t0=$(ns); GIT_DIR=$c GIT_INDEX_FILE=$work/scratch$k.idx /usr/bin/time -f "    git apply run $k: %e s wall, %U s user, %S s sys" git apply --cached --whitespace=nowarn "$work/big.diff"; t1=$(ns)
  git_times+=($(( (t1 - t0) / 1000000 )))
  got=$(GIT_DIR=$c GIT_INDEX_FILE=$work/scratch$k.idx git write-tree)
  [ "$got" = "$nt" ] || { echo "git apply produced $got, expected $nt" >&2; exit 1; }
done
pd=$(printf '%s\n' "${pd_times[@]}" | best); g=$(printf '%s\n' "${git_times[@]}" | best)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times are noisy on a busy machine; CPU times above)"
echo "patchdesk apply:       ${pd} ms (best of $runs: ${pd_times[*]})"
echo "git apply --cached:    ${g} ms (best of $runs: ${git_times[*]})"
python3 -c "import sys; print('ratio patchdesk/git: %.2f' % (int(sys.argv[1]) / max(1, int(sys.argv[2]))))" "$pd" "$g"
