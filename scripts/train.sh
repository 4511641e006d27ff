#!/usr/bin/env bash
# CPU training: builds if needed, then runs  streetnum train  with the arguments given, e.g.
#   scripts/train.sh --data data --preset cpu --out runs/cpu1 [--minutes 30] [--resume]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! ls "$here"/modules/cli/target/streetnum-cli-*.jar >/dev/null 2>&1; then
  (cd "$here" && ./mvnw -B -q package -DskipTests)
fi
exec "$here/scripts/streetnum" train "$@"
