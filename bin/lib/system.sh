# bin/baton up / down / status: the whole system on one machine, each part its own process bound to 127.0.0.1.
# Sourced by bin/baton after processes.sh, kafka.sh and build.sh. What `up` started is recorded in
# $BATON_RUN_DIR/system.env (ports, model, stages) and $BATON_RUN_DIR/pids/*.pid; down and status read them back.

SYSTEM_ENV="$BATON_RUN_DIR/system.env"
SERVICE_JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
# The gateway and the tokenizer service: glue around HTTP, gRPC and Kafka clients, and short tokenizer calls. C1 alone
# compiles them for a fraction of C2's CPU, which they would otherwise take from the pipeline on the same cores for
# thousands of requests, and their code costs as much per request once warm (gateway/README.md, "JVM flags"). One
# small heap each: the serial collector (system_collector), no concurrent GC threads.
LIGHT_SERVICE_JVM_FLAGS=(-XX:TieredStopAtLevel=1 -Xmx512m)

system_usage() {
  cat <<USAGE
usage: bin/baton up [--model M.gguf] [--stages S] [--layers A-B,B-C,...] [--threads N] [--port P] [--gateways G]
                    [--tokenizer-port P] [--worker-port P] [--kafka-port P] [--chat-template FILE]
  --model           GGUF file of a llama-family model (default models/default.gguf if present, else
                    ../shared/models/stories260K.gguf)
  --stages          pipeline stages, each its own worker process over a slice of the layers (default 2)
  --layers          each stage's blocks, half-open ranges in stage order, e.g. 0-8,8-12 (default: the workers'
                    split, about the same weight bytes per stage counting the output head on the last one)
  --threads         compute threads per stage (default: cores / stages, at least 1)
  --port            gateway port (default 8080); gateway i of G listens on port + i
  --gateways        gateway instances side by side, each owning its share of baton.replies (default 1)
  --tokenizer-port  tokenizer service port (default 8090)
  --worker-port     stage 0's port (default 8101); stage k listens on worker-port + k
  --kafka-port      broker port (default 19092; its controller takes the next one)
  --chat-template   a Jinja chat template file to use instead of the model's own (tokenizer.chat_template)
Extra JVM options per kind of process: BATON_GATEWAY_OPTS, BATON_WORKER_OPTS, BATON_TOKENIZER_OPTS
(e.g. BATON_WORKER_OPTS="-Dbaton.worker.max-batch=32"; every key is listed in the module's README).
USAGE
}

system_default_model() {
  if [[ -f "$BATON_HOME/models/default.gguf" ]]; then
    echo "$BATON_HOME/models/default.gguf"
  else
    echo "$BATON_HOME/../shared/models/stories260K.gguf"
  fi
}

