#!/usr/bin/env bash
# Local infrastructure for development and tests: PostgreSQL (installed on the machine; started here
# when it is down) with the dev databases, and the Kafka mock cluster (deploy/local/kafka-mock).
#
#   scripts/infra.sh up       start what is down, create missing databases and topics (idempotent)
#   scripts/infra.sh down     stop the Kafka mock (PostgreSQL is left running: it is the machine's)
#   scripts/infra.sh status   show both; exits 3 when something is down
#   scripts/infra.sh env      print `export KAFKA_...` lines: eval "$(scripts/infra.sh env)"
set -euo pipefail

SCRIPT_NAME=infra
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
DATABASES=(openretail_order_gateway openretail_orders openretail_customers openretail_loyalty
  openretail_delivery openretail_messaging openretail_analytics)

RUN_DIR="$ROOT/.run"
KAFKA_DIR="$RUN_DIR/kafka"
KAFKA_LOG="$KAFKA_DIR/kafka-mock.log"
KAFKA_BIN="$RUN_DIR/bin/kafka-mock"
KAFKA_SRC="$ROOT/deploy/local/kafka-mock/kafka-mock.c"
KAFKA_BROKER_COUNT=3
TOPICS_CLI="$ROOT/libs/contracts/dist/cli/topics.js"

# ---------------------------------------------------------------- PostgreSQL

pg_reachable() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

psql_admin() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

pg_start() {
  local how="start your PostgreSQL server so that it listens on $PG_HOST:$PG_PORT (trust auth, user $PG_USER)"
  if ! have pg_ctlcluster || [[ ! -d /etc/postgresql ]]; then
    die "PostgreSQL is not reachable on $PG_HOST:$PG_PORT and pg_ctlcluster is not available: $how"
  fi
  local version
  version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
  [[ -n $version ]] || die "no cluster under /etc/postgresql: $how"
  local cmd=(pg_ctlcluster --skip-systemctl-redirect "$version" main start)
  log "PostgreSQL is down; starting it: ${cmd[*]}"
  # 9>&-: the server must not inherit the lock of lock(), or it would hold it for its whole life.
  as_root "${cmd[@]}" 9>&- || die "could not start PostgreSQL; run as root: ${cmd[*]}"
  local i
  for ((i = 0; i < 60; i++)); do
    pg_reachable && return 0
    sleep 0.5
  done
  die "PostgreSQL started but does not answer on $PG_HOST:$PG_PORT after 30 s; see /var/log/postgresql/"
}

pg_existing_databases() {
  psql_admin -tA -c 'SELECT datname FROM pg_database'
}

