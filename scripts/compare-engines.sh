#!/usr/bin/env bash
# The int8 trade-off on real photos, in one command: quantizes BUNDLE (in place) on the real TRAIN
# split, then evaluates DL4J float, ONNX float and ONNX int8 on the real test split with each engine's
# 98% threshold chosen on the real val split (the int8 model's is stored in it: --write-threshold),
# and prints one table. Speed is separate: scripts/streetnum bench-serve --engine ENGINE (quiet machine).
#
#   scripts/compare-engines.sh [BUNDLE=models/streetnum-cpu.bundle] [SVHN_DIR=../shared/svhn-real/train] [OUT=compare-engines]
#
# An ensemble (streetnum ensemble; the shipped bundle since 2026-12-05) is quantized network by network.
# Run it on a copy: quantize replaces BUNDLE's int8 models, and with them any int8 thresholds they held
# (the script calibrates the with-box ones again; the no-box ones need evaluate --no-box --write-threshold).
# Splits SVHN_DIR by datasets/svhn-real-split.csv (train_1..3000 train, 3001..3500 val, 3501..4000
# test). The bundle's own (float) thresholds are left as they are. CALIBRATION_LIMIT (default 3000:
# the whole train split) caps the calibration images.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="${1:-$here/models/streetnum-cpu.bundle}"
svhn="${2:-$here/../shared/svhn-real/train}"
out="${3:-compare-engines}"
[[ -f "$bundle" ]] || { echo "compare-engines: bundle $bundle not found" >&2; exit 2; }
[[ -f "$svhn/labels.csv" ]] || { echo "compare-engines: $svhn/labels.csv not found (the real SVHN photos)" >&2; exit 2; }
mkdir -p "$out"
"$here/scripts/split-svhn-real.sh" "$svhn" "$out/split" >/dev/null
echo "== quantize on the real train split (calibration only; never val or test)"
"$here/scripts/streetnum" quantize --model "$bundle" --calibration "$out/split/train" --limit "${CALIBRATION_LIMIT:-3000}"
printf '%-10s %-28s %-20s %-34s %s\n' engine model "sequence accuracy" "coverage at 98% (threshold from val)" "accuracy there" > "$out/table.txt"
for engine in dl4j onnx onnx-int8; do
  echo "== evaluate $engine"
  extra=()
  [[ "$engine" == onnx-int8 ]] && extra=(--write-threshold)
  "$here/scripts/streetnum" evaluate --model "$bundle" --engine "$engine" --data "$out/split/test" \
      --val "$out/split/val" --out "$out/report-$engine" "${extra[@]}" | tee "$out/evaluate-$engine.txt"
  # Bind the report first: after a pipe inside an element, "." is that element's number.
  jq -r --arg e "$engine" '. as $r | [$e, $r.modelId, (($r.test.metrics.sequenceAccuracy*100|tostring)+"%"),
      (($r.calibration.onTest["0.98"].coverage*100|tostring)+"% at t="+($r.calibration.thresholds["0.98"]|tostring)),
      (($r.calibration.onTest["0.98"].accuracy*100|tostring)+"%")] | @tsv' "$out/report-$engine/report.json" \
    | awk -F'\t' '{printf "%-10s %-28s %-20s %-34s %s\n", $1, $2, $3, $4, $5}' >> "$out/table.txt"
done
echo "== on the real test split (${out}/table.txt)"
cat "$out/table.txt"
