#!/usr/bin/env bash
# Formats every C++ source and header of the repository with the root .clang-format, or checks
# that they are formatted.
#
#   scripts/format.sh            rewrite the files in place (clang-format -i)
#   scripts/format.sh --check    change nothing; list every file that is not formatted and exit 1
#                                when there is one (what CI runs first, scripts/test.sh)
#
# The files are those git tracks (*.cpp, *.h), so build folders and generated sources are left
# out. clang-format 14 (Debian's clang-format) is the reference version: another version may
# format a few constructs differently.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "format.sh: unknown option $1 (use --check or nothing)" >&2; exit 2 ;;
esac

formatter=""
for candidate in clang-format-14 clang-format; do
  if command -v "$candidate" >/dev/null 2>&1; then
    formatter="$candidate"
    break
  fi
done
if [ -z "$formatter" ]; then
  echo "format.sh: clang-format is missing (Debian package clang-format)" >&2
  exit 1
fi

cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
else
  mapfile -t files < <(find core ui app tests -name '*.cpp' -o -name '*.h' | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "format.sh: no sources found" >&2; exit 1; }

if [ "$check" -eq 0 ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -P "$(nproc 2>/dev/null || echo 2)" -n 16 "$formatter" -i
  exit 0
fi

# One line per file that would change, then the first differences of each.
mapfile -t unformatted < <(printf '%s\0' "${files[@]}" |
  xargs -0 -P "$(nproc 2>/dev/null || echo 2)" -n 16 "$formatter" --dry-run 2>&1 |
  sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u)
if [ ${#unformatted[@]} -eq 0 ]; then
  echo "format: ${#files[@]} files, all formatted"
  exit 0
fi
echo "format: ${#unformatted[@]} of ${#files[@]} files are not formatted:" >&2
for file in "${unformatted[@]}"; do
  echo "  $file" >&2
  "$formatter" "$file" | diff -u "$file" - | sed -n '3,14p' | sed 's/^/      /' >&2 || true
done
echo "format: run scripts/format.sh (or clang-format -i FILE) and commit the result" >&2
exit 1
