#!/usr/bin/env bash
# `npm run stop`: stops the services `npm start` runs (SIGTERM; SIGKILL after 15 s).
#
#   scripts/stop.sh          the services; the Kafka mock and PostgreSQL keep running
#   scripts/stop.sh --all    also the Kafka mock (scripts/infra.sh down; PostgreSQL is the machine's)
set -euo pipefail

SCRIPT_NAME='stop'
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/services.sh
source "$ROOT/scripts/lib/services.sh"
cd "$ROOT"

usage() {
  sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local all=false
  case "${1:-}" in
    '') ;;
    --all) all=true ;;
    -h | --help)
      usage
      return 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  (($# <= 1)) || die "too many arguments: $*"

  services_lock
  stop_services "${SERVICES[@]}"
  if ((STOPPED_COUNT == 0)); then log "no service was running"; fi
  exec 8>&- # the lock; infra.sh takes its own

  if [[ $all == true ]]; then bash scripts/infra.sh down; fi
}

main "$@"
