#!/usr/bin/env bash
# Interleaved gateway benchmark against a running `bin/baton up`, REPS repetitions (A B A B …), so that the machine's
# drift hits every figure alike. Each repetition runs:
#   - the engine alone (one process, batch 1 and 32: `bin/baton bench`),
#   - bench-http against the gateway at C = 1, 8, 32 (64 tokens per request; C=32: 256 requests after 32 warm-up
#     ones, a few seconds: with 64 the timed window was under a second, within reach of one GC pause or descheduling),
#   - the pipeline alone at C = 32: 256 requests published straight to the system's own broker, 32 in flight (worker
#     PipelineLoad, 5-token prompts, 64 tokens each), served by the same worker stages with no gateway, tokenizer,
#     HTTP or client in the way: the pipeline's own throughput, to compare with the C=32 tokens/s. Both count the
#     same way: warm-up requests first, not counted (bench-http 32 requests, the pipeline's driver 20 s: see below),
#     then all tokens of the 256 over the run's wall time.
#     Each repetition ends with the ratio of the two (gateway / pipeline alone at C=32); odd repetitions measure the
#     gateway first, even ones the pipeline.
#   BATON_WORKER_OPTS="-Dbaton.worker.max-batch=32" bin/baton up --port 18080 --kafka-port 29092 ...   (first)
#   bench/gateway/compare.sh [URL] [MODEL.gguf] [REPS] [KAFKA_BOOTSTRAP]
# The pipeline-alone step needs the worker's test classes (./mvnw -q -pl worker -am verify -DskipTests) and the
# broker's address (default 127.0.0.1:$BATON_KAFKA_PORT, else 19092); without them it is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
url="${1:-http://127.0.0.1:8080}"
model="${2:-../shared/models/stories260K.gguf}"
reps="${3:-3}"
bootstrap="${4:-127.0.0.1:${BATON_KAFKA_PORT:-19092}}"
export JAVA_HOME="${BATON_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
load_cp="worker/target/test-classes:worker/target/quarkus-app/lib/main/*"
model_id="$(curl -sf "$url/v1/models" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -1)"
# the vocabulary size: the length of the token list (not every file has llama.vocab_size)
vocab="$(bin/baton inspect "$model" 2>/dev/null | sed -n 's/^ *tokenizer\.ggml\.tokens *string\[\([0-9]*\)\].*/\1/p')"
pipeline_alone() {
  if [[ ! -f worker/target/test-classes/dev/baton/worker/bench/PipelineLoad.class || -z "$model_id" ]]; then
    echo "(skipped: build the worker's test classes, and the gateway must list its model)"
    return
  fi
  # The reference driver runs with bench-http's JIT and collector flags (bin/baton: C1 only, serial GC) and warms up
  # for 20 s on requests of its own, so that neither side's driver takes more of the shared cores than it must: on
  # stories260K it still spent 0.6-0.7 s of CPU in the timed run after 32 warm-up requests, 0.2-0.3 s after ~4,000,
  # bench-http 0.12-0.16 s (docs/benchmarks.md). No class-data archive: CDS refuses a classpath with a directory.
  "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider \
    --sun-misc-unsafe-memory-access=allow -cp "$load_cp" dev.baton.worker.bench.PipelineLoad \
    --bootstrap "$bootstrap" --model-name "$model_id" --warmup 32 --warmup-seconds 20 --requests 256 --concurrency 32 --prompt-tokens 5 --max-tokens 64 \
    --vocab "$vocab" 2>/dev/null | tail -1
}
# The gateway side warms up first, as the reference's driver does: C=32 runs of a fresh client each (new connections,
# as each repetition's runs open) for BATON_COMPARE_WARMUP_SECONDS (default 120; 0 skips). A gateway warmed by
# thousands of requests over the same connections still spent 0.1-0.5 s of C2 compiler CPU in most runs of a new
# client, on the cores the pipeline needs; after ~120 such connection waves, almost none (docs/benchmarks.md, Gateway).
warmup_seconds="${BATON_COMPARE_WARMUP_SECONDS:-120}"
if (( warmup_seconds > 0 )); then
  echo "== warming the gateway up for $warmup_seconds s (runs of 64 requests at C=32, a new client each)"
  warm_until=$(( SECONDS + warmup_seconds ))
  while (( SECONDS < warm_until )); do
    bin/baton bench-http --url "$url" --concurrency 32 --requests 64 --max-tokens 64 > /dev/null || exit 1
  done
fi
for ((rep = 1; rep <= reps; rep++)); do
  echo "== rep $rep, load average $(cut -d' ' -f1 /proc/loadavg)"
  bin/baton bench --model "$model" --prompt-tokens 5 --gen-tokens 64 --batch 1,32 --threads 2 --json 2>/dev/null | tail -1
  if (( rep % 2 == 0 )); then # every other repetition measures the pipeline first, so neither side always comes second
    echo "-- pipeline alone, C=32"
    pipeline_out="$(pipeline_alone)"
    echo "$pipeline_out"
  fi
  for c in 1 8 32; do
    echo "-- C=$c"
    out="$(bin/baton bench-http --url "$url" --concurrency "$c" --requests $(( c < 8 ? 16 : c < 32 ? 2 * c : 8 * c )) \
      --max-tokens 64)" || { echo "$out"; exit 1; }
    echo "$out"
  done
  gateway_tps="$(sed -n 's/^tokens\/s *//p' <<<"$out")"
  if (( rep % 2 == 1 )); then
    echo "-- pipeline alone, C=32"
    pipeline_out="$(pipeline_alone)"
    echo "$pipeline_out"
  fi
  pipeline_tps="$(sed -n 's/.*"endToEndTokensPerSecond":\([0-9.]*\).*/\1/p' <<<"$pipeline_out")"
  if [[ -n "$gateway_tps" && -n "$pipeline_tps" ]]; then
    awk -v g="$gateway_tps" -v p="$pipeline_tps" 'BEGIN { printf "-- gateway / pipeline alone at C=32: %.2fx\n", g / p }'
  fi
done
