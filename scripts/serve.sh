#!/usr/bin/env bash
# Serves a model bundle over HTTP (see modules/serve/README.md for the API).
#   scripts/serve.sh BUNDLE [streetnum serve options, e.g. --port 8080 --target-accuracy 0.98]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || "$1" == -* ]]; then
  echo "usage: scripts/serve.sh BUNDLE [--port 8080] [--host 127.0.0.1] [--threshold T | --target-accuracy A] [--max-batch 32] [--max-delay-ms 5]" >&2
  exit 2
fi
bundle="$1"; shift
# OpenMP threads that spin while idle starve the request threads on a busy CPU: measured on the tiny
# model, a forward pass took 200-800 ms with the default policy and about 15 ms with passive waiting.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
exec "$here/streetnum" serve --model "$bundle" "$@"
