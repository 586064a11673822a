#!/usr/bin/env bash
# Shared set-up for run.sh, test.sh and package.sh: installs the Debian packages Attention Lab
# needs (only those missing, so it is quick when all are present), then configures and builds the
# project.
# Sourced, not run: defines attnlab_setup and attnlab_build.

ATTNLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ATTNLAB_PRESET="${ATTNLAB_PRESET:-dev}"
ATTNLAB_BUILD_DIR="$ATTNLAB_ROOT/build/$ATTNLAB_PRESET"

ATTNLAB_PACKAGES=(
  build-essential cmake pkg-config
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

attnlab_build() {
  local jobs
  jobs="$(nproc 2>/dev/null || echo 2)"
  if [ ! -f "$ATTNLAB_BUILD_DIR/CMakeCache.txt" ]; then
    cmake --preset "$ATTNLAB_PRESET" -S "$ATTNLAB_ROOT" >/dev/null || return 1
  fi
  cmake --build "$ATTNLAB_BUILD_DIR" --parallel "$jobs" "$@"
}
