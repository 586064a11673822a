#!/usr/bin/env bash
# Packages the build tree it is given with CPack (the DEB generator), checks the package's control
# fields and file list, extracts it and checks the extracted files with check_installed.sh.
#
#   check_deb.sh BUILD_DIR WORK_DIR SOURCE_DIR CPACK
#
# It packages this build (for ctest: the dev build), not the portable `package` preset that
# scripts/package.sh builds, so that CI does not compile the program a second time; the rules
# and the package's contents are the same. Exits 77 (ctest: skipped) where dpkg-deb is missing.
set -uo pipefail
build_dir="$1" work="$2" source_dir="$3" cpack="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "SKIPPED: dpkg-deb is missing, so no Debian package can be built or checked here"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
if ! (cd "$build_dir" && "$cpack" -G DEB -B "$work/out") >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL: cpack -G DEB"
  exit 1
fi
deb="$(ls "$work"/out/attention-lab_*.deb 2>/dev/null | head -n 1)"
if [ -z "$deb" ]; then
  cat "$work/cpack.log"
  echo "FAIL: cpack wrote no attention-lab_*.deb"
  exit 1
fi
echo "package: $(basename "$deb")"

failures=0
pass() { printf 'ok      %s\n' "$*"; }
fail() { printf 'FAIL    %s\n' "$*"; failures=$((failures + 1)); }
field() { dpkg-deb --field "$deb" "$1"; }
expect() { # expect FIELD PATTERN (extended regular expression)
  local value
  value="$(field "$1")"
  if printf '%s\n' "$value" | grep -Eq -- "$2"; then pass "$1: $value"
  else fail "$1 is '$value', expected /$2/"; fi
}

expect Package '^attention-lab$'
expect Version '^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+$'
expect Section '^education$'
expect Priority '^optional$'
expect Maintainer '^.+ <.+@.+>$'
expect Recommends 'fonts-noto-cjk'
# dpkg-shlibdeps ran: the libraries the program links are dependencies with versions.
expect Depends 'libc6 \(>= [0-9.]+\)'
expect Depends 'libqt6widgets6 \(>= '
expect Depends 'libicu72'
expect Description '^explore and teach the attention mechanism$'
if [ -z "$(field Homepage)" ]; then pass "no Homepage"; else fail "Homepage is set"; fi
control_files="$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)"
if grep -qE '(postinst|prerm|postrm|preinst)$' <<<"$control_files"; then
  fail "maintainer scripts present (dpkg's triggers update the databases)"
else pass "no maintainer scripts"; fi
grep -q 'md5sums$' <<<"$control_files" && pass "md5sums" || fail "no md5sums"

# Only /usr, nothing of the build (tests, libraries, headers), nothing writable by others.
dpkg-deb --contents "$deb" >"$work/contents.txt"
outside="$(awk '{print $6}' "$work/contents.txt" | grep -vE '^\./(usr/.*)?$' || true)"
[ -z "$outside" ] && pass "every path is under /usr" || fail "paths outside /usr: $outside"
stray="$(awk '{print $6}' "$work/contents.txt" | grep -E '/(test_|bench_|fuzz_)|\.(a|h|so[.0-9]*)$|/include/' || true)"
[ -z "$stray" ] && pass "no test, benchmark, library or header file" || fail "stray files: $stray"
writable="$(awk '$1 ~ /^.....w|^........w/ {print $6}' "$work/contents.txt")"
[ -z "$writable" ] && pass "nothing writable by group or others" || fail "writable: $writable"
executables="$(awk '$1 ~ /^-..x/ {print $6}' "$work/contents.txt")"
[ "$executables" = "./usr/bin/attention-lab" ] && pass "one executable: /usr/bin/attention-lab" ||
  fail "executables: $executables"
owners="$(awk '{print $2}' "$work/contents.txt" | sort -u)"
[ "$owners" = "root/root" ] && pass "owned by root" || fail "owners: $owners"

dpkg-deb -x "$deb" "$work/root"
bash "$here/check_installed.sh" "$work/root" "$source_dir" || failures=$((failures + 1))

if [ "$failures" -ne 0 ]; then
  echo "the package failed $failures check(s)"
  exit 1
fi
echo "the package passed every check"
