#!/usr/bin/env bash
# Runs clang-tidy 14 with the checks of the root .clang-tidy over the core's sources (and the
# project headers they include), using the compile commands of a configured build, and lists
# every finding as file:line: message [check], then a count per check. Exits 1 when there is any.
#
#   scripts/tidy.sh                    every core source, with build/dev's compile commands
#   scripts/tidy.sh -p build/asan      another configured build
#   scripts/tidy.sh core/base/npy.cpp  only these files
#
# The sources are analysed as the build compiles them: in the batches of a unity build
# (cmake/compile_time.cmake), so that the headers they share are analysed once per batch rather
# than once per source (under 2 min instead of about 20 for the whole core on two cores), or each on its
# own in a build without. A finding names the source and line either way.
#
# A file's result is kept in a cache (ATTNLAB_TIDY_CACHE, default ~/.cache/attention-lab-tidy)
# under a hash of its preprocessed text, the compile flags that matter, the .clang-tidy file and
# the clang-tidy version, so an unchanged file is not analysed again, in any clone on the machine.
# The hashed text keeps its comments (-C): a NOLINT added to a file or a header changes the key.
# A second key, from the content of every file the build's dependency file lists for the source
# (scripts/tidy_keys.py), finds the result without running the preprocessor when the build is
# up to date. ATTNLAB_TIDY_CACHE=off disables the cache.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$root/build/dev"
cache="${ATTNLAB_TIDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/attention-lab-tidy}"
tidy=clang-tidy-14
cache_format=2 # raise when the stored output or the key changes form, so old entries are not replayed
python=python3
command -v "$python" >/dev/null 2>&1 || python=/usr/bin/python3

# Prints a stored result (findings after a status line) and returns its status.
replay() {
  local status
  status="$(head -n 1 "$1")"
  tail -n +2 "$1"
  return "$status"
}

# Files the result under `key` under the quick key `quick` too ("-": none).
store_quick() {
  [ "$2" != - ] || return 0
  cp "$cache/$1" "$cache/$2.$$" && mv "$cache/$2.$$" "$cache/$2"
}

# One file: print its findings (paths relative to the root), exit 1 when there are any. The
# second argument is its quick key from tidy_keys.py ("-" for none).
tidy_one() {
  local file="$1" quick="${2:--}" flags key out status path="$1"
  [[ "$file" = /* ]] || path="$root/$file"
  if [ "$cache" != off ] && [ "$quick" != - ] && [ -f "$cache/$quick" ]; then
    replay "$cache/$quick"
    return $?
  fi
  # The compile command without output, input and the warning flags, to preprocess the file.
  flags="$("$python" - "$build_dir/compile_commands.json" "$file" "$root" <<'PY'
import json, os, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"] == os.path.join(sys.argv[3], sys.argv[2]):
        args = shlex.split(entry["command"])[1:]
        keep, skip = [], False
        for arg in args:
            if skip:
                skip = False
                continue
            if arg in ("-o", "-c", "-MF", "-MT"):
                skip = True
                continue
            if arg == entry["file"] or arg.startswith("-W") or arg in ("-MD", "-MMD", "-g"):
                continue
            keep.append(arg)
        print(shlex.join(keep))
        break
PY
)"
  if [ -z "$flags" ]; then
    echo "$file: not in $build_dir/compile_commands.json (configure the build first)" >&2
    return 2
  fi
  if [ "$cache" != off ]; then
    # Absolute paths of this clone are replaced, so that every clone shares the entries.
    key="$( { echo "$cache_format"; "$tidy" --version; cat "$root/.clang-tidy"; echo "${file#"$root"/}"; echo "$flags" | sed "s|$root|@|g";
              (cd "$build_dir" && eval "c++ $flags -E -P -C -x c++ $(printf %q "$path")") | sed "s|$root|@|g"; } |
            sha256sum | cut -d' ' -f1)"
    if [ -f "$cache/$key" ]; then
      store_quick "$key" "$quick"
      replay "$cache/$key"
      return $?
    fi
  fi
  status=0
  out="$(cd "$root" && "$tidy" -p "$build_dir" --config-file="$root/.clang-tidy" --quiet "$file" 2>/dev/null)" || status=$?
  # Keep the findings (and the lines that show them), drop clang-tidy's counts of suppressed ones.
  out="$(printf '%s\n' "$out" | sed -e "s|$root/||g" -e 's/,-warnings-as-errors\]$/]/' -e 's/: error: /: warning: /' |
    grep -v '^[0-9]* warnings\? \(and [0-9]* errors\? \)\?generated\.$' | cat -s || true)"
  [ "$status" -eq 0 ] || status=1
  if [ "$cache" != off ]; then
    mkdir -p "$cache"
    { echo "$status"; printf '%s\n' "$out"; } > "$cache/$key.$$" && mv "$cache/$key.$$" "$cache/$key"
    store_quick "$key" "$quick"
  fi
  printf '%s\n' "$out"
  return "$status"
}

if [ "${1:-}" = "--one" ]; then
  build_dir="$2"
  tidy_one "$3" "${4:--}"
  exit $?
fi

files=()
while [ $# -gt 0 ]; do
  case "$1" in
    -p) build_dir="$(cd "${2:?-p needs a build folder}" && pwd)"; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "tidy.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) files+=("$1") ;;
  esac
  shift
done
if ! command -v "$tidy" >/dev/null 2>&1; then
  echo "tidy.sh: $tidy is missing (Debian package clang-tidy-14)" >&2
  exit 1
fi
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "tidy.sh: no compile_commands.json in $build_dir; configure it first (cmake --preset dev)" >&2
  exit 1
fi
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(cd "$root" && git ls-files -- 'core/*.cpp')
fi
# Each source is analysed as the build compiles it: on its own, or with its unity batch (once per
# batch, however many of its sources are named).
mapfile -t files < <("$python" - "$root" "$build_dir/compile_commands.json" "${files[@]}" <<'PY'
import json, os, sys
root, database, named = sys.argv[1], sys.argv[2], sys.argv[3:]
entries = [entry["file"] for entry in json.load(open(database))]
batches = {}
for path in entries:
    if "/Unity/unity_" in path:
        for line in open(path, encoding="utf-8"):
            if line.startswith("#include "):
                batches[os.path.normpath(line.split('"')[1])] = path
out = []
for file in named:
    path = os.path.normpath(os.path.join(root, file))
    chosen = file if path in entries or path not in batches else batches[path]
    if chosen not in out:
        out.append(chosen)
print("\n".join(out))
PY
)

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
salt="$( { echo "$cache_format"; "$tidy" --version; cat "$root/.clang-tidy"; } | sha256sum | cut -d' ' -f1)"
# Each line: a file and its quick key.
"$python" "$root/scripts/tidy_keys.py" "$root" "$build_dir" "$salt" "${files[@]}" |
  xargs -P "$(nproc 2>/dev/null || echo 2)" -L 1 bash "${BASH_SOURCE[0]}" --one "$build_dir" \
  >"$report" || status=$?
cat "$report"
findings="$(grep -c ': warning: \|: error: ' "$report" || true)"
if [ "$findings" -gt 0 ]; then
  echo "tidy: $findings findings in ${#files[@]} files:" >&2
  sed -n 's/.*: \(warning\|error\): .* \[\([^],]*\)[^]]*\]$/\2/p' "$report" | sort | uniq -c | sort -rn >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "tidy: clang-tidy failed (see above)" >&2
  exit 1
fi
echo "tidy: ${#files[@]} files, no findings"
