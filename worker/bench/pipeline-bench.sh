#!/usr/bin/env bash
# Worker pipeline benchmark: N concurrent requests on one model, served by
#   A) one worker process with all blocks and 2 compute threads, and
#   B) a 2-stage pipeline of two worker processes with 1 compute thread each, blocks split by default (balanced
#      by weights per stage, the output head counted on the last stage), and
#   C) the same with the blocks split evenly by count, for comparison,
# against a local Kafka broker. Prints one JSON line per configuration (PipelineLoad): steady decode tokens/s over
# all requests, and per stage the largest step batch and the gRPC hop latency p50/p99.
#
# usage: worker/bench/pipeline-bench.sh [MODEL.gguf]    (default: run/models/llama-110m-q8_0.gguf, synthesized if
#        missing with bin/baton synth + bin/baton quantize)
# env:   BENCH_REQUESTS (16) BENCH_PROMPT_TOKENS (32) BENCH_MAX_TOKENS (128) BENCH_MAX_CONTEXT (256)
#        BATON_KAFKA_PORT (19392: a broker of its own, so it does not meet other local brokers)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${BATON_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
export BATON_KAFKA_PORT="${BATON_KAFKA_PORT:-19392}"
BOOTSTRAP="127.0.0.1:$BATON_KAFKA_PORT"
REQUESTS="${BENCH_REQUESTS:-16}"
PROMPT_TOKENS="${BENCH_PROMPT_TOKENS:-32}"
MAX_TOKENS="${BENCH_MAX_TOKENS:-128}"
MAX_CONTEXT="${BENCH_MAX_CONTEXT:-256}"
MODEL="${1:-$ROOT/run/models/llama-110m-q8_0.gguf}"
RUN="$ROOT/run/bench-worker"
mkdir -p "$RUN"

if [[ ! -f "$MODEL" ]]; then
  mkdir -p "$(dirname "$MODEL")"
  f32="$(dirname "$MODEL")/llama-110m-f32.gguf"
  [[ -f "$f32" ]] || "$ROOT/bin/baton" synth --shape llama-110m --type f32 "$f32"
  "$ROOT/bin/baton" quantize "$f32" "$MODEL" --type q8_0
fi
APP="$ROOT/worker/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$APP" || ! -d "$ROOT/worker/target/test-classes/dev/baton/worker/bench" ]]; then
  (cd "$ROOT" && ./mvnw -q -B -ntp -pl worker -am verify -DskipTests)
fi
LOAD_CP="$ROOT/worker/target/test-classes:$ROOT/worker/target/quarkus-app/lib/main/*"
NAME="$(basename "$MODEL" .gguf)"
VOCAB="$("$ROOT/bin/baton" inspect "$MODEL" | awk '$1 == "llama.vocab_size" {print $3}')"

BATON_HOME="$ROOT"
source "$ROOT/bin/lib/kafka.sh"
started_kafka=0
if ! kafka_status >/dev/null 2>&1; then
  kafka_start
  started_kafka=1
fi

PIDS=()
stop_workers() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_workers
  if (( started_kafka )); then kafka_stop; fi
}
trap cleanup EXIT

# start_worker PORT THREADS STAGE STAGES [NEXT [LAYERS]] ; group in $GROUP
start_worker() {
  local port=$1 threads=$2 stage=$3 stages=$4 next=${5:-} layers=${6:-}
  local args=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx1g
    -Dquarkus.http.port="$port" -Dkafka.bootstrap.servers="$BOOTSTRAP"
    -Dbaton.worker.model="$MODEL" -Dbaton.worker.stage="$stage" -Dbaton.worker.stages="$stages"
    -Dbaton.worker.threads="$threads" -Dbaton.worker.max-batch="$REQUESTS" -Dbaton.worker.max-context="$MAX_CONTEXT"
    -Dbaton.worker.consumer-group="$GROUP")
  [[ -n "$next" ]] && args+=(-Dbaton.worker.next="$next")
  [[ -n "$layers" ]] && args+=(-Dbaton.worker.layers="$layers")
  java "${args[@]}" -jar "$APP" >"$RUN/worker-$port.log" 2>&1 &
  PIDS+=($!)
}

await_ready() {
  local port=$1
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "worker on port $port not ready; see $RUN/worker-$port.log" >&2
  return 1
}

# the driver logs nothing itself; keep the Kafka client's SLF4J and protobuf's Unsafe notices out of the output
DRIVER_FLAGS=(-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider --sun-misc-unsafe-memory-access=allow)

load() {
  java "${DRIVER_FLAGS[@]}" -cp "$LOAD_CP" dev.baton.worker.bench.PipelineLoad --bootstrap "$BOOTSTRAP" --model-name "$NAME" \
    --requests "$REQUESTS" --prompt-tokens "$PROMPT_TOKENS" --max-tokens "$MAX_TOKENS" --vocab "$VOCAB" --stats "$1"
}

position() {
  java "${DRIVER_FLAGS[@]}" -cp "$LOAD_CP" dev.baton.worker.bench.PipelineLoad --bootstrap "$BOOTSTRAP" --position-group "$GROUP"
}

echo "model $MODEL, $REQUESTS requests x $MAX_TOKENS tokens, prompt $PROMPT_TOKENS tokens" >&2

GROUP="bench-single-$$"
position
start_worker 8291 2 0 1
await_ready 8291
printf '{"config":"1 process, 2 threads","result":%s}\n' "$(load http://127.0.0.1:8291/stats)"
stop_workers

# pipeline LABEL [LAYERS_OF_STAGE_0 LAYERS_OF_STAGE_1]
pipeline() {
  GROUP="bench-pipeline-$$-$RANDOM"
  position
  start_worker 8293 1 1 2 "" "${3:-}"
  start_worker 8292 1 0 2 127.0.0.1:8293 "${2:-}"
  await_ready 8293
  await_ready 8292
  printf '{"config":"%s","result":%s}\n' "$1" \
    "$(load http://127.0.0.1:8292/stats,http://127.0.0.1:8293/stats)"
  stop_workers
}

pipeline "2 stages, 1 thread each, default split"
LAYERS="$("$ROOT/bin/baton" inspect "$MODEL" | awk '$1 == "llama.block_count" {print $3}')"
HALF=$(( (LAYERS + 1) / 2 ))
pipeline "2 stages, 1 thread each, blocks 0-$HALF | $HALF-$LAYERS" "0-$HALF" "$HALF-$LAYERS"
