#!/usr/bin/env bash
# Installs what is missing, builds and runs every test. Exits non-zero on any failure.
#
#   scripts/test.sh           1. the dev build and its tests (a normal failure shows up first)
#                             2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#                                (the asan preset; GUI tests on the offscreen platform)
#                             3. each libFuzzer target for a short time (scripts/fuzz.sh)
#                             This is what CI (.ci/run) runs.
#   scripts/test.sh --quick   step 1 only
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
stage() { printf '\n=== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

stage "dev build and tests"
attnlab_setup
attnlab_build
ctest --test-dir "$ATTNLAB_BUILD_DIR" --output-on-failure --parallel "$jobs"
[ "$quick" -eq 1 ] && exit 0

stage "AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
asan_dir="${ATTNLAB_ASAN_BUILD_DIR:-$ATTNLAB_ROOT/build/asan}"
if [ ! -f "$asan_dir/CMakeCache.txt" ]; then
  cmake --preset asan -S "$ATTNLAB_ROOT" -B "$asan_dir" >/dev/null
fi
cmake --build "$asan_dir" --parallel "$jobs"
# Leaks count as failures too (LeakSanitizer runs at exit of every test program). The package
# tests (label package) ran in the dev stage; packaging a sanitizer build would prove nothing more.
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --test-dir "$asan_dir" --output-on-failure --parallel "$jobs" --timeout 1800 --label-exclude package

stage "fuzz targets, ${ATTNLAB_FUZZ_SECONDS:-20} s each"
bash "$ATTNLAB_ROOT/scripts/fuzz.sh" "${ATTNLAB_FUZZ_SECONDS:-20}"

stage "all tests passed"
