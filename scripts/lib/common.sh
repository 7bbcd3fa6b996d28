# shellcheck shell=bash
# Helpers shared by the scripts/ entry points. Sourced, never run; the caller sets SCRIPT_NAME.

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

# True when a TCP connection to host:port succeeds within 2 s (bash /dev/tcp, no extra tools).
tcp_open() {
  # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Runs a command as root: directly when we are root, through sudo otherwise. Without a terminal
# sudo must not wait for a password nobody can type (CI), hence -n there.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif have sudo; then
    if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
  else
    return 127
  fi
}

# Installs Debian packages (apt-get update first, once per run). Fails with the command to run by
# hand when neither root nor sudo is available.
APT_UPDATED=false
apt_install() {
  local manual="apt-get update && apt-get install -y $*"
  have apt-get || die "apt-get not found; install these packages with your system's package manager: $*"
  if [[ $(id -u) -ne 0 ]] && ! have sudo; then
    die "need root to install $*; run as root: $manual"
  fi
  log "installing $* (apt-get)"
  if [[ $APT_UPDATED == false ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed; run as root: $manual"
    APT_UPDATED=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    die "installing $* failed; run as root: $manual"
}
