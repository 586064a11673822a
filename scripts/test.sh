#!/usr/bin/env bash
# Installs what is missing, builds and runs every check; exits non-zero at the first failure.
# This is what CI (.ci/run) runs. Steps, cheapest and most telling first:
#
#   1. format     every tracked .cpp/.h is clang-formatted (scripts/format.sh --check)
#   2. dev        the `ci` preset (the dev build in build/dev, warnings are errors) and every
#                 test: core, command line, GUI (offscreen platform), translations
#   3. tidy       clang-tidy over the core with the dev build's compile commands (scripts/tidy.sh)
#   4. sanitizers the asan preset (AddressSanitizer + UndefinedBehaviorSanitizer, leaks count):
#                 the core and app tests and the GUI tests labelled gui-sanitize; tests labelled
#                 *-heavy ran in step 2 and are not repeated (tests/CMakeLists.txt says why)
#   5. fuzz       each libFuzzer target for ATTNLAB_FUZZ_SECONDS (default 20), two at a time
#                 (scripts/fuzz.sh)
#
# then the time of each step and what the compiler cache (ccache, through the presets'
# cmake/compiler_launcher.sh) served in this run.
#
#   scripts/test.sh           every step
#   scripts/test.sh --quick   steps 1 and 2
#
# Environment: ATTNLAB_ASAN_BUILD_DIR (default build/asan), ATTNLAB_FUZZ_BUILD_DIR (default
# build/fuzz), ATTNLAB_FUZZ_SECONDS (seconds per fuzz target, default 20).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) attnlab_log "unknown option $1 (use --quick or nothing)"; exit 2 ;;
esac

jobs="$(nproc 2>/dev/null || echo 2)"
export QT_QPA_PLATFORM=offscreen
# The compiler cache's counters of this run only (the cache itself is shared and kept).
export CCACHE_STATSLOG="$ATTNLAB_ROOT/build/ccache-stats.log"
mkdir -p "$ATTNLAB_ROOT/build"
rm -f "$CCACHE_STATSLOG"

stage_names=()
stage_seconds=()
stage_name=""
stage_start=0
stage_end() {
  [ -n "$stage_name" ] || return 0
  stage_names+=("$stage_name")
  stage_seconds+=($((SECONDS - stage_start)))
  stage_name=""
}
stage() {
  stage_end
  stage_name="$1"
  stage_start=$SECONDS
  printf '\n=== %s (%s)\n' "$2" "$(date +%H:%M:%S)"
}
summary() {
  local status=$?
  stage_end
  [ ${#stage_names[@]} -gt 0 ] || return 0
  printf '\n=== time per step\n'
  local i
  for i in "${!stage_names[@]}"; do
    printf '  %-12s %3d:%02d\n' "${stage_names[$i]}" $((stage_seconds[i] / 60)) $((stage_seconds[i] % 60))
  done
  printf '  %-12s %3d:%02d\n' total $((SECONDS / 60)) $((SECONDS % 60))
  if command -v ccache >/dev/null 2>&1 && [ -f "$CCACHE_STATSLOG" ]; then
    printf '\n=== compiler cache in this run (ccache, %s)\n' \
      "$(ccache -k cache_dir 2>/dev/null || echo '~/.cache/ccache')"
    ccache --show-log-stats 2>/dev/null || ccache --show-stats
  fi
  [ "$status" -eq 0 ] && printf '\n=== all checks passed\n' || printf '\n=== FAILED (exit %s)\n' "$status"
}
trap summary EXIT

stage setup "packages"
attnlab_setup

stage format "formatting (clang-format)"
bash "$ATTNLAB_ROOT/scripts/format.sh" --check

stage dev "dev build, warnings as errors, and every test"
dev_dir="$ATTNLAB_ROOT/build/dev"
cmake --preset ci -S "$ATTNLAB_ROOT" >/dev/null
cmake --build "$dev_dir" --parallel "$jobs"
ctest --test-dir "$dev_dir" --output-on-failure --parallel "$jobs"
[ "$quick" -eq 1 ] && exit 0

stage tidy "clang-tidy over the core"
bash "$ATTNLAB_ROOT/scripts/tidy.sh" -p "$dev_dir"

stage sanitizers "AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
asan_dir="${ATTNLAB_ASAN_BUILD_DIR:-$ATTNLAB_ROOT/build/asan}"
cmake --preset asan -S "$ATTNLAB_ROOT" -B "$asan_dir" >/dev/null
cmake --build "$asan_dir" --parallel "$jobs" --target attnlab_sanitizer_tests
# Leaks count as failures too (LeakSanitizer runs at exit of every test program).
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --test-dir "$asan_dir" --output-on-failure --parallel "$jobs" --timeout 1800 \
    --label-regex '^(core|app|gui-sanitize)$' --no-tests=error

stage fuzz "fuzz targets, ${ATTNLAB_FUZZ_SECONDS:-20} s each"
bash "$ATTNLAB_ROOT/scripts/fuzz.sh" "${ATTNLAB_FUZZ_SECONDS:-20}"
