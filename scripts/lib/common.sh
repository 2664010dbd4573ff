# Shared by scripts/run, scripts/test and scripts/setup. Source it; do not run it.

PAYTRACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Tools the project installs for itself (Python venv for the local database, npm's wasm-opt).
PAYTRACK_TOOLS=${PAYTRACK_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/paytrack/tools}
# Shared build cache, so the run and test commands (and CI in a fresh clone) reuse one build.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paytrack/target}
# Where `cargo install` puts what it builds (cargo's own rule).
CARGO_BIN=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin
export PATH="$PAYTRACK_TOOLS/venv/bin:$PAYTRACK_TOOLS/npm/bin:$CARGO_BIN:$HOME/.cargo/bin:$PATH"
# scripts/run's data: the local database's folder and the dev master key.
PAYTRACK_DATA=${PAYTRACK_DATA_DIR:-$PAYTRACK_ROOT/.data}
# The local database is SecantusDB, a MongoDB wire-protocol server: its Rust build
# (crates.io secantus-mdb) serves runs, tests (failpoints included, with
# --enable-test-commands) and benches; its Python build (PyPI SecantusDB) installs in under a
# minute, so it serves a first scripts/run while the Rust build compiles in the background,
# and brings the benches' pymongo (PAYTRACK_LOCAL_DB=py compares the two).
SECANTUSD_VERSION=0.7.0b3
SECANTUS_RS_VERSION=0.5.3-beta.196

# How every build of the app is made: the pages a first visit does not need go into separate
# WebAssembly files, fetched when one of them first opens (src/ui/pages/later.rs).
LEPTOS_SPLIT=(--split --features split)

say() { printf '==> %s\n' "$*"; }
die() { printf 'paytrack: %s\n' "$*" >&2; exit 1; }

# output_has PATTERN COMMAND...: COMMAND succeeds and prints a line matching PATTERN (grep -E).
# The output is captured first: grep -q closing the pipe early would fail the check under
# pipefail.
output_has() {
  local pattern=$1 out
  shift
  out=$("$@" 2>/dev/null) || return 1
  grep -qE -- "$pattern" <<<"$out"
}

rust_db_installed() {
  output_has "^secantusd-rs ${SECANTUS_RS_VERSION//./\\.}\$" "$CARGO_BIN/secantusd-rs" --version
}

# Compiles and installs the database's Rust build, optimised: every query of a run or a test
# goes through it. Its progress stays in the target directory, so a stopped build carries on
# where it got to.
install_rust_db() {
  cargo install secantus-mdb --version "$SECANTUS_RS_VERSION" --ignore-rust-version --locked \
    --target-dir "${PAYTRACK_DB_BUILD_DIR:-$CARGO_TARGET_DIR}"
}

# Which local database scripts/run starts on $PAYTRACK_DATA/db:
#   rs     the Rust build, installed;
#   py     the Python build, while the Rust build compiles in the background: only on a folder
#          no Rust build has written, because the Python build misreads the Rust build's
#          indexes (a sorted query over one came back empty);
#   build  the Rust build, compiled first: the folder holds the Rust build's data.
# $PAYTRACK_DATA/db.written-by says which build last opened the folder (scripts/run writes it
# before starting one); a folder with data and no such file predates it, when only the Rust
# build served runs. PAYTRACK_LOCAL_DB=rs or py chooses, where the folder allows it.
run_db_plan() {
  local folder=$PAYTRACK_DATA/db python_may=
  if [ -z "$(ls -A "$folder" 2>/dev/null)" ] || [ "$(cat "$PAYTRACK_DATA/db.written-by" 2>/dev/null)" = python ]; then
    python_may=1
  fi
  case "${PAYTRACK_LOCAL_DB:-}" in
    py)
      [ -n "$python_may" ] || die "$folder holds data the database's Rust build wrote, which its Python build cannot read: unset PAYTRACK_LOCAL_DB, or choose another folder with PAYTRACK_DATA_DIR."
      echo py ;;
    rs) if rust_db_installed; then echo rs; else echo build; fi ;;
    "")
      if rust_db_installed; then echo rs
      elif [ -n "$python_may" ]; then echo py
      else echo build; fi ;;
    *) die "PAYTRACK_LOCAL_DB must be rs or py, not '$PAYTRACK_LOCAL_DB'" ;;
  esac
}

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
    "$CARGO_BIN/secantusd-rs" --host 127.0.0.1 --port "$port" --storage-path "$storage" --log-level WARNING \
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

# stop_group PGID: stops every process of a process group (a build: cargo, rustc, cmake) the
# way stop_pid stops one.
stop_group() {
  stop_pid "-$1"
  wait "$1" 2>/dev/null || true
}

# stop_pid PID: SIGTERM, then SIGKILL if it has not gone after 10 seconds. A negative PID
# names a process group (kill's own rule).
stop_pid() {
  local pid=$1 i
  kill -0 -- "$pid" 2>/dev/null || return 0
  kill -TERM -- "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 -- "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  kill -KILL -- "$pid" 2>/dev/null || true
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
