#!/usr/bin/env bash
# Serves a model bundle over HTTP (API: README.md, "The service").
#   scripts/serve.sh [BUNDLE] [--port 8080] [--host 127.0.0.1] [--threshold T | --target-accuracy 0.98]
# Without BUNDLE it serves the shipped models/streetnum-cpu.bundle.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -ge 1 && "$1" != -* ]]; then
  bundle="$1"; shift
  set -- --model "$bundle" "$@"
fi
exec "$here/streetnum" serve "$@"