pg_up() {
  if pg_reachable; then
    log "PostgreSQL: up on $PG_HOST:$PG_PORT"
  else
    pg_start
    log "PostgreSQL: started on $PG_HOST:$PG_PORT"
  fi
  have psql || die "psql not found; install the PostgreSQL client (apt-get install -y postgresql-client)"
  local existing db created=()
  existing="$(pg_existing_databases)" ||
    die "cannot query PostgreSQL as user '$PG_USER' on $PG_HOST:$PG_PORT (local dev expects trust auth; or set PGPASSWORD)"
  for db in "${DATABASES[@]}"; do
    if ! grep -qxF "$db" <<<"$existing"; then
      # Two concurrent `up` runs could race here; the lock in main() serialises them.
      psql_admin -c "CREATE DATABASE \"$db\"" || die "could not create database $db"
      created+=("$db")
    fi
  done
  if ((${#created[@]} > 0)); then
    log "PostgreSQL: created databases ${created[*]}"
  else
    log "PostgreSQL: all ${#DATABASES[@]} dev databases present"
  fi
}

pg_status() {
  if ! pg_reachable; then
    echo "PostgreSQL: DOWN (nothing answers on $PG_HOST:$PG_PORT; run: npm run infra:up)"
    return 1
  fi
  local existing missing=() db
  if ! existing="$(pg_existing_databases 2>/dev/null)"; then
    echo "PostgreSQL: up on $PG_HOST:$PG_PORT, but user '$PG_USER' cannot query it"
    return 1
  fi
  for db in "${DATABASES[@]}"; do grep -qxF "$db" <<<"$existing" || missing+=("$db"); done
  if ((${#missing[@]} > 0)); then
    echo "PostgreSQL: up on $PG_HOST:$PG_PORT, missing databases: ${missing[*]} (run: npm run infra:up)"
    return 1
  fi
  echo "PostgreSQL: up on $PG_HOST:$PG_PORT, all ${#DATABASES[@]} dev databases present"
}

# ---------------------------------------------------------------- Kafka mock

kafka_build_deps() {
  if [[ ! -f /usr/include/librdkafka/rdkafka_mock.h ]]; then
    apt_install librdkafka-dev
  fi
  if ! have gcc || [[ ! -f /usr/include/stdio.h ]]; then
    apt_install gcc libc6-dev
  fi
}

kafka_build() {
  if [[ -x $KAFKA_BIN && ! $KAFKA_SRC -nt $KAFKA_BIN ]]; then
    return 0
  fi
  kafka_build_deps
  mkdir -p "$(dirname "$KAFKA_BIN")"
  log "compiling $KAFKA_BIN"
  # Built beside and renamed, so a running launcher or a concurrent reader never sees half a file.
  gcc -O2 -Wall -o "$KAFKA_BIN.tmp" "$KAFKA_SRC" -lrdkafka || die "compiling $KAFKA_SRC failed"
  mv -f "$KAFKA_BIN.tmp" "$KAFKA_BIN"
  KAFKA_REBUILT=true
}

# Sends each argument as one control command on a single connection; prints one answer per command.
kafka_control() {
  local addr
  addr="$(cat "$KAFKA_DIR/control" 2>/dev/null)" || return 1
  [[ $addr =~ ^[0-9.]+:[0-9]+$ ]] || return 1
  (
    exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}" || exit 1
    printf '%s\n' "$@" >&3
    local _ line
    for _ in "$@"; do
      IFS= read -r -t 10 line <&3 || exit 1
      printf '%s\n' "$line"
    done
  ) 2>/dev/null
}

# The launcher's pid when it runs: the pid file names a live process that is our launcher
# (not a recycled pid).
kafka_pid() {
  local pid
  pid="$(cat "$KAFKA_DIR/pid" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  [[ ! -e /proc/$pid/comm || "$(cat "/proc/$pid/comm" 2>/dev/null)" == kafka-mock ]] || return 1
  echo "$pid"
}

kafka_answers() {
  [[ "$(kafka_control ping)" == 'OK pong' ]]
}

kafka_clear_state() {
  rm -f "$KAFKA_DIR/bootstraps" "$KAFKA_DIR/control" "$KAFKA_DIR/pid"
}

kafka_stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    warn "kafka-mock (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  kafka_clear_state
}

kafka_start() {
  mkdir -p "$KAFKA_DIR"
  kafka_clear_state
  # setsid + nohup: the cluster outlives this script and the terminal or CI step that ran it.
  # 9>&-: as for PostgreSQL, the lock stays here.
  nohup setsid "$KAFKA_BIN" --brokers "$KAFKA_BROKER_COUNT" --state-dir "$KAFKA_DIR" \
    >"$KAFKA_LOG" 2>&1 </dev/null 9>&- &
  local starter=$! i
  for ((i = 0; i < 100; i++)); do
    if [[ -s $KAFKA_DIR/bootstraps ]] && kafka_answers; then
      return 0
    fi
    if ! alive "$starter" && ! kafka_pid >/dev/null; then
      die "kafka-mock exited during start-up; its log ($KAFKA_LOG):
$(tail -n 20 "$KAFKA_LOG" 2>/dev/null)"
    fi
    sleep 0.2
  done
  die "kafka-mock did not become ready within 20 s; see $KAFKA_LOG"
}

# Creates every topic of the registry; the mock answers "Topic already exists" for the ones it has.
kafka_topics() {
  if [[ ! -f $TOPICS_CLI ]]; then
    warn "topic registry CLI $TOPICS_CLI not built yet: no topics created (build libs/contracts, then run up again)"
    return 0
  fi
  local specs
  specs="$(node "$TOPICS_CLI")" || die "node $TOPICS_CLI failed"
  local commands=() spec
  while IFS= read -r spec; do
    [[ -z $spec ]] && continue
    [[ $spec =~ ^[A-Za-z0-9._-]+:[0-9]+$ ]] || die "topic registry CLI printed '$spec'; expected NAME:PARTITIONS"
    commands+=("topic-create ${spec%:*} ${spec##*:}")
  done <<<"$specs"
  if ((${#commands[@]} == 0)); then
    warn "the topic registry lists no topics"
    return 0
  fi
  local answers
  answers="$(kafka_control "${commands[@]}")" || die "kafka-mock control port stopped answering while creating topics"
  local n_created=0 n_existing=0 i=0 answer
  while IFS= read -r answer; do
    case $answer in
      OK*) n_created=$((n_created + 1)) ;;
      *'already exists'*) n_existing=$((n_existing + 1)) ;;
      *) die "creating topic (${commands[$i]}): $answer" ;;
    esac
    i=$((i + 1))
  done <<<"$answers"
  log "Kafka: topics: $n_created created, $n_existing already present"
}

kafka_up() {
  KAFKA_REBUILT=false
  kafka_build
  local pid
  if pid="$(kafka_pid)"; then
    if kafka_answers; then
      log "Kafka: kafka-mock already running (pid $pid), brokers $(cat "$KAFKA_DIR/bootstraps")"
      if [[ $KAFKA_REBUILT == true ]]; then
        warn "kafka-mock was rebuilt from a changed source; the running one is the old build (npm run infra:down && npm run infra:up)"
      fi
      kafka_topics
      return 0
    fi
    warn "kafka-mock (pid $pid) does not answer on its control port; restarting it"
    kafka_stop_pid "$pid"
  fi
  kafka_start
  log "Kafka: kafka-mock started (pid $(kafka_pid)), $KAFKA_BROKER_COUNT brokers $(cat "$KAFKA_DIR/bootstraps"), control $(cat "$KAFKA_DIR/control")"
  kafka_topics
}

kafka_down() {
  local pid
  if pid="$(kafka_pid)"; then
    kafka_stop_pid "$pid"
    log "Kafka: kafka-mock (pid $pid) stopped"
  else
    kafka_clear_state
    log "Kafka: kafka-mock was not running"
  fi
}

kafka_status() {
  local pid
  if ! pid="$(kafka_pid)"; then
    echo "Kafka: DOWN (kafka-mock not running; run: npm run infra:up)"
    return 1
  fi
  if ! kafka_answers; then
    echo "Kafka: kafka-mock pid $pid is running but its control port does not answer (see $KAFKA_LOG)"
    return 1
  fi
  echo "Kafka: kafka-mock running (pid $pid), brokers $(cat "$KAFKA_DIR/bootstraps"), control $(cat "$KAFKA_DIR/control")"
}

kafka_env() {
  if ! kafka_pid >/dev/null || [[ ! -s $KAFKA_DIR/bootstraps || ! -s $KAFKA_DIR/control ]]; then
    die "kafka-mock is not running; start it with: npm run infra:up"
  fi
  printf "export KAFKA_BROKERS='%s'\n" "$(cat "$KAFKA_DIR/bootstraps")"
  printf 'export KAFKA_CONSUMER_MAX_WAIT_MS=50\n'
  printf 'export KAFKA_CONSUMER_SESSION_TIMEOUT_MS=6000\n'
  printf 'export KAFKA_IDEMPOTENT_PRODUCER=false\n'
  printf "export KAFKA_CONTROL='%s'\n" "$(cat "$KAFKA_DIR/control")"
}

# ---------------------------------------------------------------- main

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# up and down change state: one at a time, so parallel callers neither start two clusters nor race
# on CREATE DATABASE.
lock() {
  mkdir -p "$RUN_DIR"
  if have flock; then
    exec 9>"$RUN_DIR/infra.lock"
    flock -w 120 9 || die "another infra.sh holds $RUN_DIR/infra.lock for more than 120 s"
  fi
}

main() {
  case "${1:-}" in
    up)
      lock
      pg_up
      kafka_up
      log "ready (eval \"\$(bash scripts/infra.sh env)\" exports the Kafka settings)"
      ;;
    down)
      lock
      kafka_down
      log "PostgreSQL left running (it is the machine's service)"
      ;;
    status)
      local rc=0
      pg_status || rc=3
      kafka_status || rc=3
      exit "$rc"
      ;;
    env) kafka_env ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
