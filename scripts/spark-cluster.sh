#!/usr/bin/env bash
# A standalone Spark cluster on this machine (a master and two workers on 127.0.0.1, one core and
# 2 GB each) from the batch module's own jars, no Spark download: runs `streetnum batch` on it,
# compares the table with local mode's, and with --fault kills one worker's process in the middle
# of a second run and checks that every image is still written exactly once.
#
#   scripts/spark-cluster.sh [--images N] [--data DIR] [--work DIR] [--model BUNDLE] [--fault] [--keep]
#
# --images N   generated images when --data is not given (default 2000)
# --data DIR   a folder of images (with labels.csv) to transcribe instead
# --work DIR   where the cluster's folders, logs and tables go (default cluster-run/)
# --fault      also run the worker-kill job
# --keep       leave the cluster running at the end (stop it with kill on the printed ids)
# Needs: ./mvnw -B package -DskipTests, curl, jq, python3. Not part of the test suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images=2000; data=""; work="cluster-run"; model="$here/models/streetnum-cpu.bundle"; fault=0; keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --fault) fault=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in curl jq python3; do
  command -v "$tool" >/dev/null || { echo "spark-cluster.sh needs $tool" >&2; exit 2; }
done
target="$here/modules/batch/target"
jar=$(ls "$target"/streetnum-batch-*.jar 2>/dev/null | grep -v -- '-tests.jar' | grep -v -- '-job.jar' | head -1 || true)
if [[ -z "$jar" || ! -d "$target/lib" ]]; then
  echo "not built yet: run  ./mvnw -B package -DskipTests  in $here first" >&2; exit 2
fi
mkdir -p "$work"; work="$(cd "$work" && pwd)"

# Ports: not Spark's defaults (7077, 8080, 8081: our service uses 8080 too).
master_port=17077; master_ui=17080; worker_ui=(17081 17082); driver_ui=4045
master_url="spark://127.0.0.1:$master_port"
export SPARK_LOCAL_IP=127.0.0.1
# A worker builds its executors' java command itself: class path $SPARK_HOME/jars/*, and it needs the
# Scala version ("Cannot find any build directories" otherwise).
export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.13
rm -rf "$SPARK_HOME"; mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
ln -s "$target"/lib/*.jar "$jar" "$SPARK_HOME/jars/"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
options="$here/modules/batch/spark-jvm.options"

pids=()
stop_cluster() {
  if [[ $keep == 1 ]]; then echo "cluster left running: kill ${pids[*]}"; return; fi
  for pid in "${pids[@]}"; do
    # The executors are the workers' children: stop them by their ids too.
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do kill "$child" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop_cluster EXIT

if [[ -z "$data" ]]; then
  data="$work/data/test"
  if [[ ! -f "$data/labels.csv" ]]; then
    echo "== generating $images images in $data"
    "$here/scripts/streetnum" generate --out "$work/data" --train 0 --val 0 --test "$images" --seed 24 >/dev/null
  fi
fi

# Local mode first: the reference table, and it unpacks JavaCPP's native libraries into its cache
# (~/.javacpp/cache) before any executor starts, so two executors never unpack them at once.
echo "== local mode (local[2])"
"$here/scripts/streetnum" batch --master 'local[2]' --input "$data" --output "$work/out-local" --model "$model" \
  --format csv --mode overwrite --ui-port 0 | tee "$work/local.log"

echo "== starting the master and two workers on 127.0.0.1"
start=$(date +%s)
"$java_bin" -Xmx512m @"$options" -cp "$SPARK_HOME/jars/*" -Dspark.master.rest.enabled=false \
  org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" --webui-port "$master_ui" \
  > "$work/master.log" 2>&1 &
pids+=($!)
for i in 0 1; do
  mkdir -p "$work/worker-$i"
  "$java_bin" -Xmx512m @"$options" -cp "$SPARK_HOME/jars/*" \
    org.apache.spark.deploy.worker.Worker "$master_url" --host 127.0.0.1 --cores 1 --memory 2g \
    --webui-port "${worker_ui[$i]}" --work-dir "$work/worker-$i" > "$work/worker-$i.log" 2>&1 &
  pids+=($!)
done
worker_pids=("${pids[1]}" "${pids[2]}")
deadline=$((start + 240))
until state=$(curl -sf "http://127.0.0.1:$master_ui/json/" 2>/dev/null) \
    && [[ $(jq -r .status <<<"$state") == ALIVE && $(jq -r .aliveworkers <<<"$state") == 2 ]]; do
  if (( $(date +%s) > deadline )); then
    echo "the cluster did not come up in 240 s; the logs' last lines:" >&2
    for log in master worker-0 worker-1; do echo "--- $log.log" >&2; tail -20 "$work/$log.log" >&2; done
    exit 1
  fi
  sleep 2
done
echo "master ALIVE with 2 alive workers after $(( $(date +%s) - start )) s ($master_url, UI http://127.0.0.1:$master_ui)"

echo "== the same job on the cluster"
"$here/scripts/streetnum" batch --master "$master_url" --input "$data" --output "$work/out-cluster" --model "$model" \
  --format csv --mode overwrite --ui-port "$driver_ui" | tee "$work/cluster.log"
echo "== local mode against the cluster"
python3 "$here/scripts/compare-tables.py" "$work/out-local" "$work/out-cluster"

if [[ $fault == 1 ]]; then
  echo "== the cluster job again, killing worker 1's process in the middle"
  "$here/scripts/streetnum" batch --master "$master_url" --input "$data" --output "$work/out-fault" --model "$model" \
    --format csv --mode overwrite --ui-port "$driver_ui" > "$work/fault.log" 2>&1 &
  job=$!
  victim="${worker_pids[1]}"
  killed=0
  while kill -0 "$job" 2>/dev/null; do
    # The driver's REST API: kill once the transcription has finished a few partitions of many.
    progress=$(curl -sf "http://127.0.0.1:$driver_ui/api/v1/applications" 2>/dev/null | jq -r '.[0].id' 2>/dev/null || true)
    if [[ -n "$progress" && "$progress" != null ]]; then
      read -r finished total < <(curl -sf "http://127.0.0.1:$driver_ui/api/v1/applications/$progress/jobs" 2>/dev/null \
        | jq -r '[.[] | select(.jobGroup == "streetnum-batch")] | if length == 0 then "0 0" else "\(map(.numCompletedTasks) | add) \(map(.numTasks) | add)" end' 2>/dev/null || echo "0 0")
      if (( finished >= 2 && total > 0 && finished < total / 2 )); then
        executors=$(pgrep -P "$victim" | tr '\n' ' ' || true)
        echo "killing worker 1 (pid $victim; its executor: ${executors:-none}) with $finished of $total partitions done"
        kill -9 "$victim"
        # Its executor notices the worker is gone and exits; should it not, the exit trap stops it.
        for e in $executors; do pids+=("$e"); done
        killed=1
        break
      fi
    fi
    sleep 0.5
  done
  wait "$job" && status=0 || status=$?
  cat "$work/fault.log" | grep -v '^\s*$' | grep -E 'batch:|Lost executor|lost|ERROR' | head -20
  [[ $killed == 1 ]] || { echo "the job ended before a worker could be killed: use more --images" >&2; exit 1; }
  echo "job exit code $status"
  python3 "$here/scripts/compare-tables.py" "$work/out-local" "$work/out-fault"
fi
