#!/usr/bin/env bash
# `npm start`: the whole platform on this machine, from a fresh clone. Installs dependencies when
# needed, builds every project, starts the local infrastructure (scripts/infra.sh up), migrates the
# dev databases, starts the seven services in the background, waits until each one is ready, seeds
# demo orders through the gateway and prints where everything is. `npm run stop` stops the services.
#
# Services that are already running are restarted, so that the new build takes effect.
# LOG_LEVEL (default info) is passed on to the services.
set -euo pipefail

SCRIPT_NAME='start'
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/services.sh
source "$ROOT/scripts/lib/services.sh"
cd "$ROOT"

if [[ ${CI:-} == true ]]; then export NX_DAEMON=false; fi

READY_TIMEOUT_S=60
GATEWAY_URL="http://127.0.0.1:${SERVICE_HTTP_PORT[order-gateway]}"
# The demo storefront key's secret, kept by seed-demo.mjs (the API shows a secret only once).
DEMO_KEY_FILE="$ROOT/.run/demo-storefront-key"

# All seven at once (each is a node start-up plus a few queries); reported in service order.
migrate_databases() {
  local name db out_dir i names=() pids=() failed=()
  out_dir="$(mktemp -d)"
  for name in "${SERVICES[@]}"; do
    db="$(service_database "$name")"
    DATABASE_URL="$PG_URL_BASE/$db" node "services/$name/dist/migrate.js" >"$out_dir/$name" 2>&1 &
    names+=("$name")
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    name=${names[$i]}
    if wait "${pids[$i]}"; then
      log "migrations: $name ($(service_database "$name")): $(cat "$out_dir/$name")"
    else
      failed+=("$name")
      warn "migrating the $name database ($(service_database "$name")) failed:
$(cat "$out_dir/$name")"
    fi
  done
  rm -rf "$out_dir"
  ((${#failed[@]} == 0)) || die "migrations failed for: ${failed[*]}"
}

# Something we did not start on one of our ports would make a service fail with EADDRINUSE deep in
# its log; say so up front instead.
check_ports_free() {
  local name port busy=()
  for name in "${SERVICES[@]}"; do
    for port in ${SERVICE_HTTP_PORT[$name]} ${SERVICE_GRPC_PORT[$name]:-}; do
      if tcp_open 127.0.0.1 "$port"; then busy+=("$port ($name)"); fi
    done
  done
  ((${#busy[@]} == 0)) ||
    die "ports in use by processes this script did not start: ${busy[*]}; stop them (ss -ltnp shows which) and run npm start again"
}

start_failed() {
  local name=$1 reason=$2 log other running=() left='no service is left running'
  log="$(service_log "$name")"
  for other in "${SERVICES[@]}"; do service_pid "$other" >/dev/null && running+=("$other"); done
  ((${#running[@]} == 0)) || left="left running for inspection: ${running[*]} (npm run stop stops them)"
  die "$reason
--- last lines of $log:
$(tail -n 30 "$log" 2>/dev/null)
---
$left"
}

wait_ready() {
  local name=$1 port=${SERVICE_HTTP_PORT[$1]} answer='' started=$SECONDS
  local url="http://127.0.0.1:$port/health/ready"
  while ((SECONDS - started < READY_TIMEOUT_S)); do
    service_pid "$name" >/dev/null || start_failed "$name" "$name exited during start-up"
    answer="$(http_get 127.0.0.1 "$port" /health/ready)" || answer=''
    if [[ ${answer%%$'\n'*} == 200 ]]; then
      log "$name ready ($url)"
      return 0
    fi
    sleep 0.5
  done
  start_failed "$name" "$name is not ready after ${READY_TIMEOUT_S} s; GET $url answered: ${answer:-nothing}"
}

print_summary() {
  local name port grpc
  cat <<EOF

OpenRetail is running.

Public API (order-gateway): $GATEWAY_URL
  every call but health and metrics needs an API key (X-API-Key or Authorization: Bearer).
  Admin key of this machine (every permission, every site; DEVELOPMENT ONLY, set in
  scripts/lib/services.sh): $DEV_ADMIN_KEY
  Demo storefront key (site pult only): $(cat "$DEMO_KEY_FILE" 2>/dev/null || echo '(not created)')
  create an order (the README's example; the same Idempotency-Key again returns the same order):
    curl -s -X POST $GATEWAY_URL/v1/orders -H 'content-type: application/json' \\
      -H 'X-API-Key: $DEV_ADMIN_KEY' \\
      -H 'Idempotency-Key: try-1' -d '{"site":"pult","currency":"RUB",
      "customer":{"firstName":"Анна","phones":["+79161234567"],"email":"anna@example.com"},
      "items":[{"name":"Проигрыватель винила","quantity":1,"unitPrice":{"amountMinor":3499000,"currency":"RUB"}}]}'
  get it (the id is in the answer above):
    curl -s -H 'X-API-Key: $DEV_ADMIN_KEY' $GATEWAY_URL/v1/orders/<id>
  a demo order by its external id:
    curl -s -H 'X-API-Key: $DEV_ADMIN_KEY' $GATEWAY_URL/v1/orders/by-external-id/pult/PULT-DEMO-1001
  API keys and users: $GATEWAY_URL/v1/api-keys, $GATEWAY_URL/v1/users (admin key)

EOF
  printf '%-15s %-38s %s\n' service health gRPC
  for name in "${SERVICES[@]}"; do
    port=${SERVICE_HTTP_PORT[$name]}
    grpc=${SERVICE_GRPC_PORT[$name]:-}
    if [[ -z $grpc ]]; then
      grpc='- (client of orders)'
    elif tcp_open 127.0.0.1 "$grpc"; then
      grpc="127.0.0.1:$grpc"
    else
      grpc="- (no gRPC API yet; port $grpc reserved)"
    fi
    printf '%-15s %-38s %s\n' "$name" "http://127.0.0.1:$port/health/ready" "$grpc"
  done
  cat <<EOF

Metrics:  http://127.0.0.1:<port>/metrics on every service
Logs:     $LOG_DIR/<service>.log (JSON lines; the previous run's in <service>.log.1)
Kafka:    $KAFKA_BROKERS (local mock; bash scripts/infra.sh status)
Stop:     npm run stop   (npm run stop -- --all also stops the Kafka mock)
EOF
}

main() {
  local name
  (($# == 0)) || die "start takes no arguments (got: $*)"
  install_dependencies
  log "building"
  nx_run run-many -t build || die "build failed"
  bash scripts/infra.sh up
  eval "$(bash scripts/infra.sh env)"

  services_lock
  migrate_databases
  local running=()
  for name in "${SERVICES[@]}"; do service_pid "$name" >/dev/null && running+=("$name"); done
  if ((${#running[@]} > 0)); then
    log "restarting the services already running, so the new build takes effect: ${running[*]}"
    stop_services "${running[@]}"
  fi
  check_ports_free
  for name in "${SERVICES[@]}"; do launch_service "$name"; done
  log "started ${#SERVICES[@]} services; waiting until each is ready (logs in $LOG_DIR)"
  for name in "${SERVICES[@]}"; do wait_ready "$name"; done

  log "seeding demo data through $GATEWAY_URL"
  GATEWAY_URL=$GATEWAY_URL GATEWAY_ADMIN_KEY=$DEV_ADMIN_KEY DEMO_KEY_FILE=$DEMO_KEY_FILE node scripts/seed-demo.mjs ||
    die "seeding demo data failed; the services are running (npm run stop stops them)"
  print_summary
}

main "$@"
