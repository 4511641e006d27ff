#!/usr/bin/env bash
# The speed figures of README's "Speed" section, in one command, each run started only when the machine
# is quiet (1-minute load average below QUIET_LOAD, default 0.3):
#   1. RUNS rounds (default 3), each running `streetnum bench --preset P` for every P of PRESETS (default
#      "cpu_deep cpu_deeper probe": the shipped networks' presets and the speed reference), then
#      scripts/bench-pytorch-probe.py (Debian python3-torch; skipped without it); the summary prints
#      each preset's medians and ranges and, with PyTorch, probe's three ratios to it;
#   2. `streetnum bench-serve` for each engine (dl4j, onnx, and onnx-int8 when the bundle has its int8
#      models, as the shipped one has): the network alone at batch 1
#      and 64, the model with preprocessing, and the service over HTTP at concurrency 1, 8, 32.
#   scripts/bench-quiet.sh [OUT=bench-quiet] [BUNDLE=models/streetnum-cpu.bundle]
# Build first (./mvnw -B package -DskipTests). Writes OUT/*.json|txt and prints a summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-bench-quiet}"
bundle="${2:-$here/models/streetnum-cpu.bundle}"
runs="${RUNS:-3}"
mkdir -p "$out"

# shellcheck source=quiet-machine.sh
source "$here/scripts/quiet-machine.sh"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench-quiet: PyTorch is missing (sudo apt-get install python3-torch); the peer runs are skipped" >&2
  peer=0
else
  peer=1
fi
read -r -a presets <<< "${PRESETS:-cpu_deep cpu_deeper probe}"
for i in $(seq 1 "$runs"); do
  for preset in "${presets[@]}"; do
    wait_quiet "streetnum bench --preset $preset, round $i"
    "$here/scripts/streetnum" bench --preset "$preset" | tail -1 > "$out/streetnum-$preset-$i.json"
  done
  if [[ $peer == 1 ]]; then
    wait_quiet "bench-pytorch-probe.py, round $i"
    OMP_NUM_THREADS=2 /usr/bin/python3 "$here/scripts/bench-pytorch-probe.py" | tail -1 > "$out/pytorch-probe-$i.json"
  fi
done
read -r -a engines <<< "$(bundle_engines "$bundle")"
for engine in "${engines[@]}"; do
  wait_quiet "streetnum bench-serve --engine $engine"
  "$here/scripts/streetnum" bench-serve --model "$bundle" --engine "$engine" 2>/dev/null | tee "$out/bench-serve-$engine.txt"
done
"$here/scripts/bench-quiet-summary.py" "$out"
