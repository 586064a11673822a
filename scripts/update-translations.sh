#!/usr/bin/env bash
# Brings the interface translations up to date with the sources, then checks them.
#
#   scripts/update-translations.sh
#     1. lupdate over ui/ into resources/translations/attention-lab_<lang>.ts: a new or changed
#        tr() string becomes an unfinished entry, a string no longer in the code is dropped.
#     2. scripts/check_translations.py: lists every unfinished entry, every translation that
#        lost a placeholder (%1), a mnemonic (&) or an HTML tag, and every user-visible literal
#        in ui/ that bypasses tr(). Exits 1 when it lists anything.
#
# Translate what it lists with Qt Linguist (linguist resources/translations/*.ts) or in the .ts
# file itself (fill <translation> and remove type="unfinished"), then run it again. The build
# turns the .ts files into the .qm files embedded in the program. ctest runs step 2 as the test
# translations.complete_and_no_bypass. When a core message changes, run scripts/core_strings.py
# first (ctest checks it as translations.core_strings_current); scripts/fill_translations.py
# fills unfinished entries from a table of translations.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

lupdate=""
for candidate in "$(qtpaths6 --query QT_HOST_BINS 2>/dev/null)/lupdate" /usr/lib/qt6/bin/lupdate; do
  if [ -x "$candidate" ]; then
    lupdate="$candidate"
    break
  fi
done
if [ -z "$lupdate" ]; then
  echo "update-translations: lupdate of Qt 6 not found (Debian package qt6-l10n-tools)" >&2
  exit 1
fi

for ts in "$root"/resources/translations/attention-lab_*.ts; do
  language="$(basename "$ts" .ts)"
  language="${language#attention-lab_}"
  # The same options as the update_translations target of ui/CMakeLists.txt; no source
  # locations, so that moving code does not rewrite the file.
  "$lupdate" -no-obsolete -locations none -source-language en -target-language "$language" \
    "$root/ui" -ts "$ts"
done

exec python3 "$root/scripts/check_translations.py" --root "$root" --lupdate "$lupdate"
