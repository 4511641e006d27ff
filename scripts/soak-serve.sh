#!/usr/bin/env bash
# Soak test of the service (not in CI): N minutes at concurrency C with real photos (each with its
# digits' box) and large generated photos mixed in, sampling the server's resident size, heap and
# off-heap memory every 10 s and printing the trend per minute. Goal: RSS flat within 10% after the
# first minute's warm-up, and zero errors.
#   scripts/soak-serve.sh [--minutes 10] [--concurrency 8] [--photos DIR] [--large-every 10]
#                         [--large-side 4000] [--port 18080] [--model BUNDLE] [--out DIR]
#                         [--client-timeout 300]   (seconds a client waits for an answer)
# DIR holds PNG photos and their labels.csv (default ../shared/svhn-real/train beside the checkout). Build first:
# ./mvnw -B package -DskipTests. Needs curl and python3 (standard library only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

minutes=10 concurrency=8 photos="$here/../../shared/svhn-real/train" large_every=10 large_side=4000 port=18080
client_timeout=300
model="$here/../models/streetnum-cpu.bundle" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --photos) photos="$2"; shift 2 ;;
    --large-every) large_every="$2"; shift 2 ;;
    --large-side) large_side="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --client-timeout) client_timeout="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "soak-serve.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "soak-serve.sh needs $tool on the PATH" >&2; exit 2; }
done
[[ -f "$photos/labels.csv" ]] || { echo "soak-serve.sh: no labels.csv in $photos" >&2; exit 2; }
[[ -f "$model" ]] || { echo "soak-serve.sh: no model bundle at $model" >&2; exit 2; }
out="${out:-$(mktemp -d /tmp/soak-serve.XXXXXX)}"
mkdir -p "$out"
url="http://127.0.0.1:$port"

# The request list: each photo with the union of its digits' boxes (what a detector would send).
python3 - "$photos" "$out/photos.txt" <<'EOF'
import csv, sys, os
folder, target = sys.argv[1], sys.argv[2]
boxes = {}
with open(os.path.join(folder, "labels.csv")) as f:
    for row in csv.DictReader(f):
        l, t, w, h = (int(float(row[k])) for k in ("left", "top", "width", "height"))
        b = boxes.get(row["file"])
        boxes[row["file"]] = (l, t, l + w, t + h) if b is None else \
            (min(b[0], l), min(b[1], t), max(b[2], l + w), max(b[3], t + h))
with open(target, "w") as out:
    for name, (l, t, r, b) in sorted(boxes.items()):
        if os.path.exists(os.path.join(folder, name)):
            out.write(f"{os.path.join(folder, name)} {l},{t},{r - l},{b - t}\n")
