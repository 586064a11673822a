#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) and runs each one for
# a given time on its seed corpus (tests/fuzz/corpus/<target>/). Exits non-zero when a target
# crashes, leaks, hits undefined behaviour or breaks an invariant; the input that did it is saved
# in <build>/findings/<target>/ and the log in <build>/logs/<target>.log.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s, every target)
#   scripts/fuzz.sh 20                                  (what CI runs)
#   scripts/fuzz.sh 600 fuzz_tokenizer
#
# The targets are built in the asan preset's build (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, the core instrumented for libFuzzer's coverage), where scripts/test.sh
# also runs the sanitizer tests. ATTNLAB_FUZZ_BUILD_DIR overrides the build folder (default
# build/asan-core, the one scripts/test.sh uses). Targets run
# ATTNLAB_FUZZ_JOBS at a time (default: one per core; each target is single-threaded). Inputs
# that reach new code are kept in <build>/corpus/<target>/ and reused by the next run; the seeds
# in the source tree are only read. Compiles go through ccache like the presets'
# (cmake/compiler_launcher.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

seconds="${1:-600}"
shift || true
build_dir="${ATTNLAB_FUZZ_BUILD_DIR:-$ATTNLAB_ROOT/build/asan-core}"
corpus_root="$ATTNLAB_ROOT/tests/fuzz/corpus"

attnlab_setup
if ! command -v clang++ >/dev/null 2>&1; then
  attnlab_log "clang++ is missing; install clang and libclang-rt-14-dev"
  exit 1
fi
if ! attnlab_configured "$build_dir"; then
  # The sanitizer build of the asan preset (clang, coverage for libFuzzer, ATTNLAB_FUZZ on): the
  # one scripts/test.sh also runs the tests in.
  attnlab_configure asan "$build_dir" -DATTNLAB_BUILD_UI=OFF
fi
cmake --build "$build_dir" --target attnlab_fuzz --parallel "$(nproc 2>/dev/null || echo 2)"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for binary in "$build_dir"/tests/fuzz/fuzz_*; do
    [ -f "$binary" ] && [ -x "$binary" ] && targets+=("$(basename "$binary")")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  attnlab_log "no fuzz targets were built in $build_dir"
  exit 1
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# One target: its result line on stdout, the log's tail on stderr when it failed; exit status 1
# then.
run_target() {
  local target="$1"
  local binary="$build_dir/tests/fuzz/$target"
  if [ ! -x "$binary" ]; then
    printf '%s: no such target in %s\n' "$target" "$build_dir"
    return 1
  fi
  local work_corpus="$build_dir/corpus/$target"
  local seeds="$corpus_root/$target"
  local findings="$build_dir/findings/$target"
  local log="$build_dir/logs/$target.log"
  mkdir -p "$work_corpus" "$findings" "$(dirname "$log")"
  local seed_dirs=()
  [ -d "$seeds" ] && seed_dirs=("$seeds")
  local status=0
  "$binary" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$findings/" \
    "$work_corpus" "${seed_dirs[@]}" >"$log" 2>&1 || status=$?
  local runs
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  if [ "$status" -eq 0 ]; then
    printf '%s: clean after %s s (%s inputs)\n' "$target" "$seconds" "${runs:-?}"
    return 0
  fi
  printf '%s: FAILED (exit %s); see %s\n' "$target" "$status" "$log"
  tail -n 40 "$log" >&2
  return 1
}

jobs="${ATTNLAB_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"
printf 'fuzzing %s targets for %s s each, %s at a time\n' "${#targets[@]}" "$seconds" "$jobs"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  ( run_target "$target" >"$results/$target.out" || touch "$results/$target.failed"
    cat "$results/$target.out" ) &
  running=$((running + 1))
done
wait || true
failed=()
for target in "${targets[@]}"; do
  [ -e "$results/$target.failed" ] && failed+=("$target")
done

if [ ${#failed[@]} -ne 0 ]; then
  attnlab_log "fuzz findings in: ${failed[*]}"
  exit 1
fi