# Reads --flag value pairs into UP_* variables; exits 2 on anything it does not know.
system_parse_up_args() {
  UP_MODEL="$(system_default_model)"
  UP_STAGES=2
  UP_THREADS=""
  UP_LAYERS=""
  UP_PORT=8080
  UP_GATEWAYS=1
  UP_TOKENIZER_PORT=8090
  UP_WORKER_PORT=8101
  UP_KAFKA_PORT="$KAFKA_PORT"
  UP_CHAT_TEMPLATE=""
  while (( $# > 0 )); do
    [[ "$1" == -h || "$1" == --help ]] && { system_usage; exit 0; }
    (( $# >= 2 )) || { echo "baton up: $1 needs a value" >&2; system_usage >&2; exit 2; }
    case "$1" in
      --model) UP_MODEL="$2" ;;
      --stages) UP_STAGES="$2" ;;
      --layers) UP_LAYERS="$2" ;;
      --threads) UP_THREADS="$2" ;;
      --port) UP_PORT="$2" ;;
      --gateways) UP_GATEWAYS="$2" ;;
      --tokenizer-port) UP_TOKENIZER_PORT="$2" ;;
      --worker-port) UP_WORKER_PORT="$2" ;;
      --kafka-port) UP_KAFKA_PORT="$2" ;;
      --chat-template) UP_CHAT_TEMPLATE="$2" ;;
      *) echo "baton up: unknown option '$1'" >&2; system_usage >&2; exit 2 ;;
    esac
    shift 2
  done
  local name
  for name in UP_STAGES UP_PORT UP_GATEWAYS UP_TOKENIZER_PORT UP_WORKER_PORT UP_KAFKA_PORT ${UP_THREADS:+UP_THREADS}; do
    [[ "${!name}" =~ ^[1-9][0-9]*$ ]] || { echo "baton up: --$(system_flag_name "$name") must be a positive whole number, got '${!name}'" >&2; exit 2; }
  done
  if [[ -n "$UP_LAYERS" ]]; then
    local ranges
    IFS=, read -r -a ranges <<<"$UP_LAYERS"
    (( ${#ranges[@]} == UP_STAGES )) && [[ "$UP_LAYERS" =~ ^[0-9]+-[0-9]+(,[0-9]+-[0-9]+)*$ ]] \
      || { echo "baton up: --layers needs one FROM-TO range per stage ($UP_STAGES), e.g. 0-8,8-12; got '$UP_LAYERS'" >&2; exit 2; }
    # each range starts where the one before ends (the first at 0); the last stage checks it ends at the last block
    local range expected_from=0
    for range in "${ranges[@]}"; do
      (( ${range%-*} == expected_from && ${range#*-} > expected_from )) \
        || { echo "baton up: --layers ranges must be non-empty and meet, starting at 0 (e.g. 0-8,8-12); got '$UP_LAYERS'" >&2; exit 2; }
      expected_from=${range#*-}
    done
  fi
  [[ -f "$UP_MODEL" ]] || { echo "baton up: model file '$UP_MODEL' does not exist" >&2; exit 2; }
  UP_MODEL="$(cd "$(dirname "$UP_MODEL")" && pwd)/$(basename "$UP_MODEL")"
  UP_MODEL_NAME="$(basename "$UP_MODEL" .gguf)"
  if [[ -n "$UP_CHAT_TEMPLATE" ]]; then
    [[ -f "$UP_CHAT_TEMPLATE" ]] || { echo "baton up: chat template file '$UP_CHAT_TEMPLATE' does not exist" >&2; exit 2; }
    UP_CHAT_TEMPLATE="$(cd "$(dirname "$UP_CHAT_TEMPLATE")" && pwd)/$(basename "$UP_CHAT_TEMPLATE")"
  fi
  if [[ -z "$UP_THREADS" ]]; then
    UP_THREADS=$(( $(nproc) / UP_STAGES ))
    (( UP_THREADS >= 1 )) || UP_THREADS=1
  fi
}

system_flag_name() {
  local name="${1#UP_}"
  name="${name,,}"
  echo "${name//_/-}"
}

# Every port the system will listen on, one per line, with what listens there.
system_planned_ports() {
  local i
  # a broker already started by bin/baton kafka-start is reused, its ports are expected to be taken
  if ! kafka_pid_alive; then
    echo "$UP_KAFKA_PORT kafka"
    echo "$((UP_KAFKA_PORT + 1)) kafka-controller"
  fi
  echo "$UP_TOKENIZER_PORT tokenizer"
  for ((i = 0; i < UP_STAGES; i++)); do echo "$((UP_WORKER_PORT + i)) stage-$i"; done
  for ((i = 0; i < UP_GATEWAYS; i++)); do echo "$((UP_PORT + i)) gateway-$i"; done
}

system_check_ports() {
  local port owner seen=" " clash=0
  while read -r port owner; do
    if [[ "$seen" == *" $port "* ]]; then
      echo "baton up: port $port is planned twice ($owner); choose other ports" >&2
      clash=1
    elif port_taken "$port"; then
      echo "baton up: port $port ($owner) is already in use by another program; free it or choose another port (bin/baton up --help)" >&2
      clash=1
    fi
    seen+="$port "
  done < <(system_planned_ports)
  return "$clash"
}

# The services of a recorded system, in the order they stop: gateways first (no new requests), then stage 0 (stops
# consuming), the later stages, the tokenizer.
system_service_names() {
  local i
  for ((i = 0; i < UP_GATEWAYS; i++)); do echo "gateway-$i"; done
  for ((i = 0; i < UP_STAGES; i++)); do echo "stage-$i"; done
  echo tokenizer
}

system_load_env() {
  [[ -f "$SYSTEM_ENV" ]] || return 1
  # shellcheck source=/dev/null
  source "$SYSTEM_ENV"
  kafka_use_port "$UP_KAFKA_PORT"
}

system_save_env() {
  mkdir -p "$BATON_RUN_DIR"
  {
    local name
    for name in UP_MODEL UP_MODEL_NAME UP_STAGES UP_LAYERS UP_THREADS UP_PORT UP_GATEWAYS UP_TOKENIZER_PORT UP_WORKER_PORT UP_KAFKA_PORT; do
      printf '%s=%q\n' "$name" "${!name}"
    done
  } >"$SYSTEM_ENV"
}

system_reply_partitions() {
  # baton.replies gets at least 4 partitions (BatonTopic's default) and at least one per gateway
  local count=4
  (( UP_GATEWAYS > count )) && count="$UP_GATEWAYS"
  echo "$count"
}

# Partitions p of baton.replies with p mod G == i, comma separated: gateway i's share.
system_gateway_partitions() {
  local index="$1" count="$2" p list=""
  for ((p = index; p < count; p += UP_GATEWAYS)); do list+="${list:+,}$p"; done
  echo "$list"
}

system_up() {
  system_parse_up_args "$@"
  # in a subshell: the recorded settings must not replace the ones just parsed
  if (system_load_env && system_any_alive); then
    echo "baton up: the system is already running (bin/baton status); stop it first with bin/baton down" >&2
    exit 1
  fi
  kafka_use_port "$UP_KAFKA_PORT"
  system_check_ports || exit 1
  system_build_if_needed || exit 1
  system_save_env
  trap 'echo "baton up: startup failed; stopping what was started" >&2; system_down >/dev/null 2>&1 || true' ERR
  trap 'echo "baton up: interrupted; stopping what was started" >&2; system_down >/dev/null 2>&1; exit 130' INT TERM
  set -E

  local replies
  replies="$(system_reply_partitions)"
  BATON_KAFKA_PARTITIONS="baton.replies=$replies${BATON_KAFKA_PARTITIONS:+,$BATON_KAFKA_PARTITIONS}" kafka_start

  local bootstrap="$KAFKA_BOOTSTRAP_LOCAL" i
  system_start_java tokenizer "$BATON_HOME/tokenizer-service/target/quarkus-app/quarkus-run.jar" \
    "-Dquarkus.http.port=$UP_TOKENIZER_PORT" "-Dbaton.tokenizer.model=$UP_MODEL" \
    ${UP_CHAT_TEMPLATE:+"-Dbaton.tokenizer.chat-template=$UP_CHAT_TEMPLATE"} "${LIGHT_SERVICE_JVM_FLAGS[@]}" \
    $(system_collector -XX:+UseSerialGC "${BATON_TOKENIZER_OPTS:-}") ${BATON_TOKENIZER_OPTS:-}
  for ((i = 0; i < UP_STAGES; i++)); do
    local stage_flags=()
    (( i + 1 < UP_STAGES )) && stage_flags=("-Dbaton.worker.next=127.0.0.1:$((UP_WORKER_PORT + i + 1))")
    [[ -n "$UP_LAYERS" ]] && stage_flags+=("-Dbaton.worker.layers=$(cut -d, -f$((i + 1)) <<<"$UP_LAYERS")")
    system_start_java "stage-$i" "$BATON_HOME/worker/target/quarkus-app/quarkus-run.jar" \
      "-Dquarkus.http.port=$((UP_WORKER_PORT + i))" "-Dkafka.bootstrap.servers=$bootstrap" \
      "-Dbaton.worker.model=$UP_MODEL" "-Dbaton.worker.model-name=$UP_MODEL_NAME" \
      "-Dbaton.worker.stage=$i" "-Dbaton.worker.stages=$UP_STAGES" "-Dbaton.worker.threads=$UP_THREADS" \
      "${stage_flags[@]}" $(system_collector -XX:+UseParallelGC "${BATON_WORKER_OPTS:-}") ${BATON_WORKER_OPTS:-}
  done
  service_wait_ready tokenizer "http://127.0.0.1:$UP_TOKENIZER_PORT/q/health/ready" 120
  # stage k is ready only once stage k+1 answers, so the last one comes first
  for ((i = UP_STAGES - 1; i >= 0; i--)); do
    service_wait_ready "stage-$i" "http://127.0.0.1:$((UP_WORKER_PORT + i))/q/health/ready" 300
  done
  # gateways start after stage 0 joined the pipelines' group, so their first look finds a pipeline
  for ((i = 0; i < UP_GATEWAYS; i++)); do
    local partitions=all
    (( UP_GATEWAYS > 1 )) && partitions="$(system_gateway_partitions "$i" "$replies")"
    system_start_java "gateway-$i" "$BATON_HOME/gateway/target/quarkus-app/quarkus-run.jar" \
      "-Dquarkus.http.port=$((UP_PORT + i))" "-Dkafka.bootstrap.servers=$bootstrap" \
      "-Dquarkus.grpc.clients.tokenizer.port=$UP_TOKENIZER_PORT" "-Dbaton.gateway.model-name=$UP_MODEL_NAME" \
      "-Dbaton.gateway.reply-partitions=$partitions" "${LIGHT_SERVICE_JVM_FLAGS[@]}" \
      $(system_collector -XX:+UseSerialGC "${BATON_GATEWAY_OPTS:-}") ${BATON_GATEWAY_OPTS:-}
  done
  for ((i = 0; i < UP_GATEWAYS; i++)); do
    service_wait_ready "gateway-$i" "http://127.0.0.1:$((UP_PORT + i))/q/health/ready" 120
  done
  trap - ERR INT TERM
  system_print_ready
}

# Prints the collector flag DEFAULT unless OPTS choose a collector themselves (the JVM refuses to start with two).
system_collector() {
  [[ "$2" =~ -XX:\+Use[A-Za-z0-9]+GC ]] || echo "$1"
}

system_start_java() {
  local name="$1" jar="$2"; shift 2
  service_start "$name" java "${SERVICE_JVM_FLAGS[@]}" "-Dbaton.process=$name" "$@" -jar "$jar"
}

system_print_ready() {
  echo
  echo "Baton is up."
  system_status
  echo
  local others=""
  (( UP_GATEWAYS > 1 )) && others=" (and each gateway up to port $((UP_PORT + UP_GATEWAYS - 1)))"
  echo "OpenAI API:  http://127.0.0.1:$UP_PORT/v1$others   logs: $BATON_LOG_DIR   stop: bin/baton down"
  cat <<EXAMPLE
  curl -N http://127.0.0.1:$UP_PORT/v1/completions -H 'Content-Type: application/json' \\
       -d '{"model":"$UP_MODEL_NAME","prompt":"Once upon a time","max_tokens":32,"stream":true}'
  bin/baton chat "Once upon a time"
EXAMPLE
}

system_any_alive() {
  local name
  kafka_pid_alive && return 0
  while read -r name; do
    service_alive "$name" && return 0
  done < <(system_service_names)
  return 1
}

system_down() {
  if ! system_load_env; then
    echo "baton down: nothing recorded in $BATON_RUN_DIR (was bin/baton up run?)" >&2
    kafka_stop
    return
  fi
  local name
  while read -r name; do
    service_stop "$name"
  done < <(system_service_names)
  kafka_stop
}

system_status() {
  if ! system_load_env; then
    echo "baton: not started (no $SYSTEM_ENV)"
    return 1
  fi
  local all_up=0 i
  echo "model $UP_MODEL_NAME ($UP_MODEL), $UP_STAGES stage(s) x $UP_THREADS thread(s)${UP_LAYERS:+, layers $UP_LAYERS}"
  kafka_status || all_up=1
  system_status_line tokenizer "$UP_TOKENIZER_PORT" || all_up=1
  for ((i = 0; i < UP_STAGES; i++)); do system_status_line "stage-$i" "$((UP_WORKER_PORT + i))" || all_up=1; done
  for ((i = 0; i < UP_GATEWAYS; i++)); do system_status_line "gateway-$i" "$((UP_PORT + i))" || all_up=1; done
  return "$all_up"
}

system_status_line() {
  local name="$1" port="$2"
  if ! service_alive "$name"; then
    printf '%-10s stopped\n' "$name"
    return 1
  fi
  local ready=starting
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/q/health/ready")" == 200 ]] && ready=ready
  printf '%-10s running  pid %-7s 127.0.0.1:%-6s %s  log %s\n' "$name" "$(cat "$(service_pid_file "$name")")" "$port" "$ready" "$(service_log_file "$name")"
}
