# Packages the services bin/baton up starts, when a jar is missing or older than its sources.
# Sourced by bin/baton; expects BATON_HOME and Temurin 25 on PATH.
#   system_build_if_needed   one reactor build of kafka, tokenizer-service, worker and gateway (and what they use);
#                            with BATON_NO_BUILD=1 it only checks that the jars exist (tests that built them already)

SYSTEM_MODULES=(kafka tokenizer-service worker gateway)
# modules whose sources end up in the services' jars
SYSTEM_SOURCE_MODULES=(engine proto kafka tokenizer-service worker gateway)

system_artifact() {
  case "$1" in
    kafka) echo "$BATON_HOME/kafka/target/baton-kafka.jar" ;;
    *) echo "$BATON_HOME/$1/target/quarkus-app/quarkus-run.jar" ;;
  esac
}

# Maven leaves a jar untouched when its contents did not change, so a jar can be older than an edit that changed
# nothing in it (a comment in the parent pom, say); a stamp written after each build here covers that case.
SYSTEM_BUILD_STAMP="$BATON_HOME/target/baton-up-build.stamp"

# Prints the first service module whose jar is missing or older than the sources (nothing when all are fresh).
system_missing_or_stale() {
  local module jar
  for module in "${SYSTEM_MODULES[@]}"; do
    jar="$(system_artifact "$module")"
    [[ -f "$jar" ]] || { echo "$module"; return; }
  done
  [[ -n "${BATON_NO_BUILD:-}" ]] && return
  local sources=("$BATON_HOME/pom.xml") source_module
  for source_module in "${SYSTEM_SOURCE_MODULES[@]}"; do
    sources+=("$BATON_HOME/$source_module/src/main" "$BATON_HOME/$source_module/pom.xml")
  done
  local stamp=()
  [[ -f "$SYSTEM_BUILD_STAMP" ]] && stamp=(-newer "$SYSTEM_BUILD_STAMP")
  for module in "${SYSTEM_MODULES[@]}"; do
    jar="$(system_artifact "$module")"
    if [[ -n "$(find "${sources[@]}" -newer "$jar" "${stamp[@]}" -print -quit 2>/dev/null)" ]]; then
      echo "$module"
      return
    fi
  done
}

system_build_if_needed() {
  local stale
  stale="$(system_missing_or_stale)"
  [[ -z "$stale" ]] && return 0
  if [[ -n "${BATON_NO_BUILD:-}" ]]; then
    echo "baton: $(system_artifact "$stale") is missing and BATON_NO_BUILD is set; build first: bin/baton build" >&2
    return 1
  fi
  local list
  list="$(IFS=,; echo "${SYSTEM_MODULES[*]}")"
  echo "baton: building $list (first time a few minutes; $stale is missing or older than its sources)" >&2
  (cd "$BATON_HOME" && ./mvnw -q -B -ntp -pl "$list" -am package -DskipTests >&2)
  mkdir -p "$(dirname "$SYSTEM_BUILD_STAMP")"
  touch "$SYSTEM_BUILD_STAMP"
}
