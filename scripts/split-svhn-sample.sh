#!/usr/bin/env bash
# Splits a folder of real SVHN photos with labels.csv (our per-digit layout, e.g. the 2000-image
# sample of SVHN train) into train / holdout-val / holdout-test folders of symbolic links, by the
# number in the file name, so the held-out images are never trained on.
#
#   scripts/split-svhn-sample.sh SRC_DIR OUT_DIR [TRAIN_COUNT=1600] [VAL_COUNT=200]
#
# Images 1..TRAIN_COUNT go to train, the next VAL_COUNT to holdout-val (threshold calibration), the
# rest to holdout-test. SVHN is for non-commercial use only; never commit the images.
set -euo pipefail
src="${1:?usage: split-svhn-sample.sh SRC_DIR OUT_DIR [TRAIN_COUNT] [VAL_COUNT]}"
out="${2:?usage: split-svhn-sample.sh SRC_DIR OUT_DIR [TRAIN_COUNT] [VAL_COUNT]}"
ntrain="${3:-1600}"; nval="${4:-200}"
[[ -f "$src/labels.csv" ]] || { echo "split-svhn-sample: $src/labels.csv not found" >&2; exit 2; }
src="$(cd "$src" && pwd)"
for part in train holdout-val holdout-test; do
  mkdir -p "$out/$part"
  head -1 "$src/labels.csv" > "$out/$part/labels.csv"
done
# The number in a file name (train_123.png -> 123) decides its part.
tail -n +2 "$src/labels.csv" | awk -F, -v ntrain="$ntrain" -v nval="$nval" -v out="$out" '
  { n = $1; gsub(/[^0-9]/, "", n); n += 0
    part = (n <= ntrain) ? "train" : (n <= ntrain + nval) ? "holdout-val" : "holdout-test"
    print >> (out "/" part "/labels.csv") }'
for part in train holdout-val holdout-test; do
  tail -n +2 "$out/$part/labels.csv" | cut -d, -f1 | sort -u | while read -r f; do
    ln -sf "$src/$f" "$out/$part/$f"
  done
  echo "$part: $(tail -n +2 "$out/$part/labels.csv" | cut -d, -f1 | sort -u | wc -l) images"
done
