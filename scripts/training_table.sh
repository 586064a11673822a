#!/usr/bin/env bash
# Trains the reverse task (length 8, vocabulary 10, one layer, one head) with every scoring
# function × trainable normaliser and prints a Markdown table of what each run learned: the
# first evaluation step with held-out accuracy ≥ 99 % and alignment ≥ 0.9 (the target of the
# Learn page's lessons), and the accuracy, alignment and time after the last step.
#
#   scripts/training_table.sh [BINARY] [STEPS]     defaults: build/dev/app/attention-lab, 3000
#
# Each run uses seed 1 and one thread, so the table repeats bit for bit except for the seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${1:-$root/build/dev/app/attention-lab}"
steps="${2:-3000}"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf '| scoring | normaliser | reached (step) | accuracy | alignment | seconds |\n'
printf '|---|---|---|---|---|---|\n'
for scoring in dot scaled-dot general additive cosine; do
  for normalizer in softmax sparsemax relu sigmoid; do
    run="$work/$scoring-$normalizer"
    "$binary" train --task reverse --length 8 --vocab 10 --layers 1 --heads 1 \
      --scoring "$scoring" --normalizer "$normalizer" --steps "$steps" --seed 1 --threads 1 \
      --log "$run.csv" --summary "$run.json" 2>/dev/null
    "$python" - "$scoring" "$normalizer" "$run.csv" "$run.json" <<'PY'
import csv, json, sys
scoring, normalizer, curve, summary = sys.argv[1:]
reached = "not reached"
with open(curve, newline="") as stream:
    for row in csv.DictReader(stream):
        if row["heldout_accuracy"] and row["alignment"]:
            if float(row["heldout_accuracy"]) >= 0.99 and float(row["alignment"]) >= 0.9:
                reached = row["step"]
                break
result = json.load(open(summary))
print(f"| {scoring} | {normalizer} | {reached} | {100 * result['accuracy']:.1f} % "
      f"| {result['alignment']:.3f} | {result['seconds']:.1f} |")
PY
  done
done
