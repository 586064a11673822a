#!/usr/bin/env bash
# The shipped lesson models are what scripts/train_lesson_models.sh makes: trains the named
# models again with the built program into WORK and compares every file of each with
# resources/models/NAME byte for byte (the trainer repeats a run bit for bit from its seed).
#
#   check_lesson_models.sh PROGRAM SOURCE_DIR WORK NAME...
set -euo pipefail
program="$1" source_dir="$2" work="$3"
shift 3
rm -rf "$work" && mkdir -p "$work"
failures=0
for name in "$@"; do
  ATTNLAB_PROGRAM="$program" ATTNLAB_MODELS_OUT="$work" ATTNLAB_SUMMARY_OUT="$work" \
    "$source_dir/scripts/train_lesson_models.sh" "$name" 2>"$work/$name.log" ||
    { echo "training $name failed:"; tail -5 "$work/$name.log"; failures=$((failures + 1)); continue; }
  for file in model.safetensors config.json vocab.json; do
    if cmp -s "$work/$name/$file" "$source_dir/resources/models/$name/$file"; then
      echo "ok: $name/$file is reproduced ($(stat -c %s "$work/$name/$file") bytes)"
    else
      echo "FAILED: $name/$file differs from resources/models/$name/$file"
      failures=$((failures + 1))
    fi
  done
done
[ "$failures" -eq 0 ]
