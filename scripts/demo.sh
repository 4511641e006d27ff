#!/usr/bin/env bash
# The main job, end to end on synthetic Street-View-style data: build, generate, train the `cpu`
# preset within a time budget, evaluate (coverage at 98% accuracy), serve, transcribe over HTTP.
#
#   scripts/demo.sh [--minutes 10] [--work demo-run] [--train 20000] [--val 1000] [--test 2000]
#                   [--port 8089] [--seed 1]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

minutes=10; work=demo-run; ntrain=20000; nval=1000; ntest=2000; port=8089; seed=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --train) ntrain="$2"; shift 2 ;;
    --val) nval="$2"; shift 2 ;;
    --test) ntest="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "demo: --minutes takes a number, got '$minutes'" >&2; exit 2; }

stage() { printf '\n\033[1m== [%s] %s\033[0m\n' "$1" "$2"; }
fail() { echo "demo: stage '$1' failed — $2" >&2; exit 1; }
sn() { scripts/streetnum "$@"; }
# Whether evaluate's log shows a with-box 98% threshold this run calibrated. It prints
#   thresholds stored in BUNDLE: {0.95=..., 0.98=..., no-box 0.98=...}[; kept from before, not calibrated by this run: KEYS]
# and the map holds what it kept too (the training run's 0.98 when val reaches no 98%, the no-box ones).
calibrated_98() {
  local stored kept map re='(\{|, )0\.98='
  stored=$(grep '^thresholds stored in ' "$1" | tail -1) || return 1
  map=${stored%%; kept from before, not calibrated by this run: *}
  kept=${stored#"$map"}
  [[ "$map" =~ $re ]] && [[ ", ${kept#*: }," != *", 0.98,"* ]]
}

stage 1/6 "build (./mvnw package; the first run downloads dependencies from Maven Central)"
./mvnw -B -q package -DskipTests || fail build "the Maven build failed (see the output above)"

stage 2/6 "generate a synthetic data set: $ntrain train, $nval val, $ntest test images"
if [[ -f "$work/data/test/labels.csv" ]]; then
  echo "reusing $work/data (delete it to regenerate)"
else
  sn generate --out "$work/data" --train "$ntrain" --val "$nval" --test "$ntest" --seed "$seed" \
    || fail generate "could not generate the data set"
fi

stage 3/6 "train the cpu preset for $minutes minutes"
sn train --data "$work/data" --preset cpu --out "$work/run" --minutes "$minutes" --seed "$seed" \
  || fail train "training stopped with an error"

stage 4/6 "evaluate on the test set; calibrate the 98% threshold on val"
sn evaluate --model "$work/run/best.bundle" --data "$work/data/test" --val "$work/data/val" \
  --train "$work/data/train" --limit 2000 --out "$work/report" --write-threshold 2>&1 \
  | tee "$work/evaluate.log" || fail evaluate "evaluation failed"
threshold=(--target-accuracy 0.98)
if ! calibrated_98 "$work/evaluate.log"; then
  echo "note: no threshold reaches 98% accuracy on validation (train longer); the service will refuse"
  echo "      every answer below P(S|x) = 1 and still show its candidates."
  threshold=(--threshold 1.0)
fi

stage 5/6 "serve the model on 127.0.0.1:$port and transcribe a few test images over HTTP (with their boxes)"
if curl -s "http://127.0.0.1:$port/" > /dev/null 2>&1; then
  fail serve "something already answers on port $port; stop it or pick another with --port"
fi
# Started directly (not through the sn function) so that $! is the server's own process: the
# launcher execs java, and killing $! stops the server.
scripts/streetnum serve --model "$work/run/best.bundle" --host 127.0.0.1 --port "$port" \
  "${threshold[@]}" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break
  kill -0 $server 2>/dev/null || fail serve "the server exited (see $work/serve.log)"
  sleep 1
done
curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null || fail serve "the server did not become ready in 120 s"
# The first five images; awk reads the file itself and stops, so no upstream writer dies of SIGPIPE
# (which, under pipefail and set -e, ended the demo here once the labels outgrew a pipe's buffer).
awk -F, 'NR > 1 && !seen[$1]++ { print $1; if (++n == 5) exit }' "$work/data/test/labels.csv" | while read -r f; do
  truth=$(grep "^$f," "$work/data/test/labels.csv" | cut -d, -f2 | tr -d '\n')
  # The detector's box: here the union of the digit boxes, as the evaluator uses (the service expands it 30%).
  box=$(grep "^$f," "$work/data/test/labels.csv" | awk -F, 'NR == 1 { l = $3; t = $4; r = $3 + $5; b = $4 + $6 }
    { if ($3 < l) l = $3; if ($4 < t) t = $4; if ($3 + $5 > r) r = $3 + $5; if ($4 + $6 > b) b = $4 + $6 }
    END { print l "," t "," r - l "," b - t }')
  answer=$(curl -sf -H 'Content-Type: image/png' --data-binary "@$work/data/test/$f" \
    "http://127.0.0.1:$port/v1/transcribe?box=$box") || fail serve "the service did not answer for $f"
  field() { printf '%s' "$answer" | grep -o "\"$1\":[^,}]*" | head -1 | cut -d: -f2 | tr -d '"'; }
  printf '%-12s truth %-8s candidate %-8s P(S|x) %.3f  %s\n' "$f" "$truth" "$(field candidate)" \
    "$(field confidence)" "$([[ $(field accepted) == true ]] && echo accepted || echo refused)"
done
kill $server; wait $server 2>/dev/null || true; trap - EXIT

stage 6/6 "what the numbers mean"
cat <<EOT
Report:        $work/report/index.html   (open it in a browser)
Numbers:       $work/report/report.json
Training:      $work/run/curves.png, $work/run/metrics.csv, $work/run/monitor.csv, $work/run/run.json
Model bundle:  $work/run/best.bundle   (serve it: scripts/serve.sh --model $work/run/best.bundle)

- sequence accuracy: the share of test images whose whole number (length included) is right.
- coverage at 98% accuracy: the share of images the model answers when it may refuse the rest,
  with the threshold on P(S|x) chosen on validation so that the answers it gives are >= 98% right.
  These figures are on synthetic data. On real photos the paper reached 95.64% (real SVHN, a large
  network, days on GPUs); the shipped model (fine-tuned on 3,000 real photos) answers about seven
  in ten held-out real photos with their box, and about four in ten without (models/README.md). Train
  longer (--minutes), on real data (--extra-train), or on a GPU (README, "GPU training") for more.
EOT
