#!/usr/bin/env bash
# Builds and runs every benchmark, runs the NumPy reference, prints a summary against the targets
# and writes the figures as JSON.
#
#   scripts/bench.sh                   everything (a few minutes)
#   scripts/bench.sh --quick           shorter runs, fewer repetitions (a rough look)
#   scripts/bench.sh --filter REGEX    only benchmarks whose name matches (passed to every binary)
#   scripts/bench.sh --threads N       limit OpenMP (the core) and OpenBLAS (NumPy) to N threads;
#                                      --threads 1 compares one core with one core, which other
#                                      programs running on the machine disturb far less
#
# Builds with the `release` preset (-O3 -march=native, OpenMP) into build/release unless
# ATTNLAB_BENCH_BUILD_DIR names another build directory (configured the same way when new).
# Writes build/release/bench/<binary>.json (Google Benchmark's format), numpy.json and
# summary.txt; ATTNLAB_BENCH_OUT changes the folder. Every executable named bench_* in the
# build's tests/benchmarks folder is run, so a new bench_<name>.cpp needs no change here.
# Other machine load distorts the figures: the summary prints the load average of the run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

quick=0
filter=""
threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --filter) filter="${2:?--filter needs a regular expression}"; shift ;;
    --filter=*) filter="${1#--filter=}" ;;
    --threads) threads="${2:?--threads needs a number}"; shift ;;
    --threads=*) threads="${1#--threads=}" ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

ATTNLAB_PRESET=release
build_dir="${ATTNLAB_BENCH_BUILD_DIR:-$ATTNLAB_ROOT/build/release}"
out_dir="${ATTNLAB_BENCH_OUT:-$build_dir/bench}"
if [ -n "$threads" ]; then
  export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
  out_dir="${ATTNLAB_BENCH_OUT:-$build_dir/bench-threads-$threads}"
fi

attnlab_setup
if ! attnlab_configured "$build_dir"; then
  attnlab_configure release "$build_dir"
elif ! grep -q '^ATTNLAB_BUILD_BENCHMARKS:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  # A build folder configured before the benchmarks became optional.
  cmake -S "$ATTNLAB_ROOT" -B "$build_dir" -DATTNLAB_BUILD_BENCHMARKS=ON >/dev/null
fi
cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)" --target attnlab_benchmarks
mkdir -p "$out_dir"

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
extra=()
[ -n "$filter" ] && extra+=("--benchmark_filter=$filter")
if [ "$quick" -eq 1 ]; then
  extra+=("--benchmark_min_time=0.05" "--benchmark_repetitions=1")
  export ATTNLAB_BENCH_QUICK=1
fi

shopt -s nullglob
ran=0
for exe in "$build_dir"/tests/benchmarks/bench_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name="$(basename "$exe")"
  echo "== $name" >&2
  # GUI benchmarks draw offscreen unless a display is chosen explicitly.
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$exe" "${extra[@]}" \
    --benchmark_out="$out_dir/$name.json" --benchmark_out_format=json
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "bench.sh: no benchmark was built in $build_dir" >&2; exit 1; }

# The NumPy reference of the headline case (and the long one), timed the same way.
python=/usr/bin/python3
command -v "$python" >/dev/null 2>&1 || python="$(command -v python3 || true)"
if [ -n "$python" ]; then
  numpy_time=2
  [ "$quick" -eq 1 ] && numpy_time=0.3
  "$python" "$ATTNLAB_ROOT/tests/benchmarks/numpy_reference.py" --min-time "$numpy_time" \
    --case 64,256,8 --case 512,256,8 --case 2048,256,8 --out "$out_dir/numpy.json"
  load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  "$python" "$ATTNLAB_ROOT/tests/benchmarks/bench_report.py" "$out_dir" \
    --load "$load_before / $load_after" | tee "$out_dir/summary.txt"
else
  echo "bench.sh: python3 is not installed; skipping the NumPy reference and the summary" >&2
fi
echo "figures written to $out_dir" >&2
