#!/usr/bin/env bash
# scripts/run on a machine without the local database's Rust build, for real:
#   1. the first run serves from the Python build, compiles the Rust build in the background
#      and says when it is ready; then the machine crashes (kill -9 of everything);
#   2. the next run starts the Rust build on the Python build's folder, and crashes again as
#      soon as the database is up;
#   3. the run after that serves the same data (the session from run 1 still signs in) and
#      Ctrl-C leaves no process behind;
#   4. without the Rust build at hand, a folder it wrote waits for it to compile, and refuses
#      the Python build;
#   5. Ctrl-C during a background build stops the build and everything it started, keeps its
#      progress and installs nothing.
# scripts/test runs it after the end-to-end tests, whose build it reuses (LEPTOS_HASH_FILES).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"
cd "$PAYTRACK_ROOT"

work=$(mktemp -d)
RUN_PID=
cleanup() {
  [ -n "$RUN_PID" ] && kill -KILL -- "-$RUN_PID" 2>/dev/null
  # A build or database this test started has $work in its arguments.
  pkill -KILL -f "$work" 2>/dev/null || true
  rm -rf "$work"
  return 0
}
trap cleanup EXIT

fail() {
  printf 'first run: %s\n' "$1" >&2
  [ -n "${2:-}" ] && tail -n 30 "$2" >&2
  exit 1
}
pass() { printf 'first run: ok: %s\n' "$*"; }

# start_run LOG: scripts/run in a process group of its own, as a terminal runs it.
start_run() {
  setsid scripts/run >"$1" 2>&1 &
  RUN_PID=$!
}
# wait_log LOG PATTERN SECONDS
wait_log() {
  local deadline=$((SECONDS + $3))
  until grep -qsF -- "$2" "$1"; do
    ((SECONDS < deadline)) || fail "no \"$2\" after $3 s" "$1"
    kill -0 "$RUN_PID" 2>/dev/null || fail "scripts/run stopped before \"$2\"" "$1"
    sleep 0.5
  done
}
# interrupt LOG: Ctrl-C, to the run's whole process group; it must be gone within 30 s.
interrupt() {
  kill -INT -- "-$RUN_PID"
  local deadline=$((SECONDS + 30))
  while kill -0 "$RUN_PID" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "scripts/run still running 30 s after Ctrl-C" "$1"
    sleep 0.2
  done
  RUN_PID=
}
crash() {
  kill -KILL -- "-$RUN_PID"
  wait "$RUN_PID" 2>/dev/null || true
  RUN_PID=
}
ports_free() {
  local deadline=$((SECONDS + 15))
  while port_in_use "$app_port" || port_in_use "$db_port"; do
    ((SECONDS < deadline)) || fail "port $app_port or $db_port still in use"
    sleep 0.2
  done
}
# page PATH: fetches the signed-in page into $work/page.html; fails unless it answers 200.
page() {
  local status
  status=$(curl -sS -o "$work/page.html" -w '%{http_code}' -H "Cookie: $cookie" "$base$1")
  [ "$status" = 200 ] || fail "GET $1 answered $status"
}

app_port=$(free_port)
db_port=$(free_port)
base="http://127.0.0.1:$app_port"
export PAYTRACK_BIND_ADDR="127.0.0.1:$app_port" PAYTRACK_DB_PORT=$db_port
export CARGO_INSTALL_ROOT=$work/cargo PAYTRACK_DATA_DIR=$work/data
export LEPTOS_HASH_FILES=true
unset MONGODB_URI MONGODB_DATABASE PAYTRACK_LOCAL_DB PAYTRACK_DB_BUILD_DIR PAYTRACK_MASTER_KEY

# 1. The first run.
start_run "$work/run1.log"
wait_log "$work/run1.log" "PayTrack is running at $base" 900
grep -qF "starting the local database's Python build" "$work/run1.log" || fail "run 1 did not start the Python build" "$work/run1.log"
[ "$(cat "$work/data/db.written-by")" = python ] || fail "run 1 did not mark the folder as the Python build's"
email=first-run@paytrack.test
MONGODB_URI="mongodb://127.0.0.1:$db_port" PAYTRACK_MASTER_KEY=$(cat "$work/data/dev-master-key") \
  "$(server_binary)" seed --email "$email" --clients 3 --invoices 5 >/dev/null
