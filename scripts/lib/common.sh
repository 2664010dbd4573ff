# Shared by scripts/run, scripts/test and scripts/setup. Source it; do not run it.

PAYTRACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Tools the project installs for itself (Python venv for the local database, npm's wasm-opt).
PAYTRACK_TOOLS=${PAYTRACK_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/paytrack/tools}
# Shared build cache, so the run and test commands (and CI in a fresh clone) reuse one build.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paytrack/target}
export PATH="$PAYTRACK_TOOLS/venv/bin:$PAYTRACK_TOOLS/npm/bin:$HOME/.cargo/bin:$PATH"
# The local database is SecantusDB, a MongoDB wire-protocol server: its Rust build
# (crates.io secantus-mdb) serves runs, tests (failpoints included, with
# --enable-test-commands) and benches; its Python build (PyPI SecantusDB) is kept for
# comparison (PAYTRACK_LOCAL_DB=py) and brings the benches' pymongo.
SECANTUSD_VERSION=0.7.0b3
SECANTUS_RS_VERSION=0.5.3-beta.196

# How every build of the app is made: the pages a first visit does not need go into separate
# WebAssembly files, fetched when one of them first opens (src/ui/pages/later.rs).
LEPTOS_SPLIT=(--split --features split)

say() { printf '==> %s\n' "$*"; }
die() { printf 'paytrack: %s\n' "$*" >&2; exit 1; }

# True when something already listens on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port PORT PID SECONDS: waits until PORT accepts connections; fails early if PID dies.
wait_for_port() {
  local port=$1 pid=$2 deadline=$((SECONDS + $3))
  until port_in_use "$port"; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# start_local_db PORT STORAGE LOG: starts the local database on loopback and sets DB_PID.
# STORAGE is a folder, or :memory: for a throw-away database (a temporary folder, removed when
# stop_local_db stops it). PAYTRACK_LOCAL_DB=py picks the Python build instead of the Rust one.
DB_SCRATCH=
start_local_db() {
  local port=$1 storage=$2 log=$3
  port_in_use "$port" && die "port $port is already in use, so the local database cannot start there. Stop whatever listens on it, or choose another port with PAYTRACK_DB_PORT."
  if [ "${PAYTRACK_LOCAL_DB:-rs}" = py ]; then
    secantusd-py --host 127.0.0.1 --port "$port" --storage-path "$storage" --log-level WARNING >"$log" 2>&1 &
  else
    if [ "$storage" = :memory: ]; then
      DB_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/paytrack-db.XXXXXX")
      storage=$DB_SCRATCH
    fi
    # The write-ahead log is allocated in full up front: 16 MB, not the default 128, per store.
    secantusd-rs --host 127.0.0.1 --port "$port" --storage-path "$storage" --log-level WARNING \
      --log-file-max 16MB >"$log" 2>&1 &
  fi
  DB_PID=$!
  if ! wait_for_port "$port" "$DB_PID" 60; then
    tail -n 20 "$log" >&2
    die "the local database did not start on port $port (log above, full log in $log)"
  fi
}

# stop_local_db: stops the database start_local_db started, and removes a throw-away store.
stop_local_db() {
  [ -n "$DB_PID" ] && stop_pid "$DB_PID"
  [ -n "$DB_SCRATCH" ] && rm -rf "$DB_SCRATCH"
  return 0
}

# Which build of the local database start_local_db starts (for bench reports).
local_db_name() {
  if [ "${PAYTRACK_LOCAL_DB:-rs}" = py ]; then
    echo "SecantusDB $SECANTUSD_VERSION (Python build)"
  else
    echo "SecantusDB $SECANTUS_RS_VERSION (Rust build)"
  fi
}

# stop_pid PID: SIGTERM, then SIGKILL if it has not gone after 10 seconds.
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# wait_until_ready URL PID SECONDS: polls URL/readyz until it answers 200.
wait_until_ready() {
  local url=$1 pid=$2 deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

server_binary() { printf '%s/debug/paytrack' "$CARGO_TARGET_DIR"; }
