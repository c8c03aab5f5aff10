#!/usr/bin/env bash
# Builds the sanitize preset (clang, ASan + UBSan, LeakSanitizer on, the libFuzzer
# targets), runs the whole test suite under it, then each fuzzer of fuzz/ for
# LIOUVILLE_FUZZ_SECONDS seconds (default 60), as many at once as there are cores.
# A fuzzer's crashing input is kept in build/sanitize/fuzz/ and named on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LIOUVILLE_FUZZ_SECONDS:-60}

scripts/setup.sh sanitize
export PATH="/usr/lib/llvm-14/bin:$PATH"  # llvm-symbolizer, for file:line in the reports
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
TMPDIR=$(mktemp -d) ctest --preset sanitize

out=build/sanitize/fuzz
mkdir -p "$out"
fuzz_one() {  # fuzz_one KIND: new inputs go to $out/corpus/KIND, seeds come from fuzz/corpus/KIND
  local kind=$1
  mkdir -p "$out/corpus/$kind"
  if build/sanitize/bin/fuzz_"$kind" "$out/corpus/$kind" "fuzz/corpus/$kind" -max_total_time="$seconds" \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$out/$kind-" >"$out/$kind.log" 2>&1; then
    awk -v kind="$kind" '/^stat::number_of_executed_units/ {runs = $2} /^stat::new_units_added/ {added = $2}
      /^stat::peak_rss_mb/ {rss = $2} END {printf "fuzz_%s: %d executions, %d new inputs, peak %d MB, no crash\n",
      kind, runs, added, rss}' "$out/$kind.log"
  else
    tail -n 60 "$out/$kind.log"
    echo "fuzz_$kind FAILED: the input is $(ls -t "$out/$kind"-* 2>/dev/null | head -n 1); replay it with" \
      "build/sanitize/bin/fuzz_$kind FILE, then add it to tests/fuzz/regressions/$kind/" >&2
    return 1
  fi
}
export -f fuzz_one
export out seconds
echo "fuzzing each target for $seconds s"
printf '%s\n' csv npy checkpoint config | xargs -P "$(nproc)" -I{} bash -c 'fuzz_one {}'
