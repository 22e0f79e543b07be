# Local single-node Kafka broker (KRaft, from the Maven jars that kafka/ packages), for bin/baton.
# Sourced by bin/baton; expects BATON_HOME and a Temurin 25 java on PATH.
#   kafka_start [--fresh]   start the broker on 127.0.0.1:$BATON_KAFKA_PORT (default 19092), wait until it answers,
#                           create Baton's topics; keeps the log in run/kafka-data across restarts (--fresh wipes it)
#   kafka_stop              stop exactly the broker recorded in run/pids/kafka.pid
#   kafka_status            print whether it runs; exit 0 when it does
# Settings (environment): BATON_RUN_DIR (default run/), BATON_KAFKA_PORT, BATON_KAFKA_CONTROLLER_PORT (default port+1), BATON_KAFKA_HEAP (1g),
# BATON_KAFKA_PARTITIONS (e.g. "baton.requests=16,baton.replies=8"; defaults in dev.baton.kafka.BatonTopic).

# kafka_use_port PORT [CONTROLLER_PORT]: the ports the functions below use (set from the environment when sourced)
kafka_use_port() {
  KAFKA_PORT="$1"
  KAFKA_CONTROLLER_PORT="${2:-$((KAFKA_PORT + 1))}"
  KAFKA_BOOTSTRAP_LOCAL="127.0.0.1:$KAFKA_PORT"
}
kafka_use_port "${BATON_KAFKA_PORT:-19092}" "${BATON_KAFKA_CONTROLLER_PORT:-}"
KAFKA_RUN_DIR="${BATON_RUN_DIR:-$BATON_HOME/run}"
KAFKA_PID_FILE="$KAFKA_RUN_DIR/pids/kafka.pid"
KAFKA_LOG="$KAFKA_RUN_DIR/logs/kafka.log"
KAFKA_DATA_DIR="$KAFKA_RUN_DIR/kafka-data"
KAFKA_LIB="$BATON_HOME/kafka/target/lib"
KAFKA_JAR="$BATON_HOME/kafka/target/baton-kafka.jar"

kafka_pid_alive() {
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$KAFKA_PID_FILE")"
  # the recorded PID must still be our broker, not a recycled PID of something else
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka '
}

kafka_build_libs() {
  if [[ ! -f "$KAFKA_JAR" || ! -d "$KAFKA_LIB" || -n "$(find "$BATON_HOME/kafka/src/main" "$BATON_HOME/kafka/pom.xml" -newer "$KAFKA_JAR" -print -quit)" ]]; then
    echo "kafka: packaging the broker jars (first time ~1 min)" >&2
    (cd "$BATON_HOME" && ./mvnw -q -B -ntp -pl kafka package -DskipTests >&2)
  fi
}

kafka_start() {
  local fresh=0
  case "${1:-}" in
    --fresh) fresh=1 ;;
    "") ;;
    *) echo "kafka-start: unknown option '$1' (only --fresh)" >&2; return 2 ;;
  esac
  if kafka_pid_alive; then
    echo "kafka: already running (pid $(cat "$KAFKA_PID_FILE")) on $KAFKA_BOOTSTRAP_LOCAL" >&2
    kafka_prepare_topics 30
    return
  fi
  kafka_build_libs
  mkdir -p "$KAFKA_RUN_DIR/pids" "$KAFKA_RUN_DIR/logs" "$KAFKA_RUN_DIR/kafka"
  if (( fresh )); then rm -rf "$KAFKA_DATA_DIR"; fi
  local props="$KAFKA_RUN_DIR/kafka/server.properties"
  sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$KAFKA_DATA_DIR|g" \
    "$BATON_HOME/kafka/config/server.properties" >"$props"
  local cp="$KAFKA_LIB/*"
  if [[ ! -f "$KAFKA_DATA_DIR/meta.properties" ]]; then
    # a random 16-byte id in Kafka's base64url form (22 characters): saves a JVM start for "random-uuid"
    local cluster_id
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    java -Dlog4j2.configurationFile="$BATON_HOME/kafka/config/log4j2-tools.properties" -cp "$cp" \
      kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$props" >>"$KAFKA_LOG" 2>&1 \
      || { echo "kafka: formatting $KAFKA_DATA_DIR failed; see $KAFKA_LOG" >&2; return 1; }
  fi
  echo "kafka: starting on $KAFKA_BOOTSTRAP_LOCAL (log $KAFKA_LOG)" >&2
  nohup java --sun-misc-unsafe-memory-access=allow -Xms256m -Xmx"${BATON_KAFKA_HEAP:-1g}" -Dlog4j2.configurationFile="$BATON_HOME/kafka/config/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$props" >>"$KAFKA_LOG" 2>&1 </dev/null &
  echo $! >"$KAFKA_PID_FILE"
  kafka_prepare_topics 90 || { kafka_stop; return 1; }
  echo "kafka: ready on $KAFKA_BOOTSTRAP_LOCAL (pid $(cat "$KAFKA_PID_FILE"))" >&2
}

# Waits for the broker to answer and creates the topics; gives up early if the broker process dies.
kafka_prepare_topics() {
  local wait_seconds="$1"
  local args=(--bootstrap "$KAFKA_BOOTSTRAP_LOCAL" --wait-seconds "$wait_seconds")
  [[ -n "${BATON_KAFKA_PARTITIONS:-}" ]] && args+=(--partitions "$BATON_KAFKA_PARTITIONS")
  java -Dlog4j2.configurationFile="$BATON_HOME/kafka/config/log4j2-tools.properties" -cp "$KAFKA_JAR:$KAFKA_LIB/*" \
    dev.baton.kafka.PrepareTopics "${args[@]}" >>"$KAFKA_LOG" 2>&1 &
  local probe=$!
  while kill -0 "$probe" 2>/dev/null; do
    if ! kafka_pid_alive; then
      kill "$probe" 2>/dev/null; wait "$probe" 2>/dev/null
      echo "kafka: the broker exited during startup; last log lines:" >&2
      tail -n 20 "$KAFKA_LOG" >&2
      rm -f "$KAFKA_PID_FILE"
      return 1
    fi
    sleep 0.3
  done
  wait "$probe" && return 0
  echo "kafka: broker did not become ready; last log lines:" >&2
  tail -n 20 "$KAFKA_LOG" >&2
  return 1
}

kafka_stop() {
  if ! kafka_pid_alive; then
    rm -f "$KAFKA_PID_FILE"
    echo "kafka: not running" >&2
    return 0
  fi
  local pid
  pid="$(cat "$KAFKA_PID_FILE")"
  kill "$pid"
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kafka: pid $pid did not stop in 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$KAFKA_PID_FILE"
  echo "kafka: stopped (pid $pid)" >&2
}

kafka_status() {
  if kafka_pid_alive; then
    echo "kafka      running  pid $(cat "$KAFKA_PID_FILE")  $KAFKA_BOOTSTRAP_LOCAL"
  else
    echo "kafka      stopped"
    return 1
  fi
}
