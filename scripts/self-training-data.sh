#!/usr/bin/env bash
# The training data a model with a localizer makes for its successor (issue 25): the real train photos
# with the boxes its localizer finds (labels kept), and the unlabelled photos it reads without a box:
# either pseudo-labels, the answers at its no-box 98% threshold calibrated here on real val (never test),
# or with MODE "soft" every photo with the six head distributions of its reading (distillation,
# `pseudo-label --soft`; DESIGN section 3a).
#
#   scripts/self-training-data.sh TEACHER.bundle REAL_SPLIT_DIR UNLABELLED_IMAGES_DIR OUT_DIR [COPIES=3] [MODE=hard|soft]
#
# REAL_SPLIT_DIR is scripts/split-svhn-real.sh's output (train/, val/); the teacher is copied to
# OUT_DIR/teacher.bundle and calibrated there (the original is not changed). Each set is written
# COPIES times (OUT_DIR/localized-1.., OUT_DIR/pseudo-1.. or OUT_DIR/soft-1..) so that `train
# --extra-train` can show it that many times an epoch beside the large recomposed and synthetic sets.
# Prints the --extra-train options to pass. Training data only: never report a figure on these sets.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
teacher="${1:?usage: self-training-data.sh TEACHER.bundle REAL_SPLIT_DIR UNLABELLED_IMAGES_DIR OUT_DIR [COPIES] [MODE]}"
real="${2:?usage: self-training-data.sh TEACHER.bundle REAL_SPLIT_DIR UNLABELLED_IMAGES_DIR OUT_DIR [COPIES] [MODE]}"
unlabelled="${3:?usage: self-training-data.sh TEACHER.bundle REAL_SPLIT_DIR UNLABELLED_IMAGES_DIR OUT_DIR [COPIES] [MODE]}"
out="${4:?usage: self-training-data.sh TEACHER.bundle REAL_SPLIT_DIR UNLABELLED_IMAGES_DIR OUT_DIR [COPIES] [MODE]}"
copies="${5:-3}"
mode="${6:-hard}"
if [[ "$mode" != hard && "$mode" != soft ]]; then
  echo "MODE must be hard (pseudo-labels at the threshold) or soft (every photo, the teacher's distributions), got '$mode'" >&2
  exit 2
fi
streetnum="$here/scripts/streetnum"
mkdir -p "$out"
cp "$teacher" "$out/teacher.bundle"

# The no-box threshold, chosen on real val read without its boxes, stored in the teacher's copy.
"$streetnum" evaluate --model "$out/teacher.bundle" --no-box --data "$real/val" --val "$real/val" \
  --write-threshold --out "$out/teacher-no-box-val"
"$streetnum" localize-boxes --model "$out/teacher.bundle" --data "$real/train" \
  --split "$here/datasets/svhn-real-split.csv" --out "$out/localized-1"
if [[ "$mode" == soft ]]; then
  unlabelled_set=soft
  "$streetnum" pseudo-label --model "$out/teacher.bundle" --images "$unlabelled" --out "$out/soft-1" --soft
else
  unlabelled_set=pseudo
  "$streetnum" pseudo-label --model "$out/teacher.bundle" --images "$unlabelled" --out "$out/pseudo-1"
fi

extra=()
for set in localized "$unlabelled_set"; do
  extra+=(--extra-train "$out/$set-1")
  for ((i = 2; i <= copies; i++)); do
    # Siblings of the first copy: labels.csv's relative paths resolve the same from there.
    mkdir -p "$out/$set-$i"
    cp "$out/$set-1/labels.csv" "$out/$set-$i/labels.csv"
    if [[ -f "$out/$set-1/soft-targets.csv" ]]; then
      cp "$out/$set-1/soft-targets.csv" "$out/$set-$i/soft-targets.csv"
    fi
    extra+=(--extra-train "$out/$set-$i")
  done
done
echo "self-training data in $out; pass to train: ${extra[*]}"
