#!/usr/bin/env bash
# The batch job's benchmark (issue 16): N generated images (default 5,000), read without a box (the
# shipped bundle's localizers, then the transcriber: the same work in every row) by
#   transcribe (one JVM), batch local[1] and local[2] on each engine (dl4j, onnx), batch on a
#   two-worker cluster (the default engine, onnx),
# beside the batched network alone (bench-serve's "model alone": preprocessing + network, batch 32,
# no decoding), with the model's load time apart. Run it on a quiet machine.
#
#   scripts/bench-batch.sh [--images N] [--work DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images=5000; work="bench-batch"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"; work="$(cd "$work" && pwd)"
sn="$here/scripts/streetnum"
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
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $n images; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== transcribe, one JVM (1 image: start-up and model load; then all $n)"
# find -quit, not ls | head: under pipefail, head closing the pipe would end the script (SIGPIPE).
one=$(find "$work/photos" -maxdepth 1 -name '*.png' -print -quit)
t1=$(seconds "$sn" transcribe "$one")
tn=$(seconds "$sn" transcribe "$work"/photos/*.png)
echo "transcribe: 1 image $t1 s (start-up and load), $n images $tn s: $(echo "$n / ($tn - $t1)" | bc -l | xargs printf '%.1f') images/s after load"

for engine in dl4j onnx; do
  for threads in 1 2; do
    echo "== batch local[$threads], engine $engine"
    "$sn" batch --engine "$engine" --master "local[$threads]" --input "$work/photos" --output "$work/out-$engine-local$threads" \
      --mode overwrite --ui-port 0 2>/dev/null | grep '^batch:'
  done
done

echo "== the network alone (bench-serve: preprocessing + network at batch 32, same cores)"
"$sn" bench-serve --requests 3200 --concurrency 1 2>/dev/null | grep -i 'alone' || true

echo "== batch on a two-worker cluster (scripts/spark-cluster.sh)"
"$here/scripts/spark-cluster.sh" --data "$work/photos" --work "$work/cluster" 2>&1 | grep -E '^batch:|ALIVE|same rows'
