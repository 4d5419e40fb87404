#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for N seconds each (default 600) and prints, per target, the
# runs, the coverage reached and whether it crashed. Needs nightly and cargo-fuzz
# (`cargo install cargo-fuzz --locked`). Each input is held to 1 GiB and 10 s by libFuzzer, and to
# 5 s, 1 GiB resident and a fixed output size by the targets themselves (fuzz/src/lib.rs).
#
#   scripts/fuzz.sh            # every target, 600 s each
#   scripts/fuzz.sh 120        # every target, 2 minutes each
#   scripts/fuzz.sh 60 yaml_read board_tasks
#
# Crashes are kept in fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/.
# FUZZ_SANITIZER=address builds with AddressSanitizer (slower; default: none, since the
# workspace forbids `unsafe` and a 2-core machine builds much faster without it).
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
sanitizer="${FUZZ_SANITIZER:-none}"
unset CARGO_TARGET_DIR # the fuzz crate keeps its own build in fuzz/target

cargo +nightly fuzz build -s "$sanitizer" || exit 2

status=0
summary=()
# The shared corpus of real pod patches seeds the patch parser's corpus on a first run.
seeds="${FUZZ_SEEDS:-../../shared/corpus}"
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  if [ "$t" = patch_parse ] && [ -d "$seeds" ] && [ -z "$(ls -A "corpus/$t")" ]; then
    find "$seeds" -name '*.diff' -size -256k | head -300 | while read -r f; do cp "$f" "corpus/$t/"; done
  fi
  log="artifacts/$t/last-run.log"
  echo "== $t: ${seconds}s"
  cargo +nightly fuzz run -s "$sanitizer" "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=10 \
    -max_len=1048576 -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  runs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' | awk '{print $2}')
  ft=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'ft: [0-9]+' | awk '{print $2}')
  if [ $rc -eq 0 ]; then
    result="clean"
  else
    result="CRASH (exit $rc): $(grep -m1 'Test unit written to' "$log" | sed 's/.*written to //' || true) (log: fuzz/$log)"
    grep -m3 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | sed 's/^/    /'
    status=1
  fi
  summary+=("$(printf '%-14s runs %-10s cov %-6s ft %-6s %s' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$result")")
done
echo
echo "target         runs            coverage     features     result"
printf '%s\n' "${summary[@]}"
exit $status
