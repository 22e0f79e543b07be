#!/usr/bin/env bash
# Two gateways of one running system side by side (e.g. `bin/baton up --gateways 2`, one of them then restarted from
# another build), measured interleaved at each concurrency: bench-http against A and B (A first in odd repetitions, B
# first in even ones), REPS times, so the machine's drift hits both alike. With baton.trace at DEBUG everywhere it also
# prints each side's first-token trace per concurrency (that side's gateway log lines of its runs, with every other log).
#   bench/gateway/ab.sh URL_A GATEWAY_A.log URL_B GATEWAY_B.log [REPS] [CONCURRENCIES]
set -euo pipefail
cd "$(dirname "$0")/../.."
url_a="$1" log_a="$2" url_b="$3" log_b="$4" reps="${5:-3}" concurrencies="${6:-1 32}"
out="$(mktemp -d)"
others=()
for log in "$(dirname "$log_a")"/*.log; do
  [[ "$log" -ef "$log_a" || "$log" -ef "$log_b" ]] || others+=("$log")
done
for ((rep = 1; rep <= reps; rep++)); do
  for c in $concurrencies; do
    # alternate which side goes first, so neither always runs on the heels of the other
    order="A B"; (( rep % 2 )) || order="B A"
    for side in $order; do
      if [[ $side == A ]]; then url="$url_a" log="$log_a"; else url="$url_b" log="$log_b"; fi
      before=$(wc -l <"$log")
      printf '%s rep %d C=%d load %s ' "$side" "$rep" "$c" "$(cut -d' ' -f1 /proc/loadavg)"
      bin/baton bench-http --url "$url" --concurrency "$c" --requests $(( c < 8 ? 32 : 2 * c )) --max-tokens 64 --json \
        2>/dev/null | tail -1
      tail -n +"$((before + 1))" "$log" >>"$out/$side-$c.log"
    done
  done
done
for c in $concurrencies; do
  for side in A B; do
    echo "== trace $side C=$c"
    bench/gateway/ttft-trace.py "$out/$side-$c.log" "${others[@]}" || true
  done
done
rm -rf "$out"
