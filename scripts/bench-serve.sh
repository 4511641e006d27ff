#!/usr/bin/env bash
# Throughput and p50/p99 latency of the service at concurrency 1, 8 and 32 over loopback HTTP,
# beside the model's raw batched throughput. A measurement, not a test: run it on an idle machine.
#   scripts/bench-serve.sh BUNDLE [--requests 400] [--image photo.png] [--max-batch 32]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || "$1" == -* ]]; then
  echo "usage: scripts/bench-serve.sh BUNDLE [--requests N] [--concurrency 1,8,32] [--image FILE]" >&2
  exit 2
fi
bundle="$1"; shift
# OpenMP threads that spin while idle starve the request threads on a busy CPU: measured on the tiny
# model, a forward pass took 200-800 ms with the default policy and about 15 ms with passive waiting.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
exec "$here/streetnum" bench-serve --model "$bundle" --concurrency 1,8,32 "$@"
