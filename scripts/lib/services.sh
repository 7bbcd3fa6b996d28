# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file
# The platform's services as local background processes, for start.sh and stop.sh. Sourced after
# common.sh; the caller sets ROOT. Each service runs in its own session (setsid), its pid in
# .run/services/<name>.pid, its output in .run/logs/<name>.log (the previous run's in <name>.log.1).

# Start order: orders first (customers reads its reference data), the gateway (a gRPC client of
# orders and customers) last.
SERVICES=(orders customers loyalty delivery messaging analytics order-gateway)
declare -A SERVICE_HTTP_PORT=([order-gateway]=8080 [orders]=3001 [customers]=3002 [loyalty]=3003 [delivery]=3004
  [messaging]=3005 [analytics]=3006)
# The gateway serves no gRPC; it calls orders and customers.
declare -A SERVICE_GRPC_PORT=([orders]=50051 [customers]=50052 [loyalty]=50053 [delivery]=50054 [messaging]=50055
  [analytics]=50056)

# PostgreSQL's Unix socket where the server has one: a query costs the client about 40% less CPU than
# over loopback TCP (measured here: ~110 µs against ~180 µs for a trivial one). TCP otherwise.
PG_SOCKET_DIR=/var/run/postgresql
if [[ -S $PG_SOCKET_DIR/.s.PGSQL.5432 ]]; then
  PG_URL_BASE="postgres://postgres@${PG_SOCKET_DIR//\//%2F}"
else
  PG_URL_BASE='postgres://postgres@127.0.0.1:5432'
fi
PID_DIR="$ROOT/.run/services"
LOG_DIR="$ROOT/.run/logs"
STOP_TIMEOUT_S=15

# The dev database of a service: openretail_<name>, '-' as '_' (order-gateway: openretail_order_gateway).
service_database() {
  echo "openretail_${1//-/_}"
}

# The gateway's bootstrap admin key on this machine: every permission on every site. A fixed,
# public value for local development only; a deployment sets its own secret (or none).
DEV_ADMIN_KEY='ork_DevOnlyBootstrapAdminKeyNeverUseInProduction'

service_main() { echo "services/$1/dist/main.js"; }
service_log() { echo "$LOG_DIR/$1.log"; }

# start.sh and stop.sh change processes: one at a time. fd 8; anything long-lived they start must
# not inherit it (8>&-), or it would hold the lock for its whole life.
services_lock() {
  mkdir -p "$ROOT/.run"
  have flock || return 0
  exec 8>"$ROOT/.run/services.lock"
  if ! flock -n 8; then
    log "waiting for another start.sh/stop.sh to finish"
    flock -w 300 8 || die "another start.sh/stop.sh holds $ROOT/.run/services.lock for more than 5 minutes"
  fi
}

# The pid of the service's running process: the pid file names a live process that runs this
# service's main.js (not a recycled pid).
service_pid() {
  local pid
  pid="$(cat "$PID_DIR/$1.pid" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$(service_main "$1")"* ]] || return 1
  echo "$pid"
}

# The environment of a service: its ports, database and the local settings. Kafka's KAFKA_BROKERS
# comes from the caller's environment (infra.sh env).
service_env() {
  local name=$1
  echo "HTTP_PORT=${SERVICE_HTTP_PORT[$name]}"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  echo "DATABASE_URL=$PG_URL_BASE/$(service_database "$name")"
  echo "MIGRATE_ON_START=false" # start.sh has just migrated
  if [[ $name == order-gateway ]]; then
    echo "ORDERS_GRPC_URL=127.0.0.1:${SERVICE_GRPC_PORT[orders]}"
    echo "CUSTOMERS_GRPC_URL=127.0.0.1:${SERVICE_GRPC_PORT[customers]}"
    echo "GRPC_DEADLINE_MS=5000"
    echo "GATEWAY_BOOTSTRAP_ADMIN_KEY=$DEV_ADMIN_KEY"
    return
  fi
  echo "GRPC_PORT=${SERVICE_GRPC_PORT[$name]}"
  # customers reads the reference data (sites, phone regions, custom fields) from orders.
  [[ $name == customers ]] && echo "ORDERS_GRPC_URL=127.0.0.1:${SERVICE_GRPC_PORT[orders]}"
  echo "KAFKA_CONSUMER_MAX_WAIT_MS=50"
  echo "KAFKA_IDEMPOTENT_PRODUCER=false"
}

# Starts the service in the background in its own session, so it outlives the terminal or CI step
# that ran start.sh. The wrapper writes its own pid, then execs node: the pid file names node itself.
launch_service() {
  local name=$1 log vars
  log="$(service_log "$name")"
  mkdir -p "$PID_DIR" "$LOG_DIR"
  rm -f "$PID_DIR/$name.pid"
  [[ -f $log ]] && mv -f "$log" "$log.1"
  mapfile -t vars < <(service_env "$name")
  # shellcheck disable=SC2016 # $0, $1 and $$ belong to the wrapper
  nohup setsid env "${vars[@]}" bash -c 'echo "$$" >"$0" && exec node "$1"' \
    "$PID_DIR/$name.pid" "$(service_main "$name")" >"$log" 2>&1 </dev/null 8>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $PID_DIR/$name.pid ]] && return 0
    sleep 0.1
  done
  die "$name did not start (no pid file after 5 s); see $log"
}

# Stops the given services: SIGTERM to all at once, up to STOP_TIMEOUT_S for them to finish what
# they are doing, then SIGKILL. Removes the pid files; a service that is not running is reported.
stop_services() {
  local name pid names=() pids=()
  for name in "$@"; do
    if pid="$(service_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      names+=("$name")
      pids+=("$pid")
    else
      rm -f "$PID_DIR/$name.pid"
    fi
  done
  local i j deadline=$((SECONDS + STOP_TIMEOUT_S)) remaining
  while :; do
    remaining=0
    for i in "${!pids[@]}"; do alive "${pids[$i]}" && remaining=$((remaining + 1)); done
    ((remaining == 0 || SECONDS >= deadline)) && break
    sleep 0.2
  done
  for i in "${!pids[@]}"; do
    name=${names[$i]}
    pid=${pids[$i]}
    if alive "$pid"; then
      warn "$name (pid $pid) still running ${STOP_TIMEOUT_S} s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      j=0
      while alive "$pid" && ((j++ < 25)); do sleep 0.2; done
    else
      log "$name stopped (pid $pid)"
    fi
    rm -f "$PID_DIR/$name.pid"
  done
  STOPPED_COUNT=${#pids[@]}
}
