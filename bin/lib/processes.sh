# Background service processes of the local system, one PID file and one log per process.
# Sourced by bin/baton; expects BATON_HOME. Every process is started with -Dbaton.process=NAME on its command line,
# so a PID recycled by the OS for something else is never mistaken for (or stopped as) one of ours.
#   service_start NAME CMD...      start CMD in the background, record its PID in $BATON_RUN_DIR/pids/NAME.pid
#   service_alive NAME             exit 0 when the recorded process still runs
#   service_wait_ready NAME URL S  poll URL until it answers 200; fail early (with the log tail) if NAME exits
#   service_stop NAME              stop exactly the recorded PID (TERM, then KILL after 30 s)
#   port_taken PORT                exit 0 when something listens on PORT

BATON_RUN_DIR="${BATON_RUN_DIR:-$BATON_HOME/run}"
BATON_PID_DIR="$BATON_RUN_DIR/pids"
BATON_LOG_DIR="$BATON_RUN_DIR/logs"

service_pid_file() { echo "$BATON_PID_DIR/$1.pid"; }
service_log_file() { echo "$BATON_LOG_DIR/$1.log"; }

service_alive() {
  local file pid
  file="$(service_pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "-Dbaton.process=$1"
}

service_start() {
  local name="$1"; shift
  mkdir -p "$BATON_PID_DIR" "$BATON_LOG_DIR"
  local log
  log="$(service_log_file "$name")"
  printf '\n=== %s starting: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
  nohup "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(service_pid_file "$name")"
}

service_wait_ready() {
  local name="$1" url="$2" seconds="$3"
  local deadline=$((SECONDS + seconds))
  while (( SECONDS < deadline )); do
    if ! service_alive "$name"; then
      echo "baton: $name exited during startup; last lines of $(service_log_file "$name"):" >&2
      tail -n 25 "$(service_log_file "$name")" >&2
      return 1
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" == 200 ]]; then
      return 0
    fi
    sleep 0.5
  done
  echo "baton: $name did not become ready at $url within ${seconds} s; last lines of $(service_log_file "$name"):" >&2
  tail -n 25 "$(service_log_file "$name")" >&2
  return 1
}

service_stop() {
  local name="$1" file pid
  file="$(service_pid_file "$name")"
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if service_alive "$name"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "baton: $name (pid $pid) did not stop in 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "baton: stopped $name (pid $pid)" >&2
  fi
  rm -f "$file"
}

port_taken() {
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
