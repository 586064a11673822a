#!/usr/bin/env bash
# Shared set-up for run.sh, test.sh and package.sh: installs the Debian packages Attention Lab
# needs (only those missing, so it is quick when all are present), then configures and builds the
# project.
# Sourced, not run: defines attnlab_setup and attnlab_build.

ATTNLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ATTNLAB_PRESET="${ATTNLAB_PRESET:-dev}"
ATTNLAB_BUILD_DIR="$ATTNLAB_ROOT/build/$ATTNLAB_PRESET"

ATTNLAB_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libgl-dev
  libqcustomplot-dev libeigen3-dev libicu-dev
  nlohmann-json3-dev libcli11-dev libgif-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy python3-torch libopenblas0-pthread ccache
  fonts-noto-cjk xvfb xauth
  appstream desktop-file-utils dpkg-dev file libxml2-utils man-db shared-mime-info
  clang libclang-rt-14-dev llvm clang-format clang-tidy
)

attnlab_log() { printf 'attention-lab setup: %s\n' "$*" >&2; }

attnlab_setup() {
  local missing=()
  local package
  for package in "${ATTNLAB_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      attnlab_log "missing packages: ${missing[*]}; run this script as root or install sudo"
      return 1
    fi
  fi
  attnlab_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || return 1
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# True when DIR holds a build configured with the presets' generator (Ninja). Folders
# configured before the presets named it hold a Make build, which CMake cannot switch in place.
attnlab_configured() {
  [ -f "$1/CMakeCache.txt" ] && grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$1/CMakeCache.txt"
}

# attnlab_configure PRESET DIR [cmake arguments…]: configures DIR with PRESET, afresh when DIR
# holds a build of another generator (its cache and CMakeFiles are removed first).
attnlab_configure() {
  local preset="$1" dir="$2"
  shift 2
  if [ -f "$dir/CMakeCache.txt" ] && ! attnlab_configured "$dir"; then
    attnlab_log "$dir holds a build of another generator; configuring it afresh with Ninja"
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  cmake --preset "$preset" -S "$ATTNLAB_ROOT" -B "$dir" "$@" >/dev/null
}

attnlab_build() {
  local jobs
  jobs="$(nproc 2>/dev/null || echo 2)"
  if ! attnlab_configured "$ATTNLAB_BUILD_DIR"; then
    attnlab_configure "$ATTNLAB_PRESET" "$ATTNLAB_BUILD_DIR" || return 1
  fi
  cmake --build "$ATTNLAB_BUILD_DIR" --parallel "$jobs" "$@"
}
