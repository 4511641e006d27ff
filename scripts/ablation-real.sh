#!/usr/bin/env bash
# The real-photo ablation (issue 13; the book's chapter 11 method): from one baseline, change one thing
# at a time and measure each on the real test split. Every row but the first fine-tunes the same
# starting bundle for the same number of iterations with the same seed, selects on real val and is
# evaluated on real test (3501-4000) with its threshold calibrated on real val (3001-3500).
#
#   scripts/ablation-real.sh WORK_DIR [ITERATIONS=300] [ROWS="r0 r1 r2 r3 r5 r6a r6b r7"]
#
# Needs (see models/README.md, "How it was made"): WORK_DIR/svhn-real (scripts/split-svhn-real.sh),
# WORK_DIR/synth (streetnum generate), WORK_DIR/recomposed (streetnum recompose), and the starting
# bundle WORK_DIR/start.bundle (the first round's models/streetnum-cpu.bundle, which never saw 3001-4000).
# Writes WORK_DIR/ablation/ROW/{run,report} and appends one line per row to WORK_DIR/ablation/rows.csv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: ablation-real.sh WORK_DIR [ITERATIONS] [ROWS]}"
iterations="${2:-300}"
rows="${3:-r0 r1 r2 r3 r5 r6a r6b r7}"
sn="${STREETNUM:-$here/scripts/streetnum}"
real="$work/svhn-real"
out="$work/ablation"
mkdir -p "$out"
[[ -f "$out/rows.csv" ]] || echo "row,change,iterations,seed,sequence_accuracy,coverage_at_98_val_threshold,accuracy_at_that_threshold,best_coverage_at_98" > "$out/rows.csv"

# The first round's real training photos (SVHN train 1-1600) as their own folder.
if [[ ! -f "$work/real-1600/train/labels.csv" ]]; then
  mkdir -p "$work/real-1600/train"
  head -1 "$real/train/labels.csv" > "$work/real-1600/train/labels.csv"
  tail -n +2 "$real/train/labels.csv" | awk -F, '{ n = $1; gsub(/[^0-9]/, "", n); if (n + 0 <= 1600) print }' \
    >> "$work/real-1600/train/labels.csv"
  tail -n +2 "$work/real-1600/train/labels.csv" | cut -d, -f1 | sort -u | while read -r f; do
    ln -sf "$(readlink -f "$real/train/$f")" "$work/real-1600/train/$f"; done
fi

common=(--seed 1 --epochs 100 --validation-sample 500 --patience 0 --monitor-every 0 --val "$real/val")
# Fine-tuning rows start from the same bundle; rows from random weights get three times the iterations.
warm=(--init-from "$work/start.bundle" --preset cpu --lr 5e-4 --max-iterations "$iterations" --validate-every "$iterations")
scratch=(--max-iterations "$((3 * iterations))" --validate-every "$((3 * iterations))")

row() { # name, change, then train arguments (none: evaluate the starting bundle as it is)
  local name="$1" change="$2"; shift 2
  local dir="$out/$name" model="$work/start.bundle" its=0 n
  n=$(printf '%s\n' "$@" | grep -A1 -- '--max-iterations' | tail -1 || true)
  if (( $# > 0 )); then
    "$sn" train --out "$dir/run" "${common[@]}" "$@" > "$dir.train.log" 2>&1 || { echo "row $name: training failed, see $dir.train.log" >&2; return 1; }
    model="$dir/run/best.bundle"; its="$n"
  fi
  "$sn" evaluate --model "$model" --data "$real/test" --val "$real/val" --out "$dir/report" > "$dir.eval.log" 2>&1 \
    || { echo "row $name: evaluation failed, see $dir.eval.log" >&2; return 1; }
  python3 - "$dir/report/report.json" "$name" "$change" "$its" >> "$out/rows.csv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["test"]["metrics"]; cal = r["calibration"]["onTest"]["0.98"]; best = r["test"]["bestCoverage"]["0.98"]
print(f'{sys.argv[2]},"{sys.argv[3]}",{sys.argv[4]},1,{t["sequenceAccuracy"]:.4f},{cal["coverage"]:.4f},{cal["accuracy"]:.4f},{best["coverage"]:.4f}')
PY
  tail -1 "$out/rows.csv"
}

for r in $rows; do
  mkdir -p "$out/$r"
  case "$r" in
    r0) row r0 "the first round's shipped model, as it is" ;;
    r1) row r1 "today's recipe continued: synthetic + real 1-1600 x4, random crops" "${warm[@]}" \
          --data "$work/real-1600" --train-repeat 4 --extra-train "$work/synth/train" --no-jitter ;;
    r2) row r2 "+ all 3,000 real training photos (x4)" "${warm[@]}" \
          --data "$real" --train-repeat 4 --extra-train "$work/synth/train" --no-jitter ;;
    r3) row r3 "+ real-digit recomposition (30,000)" "${warm[@]}" \
          --data "$real" --train-repeat 4 --extra-train "$work/synth/train" --extra-train "$work/recomposed" --no-jitter ;;
    r5) row r5 "+ training-time augmentation (box, rotation, colour jitter)" "${warm[@]}" \
          --data "$real" --train-repeat 4 --extra-train "$work/synth/train" --extra-train "$work/recomposed" ;;
    r6a) row r6a "r5's data from random weights, cpu preset (control for r6b)" "${scratch[@]}" --preset cpu --lr 2e-3 \
          --data "$real" --train-repeat 4 --extra-train "$work/synth/train" --extra-train "$work/recomposed" ;;
    r6b) row r6b "r5's data from random weights, cpu_bn preset (batch normalization)" "${scratch[@]}" --preset cpu_bn --lr 2e-3 \
          --data "$real" --train-repeat 4 --extra-train "$work/synth/train" --extra-train "$work/recomposed" ;;
    r7) row r7 "r5 with crop expansion 0% instead of 30%" "${warm[@]}" \
          --data "$real" --train-repeat 4 --extra-train "$work/synth/train" --extra-train "$work/recomposed" --expansion 0 ;;
    *) echo "unknown row $r" >&2; exit 2 ;;
  esac
done
