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
exec "$here/streetnum" serve --model "$bundle" "$@"
