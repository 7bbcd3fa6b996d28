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

# GET http://HOST:PORT/PATH without curl (a fresh machine may lack it): prints the status code on the
# first line, then the body. Fails when nothing answers within 3 s. HTTP/1.0, so the body is never chunked.
http_get() {
  # shellcheck disable=SC2016 # $1.. are the inner shell's arguments
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n" "$3" "$1" "$2" >&3
    IFS=" " read -r _ code _ <&3 || exit 1
    while IFS= read -r line <&3 && ((${#line} > 1)); do :; done # headers, up to the blank (\r) line
    printf "%s\n" "$code"
    cat <&3
  ' _ "$1" "$2" "$3" 2>/dev/null
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

# True while the process runs. A zombie does not: an exited process whose new parent has not
# reaped it yet still answers kill -0.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local _pid _comm state
  read -r _pid _comm state _ <"/proc/$1/stat" 2>/dev/null || return 0
  [[ $state != Z ]]
}

# ---------------------------------------------------------------- workspace (run from the repository root)

install_dependencies() {
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

# Runs an nx command; when it fails on the nx daemon (not on the code), runs it again without it.
nx_run() {
  local out status=0
  out="$(mktemp)"
  npx nx "$@" --outputStyle=static 2>&1 | tee "$out" || status=$?
  if ((status != 0)) && [[ ${NX_DAEMON:-} != false ]] && grep -qi 'daemon' "$out"; then
    warn "nx failed with a daemon error; retrying with NX_DAEMON=false"
    status=0
    NX_DAEMON=false npx nx "$@" --outputStyle=static || status=$?
  fi
  rm -f "$out"
  return "$status"
}
