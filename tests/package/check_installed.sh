#!/usr/bin/env bash
# Checks an installed Attention Lab, file by file, and runs the installed program from there.
#
#   check_installed.sh ROOT SOURCE_DIR              ROOT holds usr/ (an extracted .deb)
#   check_installed.sh --install BUILD_DIR WORK_DIR SOURCE_DIR
#                                                   first `cmake --install BUILD_DIR` into
#                                                   WORK_DIR/root/usr, then checks that
#
# Prints one line per check; exits 1 at the end if any failed. Tools that are missing
# (appstreamcli, desktop-file-validate, xmllint, man, update-mime-database) are reported as
# skipped checks, never as passes.
set -uo pipefail

if [ "${1:-}" = "--install" ]; then
  build_dir="$2" work="$3" source_dir="$4"
  rm -rf "$work" && mkdir -p "$work"
  cmake --install "$build_dir" --prefix "$work/root/usr" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
  root="$work/root"
else
  root="$1" source_dir="$2"
  work="$(dirname "$root")"
fi
usr="$root/usr"
failures=0
pass() { printf 'ok      %s\n' "$*"; }
fail() { printf 'FAIL    %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf 'SKIPPED %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@" >"$work/check.log" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/    /' "$work/check.log"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# --- the program, run from the install prefix
program="$usr/bin/attention-lab"
check "bin/attention-lab is an executable" test -x "$program"
out="$work/run"
rm -rf "$out" && mkdir -p "$out/my lessons" "$out/out dir"
export HOME="$out" QT_QPA_PLATFORM=offscreen
"$program" --help >"$out/help.txt" 2>&1 && [ -s "$out/help.txt" ] && pass "--help runs" ||
  { fail "--help runs"; cat "$out/help.txt"; }
version="$("$program" --version | head -n 1 | awk '{print $2}')"
check "--version prints a version ($version)" test -n "$version"
check "headless PNG export of a Chinese sentence" bash -c '"$0" --sentence "我爱深度学习" --heads 2 \
  --mask causal --title --export "$1" && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]' \
  "$program" "$out/heads.png"
check "headless JSON export" bash -c '"$0" --sentence "The cat sat" --export-data "$1" &&
  grep -q "\"weights\"" "$1"' "$program" "$out/weights.json"
cp "$source_dir/resources/lessons/03-causal-mask.attnlab" "$out/my lessons/causal mask.attnlab"
check "a lone lesson whose path has spaces renders (SVG)" bash -c '"$0" "$1" --export "$2" &&
  grep -q "<svg" "$2"' "$program" "$out/my lessons/causal mask.attnlab" "$out/out dir/lesson.svg"
for model in induction-2x2 translation-small; do
  check "the lessons' model $model is installed" \
    test -s "$usr/share/attention-lab/models/$model/model.safetensors"
done
check "a lesson on a shipped model exports with the installed model" bash -c '"$0" "$1" \
  --export-data "$2" && grep -q "\"architecture\": \"AttentionLabTransformer\"" "$2"' "$program" \
  "$source_dir/resources/lessons/06-multi-head.attnlab" "$out/lesson6.json"

# --- menu entry
desktop="$usr/share/applications/attention-lab.desktop"
check "desktop entry installed" test -f "$desktop"
if have desktop-file-validate; then
  check "desktop-file-validate: no error or warning" bash -c \
    'desktop-file-validate "$0" | tee /dev/stderr | { ! grep -Eq "error|warning"; }' "$desktop"
else skip "desktop-file-validate is missing (desktop-file-utils)"; fi
for line in 'Exec=attention-lab %f' 'Icon=attention-lab' 'Terminal=false' \
  'MimeType=application/x-attention-lab-lesson;' 'Name[zh_CN]=' 'Comment[zh_CN]=' \
  'GenericName[zh_CN]=' 'Keywords[zh_CN]=' 'Categories=Education;Science;'; do
  check "desktop entry has $line" grep -qF -- "$line" "$desktop"
done

# --- lesson MIME type
mime="$usr/share/mime/packages/attention-lab.xml"
check "MIME type installed" test -f "$mime"
if have xmllint; then check "MIME XML is well-formed" xmllint --noout "$mime"
else skip "xmllint is missing (libxml2-utils)"; fi
if have update-mime-database; then
  mkdir -p "$out/mime/packages" && cp "$mime" "$out/mime/packages/"
  check "update-mime-database reads it: glob *.attnlab and the format magic" bash -c \
    'update-mime-database "$0" && grep -q "application/x-attention-lab-lesson:\*\.attnlab" "$0/globs2" &&
     grep -aq "attention-lab-session" "$0/magic"' "$out/mime"
else skip "update-mime-database is missing (shared-mime-info)"; fi

# --- icons
icons="$usr/share/icons/hicolor"
check "scalable SVG icon" test -s "$icons/scalable/apps/attention-lab.svg"
have xmllint && check "SVG icon is well-formed" xmllint --noout "$icons/scalable/apps/attention-lab.svg"
for size in 16 24 32 48 64 128 256; do
  png="$icons/${size}x${size}/apps/attention-lab.png"
  # Width and height are the big-endian words at bytes 16 and 20 of a PNG.
  check "PNG icon ${size}x${size}" bash -c '[ "$(od -An -tx1 -j16 -N8 "$0" | tr -d " \n")" = \
    "$(printf "%08x%08x" "$1" "$1")" ]' "$png" "$size"
done

# --- manual page
manpage="$(ls "$usr"/share/man/man1/attention-lab.1* 2>/dev/null | head -n 1)"
check "manual page installed" test -n "$manpage"
if have man && [ -n "$manpage" ]; then
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$manpage" >"$out/man.txt" 2>"$out/man.err"
  check "man renders it without warnings" bash -c '[ -s "$0" ] && [ ! -s "$1" ] || { cat "$1"; false; }' \
    "$out/man.txt" "$out/man.err"
  if have groff && have preconv; then
    check "groff -man -ww renders it without warnings" bash -c \
      '[ -z "$({ gzip -dcf "$0" | preconv | groff -man -ww -z -Tutf8; } 2>&1)" ]' "$manpage"
  fi
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' FILES EXAMPLES 'SEE ALSO'; do
    check "manual page has $section" grep -q "^$section" "$out/man.txt"
  done
  # Every option that --help lists (on its option lines) is in the rendered page.
  options="$(grep -E '^[[:space:]]+-' "$out/help.txt" | grep -oE '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' |
    tr -d ' ,' | sort -u)"
  check "--help lists options ($(echo "$options" | wc -l))" test -n "$options"
  missing=""
  for option in $options; do
    grep -qF -- "$option" "$out/man.txt" || missing="$missing $option"
  done
  check "the manual page names every option of --help${missing:+ (missing:$missing)}" test -z "$missing"
else skip "man is missing (man-db)"; fi

# --- AppStream
metainfo="$(ls "$usr"/share/metainfo/*.metainfo.xml 2>/dev/null | head -n 1)"
check "metainfo installed" test -n "$metainfo"
if [ -n "$metainfo" ]; then
  if have appstreamcli; then check "appstreamcli validate --no-net" appstreamcli validate --no-net "$metainfo"
  else skip "appstreamcli is missing (appstream)"; fi
  check "metainfo release is the program's version $version" grep -q "<release version=\"$version\"" "$metainfo"
  launchable="$(sed -n 's:.*<launchable type="desktop-id">\(.*\)</launchable>.*:\1:p' "$metainfo")"
  check "metainfo launchable $launchable is installed" test -f "$usr/share/applications/$launchable"
fi

# --- Debian documentation
doc="$usr/share/doc/attention-lab"
check "machine-readable copyright" grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$doc/copyright"
check "copyright says GPL-3.0-or-later" grep -q '^License: GPL-3.0-or-later' "$doc/copyright"
check "changelog.Debian.gz names version $version" bash -c 'gzip -dc "$0" | head -n 1 | grep -qF "($1-"' \
  "$doc/changelog.Debian.gz" "$version"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "every check passed"