EOF
# Two large photos (a gradient with noise rows, so that they do not compress to nothing); an --out
# folder from an earlier run keeps its own.
[[ -f "$out/large-rgb.png" && -f "$out/large-rgba.png" ]] || python3 - "$large_side" "$out" <<'EOF'
import struct, sys, zlib, random
side, folder = int(sys.argv[1]), sys.argv[2]
def png(path, width, height, alpha):
    channels = 4 if alpha else 3
    rng = random.Random(width)
    rows = []
    for y in range(height):
        base = bytes([90 + y * 110 // height, 120 + y * 70 // height, 60 + y * 110 // height] + ([255] if alpha else []))
        row = bytearray(base * width)
        for _ in range(20):
            x = rng.randrange(width)
            row[x * channels] = rng.randrange(256)
        rows.append(b"\x00" + bytes(row))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
                + chunk(b"IEND", b""))
png(f"{folder}/large-rgb.png", side, side, False)
png(f"{folder}/large-rgba.png", side * 3 // 2, side, True)
EOF
mapfile -t requests < "$out/photos.txt"
echo "soak: ${#requests[@]} real photos, large photos every ${large_every}th request ($(du -h "$out/large-rgb.png" | cut -f1)" \
  "and $(du -h "$out/large-rgba.png" | cut -f1)), concurrency $concurrency, $minutes min; logs in $out"

nice -n 15 "$here/streetnum" serve --model "$model" --port "$port" --queue 4096 > "$out/server.log" 2>&1 &
server=$!
stop_all() {
  for pid in "${clients[@]:-}"; do kill "$pid" 2>/dev/null || true; done
  kill "$server" 2>/dev/null || true
}
clients=()
trap stop_all EXIT
for _ in $(seq 1 300); do
  curl -sf "$url/v2/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server exited; see $out/server.log" >&2; exit 1; }
  sleep 1
done
curl -sf "$url/v2/health/ready" >/dev/null || { echo "the server did not become ready; see $out/server.log" >&2; exit 1; }

end=$(( $(date +%s) + minutes * 60 ))
client() { # one client: requests in a loop until the end, one status code per line
  local id=$1 n=0 line file box query
  while (( $(date +%s) < end )); do
    n=$((n + 1))
    if (( n % large_every == 0 )); then
      if (( (n / large_every) % 2 == 0 )); then file="$out/large-rgb.png"; query=""
      else file="$out/large-rgba.png"; query="?box=$((large_side / 2)),$((large_side / 2)),300,150"; fi
    else
      line=${requests[$(( (RANDOM * 32768 + RANDOM) % ${#requests[@]} ))]}
      file=${line% *}; box=${line#* }; query="?box=$box"
    fi
    # 000: no answer within --max-time (curl's exit code follows), e.g. a starved machine.
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$client_timeout" -H 'Content-Type: image/png' \
      --data-binary "@$file" "$url/v1/transcribe$query") && echo "$code" || echo "${code:-000}-curl$?"
  done >> "$out/client-$id.codes"
}
for id in $(seq 1 "$concurrency"); do
  client "$id" &
  clients+=($!)
  renice -n 15 -p $! >/dev/null
done

metric() { # sum of a Prometheus metric's samples whose line matches a filter
  awk -v name="$1" -v filter="$2" '$1 ~ "^"name && $0 ~ filter { s += $NF } END { printf "%.0f", s }' "$out/metrics.txt"
}
# Off-heap = resident minus committed heap: OpenCV's and ND4J's native memory, metaspace, stacks.
echo "minute,seconds,requests,errors,rss_mb,heap_used_mb,heap_committed_mb,offheap_mb,direct_mb" > "$out/samples.csv"
start=$(date +%s)
printf '%-7s %9s %7s %16s %16s %16s\n' minute requests errors "rss MB min-max" "heap used MB" "off-heap MB"
minute=1 rss_lo=0 rss_hi=0
while (( $(date +%s) < end )); do
  sleep 10
  now=$(( $(date +%s) - start ))
  rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")
  curl -s "$url/metrics" > "$out/metrics.txt" || true
  heap_used=$(( $(metric jvm_memory_used_bytes 'area="heap"') >> 20 ))
  heap_committed=$(( $(metric jvm_memory_committed_bytes 'area="heap"') >> 20 ))
  offheap=$(( rss - heap_committed ))
  direct=$(( $(metric jvm_buffer_memory_used_bytes 'id="direct"') >> 20 ))
  requests_done=$(cat "$out"/client-*.codes 2>/dev/null | wc -l)
  errors=$(cat "$out"/client-*.codes 2>/dev/null | grep -vc '^200$' || true)
  echo "$minute,$now,$requests_done,$errors,$rss,$heap_used,$heap_committed,$offheap,$direct" >> "$out/samples.csv"
  rss_lo=$(( rss_lo == 0 || rss < rss_lo ? rss : rss_lo )); rss_hi=$(( rss > rss_hi ? rss : rss_hi ))
  if (( now >= minute * 60 )); then
    printf '%-7s %9s %7s %16s %16s %16s\n' "$minute" "$requests_done" "$errors" "$rss_lo-$rss_hi" "$heap_used" "$offheap"
    minute=$((minute + 1)) rss_lo=0 rss_hi=0
  fi
done
for pid in "${clients[@]}"; do wait "$pid" 2>/dev/null || true; done
clients=()
kill -TERM "$server"
code=0; wait "$server" || code=$?
trap - EXIT
# RSS peaks while large photos are decoded (each is released at once); flatness is judged on each
# minute's lowest sample (the baseline between them), after the first minute's warm-up.
python3 - "$out/samples.csv" "$code" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
minutes = {}
for r in rows:
    minutes.setdefault(int(r["minute"]), []).append(int(r["rss_mb"]))
after = [m for m in sorted(minutes) if m > 1] or sorted(minutes)
base = [min(minutes[m]) for m in after]
peak = max(max(minutes[m]) for m in after)
print(f"requests {rows[-1]['requests']}, not 200: {rows[-1]['errors']}; RSS baseline (lowest sample per minute) "
      f"minute {after[0]}: {base[0]} MB, minute {after[-1]}: {base[-1]} MB ({100 * (base[-1] - base[0]) / base[0]:+.1f}%), "
      f"range {min(base)}-{max(base)} MB; highest peak {peak} MB; server exit code {sys.argv[2]}")
EOF
