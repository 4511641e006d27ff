#!/usr/bin/env bash
# GPU training: builds with the CUDA backend (-Pcuda puts nd4j-cuda-11.6 on the classpath beside the CPU
# backend; ND4J loads CUDA when a GPU and its runtime are there), checks that a CUDA device is there, then runs
#   streetnum train  with the arguments given, e.g.
#   scripts/train-gpu.sh --data data --preset paper --out runs/paper1 --batch-size 128 --epochs 30
# Needs an NVIDIA driver and the CUDA 11.6 runtime on the host.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# Help needs no GPU: the header above, and where train's own options are described.
for arg in "$@"; do
  case "$arg" in
    -h|--help)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
      echo "Options: those of streetnum train (scripts/streetnum train --help)."
      exit 0 ;;
  esac
done

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "train-gpu: no NVIDIA GPU found (nvidia-smi is missing or lists no device); use scripts/train.sh for CPU." >&2
  exit 2
fi
echo "GPUs the driver sees:" >&2
nvidia-smi -L >&2

./mvnw -B -q -Pcuda package -DskipTests
if ! ls modules/cli/target/lib/ | grep -q '^nd4j-cuda-11.6'; then
  echo "train-gpu: the build has no nd4j-cuda-11.6 jar in modules/cli/target/lib; the -Pcuda build failed." >&2
  exit 2
fi

# Ask ND4J itself which backend and device it loads, before committing hours to a run.
probe=$(scripts/streetnum train --print-backend 2>&1 | tail -1 || true)
echo "$probe" >&2
if [[ "$probe" != *"JCublasBackend"* ]]; then
  echo "train-gpu: ND4J did not load its CUDA backend ($probe); check the CUDA 11.6 runtime (libcudart.so.11.0)." >&2
  exit 2
fi
exec scripts/streetnum train "$@"
