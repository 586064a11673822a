#!/usr/bin/env bash
# Trains the small models the lessons run on (resources/models/NAME: config.json, vocab.json,
# model.safetensors) with the program's own trainer and fixed seeds. The trainer repeats a run
# bit for bit from its settings and seed, so running this again rewrites the same files.
#
#   scripts/train_lesson_models.sh              every model (about a minute on two cores)
#   scripts/train_lesson_models.sh NAME...      only these models
#   scripts/train_lesson_models.sh --print NAME the training options of NAME (for the tests)
#
# The program is build/dev/app/attention-lab unless ATTNLAB_PROGRAM names another; the models go
# to resources/models unless ATTNLAB_MODELS_OUT names another folder. Each run's summary (with
# the per-head scores the lessons' texts are written from) goes beside it as NAME.summary.json in
# ATTNLAB_SUMMARY_OUT (default build/dev/lesson-models).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The settings of each model. Change one only together with the lessons that use the model
# (resources/lessons/*.attnlab), whose checks are measured on it.
options_of() {
  case "$1" in
    # Lesson 6: two attention-only layers of two heads on the induction task (… A B … A → B).
    # Its first layer has a head on the token itself and one on the previous token; a head of
    # its second layer is an induction head.
    induction-2x2)
      echo "--task induction --length 8 --vocab 10 --layers 2 --heads 2 --d-model 32" \
           "--steps 2000 --seed 1" ;;
    # Lesson 7: English → Chinese translation, one encoder and one decoder layer of one head.
    # Without positional encodings the cross-attention can find a word's translation only by
    # what the words are, so what it learns is the word alignment.
    translation-small)
      echo "--task translation --layers 1 --heads 1 --d-model 32 --positional none" \
           "--steps 3000 --seed 1" ;;
    *) echo "unknown model '$1' (known: induction-2x2 translation-small)" >&2; return 2 ;;
  esac
}
all=(induction-2x2 translation-small)

if [ "${1:-}" = "--print" ]; then
  options_of "${2:?--print needs a model name}"
  exit 0
fi

program="${ATTNLAB_PROGRAM:-$root/build/dev/app/attention-lab}"
out="${ATTNLAB_MODELS_OUT:-$root/resources/models}"
summaries="${ATTNLAB_SUMMARY_OUT:-$root/build/dev/lesson-models}"
if [ ! -x "$program" ]; then
  echo "no program at $program: build it first (cmake --preset dev && cmake --build build/dev" \
       "--target attention-lab) or set ATTNLAB_PROGRAM" >&2
  exit 1
fi
mkdir -p "$out" "$summaries"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")
for name in "${names[@]}"; do
  options="$(options_of "$name")"
  echo "training $name: $options" >&2
  rm -rf "${out:?}/$name"
  # shellcheck disable=SC2086 # the options are words
  "$program" train $options --save "$out/$name" --summary "$summaries/$name.summary.json"
  du -b "$out/$name"/* >&2
done
