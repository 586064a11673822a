#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

attnlab_setup
attnlab_build
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$ATTNLAB_BUILD_DIR" --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)"
