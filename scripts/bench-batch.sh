#!/usr/bin/env bash
# The batch job's benchmark (issue 16): N generated images (default 5,000), read without a box (the
# bundle's localizers, then its networks: the same work in every row) by
#   transcribe (one JVM, onnx), batch local[1] and local[2] on each engine the bundle can run (dl4j,
#   onnx, and onnx-int8 when it carries int8 models), batch on a two-worker cluster (onnx),
# beside the batched model alone (bench-serve's "model alone": preprocessing + networks, batch 32,
# no decoding), with the model's load time apart. Each run starts only on a quiet machine
# (scripts/quiet-machine.sh: 1-minute load below QUIET_LOAD, default 0.3), logged in WORK/quiet.log.
#
#   scripts/bench-batch.sh [--images N] [--work DIR] [--model BUNDLE]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images=5000; work="bench-batch"; model="$here/models/streetnum-cpu.bundle"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"; work="$(cd "$work" && pwd)"; out="$work"
sn="$here/scripts/streetnum"
# shellcheck source=quiet-machine.sh
source "$here/scripts/quiet-machine.sh"
# Wall seconds of a command, its output dropped.
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

if [[ ! -f "$work/data/test/labels.csv" ]]; then
  echo "== generating $images images"
  "$sn" generate --out "$work/data" --train 0 --val 0 --test "$images" --seed 16 >/dev/null 2>&1
fi
# The same photos without labels.csv: no box, so every command reads them alike.
mkdir -p "$work/photos"
find "$work/data/test" -maxdepth 1 -name '*.png' -exec ln -sf {} "$work/photos/" \;
n=$(ls "$work/photos" | wc -l)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $n images; $(nproc) cores; bundle $model"

echo "== transcribe, one JVM (1 image: start-up and model load; then all $n)"
# find -quit, not ls | head: under pipefail, head closing the pipe would end the script (SIGPIPE).
one=$(find "$work/photos" -maxdepth 1 -name '*.png' -print -quit)
wait_quiet "transcribe, 1 image"
t1=$(seconds "$sn" transcribe --model "$model" "$one")
wait_quiet "transcribe, $n images"
tn=$(seconds "$sn" transcribe --model "$model" "$work"/photos/*.png)
echo "transcribe: 1 image $t1 s (start-up and load), $n images $tn s: $(echo "$n / ($tn - $t1)" | bc -l | LC_ALL=C xargs printf '%.1f') images/s after load"

read -r -a engines <<< "$(bundle_engines "$model")"
for engine in "${engines[@]}"; do
  for threads in 1 2; do
    wait_quiet "batch local[$threads], engine $engine"
    "$sn" batch --model "$model" --engine "$engine" --master "local[$threads]" --input "$work/photos" \
      --output "$work/out-$engine-local$threads" --mode overwrite --ui-port 0 2>/dev/null | grep '^batch:'
  done
done

wait_quiet "the model alone (bench-serve: preprocessing + networks at batch 32, same cores)"
"$sn" bench-serve --model "$model" --requests 3200 --concurrency 1 2>/dev/null | grep -i 'alone' || true

wait_quiet "batch on a two-worker cluster (scripts/spark-cluster.sh)"
"$here/scripts/spark-cluster.sh" --model "$model" --data "$work/photos" --work "$work/cluster" 2>&1 | grep -E '^batch:|ALIVE|same rows'
