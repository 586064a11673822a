#!/usr/bin/env bash
# Installs what is missing, builds and runs every check; exits non-zero at the first failure.
# This is what CI (.ci/run) runs. Steps, cheapest and most telling first:
#
#   1. format      every tracked .cpp/.h is clang-formatted (scripts/format.sh --check)
#   2. dev         the dev build (build/dev) and every test: core, command line, window (offscreen
#                  platform), pretrained and trainer references, translations, package. A warning
#                  of the compiler fails this step: the build's output is searched for them (a
#                  fresh clone compiles every file, or has the compiler cache replay its warnings)
#   3. tidy        clang-tidy with the checks of .clang-tidy over every core file
#                  (scripts/tidy.sh, with the dev build's compile commands); a finding fails. Each
#                  file's result is cached machine-wide under a hash of its preprocessed text, so
#                  only changed files are analysed again (every file: about 20 min on two cores)
#   4. sanitizers  AddressSanitizer + UndefinedBehaviorSanitizer (the asan preset: clang, leaks
#                  count) on the core and its tests, without the window: the Qt code and the
#                  command line ran in step 2, and tests labelled heavy (the trainer against
#                  PyTorch, and the few that take most of a minute under the sanitizers) are not
#                  repeated; each test program runs whole in two shards (the asan preset's
#                  ATTNLAB_TESTS_PER_PROGRAM), not once per test
#   5. fuzz        each libFuzzer target for ATTNLAB_FUZZ_SECONDS (default 20), one per core
#                  (scripts/fuzz.sh), built in step 4's build: the core is compiled once for both
#
# then the time of each step. Compiles go through ccache when it is installed (the presets'
# cmake/compiler_launcher.sh), so a second run on the same machine rebuilds only what changed.
#
#   scripts/test.sh           every step
#   scripts/test.sh --quick   steps 1 and 2
#
# Environment: ATTNLAB_ASAN_BUILD_DIR (default build/asan-core, also the fuzz targets' build),
# ATTNLAB_FUZZ_SECONDS (seconds per fuzz target, default 20), ATTNLAB_MIN_FREE_GB
# (the free disk space required before building, default 10).
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
  if [ ${#stage_names[@]} -gt 0 ]; then
    printf '\n=== time per step\n'
    local i
    for i in "${!stage_names[@]}"; do
      printf '  %-12s %3d:%02d\n' "${stage_names[$i]}" $((stage_seconds[i] / 60)) \
        $((stage_seconds[i] % 60))
    done
    printf '  %-12s %3d:%02d\n' total $((SECONDS / 60)) $((SECONDS % 60))
  fi
  if [ "$status" -eq 0 ]; then
    printf '\n=== all checks passed\n'
  else
    printf '\n=== FAILED (exit %s)\n' "$status"
  fi
}
trap summary EXIT

# Builds with the given arguments; fails when the compiler warned about a project file.
build_without_warnings() {
  local log
  log="$(mktemp)"
  local status=0
  cmake --build "$@" 2>&1 | tee "$log" || status=$?
  if [ "$status" -ne 0 ]; then
    rm -f "$log"
    return "$status"
  fi
  if grep -E '^[^ ]*\.(cpp|h):[0-9]+:[0-9]+: warning:' "$log" >/dev/null; then
    attnlab_log "the compiler warned (the tree is kept free of warnings):"
    grep -E '^[^ ]*\.(cpp|h):[0-9]+:[0-9]+: warning:' "$log" | sort -u >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

stage setup "packages"
attnlab_setup
# The builds of steps 2 to 4 take about ATTNLAB_MIN_FREE_GB together; a full disk otherwise
# shows up as a linker error deep in step 3.
min_free_gb="${ATTNLAB_MIN_FREE_GB:-10}"
free_gb="$(df -P -BG "$ATTNLAB_ROOT" | awk 'NR == 2 { sub("G", "", $4); print $4 }')"
if [ -n "$free_gb" ] && [ "$free_gb" -lt "$min_free_gb" ]; then
  attnlab_log "only ${free_gb} GB free on the disk of $ATTNLAB_ROOT; the builds need about" \
    "${min_free_gb} GB (set ATTNLAB_MIN_FREE_GB to change the threshold)"
  exit 1
fi

stage format "formatting (clang-format)"
bash "$ATTNLAB_ROOT/scripts/format.sh" --check

stage dev "dev build without warnings, and every test"
dev_dir="$ATTNLAB_ROOT/build/dev"
attnlab_configure dev "$dev_dir"
build_without_warnings "$dev_dir" --parallel "$jobs"
ctest --test-dir "$dev_dir" --output-on-failure --parallel "$jobs"
[ "$quick" -eq 1 ] && exit 0

stage tidy "clang-tidy over the core (the checks of .clang-tidy, findings are errors)"
bash "$ATTNLAB_ROOT/scripts/tidy.sh" -p "$dev_dir"

stage sanitizers "AddressSanitizer + UndefinedBehaviorSanitizer: the core and its tests"
asan_dir="${ATTNLAB_ASAN_BUILD_DIR:-$ATTNLAB_ROOT/build/asan-core}"
attnlab_configure asan "$asan_dir" -DATTNLAB_BUILD_UI=OFF
cmake --build "$asan_dir" --parallel "$jobs"
# Leaks count as failures too (LeakSanitizer runs at exit of every test program).
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --test-dir "$asan_dir" --output-on-failure --parallel "$jobs" --timeout 1800 \
    --label-exclude 'heavy|package' --no-tests=error

stage fuzz "fuzz targets, ${ATTNLAB_FUZZ_SECONDS:-20} s each"
ATTNLAB_FUZZ_BUILD_DIR="$asan_dir" bash "$ATTNLAB_ROOT/scripts/fuzz.sh" "${ATTNLAB_FUZZ_SECONDS:-20}"
