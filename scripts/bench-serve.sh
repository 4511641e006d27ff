#!/usr/bin/env bash
# Throughput and p50/p99 latency of the service at concurrency 1, 8 and 32 over loopback HTTP,
# beside the model's raw batched throughput. A measurement, not a test: run it on an idle machine.
#   scripts/bench-serve.sh [BUNDLE] [--requests 400] [--image photo.png] [--max-batch 32]
# Without BUNDLE it measures the shipped models/streetnum-cpu.bundle.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -ge 1 && "$1" != -* ]]; then
  bundle="$1"; shift
  set -- --model "$bundle" "$@"
fi
exec "$here/streetnum" bench-serve --concurrency 1,8,32 "$@"