cookie=$(python bench/lib/sign_in.py "$base" "mongodb://127.0.0.1:$db_port" paytrack "$email")
client=$(python -c 'import sys, html
from pymongo import MongoClient
print(html.escape(MongoClient(sys.argv[1]).paytrack.clients.find_one({}, sort=[("name", 1)])["name"]))' "mongodb://127.0.0.1:$db_port")
page /clients
grep -qF "$client" "$work/page.html" || fail "run 1's /clients does not show $client"
wait_log "$work/run1.log" "the local database's Rust build is ready" 900
[ -x "$work/cargo/bin/secantusd-rs" ] || fail "the background build installed no secantusd-rs"
crash
ports_free
pass "run 1 served from the Python build and installed the Rust build in the background"

# 2. The switch, crashed as soon as the Rust build has the folder open.
start_run "$work/run2.log"
wait_log "$work/run2.log" "starting the local database on 127.0.0.1:$db_port" 300
until port_in_use "$db_port"; do
  kill -0 "$RUN_PID" 2>/dev/null || fail "run 2 stopped" "$work/run2.log"
  sleep 0.05
done
pgrep -f "$work/cargo/bin/secantusd-rs .*$work/data/db" >/dev/null || fail "run 2 did not start the Rust build" "$work/run2.log"
crash
ports_free
[ "$(cat "$work/data/db.written-by")" = rust ] || fail "run 2 did not mark the folder as the Rust build's"
pass "run 2 started the Rust build on the Python build's folder and was killed"

# 3. The same data, and a clean stop.
start_run "$work/run3.log"
wait_log "$work/run3.log" "PayTrack is running at $base" 300
page /clients
grep -qF "$client" "$work/page.html" || fail "after the switch /clients does not show $client (signed in during run 1)"
page /invoices
grep -qF "compiling the local database's faster Rust build" "$work/run3.log" && fail "run 3 compiled the Rust build again" "$work/run3.log"
interrupt "$work/run3.log"
ports_free
pgrep -f "$work" >/dev/null && fail "processes left after Ctrl-C: $(pgrep -af "$work")"
pass "run 3 served run 1's data and session from the Rust build and stopped cleanly"

# 4. A folder the Rust build wrote, on a machine without it (a new version pinned, a new
#    CARGO_HOME): never the Python build, which misreads the Rust build's indexes.
export CARGO_INSTALL_ROOT=$work/cargo-new
if PAYTRACK_LOCAL_DB=py scripts/run >"$work/run-py.log" 2>&1; then
  fail "PAYTRACK_LOCAL_DB=py ran on the Rust build's folder" "$work/run-py.log"
fi
grep -qF "which its Python build cannot read" "$work/run-py.log" || fail "PAYTRACK_LOCAL_DB=py did not say why it refused" "$work/run-py.log"
pgrep -f "$work/data/db" >/dev/null && fail "PAYTRACK_LOCAL_DB=py started a database on the Rust build's folder"
start_run "$work/run-new.log"
wait_log "$work/run-new.log" "PayTrack is running at $base" 900
grep -qF "building the local database" "$work/run-new.log" || fail "the Rust build was not built first" "$work/run-new.log"
grep -qF "Python build" "$work/run-new.log" && fail "the Python build was used on the Rust build's folder" "$work/run-new.log"
page /clients
grep -qF "$client" "$work/page.html" || fail "with the rebuilt Rust build /clients does not show $client"
interrupt "$work/run-new.log"
ports_free
pass "a folder the Rust build wrote gets the Rust build, compiled first, and never the Python build"

# 5. Ctrl-C while the Rust build compiles: a fresh folder, install root and target directory.
export CARGO_INSTALL_ROOT=$work/cargo4 PAYTRACK_DATA_DIR=$work/data4 PAYTRACK_DB_BUILD_DIR=$work/db-target
start_run "$work/run4.log"
wait_log "$work/run4.log" "compiling the local database's faster Rust build in the background" 300
deadline=$((SECONDS + 600))
until compgen -G "$work/db-target/release/deps/*.rlib" >/dev/null; do
  ((SECONDS < deadline)) || fail "the background build compiled nothing in 600 s" "$work/data4/db-build.log"
  sleep 0.5
done
pgrep -f "$work/db-target" >/dev/null || fail "no build process to stop"
interrupt "$work/run4.log"
grep -qF "stopped compiling the database's Rust build" "$work/run4.log" || fail "run 4 did not say it stopped the build" "$work/run4.log"
pgrep -f "$work" >/dev/null && fail "processes left after Ctrl-C during the build: $(pgrep -af "$work")"
compgen -G "$work/db-target/release/deps/*.rlib" >/dev/null || fail "the stopped build's progress is gone"
[ -e "$work/cargo4/bin/secantusd-rs" ] && fail "a stopped build installed secantusd-rs"
ports_free
pass "Ctrl-C stopped the background build and every process it started, and kept its progress"
