#!/usr/bin/env bash
# Installs what is missing, builds (incrementally) and starts Attention Lab.
# Arguments go to the program: scripts/run.sh --sentence "我爱深度学习" --export-data out.json
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

attnlab_setup
attnlab_build --target attention-lab >&2
exec "$ATTNLAB_BUILD_DIR/app/attention-lab" "$@"
