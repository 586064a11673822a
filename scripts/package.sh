#!/usr/bin/env bash
# Builds the Debian package of Attention Lab: attention-lab_VERSION-1_ARCH.deb.
#
#   scripts/package.sh            installs what is missing, builds the `package` preset
#                                 (-O3, plain x86-64 baseline, OpenMP, no tests) into
#                                 build/package and writes the .deb there
#
# Install it with `sudo apt-get install ./build/package/attention-lab_*.deb` and remove it with
# `sudo apt-get remove attention-lab`. ATTNLAB_PACKAGE_OUT names another folder for the .deb.
set -euo pipefail
ATTNLAB_PRESET=package # read by setup.sh: the build folder is build/package
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) attnlab_log "unknown option $1 (try --help)"; exit 2 ;;
esac

out_dir="${ATTNLAB_PACKAGE_OUT:-$ATTNLAB_BUILD_DIR}"
attnlab_setup
# Configured every time, so that a changed preset or version reaches the package.
attnlab_configure package "$ATTNLAB_BUILD_DIR"
attnlab_build

# The baseline, checked on the result: no AVX (ymm) or AVX-512 (zmm) register in the program.
program="$ATTNLAB_BUILD_DIR/app/attention-lab"
if command -v objdump >/dev/null 2>&1; then
  wide="$(objdump -d --no-show-raw-insn "$program" | grep -c '%[yz]mm' || true)"
  if [ "$wide" -ne 0 ]; then
    attnlab_log "$program uses $wide AVX/AVX-512 instructions; the package must run on any x86-64"
    exit 1
  fi
fi

mkdir -p "$out_dir"
(cd "$ATTNLAB_BUILD_DIR" && cpack -G DEB -B "$out_dir" >/dev/null)
rm -rf "$out_dir/_CPack_Packages"
deb="$(ls -t "$out_dir"/attention-lab_*.deb | head -n 1)"
dpkg-deb --field "$deb" Package Version Architecture Installed-Size Depends Recommends
echo "$deb"
