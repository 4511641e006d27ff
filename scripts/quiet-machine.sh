# Sourced by the benchmark scripts (bench-quiet.sh, bench-batch.sh): the one definition of "a quiet
# machine" (1-minute load average below QUIET_LOAD, default 0.3) and of which engines a bundle can run.
# Needs $out (where quiet.log goes) set by the caller.
quiet="${QUIET_LOAD:-0.3}"

# Blocks until the machine is quiet, then logs the load and what is about to run.
wait_quiet() {
  local load
  while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" -v q="$quiet" 'BEGIN { exit !(l < q) }' && break
    sleep 10
  done
  echo "$(date -u +%FT%TZ) load $load: $1" | tee -a "$out/quiet.log"
}

# The engines bundle $1 can run: dl4j and onnx always, onnx-int8 when it carries its int8 models
# (streetnum quantize; an ensemble carries one per network).
bundle_engines() {
  if unzip -l "$1" | grep -q ' int8\.onnx$'; then
    echo "dl4j onnx onnx-int8"
  else
    echo "$1 has no int8 model (streetnum quantize makes it): no onnx-int8 run" >&2
    echo "dl4j onnx"
  fi
}
