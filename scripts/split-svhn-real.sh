#!/usr/bin/env bash
# Splits the real SVHN photos (../shared/svhn-real/train: SVHN train 1-4000, labels.csv in our
# per-digit layout) into train / val / test folders of symbolic links, as the committed split file
# datasets/svhn-real-split.csv says (fixed by index before any training: 1-3000 train, 3001-3500
# val for model selection and threshold calibration, 3501-4000 test for reported figures).
#
#   scripts/split-svhn-real.sh SRC_DIR OUT_DIR [SPLIT_FILE=datasets/svhn-real-split.csv]
#
# A photo the split file does not name is refused. SVHN is for non-commercial use only; never
# commit the images.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:?usage: split-svhn-real.sh SRC_DIR OUT_DIR [SPLIT_FILE]}"
out="${2:?usage: split-svhn-real.sh SRC_DIR OUT_DIR [SPLIT_FILE]}"
split="${3:-$here/datasets/svhn-real-split.csv}"
[[ -f "$src/labels.csv" ]] || { echo "split-svhn-real: $src/labels.csv not found" >&2; exit 2; }
[[ -f "$split" ]] || { echo "split-svhn-real: split file $split not found" >&2; exit 2; }
src="$(cd "$src" && pwd)"
for part in train val test; do
  mkdir -p "$out/$part"
  head -1 "$src/labels.csv" > "$out/$part/labels.csv"
done
tail -n +2 "$src/labels.csv" | awk -F, -v out="$out" -v splitfile="$split" '
  BEGIN { while ((getline line < splitfile) > 0) { n = split_line(line) } }
  function split_line(line,   f) { split(line, f, ","); if (f[1] != "file") part[f[1]] = f[2]; return 0 }
  { if (!($1 in part)) { printf "split-svhn-real: %s is not in the split file\n", $1 > "/dev/stderr"; bad = 1; exit 2 }
    print >> (out "/" part[$1] "/labels.csv") }
  END { if (bad) exit 2 }'
for part in train val test; do
  tail -n +2 "$out/$part/labels.csv" | cut -d, -f1 | sort -u | while read -r f; do
    ln -sf "$src/$f" "$out/$part/$f"
  done
  echo "$part: $(tail -n +2 "$out/$part/labels.csv" | cut -d, -f1 | sort -u | wc -l) images"
done
