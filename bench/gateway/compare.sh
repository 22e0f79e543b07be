#!/usr/bin/env bash
# Interleaved gateway benchmark: the engine alone (one process, batch 1 and 32), then bench-http against a running
# `bin/baton up` at C = 1, 8, 32; REPS repetitions (A B A B …), so that the machine's drift hits both alike.
#   BATON_WORKER_OPTS="-Dbaton.worker.max-batch=32" bin/baton up --port 18080 ...   (first)
#   bench/gateway/compare.sh [URL] [MODEL.gguf] [REPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
url="${1:-http://127.0.0.1:8080}"
model="${2:-../shared/models/stories260K.gguf}"
reps="${3:-3}"
for ((rep = 1; rep <= reps; rep++)); do
  echo "== rep $rep, load average $(cut -d' ' -f1 /proc/loadavg)"
  bin/baton bench --model "$model" --prompt-tokens 5 --gen-tokens 64 --batch 1,32 --threads 2 --json 2>/dev/null | tail -1
  for c in 1 8 32; do
    echo "-- C=$c"
    bin/baton bench-http --url "$url" --concurrency "$c" --requests $(( c < 8 ? 16 : 2 * c )) --max-tokens 64
  done
done
